"""AWS's ordering table: per recorded type, what must exist before its create.

- ``role``: the IAM role whose ARN it names (in a field or inside a JSON body) exists: its
  policies are inline, so the role carries its permissions with it;
- ``vpc_path``: a SageMaker endpoint in private subnets pulls its image from ECR and its
  model from S3 while it is created (CreateEndpoint fails when the container cannot start):
  in subnets with no internet route that happens only through the VPC's endpoints.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mlopskit.modules.graph import Graph, RecordedResource
from tests.fidelity.ordering import Finder, strings


def _principals(node: Any) -> Iterator[str]:
    """The ARNs in a policy document's ``Principal`` entries (any depth)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from (strings(value) if key == "Principal" else _principals(value))
    elif isinstance(node, list):
        for value in node:
            yield from _principals(value)


def _named(text: str) -> list[str]:
    """What in ``text`` must exist: a policy names resources it need not wait for (IAM accepts
    a Resource ARN that does not exist yet) but refuses a Principal that does not exist."""
    try:
        body = json.loads(text)
    except ValueError:
        return [text]
    if isinstance(body, dict) and "Statement" in body:
        return list(_principals(body))
    return [text]


def role(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    texts = [named for text in strings(resource.inputs) for named in _named(text)]
    for candidate in graph.of_type("aws:iam/role:Role"):
        arn = str(candidate.outputs.get("arn"))
        if candidate is not resource and any(arn in text for text in texts):
            yield candidate, "the IAM role it names"


def _models_of(graph: Graph, endpoint: RecordedResource) -> list[RecordedResource]:
    """The models an endpoint serves, through the configuration it names."""
    configs = [c for c in graph.of_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration")
               if c.outputs.get("id") == endpoint.inputs.get("endpointConfigName")]
    served = {v.get("modelName") for c in configs for v in c.inputs.get("productionVariants", [])}
    return [m for m in graph.of_type("aws:sagemaker/model:Model") if m.outputs.get("id") in served]


def vpc_path(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    subnets = {s for m in _models_of(graph, resource) for s in (m.inputs.get("vpcConfig") or {}).get("subnets", [])}
    vpcs = {s.inputs.get("vpcId") for s in graph.of_type("aws:ec2/subnet:Subnet") if s.outputs.get("id") in subnets}
    for endpoint in graph.of_type("aws:ec2/vpcEndpoint:VpcEndpoint"):
        if endpoint.inputs.get("vpcId") in vpcs:
            yield endpoint, f"the VPC endpoint {endpoint.inputs.get('serviceName')}, its path out of private subnets"


def _arn_named(graph: Graph, resource: RecordedResource, type_: str, what: str) -> Iterator[tuple[RecordedResource, str]]:
    texts = list(strings(resource.inputs))
    for candidate in graph.of_type(type_):
        arn = str(candidate.outputs.get("arn"))
        if candidate is not resource and any(arn in text for text in texts):
            yield candidate, what


def log_group(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    """CreateFlowLogs and CreateTrail refuse a CloudWatch Logs group that does not exist yet."""
    yield from _arn_named(graph, resource, "aws:cloudwatch/logGroup:LogGroup", "the log group it delivers to")


def kms_key(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    """CreateLogGroup with a KMS key is refused unless the key (and its policy granting the regional
    logs service) exists."""
    yield from _arn_named(graph, resource, "aws:kms/key:Key", "the KMS key it encrypts with")


ALWAYS: tuple[Finder, ...] = (role,)
_S3 = "aws:s3/"
TABLE: dict[str, tuple[Finder, ...]] = {
    "aws:appautoscaling/policy:Policy": (),
    "aws:appautoscaling/target:Target": (),
    "aws:backup/plan:Plan": (),
    "aws:backup/selection:Selection": (),
    "aws:backup/vault:Vault": (),
    "aws:budgets/budget:Budget": (),
    "aws:cloudcontrol/resource:Resource": (),
    "aws:cloudtrail/trail:Trail": (log_group,),
    "aws:cloudwatch/logGroup:LogGroup": (kms_key,),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (),
    "aws:ec2/flowLog:FlowLog": (log_group,),
    "aws:ec2/routeTable:RouteTable": (),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": (),
    "aws:ec2/securityGroup:SecurityGroup": (),
    "aws:ec2/securityGroupRule:SecurityGroupRule": (),
    "aws:ec2/subnet:Subnet": (),
    "aws:ec2/vpc:Vpc": (),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": (),
    "aws:ecr/repository:Repository": (),
    "aws:iam/role:Role": (),
    "aws:kms/alias:Alias": (),
    "aws:kms/key:Key": (),
    f"{_S3}bucket:Bucket": (),
    f"{_S3}bucketLifecycleConfiguration:BucketLifecycleConfiguration": (),
    f"{_S3}bucketLogging:BucketLogging": (),
    f"{_S3}bucketObjectv2:BucketObjectv2": (),
    f"{_S3}bucketOwnershipControls:BucketOwnershipControls": (),
    f"{_S3}bucketPolicy:BucketPolicy": (),
    f"{_S3}bucketPublicAccessBlock:BucketPublicAccessBlock": (),
    f"{_S3}bucketReplicationConfig:BucketReplicationConfig": (),
    f"{_S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (),
    f"{_S3}bucketVersioning:BucketVersioning": (),
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": (),
    "aws:sagemaker/endpoint:Endpoint": (vpc_path,),
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (),
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": (),
    "aws:sagemaker/model:Model": (),
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": (),
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule": (),
    "aws:sagemaker/pipeline:Pipeline": (),
    "aws:scheduler/schedule:Schedule": (),
    "aws:sns/topic:Topic": (),
    "aws:sns/topicSubscription:TopicSubscription": (),
    "pulumi:index:Stash": (),
}
