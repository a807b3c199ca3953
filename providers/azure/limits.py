"""What Azure cannot honour as a spec asks, decided from the spec alone: the warnings
`mlopskit validate --provider azure` reports and the build repeats (providers/azure/build.py).

Kept away from the SDK-importing components (as providers/aws/limits.py is), so validating a spec
imports neither Pulumi nor the Azure SDK. Warnings that need the build (a registry version's
format, the live version of a rollout, the scopes a grant lands on) stay in the build.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlopskit.modules.encryption import protection_plan
from mlopskit.modules.endpoint import Endpoint
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.stack import Stack
from mlopskit.providers.azure.names import PAIRED_REGIONS
from mlopskit.providers.base import unbuilt_message

# Log Analytics keeps interactive data 30-730 days (older data needs table archive tiers).
LOG_RETENTION_RANGE = (30, 730)


def spec_warnings(stack: Stack) -> list[SpecIssue]:
    """Every spec-only warning of an Azure build of ``stack`` (its Azure placement present)."""
    issues = retention_warnings(stack) + key_warnings(stack) + backup_warnings(stack) + registry_warnings(stack)
    for index, endpoint in enumerate(stack.endpoints):
        issues += deployment_warnings(f"endpoints[{index}]", endpoint)
    issues += experiments_warnings(stack)
    for index, role in enumerate(stack.access.roles):
        issues += role_warnings(stack, index, role.permissions, role.principals)
    return issues


def retention_warnings(stack: Stack) -> list[SpecIssue]:
    low, high = LOG_RETENTION_RANGE
    days = stack.compliance.retention_days
    if days > high:
        return [SpecIssue("compliance.retentionDays", f"Log Analytics keeps interactive logs at most {high} days; "
                                                      f"configure table archive for the remaining {days - high} days")]
    if days < low:
        return [SpecIssue("compliance.retentionDays", f"Log Analytics keeps logs at least {low} days; {low} is used")]
    return []


def key_plan(stack: Stack) -> tuple[bool, bool]:
    """(the stack key is RSA-HSM, an RSA-HSM key cmk-hsm is added), modules/encryption.py's
    ``protection_plan``: Azure gives confidential and restricted data HSM-backed keys."""
    return protection_plan(stack.encryption.key_protection_level, stack.metadata.sensitive)


def key_warnings(stack: Stack) -> list[SpecIssue]:
    """A key whose type the classification can no longer change (a Key Vault key's type never changes)."""
    encryption = stack.encryption
    if not encryption.customer_managed_keys:
        return []
    hsm, added = key_plan(stack)
    kind = "RSA-HSM" if hsm else "RSA"
    if added:
        return [SpecIssue("metadata.dataClassification", (
            f"{stack.metadata.data_classification}: the stack's key cmk keeps type {kind} (keyProtectionLevel; a Key "
            "Vault key's type never changes) and the stores it encrypts keep it; a new RSA-HSM key cmk-hsm is added "
            "for new data (output hsmKeyUri of the keys component): re-encrypt existing data with it to move it"))]
    if encryption.key_protection_level is None and stack.is_prod:
        return [SpecIssue("encryption.keyProtectionLevel", (
            f"not set, so the key cmk takes type {kind} from dataClassification {stack.metadata.data_classification}; "
            "a Key Vault key's type never changes, so a later change of the classification would replace the key: "
            f"set keyProtectionLevel: {'hsm' if hsm else 'software'} to pin it"))]
    return []


def geo_redundant_vault(cross_region: bool, backup_location: str | None) -> bool:
    """Whether the backup vault is geo-redundant (with cross-region restore).

    Fixed by the placement, not by ``backups.crossRegion`` alone: a vault's storage redundancy is
    chosen "when creating the Backup vault" (learn.microsoft.com, Backup vaults overview) and Azure
    refuses to change it once items are protected (seen by the review of issue 27; the stored docs
    do not state it in those words), so turning crossRegion off on a deployed stack must keep the
    vault as it is. A placed backupLocation keeps it geo-redundant.
    """
    return cross_region or backup_location is not None


def backup_warnings(stack: Stack) -> list[SpecIssue]:
    b, placement = stack.backups, stack.placement.azure
    if b is None or placement is None:
        return []
    issues = []
    if b.schedule == "hourly":
        issues.append(SpecIssue("backups.schedule", "Azure vaulted blob backups run at most daily; daily is used (blob "
                                                    "versioning and soft delete cover changes in between)"))
    backup_location = placement.backup_location
    mirrored = [t for t in b.targets if t in ("models", "containers")]
    if mirrored and b.cross_region and backup_location:
        issues.append(SpecIssue(
            "backups.targets",
            f"{' and '.join(mirrored)} are geo-replicated to {backup_location} (ML registry region, registry "
            "replica): a mirror, so deletions replicate too; schedule and retentionDays apply to artifacts only",
        ))
    elif mirrored:
        issues.append(SpecIssue(
            "backups.targets",
            f"{' and '.join(mirrored)}: Azure has no scheduled backup for ML registry models or container images; "
            "only geo-replication protects them and it needs backups.crossRegion with a backupLocation",
        ))
    if "artifacts" not in b.targets:
        issues += [SpecIssue(f"backups.{field}", "only artifacts get scheduled backups on Azure and they are not a "
                                                 "target: unused") for field in ("schedule", "retentionDays")]
    elif geo_redundant_vault(b.cross_region, backup_location) and not b.cross_region:
        issues.append(SpecIssue("backups.crossRegion", (
            "false, but the backup vault stays geo-redundant with cross-region restore, because "
            "placement.azure.backupLocation is set: Azure refuses to change a backup vault's redundancy once "
            "items are protected; remove backupLocation to give a new stack a zone-redundant vault")))
    pair = PAIRED_REGIONS.get(placement.location)
    if b.cross_region and "artifacts" in b.targets and backup_location and pair != backup_location:
        issues.append(SpecIssue(
            "placement.azure.backupLocation",
            f"geo-redundant storage and backup vault copies go to {placement.location}'s paired region "
            f"({pair or 'unknown'}), not {backup_location}; models and images do replicate to {backup_location}",
        ))
    return issues


def registry_warnings(stack: Stack) -> list[SpecIssue]:
    """The container registry's and the model registry's settings Azure cannot honour."""
    issues = []
    cmk = stack.encryption.customer_managed_keys
    if stack.network.private and cmk:
        # ACR takes a customer-managed key only at creation and only through a
        # user-assigned identity, while a firewalled Key Vault lets a registry through
        # (trusted services) only with its system-assigned identity. Not solved here:
        # the kit does not know a one-pass way; see docs/deploying-gcp-azure.md.
        issues.append(SpecIssue(
            "encryption.customerManagedKeys",
            "the container registry's customer-managed key sits in a private Key Vault: Azure lets a registry "
            "through the vault firewall only with its system-assigned identity, but enables CMK only at creation "
            "with a user-assigned one; allow the registry's identity to reach the vault for the first `pulumi up`, "
            "then switch it (az acr encryption rotate-key --identity [system]) and close the vault",
        ))
    containers = stack.registry.containers
    if containers.scan_on_push:
        issues.append(SpecIssue(
            "registry.containers.scanOnPush",
            "Azure Container Registry has no per-registry scan setting: enable Microsoft Defender for Containers "
            "on the subscription to scan pushed images",
        ))
    if containers.immutable_tags:
        issues.append(SpecIssue(
            "registry.containers.immutableTags",
            "Azure Container Registry has no registry-wide immutable tags: lock each pushed tag "
            "(az acr repository update --write-enabled false) in the CI that pushes it",
        ))
    if cmk:
        issues.append(SpecIssue(
            "encryption.customerManagedKeys",
            "Azure ML registries (the model registry) encrypt with Microsoft-managed keys only; "
            "the workspace, storage account and container registry use the customer-managed key",
        ))
    return issues


def deployment_warnings(path: str, endpoint: Endpoint) -> list[SpecIssue]:
    """The rollout and monitoring settings of one endpoint Azure cannot honour."""
    d, monitoring, issues = endpoint.deployment, endpoint.monitoring, []
    if d.strategy in ("canary", "linear", "blue-green"):
        issues.append(SpecIssue(
            f"{path}.deployment.waitMinutes",
            "Azure ML does not shift traffic on a timer: the rollout steps and the wait are recorded in the "
            "endpoint's tags (mlopskit-rollout-steps, mlopskit-wait-minutes) and outputs for day-2 tooling to apply",
        ))
    elif d.provided("wait_minutes"):
        issues.append(SpecIssue(f"{path}.deployment.waitMinutes", f"has no effect with strategy {d.strategy} on Azure"))
    # engine kit (the default): the kit's monitor job is built (providers/azure/monitor_job.py), nothing to warn.
    if monitoring.engine == "managed":
        issues += _managed_monitor_warnings(path, endpoint)
    if d.auto_rollback:
        issues.append(SpecIssue(
            f"{path}.deployment.autoRollback",
            "Azure ML has no automatic rollback: the alert rules listed in the stack outputs "
            f"(endpoints.{endpoint.name}.alertRules) fire on the alarms, and day-2 tooling must move the "
            "traffic back to the live slot",
        ))
    return issues


def _managed_monitor_warnings(path: str, endpoint: Endpoint) -> list[SpecIssue]:
    """``monitoring.engine: managed``: what the Azure ML monitor cannot declare."""
    monitoring, issues = endpoint.monitoring, []
    if monitoring.quality is not None:
        # azure-native 3.x MonitorDefinition signals: Custom, DataDrift, DataQuality,
        # FeatureAttributionDrift, PredictionDrift; Azure ML's model-performance signal is
        # not among them, and a Custom signal would need a component the kit does not ship.
        issues.append(SpecIssue(f"{path}.monitoring.quality", unbuilt_message(
            monitoring.quality, "the Azure ML monitor the kit can declare has no model-performance signal",
            "add one in Azure ML studio or compute the metrics in a pipeline"), support="unsupported"))
    if monitoring.bias is not None:
        # The same signal list: no bias signal. Azure ML's fairness assessment is the Responsible
        # AI dashboard of a model (a training-time pipeline), not a schedule over served traffic.
        issues.append(SpecIssue(f"{path}.monitoring.bias", unbuilt_message(
            monitoring.bias, "the Azure ML monitor the kit can declare has no bias signal",
            "assess fairness with a Responsible AI dashboard in a pipeline"), support="unsupported"))
    if monitoring.explainability is not None:
        issues.append(SpecIssue(f"{path}.monitoring.explainability.features", "unsupported: Azure ML's feature "
                                "attribution drift signal attributes every column of the baseline data except the "
                                "label; the list is not passed (keep the baseline's columns to the features)"))
    return issues


def experiments_warnings(stack: Stack) -> list[SpecIssue]:
    if stack.experiments is not None and stack.experiments.provided("size"):
        return [SpecIssue("experiments.size", "the Azure ML workspace's MLflow tracking has no size: size is not used")]
    return []


def role_warnings(stack: Stack, index: int, permissions: Sequence[str], principals: Sequence[str]) -> list[SpecIssue]:
    """A role's read-only experiment access and its principals, which Azure grants another way."""
    issues = []
    if "experiments.read" in permissions and "experiments.write" not in permissions:
        issues.append(SpecIssue(f"access.roles[{index}].permissions[{permissions.index('experiments.read')}]",
                                "experiments.read: Azure ML has no built-in role that only reads workspace runs; the "
                                "role gets AzureML Data Scientist on the workspace, which may also write them"))
    role = stack.access.roles[index]
    for j, principal in enumerate(principals):
        issues.append(SpecIssue(
            f"access.roles[{index}].principals[{j}]",
            f"Azure role assignments need the Entra ID object id of {principal}; the kit grants the role's "
            f"identity id-{stack.name}-role-{role.name} and lists its grants in outputs (accessRoles.{role.name}) "
            "for day-2 tooling to repeat for this principal",
        ))
    return issues
