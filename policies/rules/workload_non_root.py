"""Workload containers run as a non-root user."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("workload-non-root", "Workload containers run as a non-root user", ["endpoint", "training", "batch", "monitor"])
def workload_non_root(fact: Fact, context: PolicyContext) -> Outcome:
    """A container running as root owns its node's kernel surface if it escapes (CKV_K8S_23; Pod Security restricted)."""
    return require(fact, "runs_as_non_root", "a container may run as root")
