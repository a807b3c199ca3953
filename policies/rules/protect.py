"""Deletion protection (Pulumi ``protect``) on data-bearing resources in prod."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, rule

DATA_BEARING = ["bucket", "key", "container_registry", "model_registry", "backup", "workspace"]


@rule("prod-protect-data", "Data-bearing resources are protected from deletion in prod", DATA_BEARING)
def prod_protect_data(fact: Fact, context: PolicyContext) -> Outcome:
    """``pulumi destroy`` or a rename must not delete production data."""
    if not context.is_prod:
        return not_applicable("not prod")
    return passed() if fact.protect else fail("protect", "data-bearing resource is not protected")
