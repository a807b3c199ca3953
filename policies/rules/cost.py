"""Cost guards: instance allowlist, GPU caps, scale-to-zero, runtime limits, budgets."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, rule, unknown


@rule("instance-type-allowed", "Instance types are on the environment's allowlist", ["endpoint", "training", "batch"])
def instance_type_allowed(fact: Fact, context: PolicyContext) -> Outcome:
    """An explicit allowlist (policy config) wins; otherwise catalog types within the environment's vCPU cap."""
    if not fact.has("instance_type"):
        return not_applicable()
    name = fact.get("instance_type")
    if name is None:
        return unknown("instance_type", "cannot tell the instance type")
    explicit = context.settings.allowed_instance_types.get(context.environment)
    if explicit is not None:
        if name in explicit:
            return passed()
        return fail("instance_type", f"{name} is not allowed in {context.environment}")
    vcpus = context.instance_vcpus.get(name)
    if vcpus is None:
        return unknown("instance_type", f"{name} is not in the instance catalog")
    cap = context.settings.max_vcpu.get(context.environment)
    if cap is not None and vcpus > cap:
        return fail("instance_type", f"{name} has {vcpus} vCPUs, more than {cap} allowed in {context.environment}")
    return passed()


@rule("gpu-count-cap", "GPUs at full scale stay under the environment's cap", ["endpoint", "training", "batch"])
def gpu_count_cap(fact: Fact, context: PolicyContext) -> Outcome:
    """GPUs dominate ML bills: per-instance GPUs x maximum instances."""
    if not fact.has("gpu_count"):
        return not_applicable()
    gpus, instances = fact.get("gpu_count"), fact.get("max_instances")
    if gpus is None or instances is None:
        return unknown("gpu_count", "cannot tell GPUs at full scale")
    cap = context.settings.max_gpus.get(context.environment, 0)
    total = gpus * instances
    if total > cap:
        return fail("gpu_count", f"{total} GPUs at full scale, more than {cap} in {context.environment}")
    return passed()


@rule("endpoint-max-instances-cap", "Endpoint autoscaling is bounded for the environment", ["endpoint"])
def endpoint_max_instances_cap(fact: Fact, context: PolicyContext) -> Outcome:
    """An unbounded scale-out is an unbounded bill."""
    count = fact.get("max_instances")
    if count is None:
        return unknown("max_instances", "cannot tell the maximum instance count")
    cap = context.settings.max_endpoint_instances.get(context.environment)
    if cap is not None and count > cap:
        return fail("max_instances", f"scales to {count} instances, more than {cap} in {context.environment}")
    return passed()


@rule("training-scale-to-zero", "Training compute scales to zero when idle", ["training"])
def training_scale_to_zero(fact: Fact, context: PolicyContext) -> Outcome:
    """Idle clusters cost as much as busy ones."""
    if not fact.has("scale_to_zero"):
        return not_applicable()
    value = fact.get("scale_to_zero")
    if value is None:
        return unknown("scale_to_zero", "cannot tell whether training compute scales to zero")
    return passed() if value else fail("scale_to_zero", "training compute keeps nodes running when idle")


@rule("training-max-runtime", "Training jobs have a hard runtime limit", ["training"])
def training_max_runtime(fact: Fact, context: PolicyContext) -> Outcome:
    """A hung job must not bill for days."""
    if not fact.has("max_runtime_minutes"):
        return not_applicable()
    return passed() if fact.get("max_runtime_minutes") else fail("max_runtime_minutes", "training job has no runtime limit")


@rule("budget-within-limit", "The estimated monthly cost is within budget.monthlyLimitUsd", ["budget"], scope="stack")
def budget_within_limit(facts: Sequence[Fact], context: PolicyContext) -> Outcome:
    """The offline estimate (baseline: min instances x 730 h) against the spec's limit. With
    unpriced components the estimate is a lower bound: over the limit still fails, under it
    is unknown, never a pass."""
    limit = context.budget_limit_usd
    if limit is None:
        return not_applicable("no budget in the spec")
    estimate = context.estimated_monthly_usd
    if estimate is None:
        return unknown("budget.monthlyLimitUsd", "no cost estimate is available")
    if estimate > Decimal(str(limit)):
        return fail("budget.monthlyLimitUsd",
                    f"estimated ${estimate:.2f} per month exceeds the ${limit:.2f} budget")
    if context.unpriced_components:
        return unknown("budget.monthlyLimitUsd",
                       f"estimated ${estimate:.2f} per month without {context.unpriced_components} unpriced "
                       f"component(s): cannot tell whether the ${limit:.2f} budget holds")
    return passed()


@rule("budget-present", "A budget with alerts exists when the spec sets one", ["budget"], scope="stack")
def budget_present(facts: Sequence[Fact], context: PolicyContext) -> Outcome:
    """The spec's monthly limit must exist in the cloud's billing, with alerts."""
    if context.budget_limit_usd is None:
        return not_applicable("no budget in the spec")
    budgets = [f for f in facts if f.kind == "budget"]
    if not budgets:
        return fail("budget", "no budget is deployed")
    if not any(f.get("alert_thresholds") for f in budgets):
        return fail("budget.alertThresholdsPercent", "budget has no alert thresholds")
    return passed()
