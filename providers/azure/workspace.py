"""The Azure Machine Learning workspace: managed network isolation, CMK, identity-only datastores."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from mlopskit.providers.azure import names
from mlopskit.providers.azure.context import AzureContext

TYPE = "mlopskit:azure:Workspace"
# Package feeds an environment build installs framework images from (conda file + pip).
PACKAGE_FEEDS: tuple[str, ...] = ("pypi.org", "files.pythonhosted.org", "conda.anaconda.org", "repo.anaconda.com")


@dataclass(frozen=True)
class WorkspaceArgs:
    """The associated resources the workspace is bound to, and how it is isolated."""

    private: bool
    hbi: bool  # high business impact: confidential/restricted data
    identity_id: pulumi.Input[str]
    identity_client_id: pulumi.Input[str]
    storage_account_id: pulumi.Input[str]
    key_vault_id: pulumi.Input[str]
    container_registry_id: pulumi.Input[str]
    application_insights_id: pulumi.Input[str]
    key_uri: pulumi.Input[str] | None  # versionless key URI; None: Microsoft-managed keys
    image_build_compute: str | None
    model_registry_id: pulumi.Input[str]
    needs_package_feeds: bool  # some environment installs a framework with pip/conda
    depends_on: tuple[pulumi.Resource, ...]
    protect: bool
    # The kit's monitor jobs publish custom metrics to <region>.monitoring.azure.com.
    needs_monitor_ingestion: bool = False


class Workspace(pulumi.ComponentResource):
    """One workspace per stack: it owns the compute, jobs, schedules and online endpoints."""

    def __init__(self, name: str, args: WorkspaceArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("workspace"), opts)
        self.workspace_name = names.workspace(ctx.prefix)
        self.workspace = ml.Workspace(
            f"{name}-workspace",
            workspace_name=self.workspace_name,
            friendly_name=ctx.prefix,
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            kind="Default",
            sku=ml.SkuArgs(name="Basic", tier="Basic"),
            identity=ml.ManagedServiceIdentityArgs(type="UserAssigned", user_assigned_identities=[args.identity_id]),
            primary_user_assigned_identity=args.identity_id,
            storage_account=args.storage_account_id,
            key_vault=args.key_vault_id,
            container_registry=args.container_registry_id,
            application_insights=args.application_insights_id,
            hbi_workspace=args.hbi,
            public_network_access="Disabled" if args.private else "Enabled",
            allow_public_access_when_behind_vnet=False,
            # A managed VNet that only allows approved outbound traffic: compute, endpoints
            # and serverless jobs reach storage, vault and registry over private endpoints.
            managed_network=self._managed_network(args)
            if args.private else ml.ManagedNetworkSettingsArgs(isolation_mode="Disabled"),
            serverless_compute_settings=ml.ServerlessComputeSettingsArgs(serverless_compute_no_public_ip=True)
            if args.private else None,
            # The storage account refuses shared keys, so datastores authenticate as identities.
            system_datastores_auth_mode="Identity",
            image_build_compute=args.image_build_compute if args.private else None,
            v1_legacy_mode=False,
            encryption=ml.EncryptionPropertyArgs(
                status="Enabled",
                identity=ml.IdentityForCmkArgs(user_assigned_identity=args.identity_id),
                key_vault_properties=ml.KeyVaultPropertiesArgs(
                    key_vault_arm_id=args.key_vault_id,
                    # Versionless: the key rotates every keyRotationDays and each version
                    # expires 30 days later, so a pinned version would stop the workspace.
                    # Azure ML accepting a versionless identifier and following rotation is
                    # NOT confirmed from the stored docs (the Key Vault consumers Storage and
                    # ACR document it); confirm with the first real rotation.
                    key_identifier=args.key_uri,
                    identity_client_id=args.identity_client_id,
                ),
            ) if args.key_uri is not None else None,
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=list(args.depends_on)),
        )
        self.register_outputs({"workspaceId": self.workspace.id, "workspaceName": self.workspace.name})

    @staticmethod
    def _managed_network(args: WorkspaceArgs) -> ml.ManagedNetworkSettingsArgs:
        """Approved outbound only: the model registry over a private endpoint and, when an
        environment is built from a framework, the package feeds by FQDN (FQDN rules run on
        the managed network's Azure Firewall, Basic SKU, billed by Azure per hour)."""
        rules: dict[str, ml.FqdnOutboundRuleArgs | ml.PrivateEndpointOutboundRuleArgs | ml.ServiceTagOutboundRuleArgs] = {
            "model-registry": ml.PrivateEndpointOutboundRuleArgs(
                type="PrivateEndpoint",
                category="UserDefined",
                destination=ml.PrivateEndpointDestinationArgs(
                    service_resource_id=args.model_registry_id, subresource_target="amlregistry", spark_enabled=True,
                ),
            ),
        }
        if args.needs_monitor_ingestion:
            # The kit monitor job's custom metrics: the AzureMonitor service tag covers Azure Monitor's
            # ingestion endpoints (a service-tag rule needs no managed firewall). NOT confirmed that the
            # tag includes the custom-metrics host <region>.monitoring.azure.com (docs/monitoring.md).
            rules["azure-monitor"] = ml.ServiceTagOutboundRuleArgs(
                type="ServiceTag", category="UserDefined",
                destination=ml.ServiceTagDestinationArgs(service_tag="AzureMonitor", protocol="TCP", port_ranges="443",
                                                         action="Allow"),
            )
        if args.needs_package_feeds:
            for fqdn in PACKAGE_FEEDS:
                rules[f"feed-{fqdn.replace('.', '-')}"] = ml.FqdnOutboundRuleArgs(
                    type="FQDN", category="UserDefined", destination=fqdn,
                )
        return ml.ManagedNetworkSettingsArgs(
            isolation_mode="AllowOnlyApprovedOutbound",
            outbound_rules=rules,
            firewall_sku="Basic" if args.needs_package_feeds else None,
        )
