"""Publishers: the report's ``metrics`` sent to each target's metric service, by the contract.

Each publisher separates building its requests (pure, checked in tests against the client's own
request types) from sending them; the cloud SDK is imported only when sending, so the
computation runs with numpy, scipy, pandas and scikit-learn alone.

- aws: CloudWatch ``PutMetricData`` (boto3, in every SageMaker image).
- gcp: Cloud Monitoring ``projects.timeSeries.create`` over REST with google-auth's
  ``AuthorizedSession`` (google-auth and requests; no google-cloud-monitoring needed at run time).
- azure: Azure Monitor custom metrics REST ingestion, ``POST https://{region}.monitoring.azure.com
  {resourceId}/metrics`` with an ``AzureMetricsDocument`` body, token from azure-identity.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mlopskit.monitor.contract import (
    AWS_NAMESPACE,
    GCP_RESOURCE_TYPE,
    NAMESPACE,
    published_dimensions,
    published_name,
    snake_label,
)
from mlopskit.monitor.errors import MonitorInputError
from mlopskit.monitor.registry import PUBLISHERS, publisher

Metric = dict[str, Any]

# CloudWatch accepts up to 1,000 metrics per PutMetricData call today; 20 was the limit for years,
# and batches of 20 are valid under both (the extra calls cost nothing measurable).
CLOUDWATCH_BATCH = 20
# Cloud Monitoring: at most 200 time series per timeSeries.create request.
GCP_BATCH = 200
AZURE_SCOPE = "https://monitoring.azure.com/.default"


def _dimension_values(metric: Metric, stack: str, endpoint: str) -> dict[str, str]:
    return {"Stack": stack, "Endpoint": endpoint, **{k: str(v) for k, v in metric["dimensions"].items()}}


class Publisher:
    """Base: ``requests`` builds the bodies; ``send`` posts them with the target's client."""

    target = "none"

    def __init__(self, stack: str, endpoint: str, when: datetime) -> None:
        self.stack, self.endpoint, self.when = stack, endpoint, when

    def requests(self, metrics: Sequence[Metric]) -> list[dict[str, Any]]:
        return []

    def send(self, metrics: Sequence[Metric]) -> int:
        return 0


@publisher("none")
class NoPublisher(Publisher):
    """Local runs: the reports are the only output."""


@publisher("aws")
class CloudWatchPublisher(Publisher):
    target = "aws"

    def requests(self, metrics: Sequence[Metric]) -> list[dict[str, Any]]:
        data = []
        for m in metrics:
            values = _dimension_values(m, self.stack, self.endpoint)
            data.append({"MetricName": published_name("aws", m["name"]),
                         "Dimensions": [{"Name": d, "Value": values[d]} for d in published_dimensions("aws", m["name"])],
                         "Timestamp": self.when.strftime("%Y-%m-%dT%H:%M:%SZ"), "Value": float(m["value"]),
                         "Unit": "None"})
        return [{"Namespace": AWS_NAMESPACE, "MetricData": data[i:i + CLOUDWATCH_BATCH]}
                for i in range(0, len(data), CLOUDWATCH_BATCH)]

    def send(self, metrics: Sequence[Metric]) -> int:
        import boto3

        client = boto3.client("cloudwatch")
        requests = self.requests(metrics)
        for request in requests:
            client.put_metric_data(**request)
        return len(requests)


@publisher("gcp")
class CloudMonitoringPublisher(Publisher):
    target = "gcp"

    def __init__(self, stack: str, endpoint: str, when: datetime) -> None:
        super().__init__(stack, endpoint, when)
        self.project = os.environ.get("MONITOR_GCP_PROJECT", "")

    def requests(self, metrics: Sequence[Metric]) -> list[dict[str, Any]]:
        if not self.project:
            raise MonitorInputError("MONITOR_GCP_PROJECT", "is required to publish to Cloud Monitoring")
        stamp = self.when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        series = []
        for m in metrics:
            values = _dimension_values(m, self.stack, self.endpoint)
            labels = {snake_label(d): values[d] for d in (("Stack", "Endpoint") + tuple(m["dimensions"]))}
            assert tuple(labels) == published_dimensions("gcp", m["name"])
            series.append({"metric": {"type": published_name("gcp", m["name"]), "labels": labels},
                           "resource": {"type": GCP_RESOURCE_TYPE, "labels": {"project_id": self.project}},
                           "metricKind": "GAUGE", "valueType": "DOUBLE",
                           "points": [{"interval": {"endTime": stamp}, "value": {"doubleValue": float(m["value"])}}]})
        return [{"timeSeries": series[i:i + GCP_BATCH]} for i in range(0, len(series), GCP_BATCH)]

    def send(self, metrics: Sequence[Metric]) -> int:
        import google.auth
        from google.auth.transport.requests import AuthorizedSession

        credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/monitoring.write"])
        session = AuthorizedSession(credentials)
        url = f"https://monitoring.googleapis.com/v3/projects/{self.project}/timeSeries"
        requests = self.requests(metrics)
        for body in requests:
            session.post(url, json=body, timeout=60).raise_for_status()
        return len(requests)


@publisher("azure")
class AzureMonitorPublisher(Publisher):
    target = "azure"

    def __init__(self, stack: str, endpoint: str, when: datetime) -> None:
        super().__init__(stack, endpoint, when)
        self.resource_id = os.environ.get("MONITOR_AZURE_RESOURCE_ID", "")
        self.region = os.environ.get("MONITOR_AZURE_REGION", "")

    def requests(self, metrics: Sequence[Metric]) -> list[dict[str, Any]]:
        """One ``AzureMetricsDocument`` per metric name (a document holds one metric's series)."""
        by_name: dict[str, list[Metric]] = {}
        for m in metrics:
            by_name.setdefault(m["name"], []).append(m)
        documents = []
        for name, items in by_name.items():
            dims = published_dimensions("azure", name)
            series = []
            for m in items:
                values = _dimension_values(m, self.stack, self.endpoint)
                v = float(m["value"])
                series.append({"dimValues": [values[d] for d in dims], "min": v, "max": v, "sum": v, "count": 1})
            documents.append({"time": self.when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                              "data": {"baseData": {"metric": published_name("azure", name), "namespace": NAMESPACE,
                                                    "dimNames": list(dims), "series": series}}})
        return documents

    def send(self, metrics: Sequence[Metric]) -> int:
        if not self.resource_id or not self.region:
            raise MonitorInputError("MONITOR_AZURE_RESOURCE_ID", "and MONITOR_AZURE_REGION are required to publish")
        import requests
        from azure.identity import DefaultAzureCredential

        token = DefaultAzureCredential().get_token(AZURE_SCOPE).token
        url = f"https://{self.region}.monitoring.azure.com{self.resource_id}/metrics"
        documents = self.requests(metrics)
        for body in documents:
            requests.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60).raise_for_status()
        return len(documents)


def publisher_for(target: str, stack: str, endpoint: str, when: datetime) -> Publisher:
    if target not in PUBLISHERS:
        raise MonitorInputError("MONITOR_TARGET", f"unknown target {target!r} (known: {', '.join(sorted(PUBLISHERS))})")
    cls = PUBLISHERS[target]
    instance: Publisher = cls(stack, endpoint, when)
    return instance
