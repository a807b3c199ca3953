"""Batch inference: a SageMaker Pipeline with one Transform step, started on schedule by
EventBridge Scheduler.

Pulumi has no resource for a transform job (a job is a run, not infrastructure). A
pipeline is: it keeps the CreateTransformJob request as the reproducible definition, gives
every run a history and a stable ARN to grant on, and EventBridge Scheduler starts it on
the spec's cron exactly as it starts training pipelines (providers/aws/training.py). A bare
scheduler target cannot call CreateTransformJob (its universal target would need a fresh
TransformJobName per run, which a static schedule input cannot give); a pipeline step names
its job itself (``pipelines-<execution>-<step>``).

The transform job has no VpcConfig of its own: it runs in the network of the SageMaker
Model it names, so the component creates that Model (from the registry version, in the
stack's subnets, network-isolated). CreateTransformJob has no limit on a whole run either
(only ``ModelClientConfig.InvocationsTimeoutInSeconds``, 1-3600 s per request), so
``maxRuntimeMinutes`` caps each invocation and the build says so (``batch[i].maxRuntimeMinutes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import sagemaker

from mlopskit.modules.batch import BatchJob
from mlopskit.modules.provider import ResolvedModel
from mlopskit.providers.aws import names
from mlopskit.providers.aws.context import AwsContext, built
from mlopskit.providers.aws.names import content_name
from mlopskit.providers.aws.training import one_step_pipeline, pipeline_schedule

TYPE = "mlopskit:aws:BatchInference"
# How Batch Transform reads batch[].format (botocore CreateTransformJob: TransformInput.ContentType,
# SplitType, BatchStrategy at the job level, MaxPayloadInMB 0-100, default 6). Without SplitType a
# whole file is one request (a file over MaxPayloadInMB fails) and without ContentType the
# container gets none: line formats are split by line into mini-batches of records (MultiRecord,
# up to 6 MB each) and reassembled by line. A parquet file cannot be split by line: it goes
# whole, up to the 100 MB the API allows.
PARQUET_MAX_PAYLOAD_MB = 100
TRANSFORM_INPUT: dict[str, dict[str, str]] = {
    "csv": {"ContentType": "text/csv", "SplitType": "Line"},
    "jsonl": {"ContentType": "application/jsonlines", "SplitType": "Line"},
    "parquet": {"ContentType": "application/x-parquet", "SplitType": "None"},
}
TRANSFORM_OUTPUT: dict[str, dict[str, str]] = {
    "csv": {"AssembleWith": "Line"}, "jsonl": {"AssembleWith": "Line"}, "parquet": {"AssembleWith": "None"},
}
TRANSFORM_JOB: dict[str, dict[str, Any]] = {
    "csv": {"BatchStrategy": "MultiRecord", "MaxPayloadInMB": 6},
    "jsonl": {"BatchStrategy": "MultiRecord", "MaxPayloadInMB": 6},
    "parquet": {"BatchStrategy": "SingleRecord", "MaxPayloadInMB": PARQUET_MAX_PAYLOAD_MB},
}
STEP = "Transform"
INVOCATION_TIMEOUT_MAX = 3600  # ModelClientConfig.InvocationsTimeoutInSeconds: 1-3600 (botocore model)


@dataclass(frozen=True)
class BatchArgs:
    """The spec's batch job, its resolved instance type and registry model version."""

    job: BatchJob
    path: str  # `batch[0]`, for warnings
    instance_type: str
    local_storage: bool  # NVMe instance store: SageMaker refuses a volume KMS key for it
    model: ResolvedModel


def transform_request(job: BatchJob, model_name: pulumi.Input[str], instance_type: str, local_storage: bool,
                      ctx: AwsContext) -> dict[str, Any]:
    """The CreateTransformJob request of the pipeline's step (without TransformJobName, which
    the pipeline gives each run)."""
    bucket = built(ctx.bucket_name, "bucket_name")
    s3 = lambda prefix: pulumi.Output.concat("s3://", bucket, "/", prefix)  # noqa: E731
    request: dict[str, Any] = {
        "ModelName": model_name,
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": s3(job.input)}},
                           **TRANSFORM_INPUT[job.format]},
        "TransformOutput": {"S3OutputPath": s3(job.output), **TRANSFORM_OUTPUT[job.format]},
        "TransformResources": {"InstanceType": instance_type, "InstanceCount": job.compute.count},
        **TRANSFORM_JOB[job.format],
        "ModelClientConfig": {
            "InvocationsTimeoutInSeconds": min(INVOCATION_TIMEOUT_MAX, job.max_runtime_minutes * 60),
            "InvocationsMaxRetries": 1,
        },
    }
    if ctx.key_arn is not None:
        request["TransformOutput"]["KmsKeyId"] = ctx.key_arn
        if not local_storage:
            request["TransformResources"]["VolumeKmsKeyId"] = ctx.key_arn
    return request


class BatchInference(pulumi.ComponentResource):
    """One spec batch job: the Model it scores with, its pipeline and, with ``schedule``, the schedule."""

    def __init__(self, name: str, args: BatchArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("batch"), opts)
        job, child = args.job, pulumi.ResourceOptions(parent=self)
        ctx.warn(f"{args.path}.maxRuntimeMinutes",
                 "SageMaker Batch Transform has no limit on a whole run: each request to the model is capped at "
                 f"{min(INVOCATION_TIMEOUT_MAX, job.max_runtime_minutes * 60)} s (InvocationsTimeoutInSeconds) and "
                 "the estimate prices maxRuntimeMinutes per run")
        if job.format == "parquet":
            ctx.warn(f"{args.path}.format", "SageMaker Batch Transform cannot split a parquet file: each file goes to "
                     f"the model in one request, at most {PARQUET_MAX_PAYLOAD_MB} MB (MaxPayloadInMB)")
        self.model = sagemaker.Model(
            f"{name}-model",
            name=content_name(ctx.name("batch", job.name, "model"), {
                "role": ctx.roles["inference"], "model": args.model.reference,
                "subnets": ctx.subnet_ids, "securityGroups": ctx.security_group_ids}),
            execution_role_arn=ctx.roles["inference"],
            primary_container=sagemaker.ModelPrimaryContainerArgs(model_package_name=args.model.reference),
            enable_network_isolation=True,
            vpc_config=sagemaker.ModelVpcConfigArgs(subnets=ctx.subnet_ids, security_group_ids=ctx.security_group_ids)
            if ctx.subnet_ids else None,
            opts=child,
        )
        request = transform_request(job, self.model.name, args.instance_type, args.local_storage, ctx)
        pipeline_name = names.batch_pipeline(ctx.stack, job.name)
        self.pipeline = one_step_pipeline(f"{name}-pipeline", pipeline_name, f"mlopskit batch job {job.name} of {ctx.prefix}",
                                          {"Name": STEP, "Type": "Transform", "Arguments": request}, ctx, child)
        self.schedule = None
        if job.schedule is not None:
            self.schedule = pipeline_schedule(f"{name}-schedule", pipeline_name, job.schedule, self.pipeline, ctx, self)
        self.register_outputs({"pipelineArn": self.pipeline.arn})
