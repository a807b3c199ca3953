"""Artifact storage: a hardened StorageV2 account, blob versioning + soft delete, one container."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import storage

from mlopskit.modules.facts import PURPOSE_TAG
from mlopskit.providers.azure import names
from mlopskit.providers.azure.context import AzureContext

TYPE = "mlopskit:azure:Storage"
CONTAINER = "artifacts"
# Azure caps blob and container soft delete at 365 days; noncurrent versions are kept
# for the full retention by the lifecycle policy, which has no such cap.
_SOFT_DELETE_MAX_DAYS = 365


@dataclass(frozen=True)
class StorageArgs:
    """Encryption, exposure, versioning and retention of the artifact store."""

    sku: str  # Standard_ZRS, or Standard_RAGZRS when backups are cross-region
    private: bool
    versioning: bool
    retention_days: int
    encryption_identity_id: pulumi.Input[str]
    key_vault_uri: pulumi.Input[str] | None  # None: Microsoft-managed keys
    key_name: pulumi.Input[str] | None
    depends_on: tuple[pulumi.Resource, ...]
    protect: bool


class Storage(pulumi.ComponentResource):
    """The stack's artifact store; also the workspace's default datastore."""

    def __init__(self, name: str, args: StorageArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("storage"), opts)
        cmk = args.key_vault_uri is not None
        self.account = storage.StorageAccount(
            f"{name}-account",
            account_name=names.storage_account(ctx.prefix),
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            kind="StorageV2",
            sku=storage.SkuArgs(name=args.sku),
            access_tier="Hot",
            allow_blob_public_access=False,
            # Entra ID only: account keys and SAS tokens bypass RBAC and audit identity.
            allow_shared_key_access=False,
            default_to_o_auth_authentication=True,
            allow_cross_tenant_replication=False,
            enable_https_traffic_only=True,
            minimum_tls_version="TLS1_2",
            public_network_access="Disabled" if args.private else "Enabled",
            network_rule_set=storage.NetworkRuleSetArgs(
                default_action="Deny" if args.private else "Allow",
                # Azure ML, Backup and Monitor reach the account as trusted services.
                bypass="AzureServices, Logging, Metrics",
            ),
            identity=storage.IdentityArgs(type="UserAssigned", user_assigned_identities=[args.encryption_identity_id]),
            encryption=storage.EncryptionArgs(
                key_source="Microsoft.Keyvault" if cmk else "Microsoft.Storage",
                # No key version: the account follows the key's automatic rotation.
                key_vault_properties=storage.KeyVaultPropertiesArgs(key_vault_uri=args.key_vault_uri, key_name=args.key_name)
                if cmk else None,
                encryption_identity=storage.EncryptionIdentityArgs(encryption_user_assigned_identity=args.encryption_identity_id)
                if cmk else None,
                require_infrastructure_encryption=True,
                services=storage.EncryptionServicesArgs(
                    blob=storage.EncryptionServiceArgs(enabled=True, key_type="Account"),
                    file=storage.EncryptionServiceArgs(enabled=True, key_type="Account"),
                ),
            ),
            tags={**ctx.tags, PURPOSE_TAG: "artifacts"},
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=list(args.depends_on)),
        )
        soft_delete_days = min(args.retention_days, _SOFT_DELETE_MAX_DAYS)
        self.blob_service = storage.BlobServiceProperties(
            f"{name}-blob-service",
            account_name=self.account.name,
            resource_group_name=ctx.resource_group_name,
            blob_services_name="default",
            is_versioning_enabled=args.versioning,
            delete_retention_policy=storage.DeleteRetentionPolicyArgs(enabled=True, days=soft_delete_days),
            container_delete_retention_policy=storage.DeleteRetentionPolicyArgs(enabled=True, days=soft_delete_days),
            # The change feed is what blob backup and point-in-time restore replay.
            change_feed=storage.ChangeFeedArgs(enabled=True, retention_in_days=soft_delete_days),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.container = storage.BlobContainer(
            f"{name}-{CONTAINER}",
            container_name=CONTAINER,
            account_name=self.account.name,
            resource_group_name=ctx.resource_group_name,
            public_access="None",
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=[self.blob_service]),
        )
        self.lifecycle: storage.ManagementPolicy | None = None
        if args.versioning:
            self.lifecycle = storage.ManagementPolicy(
                f"{name}-lifecycle",
                account_name=self.account.name,
                resource_group_name=ctx.resource_group_name,
                management_policy_name="default",
                policy=storage.ManagementPolicySchemaArgs(rules=[
                    storage.ManagementPolicyRuleArgs(
                        name="expire-noncurrent-versions",
                        type="Lifecycle",
                        enabled=True,
                        definition=storage.ManagementPolicyDefinitionArgs(
                            filters=storage.ManagementPolicyFilterArgs(blob_types=["blockBlob"]),
                            actions=storage.ManagementPolicyActionArgs(
                                version=storage.ManagementPolicyVersionArgs(
                                    delete=storage.DateAfterCreationArgs(days_after_creation_greater_than=args.retention_days),
                                ),
                            ),
                        ),
                    ),
                ]),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({
            "accountId": self.account.id,
            "accountName": self.account.name,
            "container": self.container.name,
        })

    @property
    def blob_service_id(self) -> pulumi.Output[str]:
        return self.account.id.apply(lambda i: f"{i}/blobServices/default")
