"""Batch inference on Azure ML: a batch endpoint, its one batch deployment of the registry
model, and the compute cluster the deployment runs on (scales to zero between runs).

Azure ML takes a batch job's data locations per invocation (``az ml batch-endpoint invoke
--input ... --output-path ...``), not on the deployment, and its schedules document only
job creation (``CreateJob``; the ``InvokeBatchEndpoint`` action's definition is typed ``Any``
and described as "TBD" in the azure-native SDK, so the kit does not guess its shape). So
the folders and the cron are recorded on the endpoint's tags (``mlopskit-input``,
``mlopskit-output``, ``mlopskit-schedule``) and `mlopskit batch run` invokes with them; a
scheduled job is emulated (run `mlopskit batch run` on that cron from CI), and the build says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from mlopskit.modules.batch import BatchJob
from mlopskit.providers.azure import names
from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.training import ClusterArgs, cluster

TYPE = "mlopskit:azure:BatchInference"
DEPLOYMENT = "main"
# One mini-batch's time limit (BatchRetrySettings.timeout, ISO 8601); a whole run has none.
MINI_BATCH_TIMEOUT_MAX_MINUTES = 60


@dataclass(frozen=True)
class BatchArgs:
    """One spec batch job with its resolved VM size, model and the workspace it runs in."""

    job: BatchJob
    path: str  # spec path (`batch[0]`) for warnings
    vm_size: str
    model: str  # azureml://registries/<registry>/models/<name>/versions/<n> (MLflow format)
    private: bool
    workspace_name: pulumi.Input[str]
    identity_id: pulumi.Input[str]


def batch_tags(job: BatchJob) -> dict[str, str]:
    """What the endpoint records for `mlopskit batch run`: where to read and write, and when."""
    tags = {"mlopskit-input": job.input, "mlopskit-output": job.output}
    if job.schedule is not None:
        tags["mlopskit-schedule"] = job.schedule
    return tags


class BatchInference(pulumi.ComponentResource):
    """Cluster, batch endpoint and batch deployment of one spec batch job."""

    def __init__(self, name: str, args: BatchArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("batch"), opts)
        job, child = args.job, pulumi.ResourceOptions(parent=self)
        if job.schedule is not None:
            ctx.warn(f"{args.path}.schedule", "emulated: Azure ML schedules cannot invoke a batch endpoint in a documented "
                     "form; the cron is on the batch endpoint's tag mlopskit-schedule: run `mlopskit batch run "
                     f"{job.name}` on it from CI")
        ctx.warn(f"{args.path}.maxRuntimeMinutes", "Azure ML batch deployments limit each mini-batch, not a whole run: "
                 f"each mini-batch is stopped after {min(job.max_runtime_minutes, MINI_BATCH_TIMEOUT_MAX_MINUTES)} minutes "
                 "and the estimate prices maxRuntimeMinutes per run")
        self.compute = cluster(f"{name}-cluster", names.batch_compute(job.name), ClusterArgs(
            args.vm_size, False, job.compute.count, args.private, args.workspace_name, args.identity_id), ctx, self)
        endpoint_name = names.batch_endpoint(ctx.prefix, job.name)
        self.endpoint = ml.BatchEndpoint(
            f"{name}-endpoint",
            endpoint_name=endpoint_name,
            workspace_name=args.workspace_name,
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            identity=ml.ManagedServiceIdentityArgs(type="UserAssigned", user_assigned_identities=[args.identity_id]),
            properties=ml.BatchEndpointPropertiesArgs(
                auth_mode="AADToken",  # Entra ID tokens only: no endpoint keys
                defaults=ml.BatchEndpointDefaultsArgs(deployment_name=DEPLOYMENT),
                description=f"mlopskit {ctx.prefix} batch job {job.name}",
            ),
            tags={**ctx.tags, **batch_tags(job)},
            opts=child,
        )
        timeout = min(job.max_runtime_minutes, MINI_BATCH_TIMEOUT_MAX_MINUTES)
        self.deployment = ml.BatchDeployment(
            f"{name}-deployment",
            endpoint_name=endpoint_name,
            deployment_name=DEPLOYMENT,
            workspace_name=args.workspace_name,
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            properties=ml.BatchDeploymentPropertiesArgs(
                compute=self.compute.id,
                # An MLflow registry model: Azure ML scores it without environment or code.
                model=ml.IdAssetReferenceArgs(reference_type="Id", asset_id=args.model),
                resources=ml.DeploymentResourceConfigurationArgs(instance_count=job.compute.count),
                output_action="AppendRow",
                output_file_name="predictions.csv",
                retry_settings=ml.BatchRetrySettingsArgs(max_retries=3, timeout=f"PT{timeout}M"),
                description=f"mlopskit {ctx.prefix} batch job {job.name}",
            ),
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.endpoint]),
        )
        self.register_outputs({"endpointName": endpoint_name, "computeId": self.compute.id})
