"""Key Vault (purge protection, soft delete, RBAC) and the customer-managed key with rotation."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import keyvault

from mlopskit.providers.azure import names
from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.identity import assign

TYPE = "mlopskit:azure:Keys"


@dataclass(frozen=True)
class KeysArgs:
    """Whether a CMK is created, how often it rotates, and the identity that uses it."""

    customer_managed_keys: bool
    rotation_days: int
    private: bool
    hsm: bool  # the key's type (keyProtectionLevel, else confidential/restricted data: RSA-HSM, premium vault)
    encryption_principal_id: pulumi.Input[str]
    protect: bool
    # Sensitive data over a software key pinned by keyProtectionLevel: an added RSA-HSM key
    # for new data (the existing key's type cannot change: modules/encryption.py protection_plan).
    added_hsm: bool = False
    # The tenant's Azure Cosmos DB service principal (providers/azure/first_party.py): the
    # workspace's metadata store encrypts with the key through it. None: no CMK.
    cosmos_db_principal_id: str | None = None


class Keys(pulumi.ComponentResource):
    """The stack's vault; with CMK, one key that storage, registry and workspace encrypt with."""

    def __init__(self, name: str, args: KeysArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("keys"), opts)
        self.vault = keyvault.Vault(
            f"{name}-vault",
            vault_name=names.key_vault(ctx.prefix),
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=ctx.tenant_id,
                # premium holds HSM-backed keys; the SKU itself changes in place.
                sku=keyvault.SkuArgs(family="A", name="premium" if args.hsm or args.added_hsm else "standard"),
                # RBAC instead of access policies: grants live in the same place (and
                # the same audit trail) as every other role assignment of the stack.
                enable_rbac_authorization=True,
                enable_soft_delete=True,
                soft_delete_retention_in_days=90,
                # Purge protection: a deleted CMK would make every blob it wraps unreadable.
                enable_purge_protection=True,
                enabled_for_deployment=False,
                enabled_for_disk_encryption=False,
                enabled_for_template_deployment=False,
                public_network_access="Disabled" if args.private else "Enabled",
                network_acls=keyvault.NetworkRuleSetArgs(
                    bypass="AzureServices",
                    default_action="Deny" if args.private else "Allow",
                ),
            ),
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.key: keyvault.Key | None = None
        self.hsm_key: keyvault.Key | None = None
        self.key_grant = None
        self.cosmos_grant = None
        if args.customer_managed_keys:
            self.key = self._key(f"{name}-cmk", "cmk", args, ctx, args.hsm)
            if args.added_hsm:
                # A new name: the key "cmk" keeps its type and the data it wraps stays readable.
                self.hsm_key = self._key(f"{name}-cmk-hsm", "cmk-hsm", args, ctx, True)
            # Scoped to the key itself, not the vault: the encryption identity can wrap
            # and unwrap with this one key and read nothing else in the vault.
            self.key_grant = assign(
                self, f"{name}-cmk-encryption-user", ctx, "Key Vault Crypto Service Encryption User",
                args.encryption_principal_id, self.key.id,
            )
            if args.cosmos_db_principal_id is not None:
                # "Allow Azure Cosmos DB to access the key" (how-to-setup-customer-managed-keys):
                # get, wrap and unwrap, the data actions of this role on an RBAC vault.
                self.cosmos_grant = assign(
                    self, f"{name}-cmk-cosmosdb-encryption-user", ctx, "Key Vault Crypto Service Encryption User",
                    args.cosmos_db_principal_id, self.key.id,
                )
        self.register_outputs({
            "vaultId": self.vault.id,
            "vaultName": self.vault.name,
            "keyId": self.key.id if self.key else None,
            "keyUri": self.key.key_uri if self.key else None,
            "hsmKeyUri": self.hsm_key.key_uri if self.hsm_key else None,
        })

    def _key(self, logical: str, key_name: str, args: KeysArgs, ctx: AzureContext, hsm: bool) -> keyvault.Key:
        days = args.rotation_days
        return keyvault.Key(
            logical,
            key_name=key_name,
            vault_name=self.vault.name,
            resource_group_name=ctx.resource_group_name,
            properties=keyvault.KeyPropertiesArgs(
                # Fixed when the key is created: Key Vault's ARM API creates a key's first
                # version and never updates an existing key, so the type never changes.
                kty="RSA-HSM" if hsm else "RSA",
                key_size=3072,
                key_ops=["wrapKey", "unwrapKey", "encrypt", "decrypt"],
                rotation_policy=keyvault.RotationPolicyArgs(
                    # The expiry outlives the rotation period, so a rotated key never
                    # expires under a consumer; the notify action warns if rotation stalls.
                    attributes=keyvault.KeyRotationPolicyAttributesArgs(expiry_time=f"P{days + 30}D"),
                    lifetime_actions=[
                        keyvault.LifetimeActionArgs(
                            action=keyvault.ActionArgs(type="rotate"),
                            trigger=keyvault.TriggerArgs(time_after_create=f"P{days}D"),
                        ),
                        keyvault.LifetimeActionArgs(
                            action=keyvault.ActionArgs(type="notify"),
                            trigger=keyvault.TriggerArgs(time_before_expiry="P15D"),
                        ),
                    ],
                ),
            ),
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )

    @property
    def vault_uri(self) -> pulumi.Output[str]:
        return self.vault.properties.apply(lambda p: p.vault_uri)
