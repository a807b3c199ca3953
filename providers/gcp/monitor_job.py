"""The kit's own monitor job of one endpoint on Google Cloud (docs/monitoring.md): a Vertex AI custom
job running ``python -m mlopskit.monitor`` in the kit's image from the stack's Artifact Registry,
posted by Cloud Scheduler, and a Cloud Monitoring alert policy on each published metric with a
threshold, notifying the endpoint's channels.

Why so: it is how the stack already schedules training (providers/gcp/training.py ``stored_job``:
the body kept in the bucket, Cloud Scheduler POSTing it to ``customJobs``), in the stack's network
and under its key. The kit's image, not a prebuilt Vertex one: the prebuilt images' Python and
libraries are not verified to run the monitor (docs/monitoring.md), and the image holds the
package, so nothing is installed at run time. Runs fail until the image is pushed (docs).

Captures: Vertex AI logs requests and responses to a BigQuery table, not files. The job reads the
window's rows itself (``MONITOR_CAPTURE_TABLE``, mlopskit/monitor/bigquery.py) rather than a second
scheduled export to Cloud Storage: one job, one identity, no race between export and read.
Baseline, labels and settings are read, and the reports written, through Vertex's Cloud Storage
FUSE mount of the bucket (``/gcs/<bucket>/``, as the training jobs' code is read).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_gcp import monitoring, storage

from mlopskit.modules import monitor_job
from mlopskit.modules.endpoint import Endpoint
from mlopskit.monitor import contract
from mlopskit.providers.gcp.context import GcpContext, child
from mlopskit.providers.gcp.storage import capture_table
from mlopskit.providers.gcp.training import StoredJob, stored_job

TYPE = "mlopskit:gcp:MonitorJob"
#: The job's local folder for what is not on the bucket (the staged captures); the image's user
#: (65534) can write /tmp.
ROOT = "/tmp/monitor"
_PERIOD_S = {"hourly": 3600, "daily": 86400}


@dataclass
class MonitorJobArgs:
    """One endpoint's job: the image, machine type, accounts, key, network and alert channels."""

    endpoint: Endpoint
    stack_name: str
    project: str
    region: str
    image_uri: str
    machine_type: str
    bucket: pulumi.Input[str]
    capture_dataset: pulumi.Input[str]
    service_account: pulumi.Input[str]  # runs the job (the monitor account)
    scheduler_account: pulumi.Input[str]  # posts it
    kms_key: pulumi.Input[str] | None
    network: pulumi.Input[str] | None
    channels: Sequence[pulumi.Input[str]]  # the endpoint's notification channels


def window_hours(endpoint: Endpoint) -> int:
    """Hours of captures each run reads: the schedule's period, plus the label delay, so a capture
    whose label arrives late is still in a window once its label is due (window.py judges a capture
    only after ``label_delay_hours``). Drift then covers that longer window too."""
    monitoring = endpoint.monitoring
    delays = [s.label_delay_hours for s in (monitoring.quality, monitoring.bias) if s is not None]
    return _PERIOD_S[monitor_job.schedule(endpoint)] // 3600 + math.ceil(max(delays, default=0))


def environment(args: MonitorJobArgs, bucket: str, dataset: str) -> dict[str, str]:
    """The entry point's variables (mlopskit/monitor/contract.py ``ENV``)."""
    spec = args.endpoint
    mount = f"/gcs/{bucket}/"
    env = {"MONITOR_TARGET": "gcp", "MONITOR_STACK": args.stack_name, "MONITOR_ENDPOINT": spec.name,
           "MONITOR_CAPTURE_FORMAT": "vertex", "MONITOR_GCP_PROJECT": args.project, "MONITOR_ROOT": ROOT,
           "MONITOR_CAPTURE_TABLE": f"{args.project}.{dataset}.{capture_table(spec.name)}",
           "MONITOR_WINDOW_HOURS": str(window_hours(spec)),
           "MONITOR_BASELINE": mount + monitor_job.baseline_prefix(spec),
           "MONITOR_CONFIG": mount + monitor_job.config_key(spec),
           "MONITOR_REPORT": mount + monitor_job.report_prefix(spec).rstrip("/"), "OMP_NUM_THREADS": "1"}
    labels = monitor_job.labels_prefix(spec)
    if labels is not None:
        env["MONITOR_LABELS"] = mount + labels
    return env


def custom_job(args: MonitorJobArgs, bucket: str, dataset: str, service_account: str, kms_key: str | None,
               network: str | None) -> dict[str, Any]:
    """The Vertex ``CustomJob`` body (REST JSON, checked against aiplatform_v1 by the fidelity gate)."""
    spec = args.endpoint
    env = environment(args, bucket, dataset)
    job_spec: dict[str, Any] = {
        # The image's ENTRYPOINT is the job (mlopskit/monitor/Dockerfile): no command.
        "workerPoolSpecs": [{"machineSpec": {"machineType": args.machine_type}, "replicaCount": 1,
                             "containerSpec": {"imageUri": args.image_uri,
                                               "env": [{"name": k, "value": v} for k, v in sorted(env.items())]}}],
        "scheduling": {"timeout": f"{monitor_job.MAX_RUNTIME_S[monitor_job.schedule(spec)]}s"},
        "serviceAccount": service_account,
    }
    if network:
        job_spec["network"] = network
    body: dict[str, Any] = {"displayName": f"{args.stack_name}-{spec.name}-monitor",
                            "labels": {"endpoint": spec.name, monitor_job.SIGNALS_TAG: monitor_job.signals_tag(spec)},
                            "jobSpec": job_spec}
    if kms_key:
        body["encryptionSpec"] = {"kmsKeyName": kms_key}
    return body


