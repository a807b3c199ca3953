"""IAM: one role per workload (training, serving, pipeline, scheduler, monitoring, backup)
and one per ``access.roles`` entry, each with inline least-privilege policies."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import iam

from mlopskit.modules.access import AccessRole
from mlopskit.monitor import contract
from mlopskit.providers.aws.context import AwsContext, built, policy_json, service_trust
from mlopskit.providers.aws.images import repository_arn
from mlopskit.providers.aws.permissions import StackArns, kms_grants, statements
from mlopskit.providers.aws.principals import kind, permission_set, permission_set_roles, workload_role

# The folders of the bucket a training job reads: its code channel and its train channel
# (training.py: code/<job>/..., data/<job>/).
TRAINING_READS = ("code/", "data/")

TYPE = "mlopskit:aws:Identity"
# The kit monitor job's CloudWatch namespace (mlopskit/monitor/contract.py): its only one.
MONITOR_NAMESPACE = contract.AWS_NAMESPACE
ROLE_TAG = "mlopskit-role"  # names the spec role on its IAM role (a label: trust never reads it)

_ECR_PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
_ENI = [
    "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
]


@dataclass(frozen=True)
class IdentityArgs:
    """The stack ARNs statements are scoped to, and the human/CI roles of the spec."""

    arns: StackArns
    access_roles: tuple[AccessRole, ...]
    private: bool
    backups: bool
    # Images and artifacts the spec references (they may live outside the stack): the role
    # that runs them must be able to read exactly these.
    training_images: tuple[str, ...] = ()
    serving_images: tuple[str, ...] = ()
    model_artifacts: tuple[str, ...] = ()  # s3:// URIs
    # Artifact-store folders batch jobs read and write (their transform jobs run as the inference role).
    batch_inputs: tuple[str, ...] = ()
    batch_outputs: tuple[str, ...] = ()
    # Artifact-store folders of ground-truth labels the model-quality jobs read (monitoring role).
    ground_truth: tuple[str, ...] = ()
    # Further artifact-store folders the monitoring jobs read: Clarify baselines and analysis configurations.
    monitoring_reads: tuple[str, ...] = ()
    # Artifact-store folders the monitoring jobs write their results to (their MonitoringOutputs).
    monitoring_outputs: tuple[str, ...] = ()
    # Endpoints whose explainability job invokes them to compute SHAP values (monitoring role).
    explained_endpoints: tuple[pulumi.Input[str], ...] = ()
    # Whether an endpoint's kit monitor job runs (pipeline Processing step as the monitoring role).
    monitor_jobs: bool = False
    # The image the kit monitor job runs (the SageMaker scikit-learn image), pulled as the monitoring role.
    monitor_images: tuple[str, ...] = ()
    # Training gates (training[].evaluation): the hold-out folders their transform steps read as
    # the inference role, and the folders (evaluation/<job>/) the predictions and reports go to.
    holdouts: tuple[str, ...] = ()
    gate_outputs: tuple[str, ...] = ()
    # What the gate's processing job reads besides them: its code (code/<job>/) and the data the
    # candidate trained on (data/<job>/), hashed into the version's lineage.
    gate_reads: tuple[str, ...] = ()
    # Pipelines that tune, evaluate or register (training[].tuning / evaluation / register), and
    # the packages they register into.
    continuous: bool = False
    registered: tuple[str, ...] = ()


class Identity(pulumi.ComponentResource):
    """Roles for the stack's workloads and people. No managed ``*FullAccess`` policy, no
    wildcard action: every statement comes from ``permissions.statements`` or below."""

    def __init__(self, name: str, args: IdentityArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("identity"), opts)
        self._base = name
        a = args.arns
        bucket_objects = lambda prefix: pulumi.Output.concat(a.bucket, "/", prefix, "*")  # noqa: E731
        kms = [{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": a.key}] if a.key else []
        pull = lambda images: {"Effect": "Allow", "Action": _ECR_PULL, "Resource": [  # noqa: E731
            a.repository, *dict.fromkeys(arn for arn in map(repository_arn, images) if arn)]}
        runtime: list[dict[str, Any]] = [
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": a.log_groups},
            {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
             "Condition": {"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"]}}},
            *kms,
        ]
        if args.private:
            runtime.append({"Effect": "Allow", "Action": _ENI, "Resource": "*"})
        sagemaker_trust = service_trust("sagemaker.amazonaws.com", account_id=ctx.account_id)

        # Training reads its input folders only (code and data channels; the tracking server,
        # which runs as this role, its experiments/ artifact store): never the captures,
        # monitoring reports or batch data (docs/permissions.md).
        reads = [*TRAINING_READS, *(("experiments/",) if a.tracking_server is not None else ())]
        self.training = self._role(ctx, "training", sagemaker_trust, [
            pull(args.training_images),
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": list(map(bucket_objects, reads))},
            {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": a.bucket,
             "Condition": {"StringLike": {"s3:prefix": [f"{p}*" for p in reads]}}},
            {"Effect": "Allow", "Action": ["s3:GetBucketLocation"], "Resource": a.bucket},
            *([{"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": a.key}] if a.key else []),
            {"Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
             "Resource": [bucket_objects("models/"), bucket_objects("checkpoints/")]},
            # Training runs log to the tracking server, which runs as this role (its artifact store).
            *statements("experiments.write", a),
            *kms_grants(a.key),  # the training job's VolumeKmsKeyId is the stack key
            *runtime,
        ])
        artifacts = [f"arn:aws:s3:::{uri.removeprefix('s3://')}" for uri in args.model_artifacts if uri.startswith("s3://")]
        self.inference = self._role(ctx, "inference", sagemaker_trust, [
            pull(args.serving_images),
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [bucket_objects("models/"), *artifacts]},
            # An uncompressed model (artifactPath, an S3Prefix) is listed before it is read.
            {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": a.bucket,
             "Condition": {"StringLike": {"s3:prefix": "models/*"}}},
            {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": bucket_objects("data-capture/")},
            {"Effect": "Allow", "Action": ["sagemaker:DescribeModelPackage"], "Resource": list(a.model_packages)},
            *self._batch_data(args, a.bucket),
            *runtime,
        ])
        self.monitoring = self._role(ctx, "monitoring", sagemaker_trust, [
            pull(args.monitor_images),
            {"Effect": "Allow", "Action": ["s3:GetObject"],
             "Resource": [bucket_objects("data-capture/"),
                          *map(bucket_objects, dict.fromkeys(args.ground_truth + args.monitoring_reads))]},
            {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": a.bucket},
            *self._monitoring_writes(args, bucket_objects),
            *([{"Effect": "Allow", "Action": ["sagemaker:InvokeEndpoint"], "Resource": list(args.explained_endpoints)}]
              if args.explained_endpoints else []),
            # The kit's monitor job publishes its metrics under its own namespace only.
            *([{"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
                "Condition": {"StringEquals": {"cloudwatch:namespace": MONITOR_NAMESPACE}}}] if args.monitor_jobs else []),
            *kms_grants(a.key),  # the drift job's VolumeKmsKeyId is the stack key
            *runtime,
        ])
        self.evaluation = self._role(ctx, "evaluation", sagemaker_trust, [
            pull(()),
            *self._folders(a.bucket, reads=(*args.gate_reads, *args.holdouts, *args.gate_outputs),
                           writes=args.gate_outputs),
            *kms_grants(a.key),  # the processing job's VolumeKmsKeyId is the stack key
            *runtime,
        ]) if args.gate_outputs else None
        self.pipeline = self._role(ctx, "pipeline", sagemaker_trust, [
            *(continuous_statements(a, ctx, self.evaluation, args.registered) if args.continuous else []),
            # Pipeline steps name their training jobs pipelines-<execution>-<step>.
            {"Effect": "Allow", "Action": ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob",
                                           "sagemaker:StopTrainingJob", "sagemaker:AddTags"],
             "Resource": [a.training_jobs, ctx.arn("sagemaker", "training-job/pipelines-*")]},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": a.training_role,
             "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
            *self._monitor_steps(ctx, a, args.monitor_jobs),
            *([
                # Batch pipelines' Transform steps: the job's VolumeKmsKeyId is the stack key.
                {"Effect": "Allow", "Action": ["sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob",
                                               "sagemaker:StopTransformJob", "sagemaker:AddTags"],
                 "Resource": a.transform_jobs},
                *kms_grants(a.key),
            ] if a.transform_jobs is not None else []),
        ])
        scheduled = [*a.pipelines, *a.batch_pipelines, *a.monitor_pipelines]
        self.scheduler = self._role(ctx, "scheduler", service_trust("scheduler.amazonaws.com", account_id=ctx.account_id), [
            {"Effect": "Allow", "Action": "sagemaker:StartPipelineExecution", "Resource": scheduled},
            # Schedules are encrypted with the stack key; the scheduler decrypts them as this role.
            *([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": a.key}] if a.key else []),
        ]) if scheduled else None
        self.backup = iam.Role(
            f"{name}-backup",
            name=ctx.name("backup"),
            assume_role_policy=service_trust("backup.amazonaws.com", account_id=ctx.account_id),
            # AWS Backup's own service-role policies: scoped to backup operations, not FullAccess.
            managed_policy_arns=[
                "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
                "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
                "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
                "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
            ],
            opts=pulumi.ResourceOptions(parent=self),
        ) if args.backups else None
        self.access = {role.name: self._access_role(ctx, index, role, a) for index, role in enumerate(args.access_roles)}
        ctx.roles.update({
            "training": self.training.arn, "inference": self.inference.arn, "monitoring": self.monitoring.arn,
            "pipeline": self.pipeline.arn,
            **({"scheduler": self.scheduler.arn} if self.scheduler else {}),
            **({"evaluation": self.evaluation.arn} if self.evaluation else {}),
            **({"backup": self.backup.arn} if self.backup else {}),
        })
        self.register_outputs({"roles": dict(ctx.roles), "accessRoles": {k: r.arn for k, r in self.access.items()}})

    @staticmethod
    def _monitor_steps(ctx: AwsContext, a: StackArns, monitor_jobs: bool) -> list[dict[str, Any]]:
        """Monitor pipelines' Processing steps (processing-job/pipelines-<execution>-<step>) run as the
        monitoring role; the job's VolumeKmsKeyId is the stack key."""
        if not monitor_jobs:
            return []
        return [
            {"Effect": "Allow", "Action": ["sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob",
                                           "sagemaker:StopProcessingJob", "sagemaker:AddTags"],
             "Resource": ctx.arn("sagemaker", "processing-job/pipelines-*")},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": built(a.monitoring_role, "monitoring_role"),
             "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
            *kms_grants(a.key),
        ]

    @staticmethod
    def _monitoring_writes(args: IdentityArgs, objects: Callable[[str], pulumi.Output[str]]) -> list[dict[str, Any]]:
        """Writes to the monitoring jobs' output folders only. The drift job's output is the
        endpoint's whole folder, which also holds the Clarify analysis configurations (and may hold
        labels or baselines): those folders the role reads are denied, so a job can never rewrite
        its own configuration, baseline or ground truth. A read folder that is, or holds, an output
        folder is not denied: the job must write there."""
        outputs = list(dict.fromkeys(args.monitoring_outputs))
        if not outputs:
            return []
        reads = dict.fromkeys(args.ground_truth + args.monitoring_reads)
        inside = [r for r in reads if any(r.startswith(o) for o in outputs) and not any(o.startswith(r) for o in outputs)]
        # An output folder inside another (a Clarify job's inside drift's) needs no grant of its own.
        widest = [o for o in outputs if not any(o != other and o.startswith(other) for other in outputs)]
        return [
            {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": [objects(o) for o in widest]},
            *([{"Effect": "Deny", "Action": ["s3:PutObject"], "Resource": [objects(r) for r in inside]}] if inside else []),
        ]

    @staticmethod
    def _batch_data(args: IdentityArgs, bucket: pulumi.Input[str]) -> list[dict[str, Any]]:
        """What a batch job's (or a training gate's) transform job does as the inference role: list
        and read its input folders, write its output folders, nothing else of the bucket."""
        return Identity._folders(bucket, reads=(*args.batch_inputs, *args.holdouts),
                                 writes=(*args.batch_outputs, *args.gate_outputs))

    @staticmethod
    def _folders(bucket: pulumi.Input[str], reads: tuple[str, ...], writes: tuple[str, ...]) -> list[dict[str, Any]]:
        if not reads:
            return []
        folder = lambda prefix: pulumi.Output.concat(bucket, "/", prefix, "*")  # noqa: E731
        return [
            {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": bucket,
             "Condition": {"StringLike": {"s3:prefix": [f"{p}*" for p in dict.fromkeys(reads)]}}},
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [folder(p) for p in dict.fromkeys(reads)]},
            *([{"Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
                "Resource": [folder(p) for p in dict.fromkeys(writes)]}] if writes else []),
        ]

    def _role(self, ctx: AwsContext, purpose: str, trust: Any, policy: list[dict[str, Any]]) -> iam.Role:
        return iam.Role(
            f"{self._base}-{purpose}",
            name=ctx.name(purpose),
            assume_role_policy=trust,
            inline_policies=[iam.RoleInlinePolicyArgs(name=purpose, policy=policy_json(policy))],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _access_role(self, ctx: AwsContext, index: int, role: AccessRole, arns: StackArns) -> iam.Role:
        """One spec role; see providers/aws/principals.py for what each principal form means."""
        grants = []
        for j, permission in enumerate(role.permissions):
            granted = statements(permission, arns)
            if not granted:
                ctx.warn(f"access.roles[{index}].permissions[{j}]",
                         f"{permission} grants nothing on AWS: the stack has nothing it applies to")
            grants += granted
        workloads = [workload_role(p) for p in role.principals if kind(p) == "serviceAccount"]
        people = [p for p in role.principals if kind(p) != "serviceAccount"]
        sso_name = permission_set(ctx.prefix, role.name)
        for j, principal in enumerate(role.principals):
            if kind(principal) != "serviceAccount":
                ctx.warn(f"access.roles[{index}].principals[{j}]",
                         f"emulated: AWS binds {principal} through IAM Identity Center: assign it permission set "
                         f"{sso_name} in this account, allowed sts:AssumeRole on this role, which trusts that "
                         f"permission set's roles")
        trust = ctx.account_id.apply(lambda account: json.dumps({"Version": "2012-10-17", "Statement": [
            # A role without principals still needs one statement: it waits for its permission set.
            *([{
                "Sid": "IdentityCenter",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"ArnLike": {"aws:PrincipalArn": permission_set_roles(account, sso_name)}},
            }] if people or not workloads else []),
            # A role ARN as Principal must exist when the policy is written; as a condition
            # it need not, so the workload's role can be created before or after the stack.
            *([{
                "Sid": "Workloads",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": [f"arn:aws:iam::{account}:role/{w}" for w in workloads]}},
            }] if workloads else []),
        ]}))
        return iam.Role(
            f"{self._base}-access-{role.name}",
            name=ctx.name("access", role.name),
            description=f"mlopskit access role {role.name}: {', '.join(role.permissions)}",
            assume_role_policy=trust,
            max_session_duration=3600,
            inline_policies=[iam.RoleInlinePolicyArgs(name="permissions", policy=policy_json(grants))] if grants else [],
            tags={ROLE_TAG: role.name},
            opts=pulumi.ResourceOptions(parent=self),
        )


