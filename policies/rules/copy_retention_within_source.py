"""A copy of stack data (replica, backup) keeps it no longer than the source does."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, rule, unknown


@rule("copy-retention-within-source", "Replicas and backups keep data no longer than their source", ["bucket", "backup"])
def copy_retention_within_source(fact: Fact, context: PolicyContext) -> Outcome:
    """GDPR art. 5(1)(e): a copy outliving the source's retention is an unbounded copy of personal data."""
    if not fact.has("source_retention_days"):
        return not_applicable("not a copy")
    days, source = fact.get("retention_days"), fact.get("source_retention_days")
    if days is None or source is None:
        return unknown("retention_days", "cannot tell how long the copy or its source keeps data")
    if days > source:
        return fail("retention_days", f"the copy keeps data {days} days, longer than its source ({source})")
    return passed()
