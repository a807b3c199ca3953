"""Workload containers set cpu and memory limits."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("workload-resource-limits", "Workload containers set cpu and memory limits", ["endpoint", "training", "batch", "monitor"])
def workload_resource_limits(fact: Fact, context: PolicyContext) -> Outcome:
    """An unbounded container starves its neighbours and escapes the budget's quota (CKV_K8S_11, CKV_K8S_13)."""
    return require(fact, "resource_limits", "a container sets no cpu or memory limit")
