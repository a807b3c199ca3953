"""Audit events reach the log service where alerts can watch them."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("audit-streamed", "Audit events reach the log service where alerts can watch them", ["audit"])
def audit_streamed(fact: Fact, context: PolicyContext) -> Outcome:
    """Files in a bucket are read after the fact; metric filters on a log stream alert while it happens."""
    return require(fact, "streamed", "audit events are not delivered to the log service")
