"""Azure Container Registry: no admin user, Entra ID pulls, CMK and private access on Premium."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import containerregistry

from mlopskit.providers.azure import names
from mlopskit.providers.azure.context import AzureContext

TYPE = "mlopskit:azure:ContainerRegistry"


@dataclass(frozen=True)
class ContainerRegistryArgs:
    """SKU-dependent hardening and optional geo-replication."""

    sku: str  # Premium whenever CMK, private access or replication is asked for
    private: bool
    encryption_identity_id: pulumi.Input[str]
    encryption_client_id: pulumi.Input[str]
    key_uri: pulumi.Input[str] | None  # versionless key URI: follows rotation
    replica_location: str | None
    depends_on: tuple[pulumi.Resource, ...]
    protect: bool


class ContainerRegistry(pulumi.ComponentResource):
    """The registry training and serving images are pulled from (AcrPull, no passwords)."""

    def __init__(self, name: str, args: ContainerRegistryArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("container_registry"), opts)
        premium = args.sku == "Premium"
        cmk = args.key_uri is not None and premium
        self.registry = containerregistry.Registry(
            f"{name}-registry",
            registry_name=names.container_registry(ctx.prefix),
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            sku=containerregistry.SkuArgs(name=args.sku),
            # The admin user is a shared password outside RBAC and audit.
            admin_user_enabled=False,
            anonymous_pull_enabled=False,
            public_network_access="Disabled" if args.private and premium else "Enabled",
            network_rule_bypass_options="AzureServices",
            network_rule_set=containerregistry.NetworkRuleSetArgs(default_action="Deny") if args.private and premium else None,
            zone_redundancy="Enabled" if premium else "Disabled",
            identity=containerregistry.IdentityPropertiesArgs(
                type="UserAssigned",
                user_assigned_identities=pulumi.Output.from_input(args.encryption_identity_id).apply(
                    lambda i: {i: containerregistry.UserIdentityPropertiesArgs()}
                ),
            ),
            encryption=containerregistry.EncryptionPropertyArgs(
                status="enabled",
                key_vault_properties=containerregistry.KeyVaultPropertiesArgs(
                    identity=args.encryption_client_id, key_identifier=args.key_uri,
                ),
            ) if cmk else None,
            policies=containerregistry.PoliciesArgs(
                # Images cannot be exported out of a private registry.
                export_policy=containerregistry.ExportPolicyArgs(status="disabled" if args.private and premium else "enabled"),
                retention_policy=containerregistry.RetentionPolicyArgs(status="enabled", days=30) if premium else None,
            ),
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=list(args.depends_on)),
        )
        self.replica: containerregistry.Replication | None = None
        if args.replica_location and premium:
            self.replica = containerregistry.Replication(
                f"{name}-replica",
                registry_name=self.registry.name,
                resource_group_name=ctx.resource_group_name,
                replication_name=args.replica_location,
                location=args.replica_location,
                tags=ctx.tags,
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
        self.register_outputs({"registryId": self.registry.id, "loginServer": self.registry.login_server})
