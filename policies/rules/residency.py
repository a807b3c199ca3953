"""Data residency: every regional resource sits inside the allowed regions."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, rule, unknown

REGIONAL = ["bucket", "key", "container_registry", "model_registry", "endpoint", "monitor", "training",
            "batch", "workspace", "log_store", "backup"]


@rule("data-residency", "Regional resources stay inside the allowed regions", REGIONAL)
def data_residency(fact: Fact, context: PolicyContext) -> Outcome:
    """compliance.allowedRegions wins; otherwise the preset's jurisdictions (gdpr: EU, lgpd: Brazil)."""
    settings = context.settings
    if not settings.allowed_regions and not settings.residency:
        return not_applicable("no residency requirement")
    if fact.region is None:
        return not_applicable("not a regional resource")
    if settings.allowed_regions:
        if fact.region in settings.allowed_regions:
            return passed()
        return fail("region", f"region {fact.region} is not in allowedRegions ({', '.join(settings.allowed_regions)})")
    if fact.jurisdiction is None:
        return unknown("region", f"jurisdiction of region {fact.region} is unknown")
    if fact.jurisdiction in settings.residency:
        return passed()
    return fail("region", f"region {fact.region} is outside {'/'.join(sorted(settings.residency))}")
