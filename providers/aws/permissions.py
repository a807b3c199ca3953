"""The abstract permission vocabulary mapped to least-privilege IAM statements.

Every statement names specific actions (never ``*`` or ``service:*``) on this stack's own
ARNs. The few actions AWS only authorises on ``Resource: "*"`` (ECR auth tokens, ENI
management, PutMetricData, Describe calls without resource types) are listed in
``UNSCOPED_ACTIONS`` and carry a condition where AWS offers one.

The permissions a day-2 command needs are the calls providers/aws/ops.py makes:
``DAY2_PERMISSIONS`` names the permission whose role runs each command, and
tests/aws/day2/test_permissions.py replays the commands and checks every call is granted.
A statement with nothing to act on (``Resource: []``, which IAM rejects) is dropped.
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
    # No resource types in the service authorization reference for these Describe calls.
    "application-autoscaling:DescribeScalableTargets",
    "backup:DescribeRestoreJob",
})

# The permission whose role runs each day-2 command (`mlopskit <command>`).
DAY2_PERMISSIONS: dict[str, str] = {
    "rollout": "endpoints.deploy",
    "rollback": "endpoints.deploy",
    "promote": "models.promote",
    "train": "training.submit",
    "backup verify": "backups.restore",
}

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
    alarms: Arn  # alarm:<prefix>-* pattern
    scratch_bucket: Arn | None  # where `backup verify` restores to (and reads, then deletes)
    log_groups: Arn  # log-group:/aws/sagemaker/* pattern
    backup_vault: Arn | None
    recovery_points: Arn | None
    training_role: Arn
    inference_role: Arn
    backup_role: Arn | None
    batch_pipelines: tuple[Arn, ...] = ()
    monitor_pipelines: tuple[Arn, ...] = ()  # the kit monitor jobs' pipelines (one per monitored endpoint)
    monitoring_role: Arn | None = None  # the role the monitor jobs run as (None: no kit monitor job)
    transform_jobs: Arn | None = None  # transform-job/pipelines-* pattern (None: no batch job)
    tracking_server: Arn | None = None  # mlflow-tracking-server/<name> (None: no experiments section)
    # The endpoints a training gate compares against (training[].evaluation.against): `train` reads
    # the version each serves now. Empty: no gate compares, no endpoint read.
    champions: tuple[Arn, ...] = ()


def _objects(bucket: Arn, prefix: str = "") -> pulumi.Output[str]:
    return pulumi.Output.concat(bucket, "/", prefix, "*")


def _kms(arns: StackArns, *actions: str) -> list[dict[str, Any]]:
    return [{"Effect": "Allow", "Action": list(actions), "Resource": arns.key}] if arns.key is not None else []


def _serving_reads(arns: StackArns) -> list[dict[str, Any]]:
    """`mlopskit train` of a gate that compares against an endpoint reads the version serving now."""
    if not arns.champions:
        return []
    return [{"Effect": "Allow", "Action": ["sagemaker:DescribeEndpoint"], "Resource": list(arns.champions)},
            {"Effect": "Allow", "Action": ["sagemaker:DescribeEndpointConfig"], "Resource": arns.endpoint_configs},
            {"Effect": "Allow", "Action": ["sagemaker:DescribeModel"], "Resource": arns.models}]


def kms_grants(key: Arn | None) -> list[dict[str, Any]]:
    """What a caller of a SageMaker API that takes the stack key (VolumeKmsKeyId, KmsKeyId)
    needs: SageMaker creates a grant on the key for the instances' volumes ("If you specify a
    volume KMS key ..., add kms:CreateGrant", SageMaker developer guide, sagemaker-roles).
    Both actions only through SageMaker in the key's region; the grant only for an AWS resource."""
    if key is None:
        return []
    via = {"kms:ViaService": pulumi.Output.from_input(key).apply(
        lambda arn: f"sagemaker.{arn.split(':')[3]}.amazonaws.com")}
    return [
        {"Effect": "Allow", "Action": "kms:CreateGrant", "Resource": key,
         "Condition": {"StringEquals": via, "Bool": {"kms:GrantIsForAWSResource": "true"}}},
        # kms:GrantIsForAWSResource exists for the grant operations only: not on DescribeKey.
        {"Effect": "Allow", "Action": "kms:DescribeKey", "Resource": key, "Condition": {"StringEquals": via}},
    ]


def _pass_role(role: Arn) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": role,
        "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
    }


def statements(permission: str, arns: StackArns) -> list[dict[str, Any]]:
    """IAM statements granting ``permission`` on the stack's resources only; statements with
    nothing to act on (a stack without training jobs has no pipeline to grant on) are dropped."""
    return [s for s in _statements(permission, arns) if s["Resource"] != []]


