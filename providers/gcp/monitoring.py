"""Monitoring of one endpoint: email channels, latency/error alert policies, drift detection.

The alert policies are also the rollback signal: with ``autoRollback`` they carry a
``rollback`` label and their names are stack outputs the day-2 tooling watches while it
moves traffic along the rollout's steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import monitoring

from mlopskit.modules.naming import short_hash
from mlopskit.providers.gcp.context import GcpContext, child
from mlopskit.providers.gcp.vertex import ModelMonitoringJob

TYPE = "mlopskit:gcp:Monitoring"
ENDPOINT_RESOURCE = 'resource.type="aiplatform.googleapis.com/Endpoint"'
DRIFT_INTERVAL_S = {"hourly": 3600, "daily": 86400}


@dataclass
class DriftArgs:
    """Vertex model monitoring over captured predictions."""

    schedule: str  # monitoring.drift.schedule
    sample_rate: float  # dataCapture.samplingPercent / 100
    deployed_model_id: pulumi.Input[str]
    endpoint: pulumi.Input[str]
    threshold: float = 0.3


@dataclass
class MonitoringArgs:
    """Inputs of the Monitoring component."""

    prefix: str
    endpoint_name: str
    endpoint_id: str
    project: str
    region: str
    notify: list[str]  # monitoring.notify
    latency_p99_ms: int | None
    error_rate_percent: float | None
    auto_rollback: bool
    kms_key: pulumi.Input[str] | None = None
    drift: DriftArgs | None = None
    labels: dict[str, str] = field(default_factory=dict)


def alert_display_name(prefix: str, endpoint: str, kind: str) -> str:
    """Deterministic display name: the day-2 tooling finds rollback alarms by it."""
    return f"{prefix}-{endpoint}-{kind}"


class Monitoring(pulumi.ComponentResource):
    """``alert_policies`` maps alarm kind -> alert policy name."""

    alert_policies: dict[str, pulumi.Output[str]]
    channel_ids: list[pulumi.Output[str]]

    def __init__(self, name: str, args: MonitoringArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("monitoring"), opts)
        base = f"{args.prefix}-{args.endpoint_name}"
        channels = [
            monitoring.NotificationChannel(
                f"{base}-notify-{short_hash(email)}",
                display_name=f"{base} {email}",
                type="email",
                labels={"email_address": email},
                project=args.project,
                opts=child(self),
            )
            for email in args.notify
        ]
        channel_ids = [c.name for c in channels]
        # The kit monitor job's alert policies notify the same channels (providers/gcp/monitor_job.py).
        self.channel_ids = channel_ids
        endpoint_filter = f'{ENDPOINT_RESOURCE} AND resource.label.endpoint_id="{args.endpoint_id}"'
        user_labels = {**args.labels, "endpoint": args.endpoint_name, "rollback": str(args.auto_rollback).lower()}
        self.alert_policies = {}
        if args.latency_p99_ms is not None:
            self.alert_policies["latency"] = self._policy(
                args, "latency", channel_ids, user_labels,
                monitoring.AlertPolicyConditionConditionThresholdArgs(
                    filter=f'metric.type="aiplatform.googleapis.com/prediction/online/prediction_latencies" AND {endpoint_filter}',
                    comparison="COMPARISON_GT",
                    threshold_value=float(args.latency_p99_ms),
                    duration="300s",
                    aggregations=[monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
                        alignment_period="60s", per_series_aligner="ALIGN_PERCENTILE_99"
                    )],
                ),
                f"p99 latency above {args.latency_p99_ms} ms",
            )
        if args.error_rate_percent is not None:
            # Error rate = failed / all predictions, as a ratio threshold.
            self.alert_policies["errors"] = self._policy(
                args, "errors", channel_ids, user_labels,
                monitoring.AlertPolicyConditionConditionThresholdArgs(
                    filter=f'metric.type="aiplatform.googleapis.com/prediction/online/error_count" AND {endpoint_filter}',
                    denominator_filter=f'metric.type="aiplatform.googleapis.com/prediction/online/prediction_count" AND {endpoint_filter}',
                    comparison="COMPARISON_GT",
                    threshold_value=args.error_rate_percent / 100,
                    duration="300s",
                    aggregations=[monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
                        alignment_period="60s", per_series_aligner="ALIGN_RATE"
                    )],
                    denominator_aggregations=[monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
                        alignment_period="60s", per_series_aligner="ALIGN_RATE"
                    )],
                ),
                f"error rate above {args.error_rate_percent:g}%",
            )
        self.drift_job = None
        if args.drift is not None:
            self.drift_job = ModelMonitoringJob(
                f"{base}-drift",
                {
                    "parent": f"projects/{args.project}/locations/{args.region}",
                    "region": args.region,
                    "endpoint": args.drift.endpoint,
                    "deployedModelId": args.drift.deployed_model_id,
                    "displayName": f"{base}-drift",
                    "intervalSeconds": DRIFT_INTERVAL_S[args.drift.schedule],
                    "sampleRate": args.drift.sample_rate,
                    "driftThreshold": args.drift.threshold,
                    "emails": list(args.notify),
                    "kmsKeyName": args.kms_key,
                    "labels": {"endpoint": args.endpoint_name},
                },
                opts=child(self),
            )
        self.register_outputs({"alertPolicies": self.alert_policies})

    def _policy(
        self, args: MonitoringArgs, kind: str, channels: list[pulumi.Output[str]], labels: dict[str, str],
        condition: monitoring.AlertPolicyConditionConditionThresholdArgs, summary: str,
    ) -> pulumi.Output[str]:
        display = alert_display_name(args.prefix, args.endpoint_name, kind)
        policy = monitoring.AlertPolicy(
            f"{args.prefix}-{args.endpoint_name}-alert-{kind}",
            display_name=display,
            project=args.project,
            combiner="OR",
            conditions=[monitoring.AlertPolicyConditionArgs(display_name=summary, condition_threshold=condition)],
            notification_channels=channels,
            user_labels={**labels, "alarm": kind},
            severity="CRITICAL" if args.auto_rollback else "WARNING",
            documentation=monitoring.AlertPolicyDocumentationArgs(
                content=f"Endpoint {args.endpoint_name}: {summary}."
                + (" mlopskit rolls the current rollout back when this fires." if args.auto_rollback else ""),
                mime_type="text/markdown",
            ),
            alert_strategy=monitoring.AlertPolicyAlertStrategyArgs(auto_close="1800s"),
            opts=child(self),
        )
        return policy.name
