"""Training: a SageMaker Pipeline with one training step, started on schedule by
EventBridge Scheduler. A pipeline (rather than a bare TrainingJob, which Pulumi cannot
manage as a long-lived resource) gives every run a history and a stable ARN to grant on."""

from __future__ import annotations

import dataclasses
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi_aws import s3, sagemaker, scheduler

from mlopskit.modules import gate
from mlopskit.modules.training import TrainingJob
from mlopskit.providers import packaging
from mlopskit.providers.aws import continuous
from mlopskit.providers.aws.context import AwsContext, built
from mlopskit.providers.aws.cron import to_aws
from mlopskit.providers.packaging import CodeArchive, source_archive

TYPE = "mlopskit:aws:Training"
VOLUME_GB = 50
MAX_WAIT_SECONDS = 28 * 24 * 3600
CODE_ARCHIVE = "/opt/ml/input/data/code/sourcedir.tar.gz"


@dataclass(frozen=True)
class TrainingArgs:
    """The spec's job, the resolved instance type and the image to run."""

    job: TrainingJob
    instance_type: str
    image_uri: pulumi.Input[str]
    framework_image: bool  # script mode: the framework container runs the uploaded code
    code_dir: Path | None = None  # training[].code, resolved; packaged and uploaded to S3
    # training[].evaluation.against: the model package ARN the endpoint serves (None: none yet).
    serving_package: str | None = None
    transform_type: str | None = None  # the gate's prediction steps (training[].evaluation)


def code_prefix(job: TrainingJob, archive: CodeArchive) -> str:
    """The S3 key prefix of a job's code: one per content hash, so a run names its code."""
    return f"code/{job.name}/{archive.short}/"


def training_job_request(args: TrainingArgs, ctx: AwsContext, archive: CodeArchive | None = None) -> dict[str, Any]:
    """The CreateTrainingJob request of the pipeline's training step (also used by `train`).

    ``archive`` is the packaged ``training[].code``, uploaded under ``code_prefix``.
    """
    job = args.job
    bucket = built(ctx.bucket_name, "bucket_name")
    s3 = lambda prefix: pulumi.Output.concat("s3://", bucket, f"/{prefix}/{job.name}/")  # noqa: E731
    runtime = job.max_runtime_minutes * 60
    hyperparameters = dict(job.hyperparameters)
    channel = lambda name, uri: {  # noqa: E731
        "ChannelName": name,
        "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": uri,
                                        "S3DataDistributionType": "FullyReplicated"}},
    }
    channels = [channel("train", s3("data"))]
    if archive is not None:
        # The container is network-isolated, so it cannot fetch its code from S3 itself:
        # SageMaker delivers the code as a "code" channel (the SageMaker Python SDK does
        # the same for network-isolated jobs) and lands it at CODE_ARCHIVE.
        channels.append(channel("code", pulumi.Output.concat("s3://", bucket, "/", code_prefix(job, archive))))
    if args.framework_image and archive is not None:
        # Script mode: the framework's training toolkit unpacks sagemaker_submit_directory
        # and runs sagemaker_program from it.
        hyperparameters["sagemaker_program"] = job.entrypoint
        hyperparameters["sagemaker_submit_directory"] = CODE_ARCHIVE
    request: dict[str, Any] = {
        "AlgorithmSpecification": {"TrainingImage": args.image_uri, "TrainingInputMode": "File"},
        "RoleArn": ctx.roles["training"],
        "InputDataConfig": channels,
        "OutputDataConfig": {"S3OutputPath": s3("models")},
        "ResourceConfig": {"InstanceType": args.instance_type, "InstanceCount": job.compute.count,
                           "VolumeSizeInGB": VOLUME_GB},
        "StoppingCondition": {"MaxRuntimeInSeconds": runtime},
        "HyperParameters": hyperparameters,
        "EnableManagedSpotTraining": job.compute.spot,
        # Encrypt traffic between instances of a distributed job too.
        "EnableInterContainerTrafficEncryption": True,
        # No outbound network from the training container: data in and model out go
        # through SageMaker's channels only.
        "EnableNetworkIsolation": True,
    }
    if not args.framework_image and archive is not None:
        # A custom image has no script mode: unpack the code channel and run the entry
        # point from it (the image needs sh and tar, as every Linux base image has).
        unpack = (f"mkdir -p /opt/ml/code && tar -xzf {CODE_ARCHIVE} -C /opt/ml/code && cd /opt/ml/code && "
                  f"exec python {shlex.quote(job.entrypoint)}")
        request["AlgorithmSpecification"]["ContainerEntrypoint"] = ["/bin/sh", "-c", unpack]
    elif not args.framework_image:
        request["AlgorithmSpecification"]["ContainerEntrypoint"] = ["python", job.entrypoint]
    if ctx.key_arn is not None:
        request["OutputDataConfig"]["KmsKeyId"] = ctx.key_arn
        request["ResourceConfig"]["VolumeKmsKeyId"] = ctx.key_arn
    if job.compute.spot:
        # Spot capacity can be reclaimed: allow waiting for capacity and resume from checkpoints.
        request["StoppingCondition"]["MaxWaitTimeInSeconds"] = min(2 * runtime, MAX_WAIT_SECONDS)
        request["CheckpointConfig"] = {"S3Uri": s3("checkpoints")}
    if ctx.subnet_ids:
        request["VpcConfig"] = {"Subnets": ctx.subnet_ids,
                                "SecurityGroupIds": ctx.training_security_group_ids or ctx.security_group_ids}
    return request


