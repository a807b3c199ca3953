"""Private networking: a VPC, a subnet with Private Google Access, and private services access.

Training jobs join the VPC through private services access (VPC peering with Vertex AI).
Endpoints use Private Service Connect instead: a peered private endpoint serves only one
model, so it could not hold the two deployed models a canary or blue/green rollout needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import compute, networkconnectivity, servicenetworking

from mlopskit.providers.gcp.context import GcpContext, child

TYPE = "mlopskit:gcp:Network"
# The service class Vertex AI's Private Service Connect automation creates its consumer
# forwarding rules under. NOT confirmed from the stored Vertex docs (the gcloud examples
# for Vertex PSC automation use it); check it before the first private deploy.
VERTEX_SERVICE_CLASS = "gcp-vertexai"


@dataclass
class NetworkArgs:
    """Inputs of the Network component."""

    prefix: str
    project: str
    project_number: str
    region: str
    private: bool  # network.private
    subnet_cidr: str = "10.10.0.0/20"
    peering_prefix_length: int = 16


class Network(pulumi.ComponentResource):
    """The stack's VPC; ``peering_network`` is what Vertex custom jobs join (None if public)."""

    network_id: pulumi.Output[str] | None
    peering_network: pulumi.Output[str] | None

    def __init__(self, name: str, args: NetworkArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("network"), opts)
        self.network_id = None
        self.peering_network = None
        self.private = args.private
        if args.private:
            network = compute.Network(
                f"{args.prefix}-network-vpc",
                name=f"{args.prefix}-vpc",
                project=args.project,
                auto_create_subnetworks=False,
                routing_mode="REGIONAL",
                opts=child(self),
            )
            subnet = compute.Subnetwork(
                f"{args.prefix}-network-subnet",
                name=f"{args.prefix}-{args.region}",
                project=args.project,
                region=args.region,
                network=network.id,
                ip_cidr_range=args.subnet_cidr,
                # Google APIs (Storage, Artifact Registry, Vertex) stay reachable without
                # external IPs.
                private_ip_google_access=True,
                log_config=compute.SubnetworkLogConfigArgs(
                    aggregation_interval="INTERVAL_5_SEC", flow_sampling=0.5, metadata="INCLUDE_ALL_METADATA"
                ),
                opts=child(self),
            )
            peering_range = compute.GlobalAddress(
                f"{args.prefix}-network-peering-range",
                name=f"{args.prefix}-vertex-peering",
                project=args.project,
                network=network.id,
                purpose="VPC_PEERING",
                address_type="INTERNAL",
                prefix_length=args.peering_prefix_length,
                opts=child(self),
            )
            connection = servicenetworking.Connection(
                f"{args.prefix}-network-private-services",
                network=network.id,
                service="servicenetworking.googleapis.com",
                reserved_peering_ranges=[peering_range.name],
                opts=child(self),
            )
            # Lets Vertex create each endpoint's consumer forwarding rule (PSC automation)
            # in this subnet: without a forwarding rule nothing in the VPC reaches the endpoint.
            networkconnectivity.ServiceConnectionPolicy(
                f"{args.prefix}-network-psc-policy",
                name=f"{args.prefix}-vertex-psc",
                project=args.project,
                location=args.region,
                network=network.id,
                service_class=VERTEX_SERVICE_CLASS,
                description="Private Service Connect automation for the stack's Vertex AI endpoints",
                psc_config=networkconnectivity.ServiceConnectionPolicyPscConfigArgs(subnetworks=[subnet.id]),
                opts=child(self),
            )
            self.network_id = network.id
            # Vertex wants the network by project NUMBER; waiting on the connection makes
            # jobs start only once peering exists.
            self.peering_network = pulumi.Output.all(network.name, connection.id).apply(
                lambda values: f"projects/{args.project_number}/global/networks/{values[0]}"
            )
        self.register_outputs({"networkId": self.network_id, "peeringNetwork": self.peering_network})
