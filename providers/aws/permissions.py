"""The abstract permission vocabulary mapped to least-privilege IAM statements.

Every statement names specific actions (never ``*`` or ``service:*``) on this stack's own
ARNs. The few actions AWS only authorises on ``Resource: "*"`` (ECR auth tokens, ENI
management, PutMetricData) are listed in ``UNSCOPED_ACTIONS`` and carry a condition
where AWS offers one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

UNSCOPED_ACTIONS = frozenset({
    "ecr:GetAuthorizationToken",
    "cloudwatch:PutMetricData",
    "ec2:CreateNetworkInterface",
    "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
})

Arn = pulumi.Input[str]


@dataclass(frozen=True)
class StackArns:
    """ARNs (and ARN patterns) of the stack's own resources that statements are scoped to."""

    bucket: Arn
    key: Arn | None
    repository: Arn
    model_groups: tuple[Arn, ...]
    model_packages: tuple[Arn, ...]  # model-package/<group>/* patterns
    pipelines: tuple[Arn, ...]
    training_jobs: Arn  # training-job/<prefix>-* pattern
    endpoints: tuple[Arn, ...]
    endpoint_configs: Arn  # endpoint-config/<prefix>-* pattern
    models: Arn  # model/<prefix>-* pattern
    log_groups: Arn  # log-group:/aws/sagemaker/* pattern
    backup_vault: Arn | None
    recovery_points: Arn | None
    training_role: Arn
    inference_role: Arn
    backup_role: Arn | None


def _objects(bucket: Arn, prefix: str = "") -> pulumi.Output[str]:
    return pulumi.Output.concat(bucket, "/", prefix, "*")


def _kms(arns: StackArns, *actions: str) -> list[dict[str, Any]]:
    return [{"Effect": "Allow", "Action": list(actions), "Resource": arns.key}] if arns.key is not None else []


def _pass_role(role: Arn) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": role,
        "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
    }


def statements(permission: str, arns: StackArns) -> list[dict[str, Any]]:
    """IAM statements granting ``permission`` on the stack's resources only."""
    if permission == "artifacts.read":
        return [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": _objects(arns.bucket)},
            {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": arns.bucket},
            *_kms(arns, "kms:Decrypt"),
        ]
    if permission == "artifacts.write":
        return [
            {"Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload"], "Resource": _objects(arns.bucket)},
            *_kms(arns, "kms:GenerateDataKey", "kms:Encrypt"),
        ]
    if permission == "models.read":
        return [
            {"Effect": "Allow", "Action": ["sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"],
             "Resource": list(arns.model_groups)},
            {"Effect": "Allow", "Action": ["sagemaker:DescribeModelPackage"], "Resource": list(arns.model_packages)},
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": _objects(arns.bucket, "models/")},
            *_kms(arns, "kms:Decrypt"),
        ]
    if permission == "models.register":
        return [
            {"Effect": "Allow", "Action": ["sagemaker:CreateModelPackage"],
             "Resource": [*arns.model_groups, *arns.model_packages]},
            {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": _objects(arns.bucket, "models/")},
            *_kms(arns, "kms:GenerateDataKey"),
        ]
    if permission == "models.promote":
        return [{"Effect": "Allow", "Action": ["sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackage"],
                 "Resource": list(arns.model_packages)}]
    if permission == "training.submit":
        return [
            {"Effect": "Allow", "Action": ["sagemaker:StartPipelineExecution", "sagemaker:DescribePipelineExecution"],
             "Resource": [*arns.pipelines, *(pulumi.Output.concat(p, "/execution/*") for p in arns.pipelines)]},
            {"Effect": "Allow", "Action": ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob",
                                           "sagemaker:StopTrainingJob"], "Resource": arns.training_jobs},
            _pass_role(arns.training_role),
        ]
    if permission == "endpoints.invoke":
        return [{"Effect": "Allow", "Action": ["sagemaker:InvokeEndpoint"], "Resource": list(arns.endpoints)}]
    if permission == "endpoints.deploy":
        return [
            {"Effect": "Allow", "Action": ["sagemaker:UpdateEndpoint", "sagemaker:UpdateEndpointWeightsAndCapacities",
                                           "sagemaker:DescribeEndpoint"], "Resource": list(arns.endpoints)},
            {"Effect": "Allow", "Action": ["sagemaker:CreateEndpointConfig", "sagemaker:DescribeEndpointConfig"],
             "Resource": arns.endpoint_configs},
            {"Effect": "Allow", "Action": ["sagemaker:CreateModel", "sagemaker:DescribeModel"], "Resource": arns.models},
            _pass_role(arns.inference_role),
        ]
    if permission == "logs.read":
        return [{"Effect": "Allow", "Action": ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"],
                 "Resource": arns.log_groups}]
    if permission == "backups.restore":
        if arns.backup_vault is None or arns.backup_role is None:
            return []
        return [
            {"Effect": "Allow", "Action": ["backup:ListRecoveryPointsByBackupVault", "backup:DescribeBackupVault"],
             "Resource": arns.backup_vault},
            {"Effect": "Allow", "Action": ["backup:StartRestoreJob", "backup:DescribeRecoveryPoint"],
             "Resource": arns.recovery_points},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": arns.backup_role,
             "Condition": {"StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}},
        ]
    raise ValueError(f"unknown permission {permission!r}")
