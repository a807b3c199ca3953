"""Mocked outputs shaped like AWS's own (ARNs, names, ids), so wiring is exercised offline."""

from __future__ import annotations

from typing import Any

from mlopskit.modules.naming import short_hash

ACCOUNT = "123456789012"

# type token -> (ARN service, ARN resource prefix, input holding the physical name)
_ARNS: dict[str, tuple[str, str, str]] = {
    "aws:kms/key:Key": ("kms", "key/", ""),
    "aws:s3/bucket:Bucket": ("s3", "", "bucket"),
    "aws:ecr/repository:Repository": ("ecr", "repository/", "name"),
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": ("sagemaker", "model-package-group/", "modelPackageGroupName"),
    "aws:sagemaker/model:Model": ("sagemaker", "model/", "name"),
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": ("sagemaker", "endpoint-config/", "name"),
    "aws:sagemaker/endpoint:Endpoint": ("sagemaker", "endpoint/", "name"),
    "aws:sagemaker/pipeline:Pipeline": ("sagemaker", "pipeline/", "pipelineName"),
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": ("sagemaker", "data-quality-job-definition/", "name"),
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule": ("sagemaker", "monitoring-schedule/", "name"),
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": ("sagemaker", "mlflow-tracking-server/", "trackingServerName"),
    "aws:iam/role:Role": ("iam", "role/", "name"),
    "aws:sns/topic:Topic": ("sns", "", "name"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("cloudwatch", "alarm:", "name"),
    "aws:backup/vault:Vault": ("backup", "backup-vault:", "name"),
    "aws:backup/plan:Plan": ("backup", "backup-plan:", ""),
    "aws:cloudtrail/trail:Trail": ("cloudtrail", "trail/", "name"),
    "aws:scheduler/schedule:Schedule": ("scheduler", "schedule/default/", "name"),
    "aws:ec2/vpc:Vpc": ("ec2", "vpc/", ""),
    "aws:cloudwatch/logGroup:LogGroup": ("logs", "log-group:", "name"),
    "aws:ec2/subnet:Subnet": ("ec2", "subnet/", ""),
    "aws:ec2/securityGroup:SecurityGroup": ("ec2", "security-group/", ""),
}
_GLOBAL = {"s3", "iam"}


def _physical_name(type_: str, name: str, inputs: dict[str, Any]) -> str:
    key = _ARNS.get(type_, ("", "", "name"))[2]
    # Pulumi auto-names resources without an explicit name: logical name + random suffix.
    return str(inputs.get(key) or f"{name}-0a1b2c3")


def mock_resource(type_: str, name: str, inputs: dict[str, Any], region: str) -> tuple[str, dict[str, Any]]:
    """(id, outputs) for an AWS resource, as the AWS provider would report them."""
    physical = _physical_name(type_, name, inputs)
    resource_region = inputs.get("region") or region
    outputs: dict[str, Any] = {"name": physical, "region": resource_region}
    resource_id = physical
    if type_ == "aws:kms/key:Key":
        resource_id = "1234abcd-12ab-34cd-56ef-" + short_hash(name, length=12)
        outputs["keyId"] = resource_id
    elif type_.startswith("aws:ec2/"):
        resource_id = f"{type_.split(':')[-1].lower()[:6]}-{short_hash(name, length=8)}"
        if type_ == "aws:ec2/vpcEndpoint:VpcEndpoint":
            outputs["prefixListId"] = "pl-6da54004"
    elif type_ == "aws:sns/topic:Topic":
        resource_id = f"arn:aws:sns:{resource_region}:{ACCOUNT}:{physical}"
    elif type_ == "aws:backup/plan:Plan":
        resource_id = f"{short_hash(name, length=8)}-plan"
    elif type_ == "aws:ecr/repository:Repository":
        outputs["repositoryUrl"] = f"{ACCOUNT}.dkr.ecr.{resource_region}.amazonaws.com/{physical}"
        outputs["registryId"] = ACCOUNT
    if type_ in _ARNS:
        service, prefix, _ = _ARNS[type_]
        where = "" if service in _GLOBAL else resource_region
        account = "" if service == "s3" else ACCOUNT
        outputs["arn"] = f"arn:aws:{service}:{where}:{account}:{prefix}{resource_id if service in ('kms', 'ec2') else physical}"
    outputs["id"] = resource_id
    return resource_id, outputs


def mock_call(token: str, args: dict[str, Any], region: str) -> dict[str, Any]:
    """Results of the AWS provider functions the kit invokes."""
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/mlopskit", "userId": "AIDAMLOPSKIT", "id": ACCOUNT}
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        names = [f"{region}{zone}" for zone in "abc"]
        return {"names": names, "zoneIds": [f"euw1-az{i}" for i in (1, 2, 3)], "id": region, "state": "available"}
    if token == "aws:index/getRegion:getRegion":
        return {"name": region, "region": region, "id": region}
    raise NotImplementedError(f"no offline answer for invoke {token}")
