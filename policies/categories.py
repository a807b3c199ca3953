"""What each rule guards: security, cost, reliability or governance.

Code scanning files a result as a security alert when its rule carries ``security-severity``; only
the security rules carry it, so a budget overrun or a missing tag is a plain warning or error there,
not a "High" security alert. Every rule is listed here on purpose (a test checks it): a new rule's
category is a decision, not a default.
"""

from __future__ import annotations

CATEGORIES = ("security", "cost", "reliability", "governance")

_COST = ("instance-type-allowed", "gpu-count-cap", "endpoint-max-instances-cap", "training-scale-to-zero",
         "training-max-runtime", "budget-present", "budget-within-limit")
_RELIABILITY = ("prod-endpoint-ha", "deployment-auto-rollback", "backup-present", "backup-retention", "backup-cross-region",
                "endpoint-alarms", "drift-monitoring", "endpoint-quality-monitoring", "storage-versioning", "storage-retention",
                "prod-protect-data",
                # an unbounded container starves its neighbours: availability first (the quota side is the budget's)
                "workload-resource-limits")
_GOVERNANCE = ("copy-receives-deletes", "copy-retention-within-source", "tag-owner", "tag-cost-center", "tag-data-classification", "data-residency", "audit-log-retention",
               "data-capture-classification", "data-capture-sampling", "endpoint-bias-monitoring")
_SECURITY = ("storage-cmk", "container-registry-cmk", "model-registry-cmk", "endpoint-cmk", "data-capture-cmk",
             "monitoring-output-cmk", "training-cmk", "batch-output-cmk", "workspace-cmk", "backup-cmk", "key-rotation",
             "key-deletion-protection", "key-no-public-access", "storage-no-public-access",
             "container-registry-no-public-access", "model-registry-no-public-access", "endpoint-no-public-access",
             "ml-network-private", "endpoint-private-network", "training-private-network", "batch-private-network",
             "endpoint-network-isolation", "storage-tls-only", "container-immutable-tags", "container-scan-on-push",
             "audit-trail-present", "audit-data-events", "storage-access-logging", "endpoint-audit-logging",
             "iam-no-wildcard-actions", "iam-no-admin-roles", "iam-trust-restricted", "iam-resource-scoped",
             "iam-no-all-powerful-role", "endpoint-auth-required", "alarm-notifications-encrypted", "audit-cmk",
             "audit-store-access-logging", "audit-streamed", "network-flow-logs", "network-default-closed",
             "schedule-cmk",
             # a pod's hardening (Pod Security "restricted"; a tag pushed again swaps the code under a running stack)
             "workload-image-digest", "workload-no-privilege-escalation", "workload-non-root")

CATEGORY: dict[str, str] = {
    **dict.fromkeys(_SECURITY, "security"), **dict.fromkeys(_COST, "cost"),
    **dict.fromkeys(_RELIABILITY, "reliability"), **dict.fromkeys(_GOVERNANCE, "governance"),
}


def category(rule_id: str) -> str:
    """The rule's category; an unlisted rule is treated as security (the strictest) until it is listed."""
    return CATEGORY.get(rule_id, "security")
