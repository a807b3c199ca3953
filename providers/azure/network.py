"""Private access: a VNet whose private endpoints reach the stack's data-plane services.

Azure ML's managed network already keeps compute and endpoints private (see
workspace.py). This VNet gives people and CI a private path to the same services. With
public access off everywhere, a client only reaches a service if its name resolves to
the private endpoint: each service's ``privatelink.*`` private DNS zone is created, linked
to the VNet, and filled by a DNS zone group on the endpoint. (An organisation with a
central DNS hub links its hub VNet to these zones, or moves the zone groups to its own.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import network, privatedns

from mlopskit.providers.azure.context import AzureContext

TYPE = "mlopskit:azure:Network"
ADDRESS_SPACE = "10.42.0.0/16"
ENDPOINT_SUBNET = ("private-endpoints", "10.42.1.0/24")
# Private DNS zones per private-link sub-resource (learn.microsoft.com/azure/private-link/
# private-endpoint-dns, "Azure Private Endpoint private DNS zone values", Commercial).
# amlregistry is not in that table: Azure ML registries answer under api.azureml.ms like
# workspaces, so they share its zone (NOT confirmed from the stored docs).
PRIVATE_DNS_ZONES: dict[str, tuple[str, ...]] = {
    "vault": ("privatelink.vaultcore.azure.net",),
    "blob": ("privatelink.blob.core.windows.net",),
    "registry": ("privatelink.azurecr.io",),
    "amlworkspace": ("privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"),
    "amlregistry": ("privatelink.api.azureml.ms",),
}


@dataclass
class NetworkArgs:
    """Whether the stack is private, and the services to reach privately (name -> (id, group))."""

    private: bool
    targets: dict[str, tuple[pulumi.Input[str], str]] = field(default_factory=dict)


class Network(pulumi.ComponentResource):
    """VNet + private endpoints when ``network.private``; nothing (public endpoints) otherwise."""

    def __init__(self, name: str, args: NetworkArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("network"), opts)
        self.vnet: network.VirtualNetwork | None = None
        self.private_endpoints: dict[str, network.PrivateEndpoint] = {}
        if args.private:
            subnet_name, subnet_prefix = ENDPOINT_SUBNET
            self.vnet = network.VirtualNetwork(
                f"{name}-vnet",
                virtual_network_name=f"vnet-{ctx.prefix}",
                resource_group_name=ctx.resource_group_name,
                location=ctx.location,
                address_space=network.AddressSpaceArgs(address_prefixes=[ADDRESS_SPACE]),
                subnets=[network.SubnetArgs(
                    name=subnet_name,
                    address_prefix=subnet_prefix,
                    private_endpoint_network_policies="Enabled",
                    default_outbound_access=False,
                )],
                tags=ctx.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            subnet_id = self.vnet.id.apply(lambda vnet_id: f"{vnet_id}/subnets/{subnet_name}")
            zones = self._zones(name, sorted({z for _, group in args.targets.values() for z in PRIVATE_DNS_ZONES[group]}), ctx)
            for target, (resource_id, group) in args.targets.items():
                self.private_endpoints[target] = network.PrivateEndpoint(
                    f"{name}-pe-{target}",
                    private_endpoint_name=f"pe-{ctx.prefix}-{target}",
                    resource_group_name=ctx.resource_group_name,
                    location=ctx.location,
                    subnet=network.SubnetArgs(id=subnet_id),
                    private_link_service_connections=[network.PrivateLinkServiceConnectionArgs(
                        name=f"{target}-{group}",
                        private_link_service_id=resource_id,
                        group_ids=[group],
                    )],
                    tags=ctx.tags,
                    opts=pulumi.ResourceOptions(parent=self),
                )
                network.PrivateDnsZoneGroup(
                    f"{name}-pe-{target}-dns",
                    private_dns_zone_group_name="default",
                    private_endpoint_name=self.private_endpoints[target].name,
                    resource_group_name=ctx.resource_group_name,
                    private_dns_zone_configs=[
                        network.PrivateDnsZoneConfigArgs(name=zone.replace(".", "-"), private_dns_zone_id=zones[zone].id)
                        for zone in PRIVATE_DNS_ZONES[group]
                    ],
                    opts=pulumi.ResourceOptions(parent=self),
                )
        self.register_outputs({
            "private": args.private,
            "vnetId": self.vnet.id if self.vnet else None,
            "privateEndpoints": {t: pe.id for t, pe in self.private_endpoints.items()},
        })

    def _zones(self, name: str, zone_names: list[str], ctx: AzureContext) -> dict[str, privatedns.PrivateZone]:
        """One private DNS zone per name, linked to the stack's VNet (no auto-registration)."""
        assert self.vnet is not None
        zones: dict[str, privatedns.PrivateZone] = {}
        for zone_name in zone_names:
            key = zone_name.removeprefix("privatelink.").replace(".", "-")
            zone = privatedns.PrivateZone(
                f"{name}-dns-{key}",
                private_zone_name=zone_name,
                resource_group_name=ctx.resource_group_name,
                location="global",
                tags=ctx.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            privatedns.VirtualNetworkLink(
                f"{name}-dns-{key}-link",
                virtual_network_link_name=f"vnet-{ctx.prefix}",
                private_zone_name=zone.name,
                resource_group_name=ctx.resource_group_name,
                location="global",
                registration_enabled=False,
                virtual_network=privatedns.SubResourceArgs(id=self.vnet.id),
                tags=ctx.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            zones[zone_name] = zone
        return zones
