"""Required tags/labels on every taggable resource (cost allocation and data governance)."""

from __future__ import annotations

from collections.abc import Callable

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, Rule, fail, not_applicable, passed, rule

TAGGABLE = ["bucket", "key", "container_registry", "model_registry", "endpoint", "training", "batch", "workspace",
            "log_store", "backup", "monitor", "network"]


def _required(tag: str) -> Callable[[Fact, PolicyContext], Outcome]:
    def check(fact: Fact, context: PolicyContext) -> Outcome:
        if not fact.has("labels"):
            return not_applicable("not taggable")
        value = (fact.get("labels") or {}).get(tag)
        if not value:
            return fail(f"labels.{tag}", f"missing tag {tag}")
        return passed()
    return check


tag_owner: Rule = rule("tag-owner", "Resources carry an owner tag", TAGGABLE)(_required("owner"))
tag_cost_center: Rule = rule("tag-cost-center", "Resources carry a cost-center tag", TAGGABLE)(_required("cost-center"))
tag_data_classification: Rule = rule("tag-data-classification", "Resources carry a data-classification tag",
                                     TAGGABLE)(_required("data-classification"))
