"""Private networking: a VPC with no internet route, reaching AWS APIs via VPC endpoints."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import ec2

from mlopskit.providers.aws.context import AwsContext
from mlopskit.providers.aws.log_store import delivery_role, log_group

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
    # True when the stack has a multi-instance (distributed) training job. Its instances talk
    # to each other ("In distributed training, you must allow communication between the
    # different containers in the same training job ... allows inbound connections between
    # members of the same security group", SageMaker guide, train-vpc), encrypted with IPsec
    # (UDP 500 and protocol 50, "Protect communications between ML compute instances"): all
    # traffic between members of a training-only security group covers both.
    ipsec_between_members: bool = False


class PrivateNetwork(pulumi.ComponentResource):
    """VPC, private subnets, a security group allowing HTTPS inside the VPC only, endpoints,
    and for distributed training a group of its own (``training_security_group``)."""

    def __init__(self, name: str, args: PrivateNetworkArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("network"), opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = ec2.Vpc(f"{name}-vpc", cidr_block=CIDR, enable_dns_hostnames=True, enable_dns_support=True,
                           tags={"Name": f"{name}-vpc"}, opts=child)
        # Every VPC has a default security group: an account/VPC singleton AWS creates with the VPC
        # (all traffic between its members, all egress) and deletes with it. It is ADOPTED here,
        # never created: DefaultSecurityGroup takes it over and, given no rules, revokes every rule
        # it has, so anything launched without an explicit group can talk to nothing.
        ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=self.vpc.id, ingress=[], egress=[],
                                 tags={"Name": f"{name}-default-sg-no-rules"}, opts=child)
        self._flow_logs(name, ctx)
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
        https_in = ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=443, to_port=443, cidr_blocks=[CIDR],
                                                description="HTTPS from inside the VPC")
        https_out = ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=443, to_port=443, cidr_blocks=[CIDR],
                                                description="HTTPS to VPC endpoints")
        # Shared by the VPC endpoints, models and monitoring jobs: HTTPS only.
        self.security_group = ec2.SecurityGroup(f"{name}-sg", vpc_id=self.vpc.id,
                                                description="mlopskit: HTTPS within the VPC only",
                                                ingress=[https_in], egress=[https_out], opts=child)
        # Distributed training only: its own group, so the all-traffic rule between members
        # never reaches the endpoints or models. Instances reach the VPC endpoints over HTTPS.
        between = "all traffic between the instances of a training job"
        self.training_security_group = ec2.SecurityGroup(
            f"{name}-training-sg",
            vpc_id=self.vpc.id,
            description="mlopskit: distributed training, all traffic between members",
            ingress=[ec2.SecurityGroupIngressArgs(protocol="-1", from_port=0, to_port=0, self=True, description=between)],
            egress=[ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, self=True, description=between),
                    https_out],
            opts=child,
        ) if args.ipsec_between_members else None
        if self.training_security_group is not None:
            ctx.training_security_group_ids = [self.training_security_group.id]
        # S3 is reached through a gateway endpoint (no data-processing charge); the
        # security group's egress to the S3 prefix list is added for it.
        s3 = ec2.VpcEndpoint(f"{name}-s3", vpc_id=self.vpc.id, service_name=f"com.amazonaws.{ctx.region}.s3",
                             vpc_endpoint_type="Gateway", route_table_ids=[self.route_table.id], opts=child)
        for suffix, group in (("sg", self.security_group), ("training-sg", self.training_security_group)):
            if group is not None:
                ec2.SecurityGroupRule(f"{name}-{suffix}-s3", type="egress", protocol="tcp", from_port=443, to_port=443,
                                      security_group_id=group.id, prefix_list_ids=[s3.prefix_list_id],
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

    def _flow_logs(self, name: str, ctx: AwsContext) -> None:
        """Every accepted and rejected flow of the VPC, into a log group under the stack key kept the
        stack's retention; VPC Flow Logs writes through a role it assumes (``vpc-flow-logs``)."""
        group = log_group(f"{name}-flow-logs", f"/mlopskit/{ctx.prefix}/vpc-flow-logs", ctx, self)
        role = delivery_role(f"{name}-flow-logs", ctx.name("flow-logs"), "vpc-flow-logs.amazonaws.com", group, ctx, self)
        ec2.FlowLog(f"{name}-flow-log", vpc_id=self.vpc.id, traffic_type="ALL", log_destination_type="cloud-watch-logs",
                    log_destination=group.arn, iam_role_arn=role.arn, max_aggregation_interval=600,
                    opts=pulumi.ResourceOptions(parent=self))
