"""Training on Azure ML: a compute cluster that scales to zero, a command job, its schedule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from mlopskit.modules.training import TrainingJob
from mlopskit.providers.azure import images, names
from mlopskit.providers.azure.code import code_asset
from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.storage import CONTAINER

TYPE = "mlopskit:azure:Training"


@dataclass(frozen=True)
class TrainingArgs:
    """One spec training job with its resolved VM size and the workspace it runs in."""

    job: TrainingJob
    path: str  # spec path (`training[0]`) for warnings
    vm_size: str
    gpu: bool
    private: bool
    workspace_name: pulumi.Input[str]
    identity_id: pulumi.Input[str]
    code_dir: Path | None = None  # training[].code, resolved: uploaded as a code asset


@dataclass(frozen=True)
class ClusterArgs:
    """A scale-to-zero AmlCompute cluster: size, capacity, network and the identity it runs as."""

    vm_size: str
    spot: bool
    max_nodes: int
    private: bool
    workspace_name: pulumi.Input[str]
    identity_id: pulumi.Input[str]


def cluster(resource_name: str, compute_name: str, args: ClusterArgs, ctx: AzureContext,
            parent: pulumi.Resource) -> ml.Compute:
    """An AmlCompute cluster with 0 nodes while idle (training and batch jobs alike)."""
    return ml.Compute(
        resource_name,
        compute_name=compute_name,
        workspace_name=args.workspace_name,
        resource_group_name=ctx.resource_group_name,
        location=ctx.location,
        identity=ml.ManagedServiceIdentityArgs(type="UserAssigned", user_assigned_identities=[args.identity_id]),
        properties=ml.AmlComputeArgs(
            compute_type="AmlCompute",
            disable_local_auth=True,
            properties=ml.AmlComputePropertiesArgs(
                vm_size=args.vm_size,
                # Low priority is Azure's spot capacity: evictable, much cheaper.
                vm_priority="LowPriority" if args.spot else "Dedicated",
                os_type="Linux",
                # Min 0: nodes exist only while a job runs.
                scale_settings=ml.ScaleSettingsArgs(
                    min_node_count=0,
                    max_node_count=args.max_nodes,
                    node_idle_time_before_scale_down="PT120S",
                ),
                enable_node_public_ip=not args.private,
                remote_login_port_public_access="Disabled",
            ),
        ),
        tags=ctx.tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def _input_name(key: str) -> str:
    """Job input names must be identifiers; hyperparameter names may contain dashes."""
    name = re.sub(r"\W", "_", key)
    return name if not name[0].isdigit() else f"p_{name}"


class Training(pulumi.ComponentResource):
    """A low-cost cluster (0 nodes when idle) and either a scheduled or a one-off CommandJob."""

    def __init__(self, name: str, args: TrainingArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("training"), opts)
        job = args.job
        self.compute = cluster(f"{name}-cluster", names.compute(job.name), ClusterArgs(
            args.vm_size, job.compute.spot, job.compute.count, args.private, args.workspace_name, args.identity_id), ctx, self)
        if job.image.framework is None:
            image, conda = images.image_uri(job.image, ctx.prefix), None
            if not images.pullable_by_azure(image):
                ctx.warn(
                    f"{args.path}.image.uri",
                    "Azure ML pulls only from Azure Container Registry or mcr.microsoft.com with its identity; "
                    "push this image to the stack's container registry (or add registry credentials) before the job runs",
                )
        else:
            image = images.GPU_BASE if args.gpu else images.CPU_BASE
            conda = images.framework_conda(job.image.framework or "", job.image.version or "")
        self.environment = ml.EnvironmentVersion(
            f"{name}-environment",
            name=f"{job.name}-training-env",
            version=images.environment_version(image, conda),
            workspace_name=args.workspace_name,
            resource_group_name=ctx.resource_group_name,
            properties=ml.EnvironmentVersionPropertiesArgs(
                image=image, conda_file=conda, os_type="Linux", description=f"mlopskit training image for {job.name}",
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        inputs = {_input_name(k): ml.LiteralJobInputArgs(job_input_type="literal", value=v) for k, v in sorted(job.hyperparameters.items())}
        flags = "".join(f" --{k} ${{{{inputs.{_input_name(k)}}}}}" for k in sorted(job.hyperparameters))
        # With training[].code the job runs in the uploaded code asset's folder; without
        # it the entry point comes from the image's working directory.
        self.code = None
        if args.code_dir is not None:
            self.code = code_asset(name, job.name, args.code_dir, names.storage_account(ctx.prefix), CONTAINER,
                                   args.workspace_name, ctx, self)
        definition = ml.CommandJobArgs(
            job_type="Command",
            command=f"python {job.entrypoint}{flags}",
            code_id=self.code.id if self.code is not None else None,
            environment_id=self.environment.id,
            compute_id=self.compute.id,
            experiment_name=job.name,
            display_name=f"{ctx.prefix} {job.name}",
            inputs=inputs or None,
            limits=ml.CommandJobLimitsArgs(job_limits_type="Command", timeout=f"PT{job.max_runtime_minutes}M"),
            resources=ml.JobResourceConfigurationArgs(instance_count=job.compute.count),
            identity=ml.ManagedIdentityArgs(identity_type="Managed", resource_id=args.identity_id),
            tags={"stack": ctx.prefix, "job": job.name},
        )
        self.schedule: ml.Schedule | None = None
        self.job: ml.Job | None = None
        if job.schedule is not None:
            self.schedule = ml.Schedule(
                f"{name}-schedule",
                name=f"{job.name}-retrain",
                workspace_name=args.workspace_name,
                resource_group_name=ctx.resource_group_name,
                properties=ml.SchedulePropertiesArgs(
                    display_name=f"{ctx.prefix} {job.name} retraining",
                    is_enabled=True,
                    trigger=ml.CronTriggerArgs(trigger_type="Cron", expression=job.schedule, time_zone="UTC"),
                    action=ml.JobScheduleActionArgs(action_type="CreateJob", job_definition=definition),
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        else:
            self.job = ml.Job(
                f"{name}-job",
                id=f"{ctx.prefix}-{job.name}",
                workspace_name=args.workspace_name,
                resource_group_name=ctx.resource_group_name,
                properties=definition,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({
            "computeId": self.compute.id,
            "scheduleId": self.schedule.id if self.schedule else None,
            "jobId": self.job.id if self.job else None,
        })
