"""The CronJob every training and batch job is: a schedule, or suspended as a template day 2 starts.

A job without a schedule is a suspended CronJob: ``mlopskit train`` / ``batch run`` create a Job
from its template (what ``kubectl create job --from=cronjob/<name>`` does), so `pulumi up` never
starts a run by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_kubernetes as k8s

from mlopskit.providers.kubernetes.context import KubernetesContext, PodArgs, pod_template

#: The schedule a suspended CronJob keeps (never fires while suspended; the API requires one).
UNSCHEDULED = "0 0 1 1 *"
KEEP_FINISHED_S = 7 * 24 * 3600  # finished Jobs (and their logs) are kept a week, then collected


@dataclass(frozen=True)
class JobShape:
    """How one run is shaped: pods, retries and its hard stop."""

    schedule: str | None
    count: int  # pods run in parallel (an Indexed Job when more than one)
    max_runtime_minutes: int
    retries: int  # spot capacity is taken back: a run may retry on it


def cron_job(name: str, ctx: KubernetesContext, object_name: str, role: str, shape: JobShape, pod: PodArgs,
             opts: object) -> k8s.batch.v1.CronJob:
    """One CronJob (``opts`` parents it to its component)."""
    job = k8s.batch.v1.JobSpecArgs(
        active_deadline_seconds=shape.max_runtime_minutes * 60, backoff_limit=shape.retries,
        parallelism=shape.count, completions=shape.count,
        completion_mode="Indexed" if shape.count > 1 else "NonIndexed",
        ttl_seconds_after_finished=KEEP_FINISHED_S, template=pod_template(ctx, pod))
    return k8s.batch.v1.CronJob(name, metadata=ctx.meta(object_name, role), spec=k8s.batch.v1.CronJobSpecArgs(
        schedule=shape.schedule or UNSCHEDULED, suspend=shape.schedule is None, time_zone="Etc/UTC",
        concurrency_policy="Forbid", successful_jobs_history_limit=3, failed_jobs_history_limit=3,
        job_template=k8s.batch.v1.JobTemplateSpecArgs(metadata=k8s.meta.v1.ObjectMetaArgs(labels=ctx.pod_labels(role)),
                                                      spec=job)), opts=opts)
