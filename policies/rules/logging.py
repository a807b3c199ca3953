"""Audit trails, access logging and alerting."""

from __future__ import annotations

from collections.abc import Sequence

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, require, rule, unknown


@rule("audit-trail-present", "An audit trail records management and data access", ["audit"], scope="stack")
def audit_trail_present(facts: Sequence[Fact], context: PolicyContext) -> Outcome:
    """GDPR art. 30 / LGPD art. 37: processing must be traceable."""
    audits = [f for f in facts if f.kind == "audit"]
    if not audits:
        return fail("audit", "no audit trail is configured")
    return passed()


@rule("audit-data-events", "Audit logs include data-access events", ["audit"])
def audit_data_events(fact: Fact, context: PolicyContext) -> Outcome:
    """Management events alone do not show who read personal data."""
    return require(fact, "data_events", "audit configuration records no data-access events")


@rule("audit-log-retention", "Audit logs are kept at least the preset's minimum", ["log_store"])
def audit_log_retention(fact: Fact, context: PolicyContext) -> Outcome:
    """Investigations need logs older than the incident."""
    if not fact.has("retention_days"):
        return not_applicable()
    days = fact.get("retention_days")
    if days is None:
        return unknown("retention_days", "cannot tell how long audit logs are kept")
    minimum = context.settings.min_audit_retention_days
    if days < minimum:
        return fail("retention_days", f"audit logs are kept {days} days, less than {minimum}")
    return passed()


@rule("storage-access-logging", "Access to data buckets is logged", ["bucket"])
def storage_access_logging(fact: Fact, context: PolicyContext) -> Outcome:
    """Who read which object; log buckets themselves are exempt (they would log themselves)."""
    if fact.get("purpose") in ("access-logs", "audit-logs"):
        return not_applicable("log destination")
    return require(fact, "access_logging", "bucket access is not logged")


@rule("endpoint-audit-logging", "Endpoint invocations and changes are audit-logged", ["endpoint"])
def endpoint_audit_logging(fact: Fact, context: PolicyContext) -> Outcome:
    """Scoring calls process personal data."""
    return require(fact, "audit_logging", "endpoint calls are not audit-logged")


@rule("endpoint-alarms", "Endpoints have alarms wired to notifications", ["endpoint"])
def endpoint_alarms(fact: Fact, context: PolicyContext) -> Outcome:
    """Someone must hear about errors and latency."""
    return require(fact, "alarms", "endpoint has no alarm that notifies anyone", ok=lambda value: value > 0)
