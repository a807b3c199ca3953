"""Model monitoring beyond drift: quality against ground truth in production."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, not_applicable, require, rule


@rule("endpoint-quality-monitoring", "Production endpoints check their predictions against ground truth", ["endpoint"])
def endpoint_quality_monitoring(fact: Fact, context: PolicyContext) -> Outcome:
    """Drift says the inputs moved; only labels say the model got worse. A cloud that cannot
    compare with ground truth reports False (the kit builds nothing), so the rule fails there."""
    if not context.is_prod:
        return not_applicable(f"a {context.environment} stack")
    return require(fact, "quality_monitored", "prod endpoint has no model-quality monitoring against ground truth")
