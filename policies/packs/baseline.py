"""The baseline pack: every rule, its default severity/enforcement and its public anchors.

Anchors are public ids of equivalent checks: Checkov (CKV_*), AWS Config managed rule
identifiers, AWS Security Hub controls, Azure Policy built-in definition display names.
Only ids checked against their source are listed; a rule without a known equivalent has none.
"""

from __future__ import annotations

from mlopskit.policies.packs import Pack, PackEntry as E

M, A = "mandatory", "advisory"

ENTRIES: dict[str, E] = {
    "storage-cmk": E("high", A, ("CKV_AWS_145", "AWS Config: s3-default-encryption-kms",
                                 "Azure Policy: Storage accounts should use customer-managed key for encryption")),
    "container-registry-cmk": E("medium", A, ("CKV_AWS_136",
                                              "Azure Policy: Container registries should be encrypted with a customer-managed key")),
    "model-registry-cmk": E("medium", A),
    "endpoint-cmk": E("high", A, ("CKV_AWS_98", "AWS Config: sagemaker-endpoint-config-kms-key-required",
                                  "Azure Policy: Azure Machine Learning workspaces should be encrypted with a customer-managed key")),
    "data-capture-cmk": E("high", A),
    "monitoring-output-cmk": E("medium", A),
    "training-cmk": E("high", A),
    "batch-output-cmk": E("high", A),
    "workspace-cmk": E("high", A, ("Azure Policy: Azure Machine Learning workspaces should be encrypted with a customer-managed key",)),
    "backup-cmk": E("medium", A, ("CKV_AWS_166",)),
    "key-rotation": E("high", M, ("CKV_AWS_7", "CKV_GCP_43", "AWS Security Hub: KMS.4",
                                  "AWS Config: cmk-backing-key-rotation-enabled")),
    "key-deletion-protection": E("high", M, ("CKV_GCP_82", "CKV_AZURE_110", "AWS Security Hub: KMS.3",
                                             "Azure Policy: Key vaults should have deletion protection enabled")),
    "key-no-public-access": E("critical", M, ("Azure Policy: Azure Key Vault should disable public network access",)),
    "storage-no-public-access": E("critical", M, ("CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV_GCP_114",
                                                  "AWS Security Hub: S3.8",
                                                  "Azure Policy: Storage account public access should be disallowed")),
    "container-registry-no-public-access": E("high", M, (
        "Azure Policy: Container registries should not allow unrestricted network access",)),
    "model-registry-no-public-access": E("high", M),
    "endpoint-no-public-access": E("high", M, ("CKV_AZURE_144",
                                               "Azure Policy: Azure Machine Learning Workspaces should disable public network access")),
    "ml-network-private": E("high", M, ("Azure Policy: Azure Machine Learning workspaces should use private link",)),
    "endpoint-private-network": E("high", M),
    "batch-private-network": E("medium", M),
    "training-private-network": E("medium", M, ("Azure Policy: Azure Machine Learning Computes should be in a virtual network",)),
    "endpoint-network-isolation": E("medium", A, ("AWS Config: sagemaker-model-isolation-enabled",)),
    "storage-tls-only": E("high", M, ("CKV_AZURE_3", "AWS Security Hub: S3.5", "AWS Config: s3-bucket-ssl-requests-only",
                                      "Azure Policy: Secure transfer to storage accounts should be enabled")),
    "storage-versioning": E("medium", M, ("CKV_AWS_21", "CKV_GCP_78", "AWS Security Hub: S3.14",
                                          "AWS Config: s3-bucket-versioning-enabled")),
    "storage-retention": E("medium", A),
    "container-immutable-tags": E("medium", A, ("CKV_AWS_51", "AWS Security Hub: ECR.2",
                                                "AWS Config: ecr-private-tag-immutability-enabled")),
    "container-scan-on-push": E("medium", A, ("CKV_AWS_163", "AWS Security Hub: ECR.1",
                                              "AWS Config: ecr-private-image-scanning-enabled")),
    "audit-trail-present": E("high", M, ("CKV_AWS_67", "AWS Security Hub: CloudTrail.1", "AWS Config: cloudtrail-enabled")),
    "audit-data-events": E("medium", A, ("AWS Config: cloudtrail-s3-dataevents-enabled",)),
    "audit-log-retention": E("medium", A),
    "storage-access-logging": E("medium", A, ("CKV_AWS_18", "CKV_GCP_62", "AWS Security Hub: S3.9",
                                              "AWS Config: s3-bucket-logging-enabled")),
    "endpoint-audit-logging": E("medium", A),
    "endpoint-alarms": E("medium", A),
    "iam-no-wildcard-actions": E("high", M, ("AWS Security Hub: IAM.21", "AWS Config: iam-policy-no-statements-with-full-access",
                                             "CKV_K8S_49")),
    "iam-no-admin-roles": E("critical", M, ("CKV_AWS_274", "AWS Security Hub: IAM.1",
                                            "AWS Config: iam-policy-no-statements-with-admin-access")),
    "iam-trust-restricted": E("critical", M),
    "iam-resource-scoped": E("medium", A),
    "iam-no-all-powerful-role": E("high", M),
    "endpoint-auth-required": E("high", M),
    "tag-owner": E("low", A, ("AWS Config: required-tags", "Azure Policy: Require a tag on resources")),
    "tag-cost-center": E("low", A, ("AWS Config: required-tags", "Azure Policy: Require a tag on resources")),
    "tag-data-classification": E("medium", A, ("AWS Config: required-tags", "Azure Policy: Require a tag on resources")),
    "data-residency": E("critical", M, ("Azure Policy: Allowed locations",)),
    "prod-protect-data": E("high", M),
    "prod-endpoint-ha": E("high", M, ("AWS Config: sagemaker-endpoint-config-prod-instance-count",)),
    "deployment-auto-rollback": E("medium", A),
    "backup-present": E("high", M),
    "backup-retention": E("high", M, ("AWS Config: backup-plan-min-frequency-and-min-retention-check",)),
    "backup-cross-region": E("medium", M, ("AWS Config: s3-bucket-replication-enabled",)),
    "data-capture-classification": E("critical", M),
    "data-capture-sampling": E("medium", A),
    "drift-monitoring": E("medium", A),
    "endpoint-quality-monitoring": E("medium", A),
    "endpoint-bias-monitoring": E("medium", A),
    "instance-type-allowed": E("medium", A),
    "gpu-count-cap": E("medium", A),
    "endpoint-max-instances-cap": E("low", A),
    "training-scale-to-zero": E("medium", A),
    "training-max-runtime": E("low", A),
    "budget-present": E("medium", A),
    "budget-within-limit": E("high", M),
    # Checkov has no check on delete-marker replication; CKV2_AWS_61 (a lifecycle on every bucket) is
    # what caught the replica without one.
    "copy-receives-deletes": E("high", M),
    "copy-retention-within-source": E("high", M, ("CKV2_AWS_61",)),
    # Advisory: Azure reports it unknown until the kit builds VNet flow logs (providers/azure/facts.py).
    "network-flow-logs": E("medium", A, ("CKV2_AWS_11", "CKV_GCP_26")),
    "network-default-closed": E("medium", M, ("CKV2_AWS_12", "CIS Kubernetes 5.3.2: default-deny NetworkPolicy")),
    "workload-non-root": E("high", M, ("CKV_K8S_23", "Pod Security restricted: runAsNonRoot")),
    "workload-no-privilege-escalation": E("high", M, ("CKV_K8S_20", "Pod Security restricted: allowPrivilegeEscalation")),
    "workload-resource-limits": E("medium", M, ("CKV_K8S_11", "CKV_K8S_13")),
    # Advisory: the serving runtime's image is KServe's choice (its ServingRuntime), which the kit does not pin.
    "workload-image-digest": E("medium", A, ("CKV_K8S_43",)),
    "audit-store-access-logging": E("medium", A, ("CKV_AWS_18",)),
    "audit-streamed": E("medium", A, ("CKV2_AWS_10",)),
    "audit-cmk": E("medium", A, ("CKV_AWS_35",)),
    "alarm-notifications-encrypted": E("medium", A, ("CKV_AWS_26",)),
    "schedule-cmk": E("low", A, ("CKV_AWS_297",)),
}

BASELINE = Pack("baseline", ENTRIES)
