"""Backups: present in prod, retained long enough, copied to a second region when required."""

from __future__ import annotations

from collections.abc import Sequence

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, rule, unknown


@rule("backup-present", "Production stacks have backups", ["backup"], scope="stack")
def backup_present(facts: Sequence[Fact], context: PolicyContext) -> Outcome:
    """Versioning does not survive an account compromise; a backup does."""
    if not context.is_prod and not context.backups_requested:
        return not_applicable("not prod")
    if not any(f.kind == "backup" for f in facts):
        return fail("backups", "no backup is configured")
    if context.backup_targets == ():
        return fail("backups.targets", "backups select no targets: nothing is backed up")
    return passed()


@rule("backup-retention", "Backups are kept at least the preset's minimum", ["backup"])
def backup_retention(fact: Fact, context: PolicyContext) -> Outcome:
    """Retention shorter than detection time is no backup."""
    if not fact.has("retention_days"):
        return not_applicable()
    days = fact.get("retention_days")
    if days is None:
        return unknown("retention_days", "cannot tell the backup retention")
    minimum = context.settings.min_backup_retention_days
    if days < minimum:
        return fail("retention_days", f"backups are kept {days} days, less than {minimum}")
    return passed()


@rule("backup-cross-region", "Backups are copied to a second region when required", ["backup"])
def backup_cross_region(fact: Fact, context: PolicyContext) -> Outcome:
    """A regional outage must not take the backups with it."""
    if not (context.cross_region_requested or context.settings.cross_region_backup):
        return not_applicable("cross-region copies not required")
    if not fact.has("cross_region"):
        return not_applicable()
    value = fact.get("cross_region")
    if value is None:
        return unknown("cross_region", "cannot tell whether backups leave the region")
    return passed() if value else fail("cross_region", "backups stay in the primary region")
