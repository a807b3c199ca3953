"""Access to the audit log store is itself logged."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, not_applicable, require, rule


@rule("audit-store-access-logging", "Access to the audit log bucket is logged", ["bucket"])
def audit_store_access_logging(fact: Fact, context: PolicyContext) -> Outcome:
    """Who read or removed audit records is evidence too (storage-access-logging exempts log buckets)."""
    if fact.get("purpose") != "audit-logs":
        return not_applicable("not the audit log store")
    return require(fact, "access_logging", "access to the audit log bucket is not logged")
