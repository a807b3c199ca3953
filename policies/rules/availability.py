"""Production availability: redundant instances and automatic rollback."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, require, rule, unknown


@rule("prod-endpoint-ha", "Production endpoints run at least 2 instances", ["endpoint"])
def prod_endpoint_ha(fact: Fact, context: PolicyContext) -> Outcome:
    """One instance is one zone failure away from an outage."""
    if not context.is_prod:
        return not_applicable("not prod")
    count = fact.get("min_instances")
    if count is None:
        return unknown("min_instances", "cannot tell the minimum instance count")
    if count < 2:
        return fail("min_instances", f"runs {count} instance(s) at minimum, fewer than 2")
    return passed()


@rule("deployment-auto-rollback", "Production rollouts roll back automatically on alarms", ["endpoint"])
def deployment_auto_rollback(fact: Fact, context: PolicyContext) -> Outcome:
    """A bad model must not wait for a human at night."""
    if not context.is_prod:
        return not_applicable("not prod")
    return require(fact, "auto_rollback", "rollouts are not rolled back automatically")
