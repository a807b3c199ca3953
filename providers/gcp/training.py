"""Training: a Vertex AI custom job spec, stored with the artifacts and submitted on schedule.

pulumi-gcp has no custom-job resource (a job is a run, not infrastructure). The job
spec is kept as an object in the artifacts bucket (the reproducible record, and what an
on-demand run submits), and a Cloud Scheduler job POSTs it to the Vertex ``customJobs``
API on the spec's cron schedule with an OAuth token of the scheduler service account.
"""

from __future__ import annotations

import base64
import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi_gcp import cloudscheduler, storage

from mlopskit.providers.gcp.context import CLOUD_PLATFORM_SCOPE, GcpContext, child
from mlopskit.providers.packaging import (
    CodeArchive,
    python_module,
    python_package,
    source_archive,
)

TYPE = "mlopskit:gcp:Training"

@dataclass
class TrainingArgs:
    """Inputs of the Training component (one spec training job)."""

    prefix: str
    job_name: str
    project: str
    region: str
    image_uri: str
    entrypoint: str
    machine_type: str
    accelerator_type: str | None
    accelerator_count: int
    replica_count: int  # compute.count
    spot: bool
    max_runtime_minutes: int
    hyperparameters: dict[str, str]
    schedule: str | None
    bucket: pulumi.Input[str]
    service_account: pulumi.Input[str]  # runs the job
    scheduler_account: pulumi.Input[str]  # submits it
    kms_key: pulumi.Input[str] | None
    network: pulumi.Input[str] | None
    labels: dict[str, str] = field(default_factory=dict)
    code_dir: Path | None = None  # training[].code, resolved; packaged and uploaded to the bucket
    prebuilt: bool = False  # image_uri is a Vertex prebuilt training container


@dataclass(frozen=True)
class TrainingCode:
    """The packaged code of a job and the object name it is uploaded under."""

    archive: CodeArchive
    object_name: str
    python_package: bool  # a source distribution for pythonPackageSpec, else a plain tar.gz


def package_code(args: TrainingArgs) -> TrainingCode | None:
    """Prebuilt containers take a Python package (pythonPackageSpec); a custom image gets
    the plain archive, unpacked from the bucket's Cloud Storage FUSE mount (/gcs/<bucket>)."""
    if args.code_dir is None:
        return None
    archive = python_package(args.code_dir, args.entrypoint) if args.prebuilt else source_archive(args.code_dir)
    return TrainingCode(archive, f"code/{args.job_name}/{archive.short}/{archive.path.name}", args.prebuilt)


def _program(args: TrainingArgs, bucket: str, code: TrainingCode | None) -> dict[str, Any]:
    """What each replica runs: a ``pythonPackageSpec`` or a ``containerSpec``."""
    flags = [f"--{k}={v}" for k, v in sorted(args.hyperparameters.items())]
    if code is not None and code.python_package:
        return {"pythonPackageSpec": {
            "executorImageUri": args.image_uri,
            "packageUris": [f"gs://{bucket}/{code.object_name}"],
            "pythonModule": python_module(),
            "args": flags,
        }}
    command = ["python3", args.entrypoint]
    if code is not None:
        unpack = (f"mkdir -p /tmp/code && tar -xzf /gcs/{bucket}/{code.object_name} -C /tmp/code && cd /tmp/code && "
                  f'exec python3 {shlex.quote(args.entrypoint)} "$@"')
        command = ["/bin/sh", "-c", unpack, "sh"]
    return {"containerSpec": {"imageUri": args.image_uri, "command": command, "args": flags}}