def continuous_statements(a: StackArns, ctx: AwsContext, evaluation: iam.Role | None,
                          registered: tuple[str, ...]) -> list[dict[str, Any]]:
    """What a continuous-training pipeline's steps call as the pipeline role, beyond a Train step.

    SageMaker Pipelines names the jobs a step starts ``pipelines-<execution id>-<step>-<suffix>``
    (what the existing training and transform grants rely on); a tuning step's job name is
    limited to 32 characters and its form is not documented in the sources checked, so it is
    granted on every tuning job of the account and region (UNCONFIRMED: narrow it once known).
    """
    job = lambda kind: ctx.arn("sagemaker", f"{kind}/pipelines-*")  # noqa: E731
    passed = [a.inference_role, *([evaluation.arn] if evaluation is not None else [])]
    packages = [ctx.arn("sagemaker", f"model-package/{p}/*") for p in registered]
    groups = [ctx.arn("sagemaker", f"model-package-group/{p}") for p in registered]
    return [
        {"Effect": "Allow", "Action": ["sagemaker:CreateHyperParameterTuningJob", "sagemaker:DescribeHyperParameterTuningJob",
                                       "sagemaker:StopHyperParameterTuningJob", "sagemaker:AddTags"],
         "Resource": ctx.arn("sagemaker", "hyper-parameter-tuning-job/*")},
        {"Effect": "Allow", "Action": ["sagemaker:CreateModel", "sagemaker:DescribeModel", "sagemaker:AddTags"],
         "Resource": job("model")},
        {"Effect": "Allow", "Action": ["sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob",
                                       "sagemaker:StopTransformJob", "sagemaker:AddTags"], "Resource": job("transform-job")},
        {"Effect": "Allow", "Action": ["sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob",
                                       "sagemaker:StopProcessingJob", "sagemaker:AddTags"], "Resource": job("processing-job")},
        # RegisterModel: a version of the spec's package (in its group); the ServingModel step
        # reads the serving version it is created from.
        {"Effect": "Allow", "Action": ["sagemaker:CreateModelPackage", "sagemaker:AddTags"],
         "Resource": [*packages, *groups]},
        {"Effect": "Allow", "Action": ["sagemaker:DescribeModelPackage"], "Resource": list(a.model_packages)},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": passed,
         "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
        *kms_grants(a.key),
    ]
