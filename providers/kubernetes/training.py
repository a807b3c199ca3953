"""A training job: a batch/v1 CronJob (suspended when unscheduled) of restricted pods.

``maxRuntimeMinutes`` is the Job's ``activeDeadlineSeconds``; ``count`` runs that many pods in
parallel (an Indexed Job: each pod knows its index); spot asks for the operator's spot nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.providers.kubernetes.context import KubernetesContext, PodArgs, PodSize, child
from mlopskit.providers.kubernetes.jobs import JobShape, cron_job

TYPE = "mlopskit:kubernetes:Training"


@dataclass(frozen=True)
class TrainingArgs:
    """Inputs of the Training component."""

    job_name: str
    image: str
    command: list[str]
    size: PodSize
    count: int
    spot: bool
    max_runtime_minutes: int
    schedule: str | None
    service_account: str
    env: list[k8s.core.v1.EnvVarArgs]
    pull_secret: str | None


class Training(pulumi.ComponentResource):
    """One training job's CronJob."""

    def __init__(self, name: str, args: TrainingArgs, ctx: KubernetesContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("training"), opts)
        pod = PodArgs("training", args.image, args.command, args.size, args.service_account, args.env, args.spot,
                      args.pull_secret)
        shape = JobShape(args.schedule, args.count, args.max_runtime_minutes, retries=3 if args.spot else 0)
        self.job = cron_job(f"{name}-job", ctx, f"train-{args.job_name}", "training", shape, pod, child(self))
        self.register_outputs({"cronJob": f"train-{args.job_name}"})
