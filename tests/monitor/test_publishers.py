"""Publishers' request bodies against the clients' own request types, and the metric contract
against the spec's metric names (what the kit's alarms will watch is what the job writes)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import jsonschema
import pytest

from mlopskit.monitor import contract
from mlopskit.monitor.publishers import (
    AzureMonitorPublisher,
    CloudMonitoringPublisher,
    CloudWatchPublisher,
    publisher_for,
)
from mlopskit.monitor.registry import PUBLISHERS, READERS

WHEN = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def _one_of_each() -> list[dict[str, Any]]:
    """One published value of every metric of the contract, with its own dimensions."""
    sample = {"Feature": "income", "Facet": "age", "FacetValue": ">60"}
    return [{"name": name, "value": 0.25, "dimensions": {d: sample[d] for d in spec.dimensions}}
            for name, spec in contract.METRICS.items()]


# ------------------------------------------------------------------ CloudWatch


def _cloudwatch_problems(request: dict[str, Any]) -> list[str]:
    from botocore.validate import ParamValidator

    from tests.fidelity.aws.validator import operation, validate

    shape = operation("cloudwatch", "PutMetricData").input_shape
    report = ParamValidator().validate(request, shape)
    return ([report.generate_report()] if report.has_errors() else []) + [
        str(v) for v in validate("cloudwatch", "PutMetricData", request)]


def test_cloudwatch_requests_fit_botocore_model() -> None:
    requests = CloudWatchPublisher("credit-risk", "scoring", WHEN).requests(_one_of_each())
    assert sum(len(r["MetricData"]) for r in requests) == len(contract.METRICS)
    for request in requests:
        assert _cloudwatch_problems(request) == []
        assert request["Namespace"] == contract.published_namespace("aws")
        for datum in request["MetricData"]:
            names = tuple(d["Name"] for d in datum["Dimensions"])
            metric = next(m for m in contract.METRICS if contract.published_name("aws", m) == datum["MetricName"])
            assert names == contract.published_dimensions("aws", metric)


def test_the_cloudwatch_check_can_fail() -> None:
    request = CloudWatchPublisher("credit-risk", "scoring", WHEN).requests(_one_of_each())[0]
    request["MetricData"][0]["Dimensions"][0]["Value"] = ""  # below the 1-character minimum
    request["MetricData"][0]["Colour"] = "red"
    assert len(_cloudwatch_problems(request)) >= 2


# ------------------------------------------------------------------ Cloud Monitoring


def _as_proto(body: dict[str, Any]) -> Any:
    """The REST body parsed into google-cloud-monitoring's own request proto (strict: unknown
    fields and wrong types raise)."""
    from google.cloud.monitoring_v3.types import CreateTimeSeriesRequest
    from google.protobuf import json_format

    message = CreateTimeSeriesRequest.pb(CreateTimeSeriesRequest())
    return json_format.ParseDict({"name": "projects/acme-ml-prod", **body}, message)


def test_cloud_monitoring_requests_parse_as_create_time_series(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_GCP_PROJECT", "acme-ml-prod")
    bodies = CloudMonitoringPublisher("credit-risk", "scoring", WHEN).requests(_one_of_each())
    series = [s for body in bodies for s in _as_proto(body).time_series]
    assert len(series) == len(contract.METRICS)
    for s in series:
        metric = s.metric.type.rsplit("/", 1)[1]
        assert s.metric.type == contract.published_name("gcp", metric)
        assert s.metric.type.startswith(contract.published_namespace("gcp") + "/")
        assert sorted(s.metric.labels) == sorted(contract.published_dimensions("gcp", metric))  # a proto map: no order
        assert s.resource.type == contract.GCP_RESOURCE_TYPE and dict(s.resource.labels) == {"project_id": "acme-ml-prod"}
        assert s.points[0].value.double_value == 0.25


def test_the_cloud_monitoring_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    from google.protobuf.json_format import ParseError

    monkeypatch.setenv("MONITOR_GCP_PROJECT", "acme-ml-prod")
    body = CloudMonitoringPublisher("credit-risk", "scoring", WHEN).requests(_one_of_each())[0]
    body["timeSeries"][0]["points"][0]["value"] = {"doubleValue": "high"}
    with pytest.raises(ParseError):
        _as_proto(body)


def test_cloud_monitoring_needs_a_project(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlopskit.monitor.errors import MonitorInputError

    monkeypatch.delenv("MONITOR_GCP_PROJECT", raising=False)
    with pytest.raises(MonitorInputError, match="MONITOR_GCP_PROJECT"):
        CloudMonitoringPublisher("s", "e", WHEN).requests(_one_of_each())


# ------------------------------------------------------------------ Azure Monitor

# The AzureMetricsDocument of Azure Monitor's custom metrics REST API (operation Metrics_Create,
# POST https://{region}.monitoring.azure.com{resourceId}/metrics), transcribed from its REST
# definition (azure-rest-api-specs, monitor data-plane, 2018-09-01-preview): required members as
# published; additionalProperties false is our stricter reading (no extra member is documented).
AZURE_METRICS_DOCUMENT = {
    "type": "object", "required": ["time", "data"], "additionalProperties": False,
    "properties": {
        "time": {"type": "string", "format": "date-time"},
        "data": {"type": "object", "required": ["baseData"], "additionalProperties": False, "properties": {
            "baseData": {"type": "object", "required": ["metric", "namespace", "series"], "additionalProperties": False,
                         "properties": {
                             "metric": {"type": "string"}, "namespace": {"type": "string"},
                             "dimNames": {"type": "array", "items": {"type": "string"}},
                             "series": {"type": "array", "items": {
                                 "type": "object", "required": ["min", "max", "sum", "count"],
                                 "additionalProperties": False,
                                 "properties": {"dimValues": {"type": "array", "items": {"type": "string"}},
                                                "min": {"type": "number"}, "max": {"type": "number"},
                                                "sum": {"type": "number"}, "count": {"type": "integer"}}}}}}}}},
}
# Custom metrics accept at most 10 dimensions per metric (Azure Monitor custom metrics overview).
AZURE_MAX_DIMENSIONS = 10


def test_azure_documents_fit_the_rest_schema() -> None:
    documents = AzureMonitorPublisher("credit-risk", "scoring", WHEN).requests(_one_of_each())
    assert len(documents) == len(contract.METRICS)
    for document in documents:
        jsonschema.validate(document, AZURE_METRICS_DOCUMENT)
        base = document["data"]["baseData"]
        assert base["namespace"] == contract.published_namespace("azure")
        assert tuple(base["dimNames"]) == contract.published_dimensions("azure", base["metric"])
        assert len(base["dimNames"]) <= AZURE_MAX_DIMENSIONS
        assert all(len(s["dimValues"]) == len(base["dimNames"]) for s in base["series"])


def test_the_azure_check_can_fail() -> None:
    document = AzureMonitorPublisher("credit-risk", "scoring", WHEN).requests(_one_of_each())[0]
    del document["data"]["baseData"]["series"][0]["count"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, AZURE_METRICS_DOCUMENT)


# ------------------------------------------------------------------ the contract


def test_quality_and_bias_names_are_the_specs() -> None:
    from mlopskit.modules.endpoint import BIAS_METRICS, QUALITY_METRICS

    by_problem: dict[str, set[str]] = {}
    for metric, (problems, higher) in QUALITY_METRICS.items():
        for problem in problems:
            by_problem.setdefault(problem, set()).add(metric)
        assert contract.METRICS[f"quality_{metric}"].alarm_below == higher
    assert {p: set(m) for p, m in contract.QUALITY_METRICS.items()} == by_problem
    assert set(contract.BIAS_METRICS) == set(BIAS_METRICS)
    assert all(contract.METRICS[f"bias_{m}"].alarm_below == below for m, below in BIAS_METRICS.items())


def test_every_target_has_a_publisher_and_every_format_a_reader() -> None:
    import mlopskit.monitor.readers  # noqa: F401 - registers the built-in readers

    assert {"aws", "gcp", "azure", "none"} <= set(PUBLISHERS)
    assert {"sagemaker", "vertex", "azure", "csv"} <= set(READERS)
    with pytest.raises(ValueError, match="registered twice"):
        from mlopskit.monitor.registry import publisher

        publisher("aws")(CloudWatchPublisher)


def test_an_unknown_target_names_the_variable() -> None:
    from mlopskit.monitor.errors import MonitorInputError

    with pytest.raises(MonitorInputError, match="MONITOR_TARGET: unknown target 'k8s'"):
        publisher_for("k8s", "s", "e", WHEN)