def metric_filter(stack_name: str, endpoint_name: str, metric: str) -> str:
    """The Monitoring filter of one published metric: the type and the labels the publisher writes
    (``CloudMonitoringPublisher``: ``global`` resource, labels ``stack`` and ``endpoint``)."""
    labels = dict(zip(contract.published_dimensions("gcp", metric)[:2], (stack_name, endpoint_name), strict=True))
    clauses = [f'metric.type="{contract.published_name("gcp", metric)}"',
               f'resource.type="{contract.GCP_RESOURCE_TYPE}"',
               *(f'metric.label.{k}="{v}"' for k, v in labels.items())]
    return " AND ".join(clauses)


def alert_condition(stack_name: str, endpoint: Endpoint, alarm: monitor_job.MonitorAlarm
                    ) -> monitoring.AlertPolicyConditionConditionThresholdArgs:
    """One threshold on the metric; per-series metrics (a facet's values are data) are reduced to
    their worst series (MIN below, MAX above), as AWS's Metrics Insights query does."""
    period = f"{_PERIOD_S[monitor_job.schedule(endpoint)]}s"
    aggregation = monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
        # The job writes one point per run: the period's point is the run's value. Not confirmed:
        # the largest alignment period Cloud Monitoring accepts in an alert condition (daily: 86,400 s).
        alignment_period=period, per_series_aligner="ALIGN_MIN" if alarm.below else "ALIGN_MAX",
        **({"cross_series_reducer": "REDUCE_MIN" if alarm.below else "REDUCE_MAX",
            "group_by_fields": ["metric.label.stack", "metric.label.endpoint"]} if alarm.per_series else {}))
    return monitoring.AlertPolicyConditionConditionThresholdArgs(
        filter=metric_filter(stack_name, endpoint.name, alarm.metric),
        comparison="COMPARISON_LT" if alarm.below else "COMPARISON_GT",
        threshold_value=alarm.threshold,
        duration="0s",
        aggregations=[aggregation],
    )


class MonitorJob(pulumi.ComponentResource):
    """The settings object, the stored job body, its Cloud Scheduler job and the alert policies."""

    def __init__(self, name: str, args: MonitorJobArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("monitor"), opts)
        spec = args.endpoint
        prefix = f"{args.stack_name}-{spec.name}-monitor"
        # The bucket's default CMEK applies to the object, as to the training code.
        self.config = storage.BucketObject(
            f"{prefix}-config", bucket=args.bucket, name=monitor_job.config_key(spec),
            content=json.dumps(monitor_job.settings(args.stack_name, spec), sort_keys=True),
            content_type="application/json", opts=child(self))
        body = pulumi.Output.all(args.bucket, args.capture_dataset, args.service_account, args.kms_key,
                                 args.network).apply(
            lambda v: json.dumps(custom_job(args, v[0], v[1], v[2], v[3], v[4]), sort_keys=True))
        self.spec_object, self.schedule = stored_job(StoredJob(
            prefix, f"monitoring/{spec.name}/config/custom-job.json", body, args.bucket,
            monitor_job.CRON[monitor_job.schedule(spec)], f"The kit's monitor job of endpoint {spec.name} (mlopskit)",
            f"https://{args.region}-aiplatform.googleapis.com/v1/projects/{args.project}/locations/{args.region}/customJobs",
            args.project, args.region, args.scheduler_account, (self.config,)), self)
        self.alerts = [self._alert(prefix, args, alarm) for alarm in monitor_job.alarms(spec)]
        self.register_outputs({"schedule": self.schedule.name if self.schedule else None,
                               "alertPolicies": [a.name for a in self.alerts]})

    def _alert(self, prefix: str, args: MonitorJobArgs, alarm: monitor_job.MonitorAlarm) -> monitoring.AlertPolicy:
        spec = args.endpoint
        summary = f"{alarm.metric} {'below' if alarm.below else 'above'} {alarm.threshold:g}"
        return monitoring.AlertPolicy(
            f"{prefix}-{alarm.slug}",
            display_name=f"{prefix}-{alarm.slug}",
            project=args.project,
            combiner="OR",
            conditions=[monitoring.AlertPolicyConditionArgs(
                display_name=summary, condition_threshold=alert_condition(args.stack_name, spec, alarm))],
            notification_channels=list(args.channels),
            user_labels={"endpoint": spec.name, "alarm": alarm.slug},
            severity="WARNING",
            documentation=monitoring.AlertPolicyDocumentationArgs(
                content=f"Endpoint {spec.name}: {summary} (the kit's monitor job; its report is under "
                        f"{monitor_job.report_prefix(spec)} in the artifacts bucket).", mime_type="text/markdown"),
            # No point: the job did not run or had nothing to judge (no labels yet): not a verdict,
            # so an open incident closes after two periods without data rather than staying open.
            alert_strategy=monitoring.AlertPolicyAlertStrategyArgs(
                auto_close=f"{2 * _PERIOD_S[monitor_job.schedule(spec)]}s"),
            opts=child(self),
        )
