"""Training: a SageMaker Pipeline with one training step, started on schedule by
EventBridge Scheduler. A pipeline (rather than a bare TrainingJob, which Pulumi cannot
manage as a long-lived resource) gives every run a history and a stable ARN to grant on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import sagemaker, scheduler

from mlopskit.modules.training import TrainingJob
from mlopskit.providers.aws.context import AwsContext, built
from mlopskit.providers.aws.cron import to_aws

TYPE = "mlopskit:aws:Training"
VOLUME_GB = 50
MAX_WAIT_SECONDS = 28 * 24 * 3600
CODE_ARCHIVE = "/opt/ml/input/data/code/sourcedir.tar.gz"


@dataclass(frozen=True)
class TrainingArgs:
    """The spec's job, the resolved instance type and the image to run."""

    job: TrainingJob
    instance_type: str
    image_uri: str
    framework_image: bool  # script mode: code is fetched from S3 by the framework container


def training_job_request(args: TrainingArgs, ctx: AwsContext) -> dict[str, Any]:
    """The CreateTrainingJob request of the pipeline's training step (also used by `train`)."""
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
    if args.framework_image:
        # The container is network-isolated, so it cannot fetch its code from S3 itself:
        # SageMaker delivers the code as a "code" channel and the framework's script
        # mode unpacks it from the channel's local path.
        channels.append(channel("code", s3("code")))
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
    if not args.framework_image:
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


class Training(pulumi.ComponentResource):
    """One spec training job: its pipeline and, with ``schedule``, its scheduler entry."""

    def __init__(self, name: str, args: TrainingArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        job = args.job
        definition = pulumi.Output.json_dumps({
            "Version": "2020-12-01",
            "Metadata": {},
            "Parameters": [],
            "Steps": [{"Name": "Train", "Type": "Training", "Arguments": training_job_request(args, ctx)}],
        })
        self.pipeline = sagemaker.Pipeline(
            f"{name}-pipeline",
            pipeline_name=ctx.name(job.name),
            pipeline_display_name=ctx.name(job.name),
            pipeline_description=f"mlopskit training job {job.name} of {ctx.prefix}",
            role_arn=ctx.roles["pipeline"],
            pipeline_definition=definition,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.schedule = None
        if job.schedule is not None:
            self.schedule = scheduler.Schedule(
                f"{name}-schedule",
                name=ctx.name(job.name),
                schedule_expression=to_aws(job.schedule),
                schedule_expression_timezone="UTC",
                flexible_time_window=scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
                kms_key_arn=ctx.key_arn,
                target=scheduler.ScheduleTargetArgs(
                    arn=self.pipeline.arn,
                    role_arn=ctx.roles["scheduler"],
                    sagemaker_pipeline_parameters=scheduler.ScheduleTargetSagemakerPipelineParametersArgs(),
                    retry_policy=scheduler.ScheduleTargetRetryPolicyArgs(maximum_retry_attempts=2),
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"pipelineArn": self.pipeline.arn})
