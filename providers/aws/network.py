"""Private networking: a VPC with no internet route, reaching AWS APIs via VPC endpoints."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import ec2

from providers.aws.context import AwsContext

TYPE = "mlopskit:aws:PrivateNetwork"
CIDR = "10.42.0.0/16"
# Interface endpoints SageMaker training and hosting need when they have no internet path.
_INTERFACE_SERVICES = ("sagemaker.api", "sagemaker.runtime", "ecr.api", "ecr.dkr", "logs", "sts", "monitoring", "kms")


@dataclass(frozen=True)
class PrivateNetworkArgs:
    """Availability zones to spread subnets over (two, for endpoint high availability).

    Zone names come from the account's available zones at deploy time: not every region
    offers an "a" and a "b" zone to every account."""

    zones: pulumi.Output[list[str]]
    count: int = 2
    # Multi-instance jobs encrypt traffic between their instances with IPsec: AWS requires
    # UDP 500 (IKE) and protocol 50 (ESP) between members of the security group
    # ("Protect communications between ML compute instances", SageMaker developer guide).
    ipsec_between_members: bool = False


class PrivateNetwork(pulumi.ComponentResource):
    """VPC, private subnets, a security group allowing HTTPS inside the VPC only, endpoints."""

    def __init__(self, name: str, args: PrivateNetworkArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = ec2.Vpc(f"{name}-vpc", cidr_block=CIDR, enable_dns_hostnames=True, enable_dns_support=True,
                           tags={"Name": f"{name}-vpc"}, opts=child)
        # Logical names use the subnet index, never the zone: names must be known
        # before the zones are, and must not change if AWS lists zones differently.
        self.subnets = [
            ec2.Subnet(
                f"{name}-private-{index}",
                vpc_id=self.vpc.id,
                availability_zone=args.zones[index],
                cidr_block=f"10.42.{index * 16}.0/20",
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-private-{index}"},
                opts=child,
            )
            for index in range(args.count)
        ]
        self.route_table = ec2.RouteTable(f"{name}-private-rt", vpc_id=self.vpc.id, opts=child)
        for index, subnet in enumerate(self.subnets):
            ec2.RouteTableAssociation(f"{name}-private-{index}-rt", subnet_id=subnet.id,
                                      route_table_id=self.route_table.id, opts=child)
        ipsec = [("udp", 500, "IKE"), ("50", 0, "ESP")] if args.ipsec_between_members else []
        self.security_group = ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=self.vpc.id,
            description="mlopskit: HTTPS within the VPC only",
            ingress=[ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=443, to_port=443, cidr_blocks=[CIDR],
                                                  description="HTTPS from inside the VPC"),
                     *(ec2.SecurityGroupIngressArgs(protocol=protocol, from_port=port, to_port=port, self=True,
                                                    description=f"{label} between training instances")
                       for protocol, port, label in ipsec)],
            egress=[ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=443, to_port=443, cidr_blocks=[CIDR],
                                                description="HTTPS to VPC endpoints"),
                    *(ec2.SecurityGroupEgressArgs(protocol=protocol, from_port=port, to_port=port, self=True,
                                                  description=f"{label} between training instances")
                      for protocol, port, label in ipsec)],
            opts=child,
        )
        # S3 is reached through a gateway endpoint (no data-processing charge); the
        # security group's egress to the S3 prefix list is added for it.
        s3 = ec2.VpcEndpoint(f"{name}-s3", vpc_id=self.vpc.id, service_name=f"com.amazonaws.{ctx.region}.s3",
                             vpc_endpoint_type="Gateway", route_table_ids=[self.route_table.id], opts=child)
        ec2.SecurityGroupRule(f"{name}-sg-s3", type="egress", protocol="tcp", from_port=443, to_port=443,
                              security_group_id=self.security_group.id, prefix_list_ids=[s3.prefix_list_id],
                              description="HTTPS to S3 via the gateway endpoint", opts=child)
        for service in _INTERFACE_SERVICES:
            ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{ctx.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[s.id for s in self.subnets],
                security_group_ids=[self.security_group.id],
                opts=child,
            )
        self.register_outputs({"vpcId": self.vpc.id, "subnetIds": [s.id for s in self.subnets]})