def custom_job(args: TrainingArgs, bucket: str, service_account: str, kms_key: str | None, network: str | None,
               code: TrainingCode | None = None) -> dict[str, Any]:
    """The Vertex ``CustomJob`` body (REST JSON) for one run; ``code`` is the uploaded code."""
    machine: dict[str, Any] = {"machineType": args.machine_type}
    if args.accelerator_type:
        machine.update(acceleratorType=args.accelerator_type, acceleratorCount=args.accelerator_count)
    program = _program(args, bucket, code)
    # Vertex wants exactly one replica in the first (chief) pool; the rest are workers.
    pools = [{"machineSpec": machine, "replicaCount": 1, **program}]
    if args.replica_count > 1:
        pools.append({"machineSpec": machine, "replicaCount": args.replica_count - 1, **program})
    spec: dict[str, Any] = {
        "workerPoolSpecs": pools,
        "scheduling": {"timeout": f"{args.max_runtime_minutes * 60}s", **({"strategy": "SPOT"} if args.spot else {})},
        "serviceAccount": service_account,
        "baseOutputDirectory": {"outputUriPrefix": f"gs://{bucket}/training/{args.job_name}/"},
    }
    if network:
        spec["network"] = network
    body: dict[str, Any] = {"displayName": f"{args.prefix}-{args.job_name}", "labels": args.labels, "jobSpec": spec}
    if kms_key:
        body["encryptionSpec"] = {"kmsKeyName": kms_key}
    return body


@dataclass(frozen=True)
class StoredJob:
    """A Vertex job body kept in the artifacts bucket and, with a cron, posted on schedule."""

    name: str  # `<stack>-<job>`: the scheduler job's name, and the prefix of the resources' names
    object_name: str
    body: pulumi.Output[str]  # the job, REST JSON
    bucket: pulumi.Input[str]
    cron: str | None
    description: str
    uri: str  # the Vertex collection the scheduler POSTs to
    project: str
    region: str
    account: pulumi.Input[str]  # the scheduler's service account
    depends_on: tuple[pulumi.Resource, ...] = ()  # what must exist first (the training code it names)


def stored_job(job: StoredJob, parent: pulumi.Resource) -> tuple[storage.BucketObject, cloudscheduler.Job | None]:
    """The job body object and, with a cron, the Cloud Scheduler job POSTing it with an OAuth
    token of the scheduler account (training and batch jobs alike)."""
    spec_object = storage.BucketObject(
        f"{job.name}-job-spec",
        bucket=job.bucket,
        name=job.object_name,
        content=job.body,
        content_type="application/json",
        opts=child(parent, depends_on=list(job.depends_on)),
    )
    if job.cron is None:
        return spec_object, None
    return spec_object, cloudscheduler.Job(
        f"{job.name}-schedule",
        name=job.name,
        project=job.project,
        region=job.region,
        description=job.description,
        schedule=job.cron,
        time_zone="Etc/UTC",
        attempt_deadline="320s",
        retry_config=cloudscheduler.JobRetryConfigArgs(retry_count=1),
        http_target=cloudscheduler.JobHttpTargetArgs(
            http_method="POST",
            uri=job.uri,
            headers={"Content-Type": "application/json"},
            body=job.body.apply(lambda b: base64.b64encode(b.encode()).decode()),
            oauth_token=cloudscheduler.JobHttpTargetOauthTokenArgs(service_account_email=job.account,
                                                                   scope=CLOUD_PLATFORM_SCOPE),
        ),
        opts=child(parent, depends_on=list(job.depends_on)),
    )


class Training(pulumi.ComponentResource):
    """The job spec object and, with a schedule, the Cloud Scheduler trigger."""

    def __init__(self, name: str, args: TrainingArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("training"), opts)
        code = package_code(args)
        self.code = None
        if code is not None:
            # Uploaded by `pulumi up` into the stack's bucket (its default CMEK applies).
            self.code = storage.BucketObject(
                f"{args.prefix}-{args.job_name}-code",
                bucket=args.bucket,
                name=code.object_name,
                source=pulumi.FileAsset(str(code.archive.path)),
                content_type="application/gzip",
                opts=child(self),
            )
        body = pulumi.Output.all(args.bucket, args.service_account, args.kms_key, args.network).apply(
            lambda v: json.dumps(custom_job(args, v[0], v[1], v[2], v[3], code), sort_keys=True)
        )
        spec_object, self.schedule = stored_job(StoredJob(
            f"{args.prefix}-{args.job_name}", f"training/{args.job_name}/custom-job.json", body, args.bucket,
            args.schedule, f"Retrains {args.job_name} (mlopskit)",
            f"https://{args.region}-aiplatform.googleapis.com/v1/projects/{args.project}/locations/{args.region}/customJobs",
            args.project, args.region, args.scheduler_account, (self.code,) if self.code else ()), self)
        self.register_outputs({"jobSpecObject": spec_object.name, "schedule": self.schedule.name if self.schedule else None})