def one_step_pipeline(resource_name: str, name: str, description: str, step: dict[str, Any], ctx: AwsContext,
                      opts: pulumi.ResourceOptions, tags: dict[str, str] | None = None) -> sagemaker.Pipeline:
    """A pipeline of one step (``{"Name", "Type", "Arguments"}``) run as the pipeline role: the
    batch transform and the kit's monitor job alike."""
    return sagemaker.Pipeline(
        resource_name,
        pipeline_name=name,
        pipeline_display_name=name,
        pipeline_description=description,
        role_arn=ctx.roles["pipeline"],
        pipeline_definition=pulumi.Output.json_dumps({
            "Version": "2020-12-01", "Metadata": {}, "Parameters": [], "Steps": [step]}),
        **({"tags": tags} if tags is not None else {}),
        opts=opts,
    )


def pipeline_schedule(resource_name: str, name: str, cron: str, pipeline: sagemaker.Pipeline, ctx: AwsContext,
                      parent: pulumi.Resource) -> scheduler.Schedule:
    """An EventBridge Scheduler entry starting ``pipeline`` on the spec's ``cron`` (UTC), as the
    scheduler role, encrypted with the stack key (training and batch pipelines alike)."""
    return scheduler.Schedule(
        resource_name,
        name=name,
        schedule_expression=to_aws(cron),
        schedule_expression_timezone="UTC",
        flexible_time_window=scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
        kms_key_arn=ctx.key_arn,
        target=scheduler.ScheduleTargetArgs(
            arn=pipeline.arn,
            role_arn=ctx.roles["scheduler"],
            sagemaker_pipeline_parameters=scheduler.ScheduleTargetSagemakerPipelineParametersArgs(),
            retry_policy=scheduler.ScheduleTargetRetryPolicyArgs(maximum_retry_attempts=2),
        ),
        opts=pulumi.ResourceOptions(parent=parent),
    )


class Training(pulumi.ComponentResource):
    """One spec training job: its pipeline and, with ``schedule``, its scheduler entry."""

    def __init__(self, name: str, args: TrainingArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("training"), opts)
        job = args.job
        archive = source_archive(args.code_dir) if args.code_dir is not None else None
        self.code = None
        if archive is not None:
            # Uploaded by `pulumi up` itself, into the stack's bucket (its default SSE-KMS
            # key encrypts it), before the pipeline that points at it.
            self.code = s3.BucketObjectv2(
                f"{name}-code",
                bucket=built(ctx.bucket_name, "bucket_name"),
                key=code_prefix(job, archive) + "sourcedir.tar.gz",
                source=pulumi.FileAsset(str(archive.path)),
                content_type="application/gzip",
                kms_key_id=ctx.key_arn,
                server_side_encryption="aws:kms" if ctx.key_arn is not None else None,
                opts=pulumi.ResourceOptions(parent=self, depends_on=ctx.bucket_ready),
            )
        definition = pulumi.Output.json_dumps(self._definition(name, args, ctx, archive))
        self.pipeline = sagemaker.Pipeline(
            f"{name}-pipeline",
            pipeline_name=ctx.name(job.name),
            pipeline_display_name=ctx.name(job.name),
            pipeline_description=f"mlopskit training job {job.name} of {ctx.prefix}",
            role_arn=ctx.roles["pipeline"],
            pipeline_definition=definition,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[r for r in (self.code, self.gate_code) if r] or None),
        )
        self.schedule = None
        if job.schedule is not None:
            self.schedule = pipeline_schedule(f"{name}-schedule", ctx.name(job.name), job.schedule, self.pipeline, ctx, self)
        self.register_outputs({"pipelineArn": self.pipeline.arn})

    def _definition(self, name: str, args: TrainingArgs, ctx: AwsContext, archive: CodeArchive | None) -> dict[str, Any]:
        """One Train step; or, with tuning, evaluation or register (modules/continuous.py), the
        continuous pipeline of providers/aws/continuous.py."""
        job = args.job
        request = training_job_request(args, ctx, archive)
        first = (continuous.tuning_step(request, job.tuning) if job.tuning is not None
                 else {"Name": continuous.TRAIN, "Type": "Training", "Arguments": request})
        self.gate_code = None
        inputs = continuous.GateInputs(job, args.image_uri, continuous.evaluation_image(ctx),
                                       args.transform_type or args.instance_type,
                                       archive.sha256 if archive else None, None, args.serving_package)
        if job.evaluation is not None:
            gate_code = packaging.gate_archive()
            key = f"code/{job.name}/gate-{gate_code.short}/{gate.GATE_ARCHIVE}"
            # The gate's own code (the kit's monitor package), uploaded beside the job's code.
            self.gate_code = s3.BucketObjectv2(
                f"{name}-gate-code", bucket=built(ctx.bucket_name, "bucket_name"), key=key,
                source=pulumi.FileAsset(str(gate_code.path)), content_type="application/gzip",
                kms_key_id=ctx.key_arn, server_side_encryption="aws:kms" if ctx.key_arn is not None else None,
                opts=pulumi.ResourceOptions(parent=self, depends_on=ctx.bucket_ready))
            prefix = pulumi.Output.concat("s3://", built(ctx.bucket_name, "bucket_name"), f"/code/{job.name}/gate-{gate_code.short}/")
            inputs = dataclasses.replace(inputs, gate_code_uri=prefix)
            steps = continuous.gated_steps(first, inputs, ctx)
        elif job.registration is not None:
            steps = [first, continuous.register_step(continuous.REGISTER, inputs, ctx, "PendingManualApproval",
                                                     "none", False)]
        else:
            steps = [first]
        return {"Version": "2020-12-01", "Metadata": {}, "Parameters": continuous.parameters(inputs), "Steps": steps}
