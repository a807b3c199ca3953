"""Private access: a VNet whose private endpoints reach the stack's data-plane services.

Azure ML's managed network already keeps compute and endpoints private (see
workspace.py). This VNet gives people and CI a private path to the same services;
its private DNS zones are expected from the organisation's hub (central DNS is the
common enterprise pattern), so none are created here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import network

from providers.azure.context import AzureContext

TYPE = "mlopskit:azure:Network"
ADDRESS_SPACE = "10.42.0.0/16"
ENDPOINT_SUBNET = ("private-endpoints", "10.42.1.0/24")


@dataclass
class NetworkArgs:
    """Whether the stack is private, and the services to reach privately (name -> (id, group))."""

    private: bool
    targets: dict[str, tuple[pulumi.Input[str], str]] = field(default_factory=dict)


class Network(pulumi.ComponentResource):
    """VNet + private endpoints when ``network.private``; nothing (public endpoints) otherwise."""

    def __init__(self, name: str, args: NetworkArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
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
        self.register_outputs({
            "private": args.private,
            "vnetId": self.vnet.id if self.vnet else None,
            "privateEndpoints": {t: pe.id for t, pe in self.private_endpoints.items()},
        })