def _statements(permission: str, arns: StackArns) -> list[dict[str, Any]]:
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
            {"Effect": "Allow", "Action": ["sagemaker:DescribeModelPackageGroup"], "Resource": list(arns.model_groups)},
            # The Service Authorization Reference gives ListModelPackages the model-package resource
            # type (not model-package-group), so it is granted on the groups' package ARNs.
            {"Effect": "Allow", "Action": ["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"],
             "Resource": list(arns.model_packages)},
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
        if not arns.pipelines:
            return []  # no training job in the stack: nothing to submit
        return [
            # Each action on the resource type the Service Authorization Reference gives it:
            # pipeline for Start/DescribePipeline, pipeline-execution for DescribePipelineExecution.
            # `mlopskit train` reads the pipeline's training step and submits it as a job.
            {"Effect": "Allow", "Action": ["sagemaker:StartPipelineExecution", "sagemaker:DescribePipeline"],
             "Resource": list(arns.pipelines)},
            {"Effect": "Allow", "Action": ["sagemaker:DescribePipelineExecution"],
             "Resource": [pulumi.Output.concat(p, "/execution/*") for p in arns.pipelines]},
            {"Effect": "Allow", "Action": ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob",
                                           "sagemaker:StopTrainingJob"], "Resource": arns.training_jobs},
            # The submitted job's VolumeKmsKeyId is the stack key.
            *kms_grants(arns.key),
            _pass_role(arns.training_role),
            *_serving_reads(arns),
        ]
    if permission == "endpoints.invoke":
        return [{"Effect": "Allow", "Action": ["sagemaker:InvokeEndpoint"], "Resource": list(arns.endpoints)}]
    if permission == "endpoints.deploy":
        if not arns.endpoints:
            return []
        return [
            # `rollout` tags the endpoint with the config to roll back to; `rollback` reads it.
            {"Effect": "Allow", "Action": ["sagemaker:UpdateEndpointWeightsAndCapacities", "sagemaker:DescribeEndpoint",
                                           "sagemaker:AddTags", "sagemaker:ListTags"],
             "Resource": list(arns.endpoints)},
            # UpdateEndpoint is authorised on the endpoint AND the config it switches to.
            {"Effect": "Allow", "Action": ["sagemaker:UpdateEndpoint"],
             "Resource": [*arns.endpoints, arns.endpoint_configs]},
            {"Effect": "Allow", "Action": ["sagemaker:CreateEndpointConfig", "sagemaker:DescribeEndpointConfig"],
             "Resource": arns.endpoint_configs},
            {"Effect": "Allow", "Action": ["sagemaker:CreateModel", "sagemaker:DescribeModel"], "Resource": arns.models},
            # The rollout's model is a registry version: checked for approval first.
            {"Effect": "Allow", "Action": ["sagemaker:DescribeModelPackage"], "Resource": list(arns.model_packages)},
            {"Effect": "Allow", "Action": ["cloudwatch:DescribeAlarms"], "Resource": arns.alarms},
            {"Effect": "Allow", "Action": ["application-autoscaling:DescribeScalableTargets"], "Resource": "*"},
            # The endpoint configs it creates carry the stack key (KmsKeyId, data capture).
            *kms_grants(arns.key),
            _pass_role(arns.inference_role),
        ]
    if permission in ("experiments.read", "experiments.write"):
        return _experiments(permission, arns)
    if permission == "logs.read":
        return [{"Effect": "Allow", "Action": ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"],
                 "Resource": arns.log_groups}]
    if permission == "backups.restore":
        if arns.backup_vault is None or arns.backup_role is None or arns.scratch_bucket is None:
            return []
        return [
            {"Effect": "Allow", "Action": ["backup:ListRecoveryPointsByBackupVault", "backup:DescribeBackupVault"],
             "Resource": arns.backup_vault},
            {"Effect": "Allow", "Action": ["backup:StartRestoreJob", "backup:DescribeRecoveryPoint",
                                           "backup:GetRecoveryPointRestoreMetadata"],
             "Resource": arns.recovery_points},
            {"Effect": "Allow", "Action": ["backup:DescribeRestoreJob"], "Resource": "*"},
            # `backup verify` compares checksums of the artifacts with the restored copy, then
            # deletes the copy.
            {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [arns.bucket, arns.scratch_bucket]},
            {"Effect": "Allow", "Action": ["s3:GetObject"],
             "Resource": [_objects(arns.bucket), _objects(arns.scratch_bucket)]},
            {"Effect": "Allow", "Action": ["s3:DeleteObject"], "Resource": _objects(arns.scratch_bucket)},
            {"Effect": "Allow", "Action": ["s3:DeleteBucket"], "Resource": arns.scratch_bucket},
            *_kms(arns, "kms:Decrypt"),
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": arns.backup_role,
             "Condition": {"StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}},
        ]
    raise ValueError(f"unknown permission {permission!r}")


# MLflow REST calls through SageMaker, per the Service Authorization Reference (sagemaker-mlflow):
# every one on the tracking server. AccessUI (no resource type) is left out: it would need "*".
_MLFLOW_READ = ("GetExperiment", "GetExperimentByName", "SearchExperiments", "GetRun", "SearchRuns",
                "GetMetricHistory", "ListArtifacts")
_MLFLOW_WRITE = ("CreateExperiment", "UpdateExperiment", "SetExperimentTag", "CreateRun", "UpdateRun", "LogBatch",
                 "LogMetric", "LogParam", "LogInputs", "LogModel", "SetTag", "DeleteTag")


def _experiments(permission: str, arns: StackArns) -> list[dict[str, Any]]:
    """Runs on the stack's tracking server and their artifacts under experiments/."""
    if arns.tracking_server is None:
        return []  # no experiments section: nothing to grant on
    if permission == "experiments.read":
        return [
            {"Effect": "Allow", "Action": [f"sagemaker-mlflow:{a}" for a in _MLFLOW_READ], "Resource": arns.tracking_server},
            {"Effect": "Allow", "Action": ["sagemaker:DescribeMlflowTrackingServer",
                                           "sagemaker:CreatePresignedMlflowTrackingServerUrl"],
             "Resource": arns.tracking_server},
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": _objects(arns.bucket, "experiments/")},
            *_kms(arns, "kms:Decrypt"),
        ]
    return [
        {"Effect": "Allow", "Action": [f"sagemaker-mlflow:{a}" for a in _MLFLOW_WRITE], "Resource": arns.tracking_server},
        {"Effect": "Allow", "Action": ["sagemaker:DescribeMlflowTrackingServer"], "Resource": arns.tracking_server},
        {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": _objects(arns.bucket, "experiments/")},
        *_kms(arns, "kms:GenerateDataKey"),
    ]
