"""Object storage: transport security, versioning and retention."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, require, rule, unknown


@rule("storage-tls-only", "Buckets refuse unencrypted transport", ["bucket"])
def storage_tls_only(fact: Fact, context: PolicyContext) -> Outcome:
    """Data in transit is encrypted."""
    return require(fact, "tls_only", "bucket accepts plain-HTTP requests")


@rule("storage-versioning", "Data buckets keep object versions", ["bucket"])
def storage_versioning(fact: Fact, context: PolicyContext) -> Outcome:
    """Versions recover from overwrite and ransomware; backup copies made by snapshot are exempt."""
    if fact.get("purpose") == "backup":
        return not_applicable("backup copies are immutable snapshots")
    return require(fact, "versioning", "bucket versioning is off")


@rule("storage-retention", "Deleted or overwritten data stays recoverable for the preset's minimum", ["bucket"])
def storage_retention(fact: Fact, context: PolicyContext) -> Outcome:
    """A recovery window long enough to notice a mistake."""
    if not fact.has("retention_days"):
        return not_applicable()
    days = fact.get("retention_days")
    if days is None:
        return unknown("retention_days", "cannot tell how long deleted data stays recoverable")
    minimum = context.settings.min_storage_retention_days
    if days < minimum:
        return fail("retention_days", f"deleted data is kept {days} days, less than {minimum}")
    return passed()
