"""A batch scoring job: a CronJob whose pods score every file of the input folder with the model
version resolved from MLflow, writing to the output folder (the batch scorer reads the env)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.providers.kubernetes.context import KubernetesContext, PodArgs, PodSize, child
from mlopskit.providers.kubernetes.jobs import JobShape, cron_job

TYPE = "mlopskit:kubernetes:Batch"


@dataclass(frozen=True)
class BatchArgs:
    """Inputs of the Batch component."""

    job_name: str
    image: str
    size: PodSize
    count: int
    max_runtime_minutes: int
    schedule: str | None
    service_account: str
    env: list[k8s.core.v1.EnvVarArgs]
    pull_secret: str | None


class Batch(pulumi.ComponentResource):
    """One batch job's CronJob."""

    def __init__(self, name: str, args: BatchArgs, ctx: KubernetesContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("batch"), opts)
        pod = PodArgs("batch", args.image, ["python", "-m", "mlopskit_batch"], args.size, args.service_account,
                      args.env, False, args.pull_secret)
        shape = JobShape(args.schedule, args.count, args.max_runtime_minutes, retries=0)
        self.job = cron_job(f"{name}-job", ctx, f"batch-{args.job_name}", "batch", shape, pod, child(self))
        self.register_outputs({"cronJob": f"batch-{args.job_name}"})
