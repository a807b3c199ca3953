"""Backups: a Data Protection backup vault with a vaulted blob backup policy for artifacts.

Models are backed up by replicating the Azure ML registry to the backup location and
container images by a registry geo-replica (both built by their own components); this
component holds the vault, its policy (schedule + retention) and the blob backup instance.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import dataprotection as dp

from mlopskit.providers.azure import names
from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.identity import assign

TYPE = "mlopskit:azure:Backups"
BLOB_DATASOURCE = "Microsoft.Storage/storageAccounts/blobServices"
# ISO 8601 repeating intervals the policy's schedule trigger accepts.
SCHEDULES = {
    "daily": "R/2024-01-01T02:00:00+00:00/P1D",
    "weekly": "R/2024-01-07T02:00:00+00:00/P1W",
}


@dataclass(frozen=True)
class BackupsArgs:
    """What the policy backs up, how often and for how long."""

    schedule: str  # daily | weekly (hourly is reported and mapped to daily by the provider)
    retention_days: int
    # The vault's redundancy and cross-region restore, which Azure refuses to change once items
    # are protected (redundancy) or once enabled (cross-region restore): see limits.geo_redundant_vault.
    cross_region: bool
    storage_account_id: pulumi.Input[str]
    container: str
    protect: bool


class Backups(pulumi.ComponentResource):
    """Backup vault (soft delete, immutability, geo-redundant with cross-region restore)."""

    def __init__(self, name: str, args: BackupsArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("backups"), opts)
        self.vault = dp.BackupVault(
            f"{name}-vault",
            vault_name=names.backup_vault(ctx.prefix),
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            identity=dp.DppIdentityDetailsArgs(type="SystemAssigned"),
            properties=dp.BackupVaultArgs(
                storage_settings=[dp.StorageSettingArgs(
                    datastore_type="VaultStore",
                    type="GeoRedundant" if args.cross_region else "ZoneRedundant",
                )],
                feature_settings=dp.FeatureSettingsArgs(
                    cross_region_restore_settings=dp.CrossRegionRestoreSettingsArgs(state="Enabled"),
                ) if args.cross_region else None,
                security_settings=dp.SecuritySettingsArgs(
                    soft_delete_settings=dp.SoftDeleteSettingsArgs(state="On", retention_duration_in_days=14),
                    # Recovery points cannot be deleted before their retention ends.
                    immutability_settings=dp.ImmutabilitySettingsArgs(state="Unlocked"),
                ),
            ),
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        principal = self.vault.identity.apply(lambda i: i.principal_id if i else "")
        self.grant = assign(
            self, f"{name}-vault-reads-storage", ctx, "Storage Account Backup Contributor", principal, args.storage_account_id,
        )
        self.policy = dp.BackupPolicy(
            f"{name}-policy",
            backup_policy_name=f"blob-{args.schedule}-{args.retention_days}d",
            vault_name=self.vault.name,
            resource_group_name=ctx.resource_group_name,
            properties=dp.BackupPolicyArgs(
                object_type="BackupPolicy",
                datasource_types=[BLOB_DATASOURCE],
                policy_rules=[
                    dp.AzureBackupRuleArgs(
                        name=f"Backup-{args.schedule}",
                        object_type="AzureBackupRule",
                        backup_parameters=dp.AzureBackupParamsArgs(backup_type="Discrete", object_type="AzureBackupParams"),
                        data_store=dp.DataStoreInfoBaseArgs(data_store_type="VaultStore", object_type="DataStoreInfoBase"),
                        trigger=dp.ScheduleBasedTriggerContextArgs(
                            object_type="ScheduleBasedTriggerContext",
                            schedule=dp.BackupScheduleArgs(repeating_time_intervals=[SCHEDULES[args.schedule]], time_zone="UTC"),
                            tagging_criteria=[dp.TaggingCriteriaArgs(
                                is_default=True, tag_info=dp.RetentionTagArgs(tag_name="Default"), tagging_priority=99,
                            )],
                        ),
                    ),
                    dp.AzureRetentionRuleArgs(
                        name="Default",
                        object_type="AzureRetentionRule",
                        is_default=True,
                        lifecycles=[dp.SourceLifeCycleArgs(
                            delete_after=dp.AbsoluteDeleteOptionArgs(duration=f"P{args.retention_days}D", object_type="AbsoluteDeleteOption"),
                            source_data_store=dp.DataStoreInfoBaseArgs(data_store_type="VaultStore", object_type="DataStoreInfoBase"),
                        )],
                    ),
                ],
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        datasource = dict(
            object_type="Datasource",
            datasource_type=BLOB_DATASOURCE,
            resource_id=args.storage_account_id,
            resource_uri=args.storage_account_id,
            resource_location=ctx.location,
            resource_type="Microsoft.Storage/storageAccounts",
        )
        self.instance = dp.BackupInstance(
            f"{name}-artifacts",
            backup_instance_name=f"{ctx.prefix}-artifacts",
            vault_name=self.vault.name,
            resource_group_name=ctx.resource_group_name,
            properties=dp.BackupInstanceArgs(
                object_type="BackupInstance",
                friendly_name=f"{ctx.prefix} artifacts",
                data_source_info=dp.DatasourceArgs(**datasource),
                data_source_set_info=dp.DatasourceSetArgs(**{**datasource, "object_type": "DatasourceSet"}),
                policy_info=dp.PolicyInfoArgs(
                    policy_id=self.policy.id,
                    policy_parameters=dp.PolicyParametersArgs(backup_datasource_parameters_list=[
                        dp.BlobBackupDatasourceParametersArgs(
                            object_type="BlobBackupDatasourceParameters", containers_list=[args.container],
                        ),
                    ]),
                ),
            ),
            tags=ctx.tags,
            # Deleting the instance stops protection and deletes its recovery points.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.grant], protect=args.protect),
        )
        self.register_outputs({"vaultId": self.vault.id, "policyId": self.policy.id, "instanceId": self.instance.id})
