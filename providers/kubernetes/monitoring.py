"""Monitoring: the kit's monitor job as a CronJob per signal, and a PrometheusRule of alerts.

Alerts on latency and errors read KServe's serving metrics (Knative's queue-proxy
``revision_app_request_*`` series in serverless mode: UNCONFIRMED metric names, see
docs/kubernetes.md); alerts on the monitor's results read what the job pushes to a Prometheus
Pushgateway (``mlopskit_monitor_*``). ``notify`` rides on each alert as a label an Alertmanager
route matches (the routes themselves are the operator's Alertmanager configuration).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.providers.kubernetes.context import KubernetesContext, PodArgs, PodSize, child
from mlopskit.providers.kubernetes.jobs import JobShape, cron_job

TYPE = "mlopskit:kubernetes:Monitoring"
SCHEDULES = {"hourly": "0 * * * *", "daily": "0 2 * * *"}
MONITOR_SIZE = PodSize(cpu=1, memory_gib=2)  # the job's bounded-memory summaries (docs/monitoring.md)
MONITOR_RUNTIME_MINUTES = 60


@dataclass(frozen=True)
class MonitorJob:
    """One signal's scheduled job."""

    signal: str  # drift | quality | bias | explainability
    schedule: str  # hourly | daily


@dataclass(frozen=True)
class MonitoringArgs:
    """Inputs of the Monitoring component (one endpoint)."""

    endpoint_name: str
    latency_p99_ms: int | None
    error_rate_percent: float | None
    notify: list[str]
    auto_rollback: bool
    jobs: list[MonitorJob]
    image: str
    service_account: str
    env: list[k8s.core.v1.EnvVarArgs]
    pull_secret: str | None


def _alert(name: str, expr: str, summary: str, args: MonitoringArgs) -> dict[str, object]:
    labels = {"severity": "critical" if args.auto_rollback else "warning", "endpoint": args.endpoint_name,
              "rollback": str(args.auto_rollback).lower()}
    if args.notify:
        labels["mlopskit_notify"] = ",".join(args.notify)
    return {"alert": name, "expr": expr, "for": "5m", "labels": labels, "annotations": {"summary": summary}}


def alert_rules(args: MonitoringArgs, namespace: str) -> list[dict[str, object]]:
    """The endpoint's alerting rules (prometheus-operator's ``spec.groups[].rules``)."""
    where = f'namespace_name="{namespace}", configuration_name="{args.endpoint_name}-predictor"'
    rules = []
    if args.latency_p99_ms is not None:
        rules.append(_alert(
            f"{args.endpoint_name}-latency-p99",
            f"histogram_quantile(0.99, sum by (le) (rate(revision_app_request_latencies_bucket{{{where}}}[5m]))) "
            f"> {args.latency_p99_ms}", f"p99 latency above {args.latency_p99_ms} ms", args))
    if args.error_rate_percent is not None:
        rules.append(_alert(
            f"{args.endpoint_name}-error-rate",
            f'sum(rate(revision_app_request_count{{{where}, response_code_class="5xx"}}[5m])) / '
            f"sum(rate(revision_app_request_count{{{where}}}[5m])) > {args.error_rate_percent / 100:g}",
            f"error rate above {args.error_rate_percent:g}%", args))
    for job in args.jobs:
        rules.append(_alert(
            f"{args.endpoint_name}-{job.signal}",
            f'mlopskit_monitor_violations{{stack_endpoint="{args.endpoint_name}", signal="{job.signal}"}} > 0',
            f"the monitor job found {job.signal} violations", args))
    return rules


class Monitoring(pulumi.ComponentResource):
    """One endpoint's alerts and monitor jobs."""

    def __init__(self, name: str, args: MonitoringArgs, ctx: KubernetesContext,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("monitoring"), opts)
        self.jobs = [self._job(name, ctx, args, job) for job in args.jobs]
        rules = alert_rules(args, ctx.namespace)
        self.rule = k8s.apiextensions.CustomResource(
            f"{name}-alerts", api_version="monitoring.coreos.com/v1", kind="PrometheusRule",
            metadata=ctx.meta(f"{args.endpoint_name}-alerts", "monitor"),
            spec={"groups": [{"name": f"mlopskit-{args.endpoint_name}", "rules": rules}]},
            opts=child(self)) if rules else None
        self.register_outputs({"alerts": len(rules), "jobs": [j.signal for j in args.jobs]})

    def _job(self, name: str, ctx: KubernetesContext, args: MonitoringArgs, job: MonitorJob) -> k8s.batch.v1.CronJob:
        env = [*args.env, k8s.core.v1.EnvVarArgs(name="MONITOR_TARGET", value="prometheus"),
               k8s.core.v1.EnvVarArgs(name="MONITOR_CAPTURE_FORMAT", value="kserve"),
               k8s.core.v1.EnvVarArgs(name="MONITOR_STACK", value=ctx.stack.name),
               k8s.core.v1.EnvVarArgs(name="MONITOR_ENDPOINT", value=args.endpoint_name),
               k8s.core.v1.EnvVarArgs(name="MONITOR_SIGNAL", value=job.signal),
               k8s.core.v1.EnvVarArgs(name="MONITOR_ROOT", value="/tmp/monitor")]
        pod = PodArgs("monitor", args.image, ["python", "-m", "mlopskit.monitor"], MONITOR_SIZE, args.service_account,
                      env, False, args.pull_secret)
        shape = JobShape(SCHEDULES[job.schedule], 1, MONITOR_RUNTIME_MINUTES, retries=1)
        return cron_job(f"{name}-{job.signal}", ctx, f"monitor-{args.endpoint_name}-{job.signal}", "monitor", shape,
                        pod, child(self))
