"""Endpoints require the cloud's identity-based authentication."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("endpoint-auth-required", "Endpoints require identity-based authentication", ["endpoint"])
def endpoint_auth_required(fact: Fact, context: PolicyContext) -> Outcome:
    """Static keys leak; identity tokens expire and are attributable."""
    return require(fact, "auth_required", "endpoint accepts calls without identity-based authentication")
