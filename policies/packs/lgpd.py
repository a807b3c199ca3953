"""LGPD preset: Brazilian residency, customer-managed keys, audit logs kept at least a year."""

from __future__ import annotations

from mlopskit.policies.packs import Pack, PackEntry as E

M = "mandatory"

LGPD = Pack(
    "lgpd",
    {
        "data-residency": E("critical", M),  # art. 33: international transfer
        "storage-cmk": E("high", M), "endpoint-cmk": E("high", M), "data-capture-cmk": E("critical", M),
        "training-cmk": E("high", M), "batch-output-cmk": E("high", M), "workspace-cmk": E("high", M), "container-registry-cmk": E("medium", M),
        "monitoring-output-cmk": E("medium", M),
        "key-rotation": E("high", M),
        "audit-trail-present": E("high", M), "audit-data-events": E("high", M),  # art. 37 records
        "audit-log-retention": E("high", M),
        "backup-retention": E("high", M), "backup-present": E("high", M),
        "data-capture-classification": E("critical", M), "data-capture-sampling": E("high", M),  # art. 6 III
        "tag-data-classification": E("medium", M),
        "endpoint-audit-logging": E("medium", M),
    },
    settings={
        "residency": frozenset({"br"}),
        "max_key_rotation_days": 90,
        "min_audit_retention_days": 365,
        "min_backup_retention_days": 30,
        "min_storage_retention_days": 30,
        "max_sampling_percent": 25.0,
    },
)
