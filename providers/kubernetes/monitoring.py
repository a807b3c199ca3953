"""Monitoring: a PrometheusRule of the endpoint's latency and error alerts.

The alerts read KServe's serving metrics (Knative's queue-proxy ``revision_app_request_*`` series
in serverless mode: UNCONFIRMED metric names, see docs/kubernetes.md). ``notify`` rides on each
alert as a label an Alertmanager route matches (the routes themselves are the operator's
Alertmanager configuration). The kit's monitor job is not scheduled on a cluster yet (the build
warns at each monitoring section): it needs a reader for KServe's logged requests and a
Prometheus publisher in ``mlopskit.monitor``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.providers.kubernetes.context import KubernetesContext, child

TYPE = "mlopskit:kubernetes:Monitoring"


@dataclass(frozen=True)
class MonitoringArgs:
    """Inputs of the Monitoring component (one endpoint)."""

    endpoint_name: str
    latency_p99_ms: int | None
    error_rate_percent: float | None
    notify: list[str]
    auto_rollback: bool


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
    return rules


class Monitoring(pulumi.ComponentResource):
    """One endpoint's latency and error alerts."""

    def __init__(self, name: str, args: MonitoringArgs, ctx: KubernetesContext,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("monitoring"), opts)
        rules = alert_rules(args, ctx.namespace)
        self.rule = k8s.apiextensions.CustomResource(
            f"{name}-alerts", api_version="monitoring.coreos.com/v1", kind="PrometheusRule",
            metadata=ctx.meta(f"{args.endpoint_name}-alerts", "monitor"),
            spec={"groups": [{"name": f"mlopskit-{args.endpoint_name}", "rules": rules}]},
            opts=child(self)) if rules else None
        self.register_outputs({"alerts": len(rules)})
