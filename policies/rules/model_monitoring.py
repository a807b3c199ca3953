"""Model monitoring: drift and quality against ground truth in production, bias on sensitive data."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, not_applicable, require, rule


@rule("drift-monitoring", "Production endpoints compare their requests with a baseline for drift", ["endpoint"])
def drift_monitoring(fact: Fact, context: PolicyContext) -> Outcome:
    """A model degrades silently when the data it serves moves away from what it learnt from:
    drift is the first signal that needs no labels. An endpoint without a drift monitor (none in
    the spec, or one not built yet because no model version is approved) fails."""
    if not context.is_prod:
        return not_applicable(f"a {context.environment} stack")
    return require(fact, "drift_monitored", "prod endpoint has no drift monitoring of its requests")


@rule("endpoint-quality-monitoring", "Production endpoints check their predictions against ground truth", ["endpoint"])
def endpoint_quality_monitoring(fact: Fact, context: PolicyContext) -> Outcome:
    """Drift says the inputs moved; only labels say the model got worse. A cloud that cannot
    compare with ground truth reports False (the kit builds nothing), so the rule fails there."""
    if not context.is_prod:
        return not_applicable(f"a {context.environment} stack")
    return require(fact, "quality_monitored", "prod endpoint has no model-quality monitoring against ground truth")


# Classifications whose data is about people closely enough that a model's outcomes per group are watched.
BIAS_CLASSIFICATIONS = frozenset({"confidential", "restricted"})


@rule("endpoint-bias-monitoring", "Endpoints serving confidential or restricted data watch their bias", ["endpoint"])
def endpoint_bias_monitoring(fact: Fact, context: PolicyContext) -> Outcome:
    """A model scoring sensitive data can treat groups unequally while its accuracy holds: its
    bias metrics per sensitive facet are computed on a schedule. A cloud that cannot compute them
    reports False (the kit builds nothing), so the rule fails there."""
    if context.classification not in BIAS_CLASSIFICATIONS:
        return not_applicable(f"{context.classification} data")
    return require(fact, "bias_monitored", f"endpoint serving {context.classification} data has no bias monitoring")
