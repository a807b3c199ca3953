"""Workload containers cannot escalate privileges."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("workload-no-privilege-escalation", "Workload containers cannot escalate privileges", ["endpoint", "training", "batch", "monitor"])
def workload_no_privilege_escalation(fact: Fact, context: PolicyContext) -> Outcome:
    """setuid binaries would give the process more than it was started with (CKV_K8S_20; Pod Security restricted)."""
    return require(fact, "privilege_escalation", "a container may escalate its privileges", lambda v: not v)
