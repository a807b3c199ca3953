"""GDPR preset: EU residency, customer-managed keys everywhere, retention and audit enforced."""

from __future__ import annotations

from mlopskit.policies.packs import Pack, PackEntry as E

M = "mandatory"

GDPR = Pack(
    "gdpr",
    {
        "data-residency": E("critical", M),  # art. 44-49: transfers outside the EU
        "storage-cmk": E("high", M), "endpoint-cmk": E("high", M), "data-capture-cmk": E("critical", M),
        "training-cmk": E("high", M), "batch-output-cmk": E("high", M), "workspace-cmk": E("high", M), "container-registry-cmk": E("medium", M),
        "monitoring-output-cmk": E("medium", M),
        "key-rotation": E("high", M),
        "audit-trail-present": E("high", M), "audit-data-events": E("high", M),  # art. 30 records
        "audit-log-retention": E("high", M), "storage-retention": E("medium", M),
        "backup-retention": E("high", M), "backup-present": E("high", M),  # art. 32(1)(c) restore availability
        "data-capture-classification": E("critical", M), "data-capture-sampling": E("high", M),  # art. 5(1)(c)
        "tag-data-classification": E("medium", M),
        "endpoint-audit-logging": E("medium", M),
        # art. 17 / 5(1)(e): an erasure reaches every copy, and no copy outlives the source's retention.
        "copy-receives-deletes": E("high", M), "copy-retention-within-source": E("high", M),
    },
    settings={
        "residency": frozenset({"eu"}),
        "max_key_rotation_days": 90,
        "min_audit_retention_days": 365,
        "min_backup_retention_days": 30,
        "min_storage_retention_days": 30,
        "max_sampling_percent": 25.0,
    },
)
