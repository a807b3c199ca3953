"""Model-quality monitoring (issue 18 item 2): the spec, every field on AWS and GCP (Azure's are in
tests/azure/test_field_coverage.py), the monitoring role's grant and the cost of the schedule.

Budget: about eight mocked previews of the lifecycle example (shared with tests/test_batch.py's cache), ~15 s alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from mlopskit.cli import main
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.stack import Stack
from mlopskit.providers.costing import estimate
from tests.azure.test_field_coverage import _field_paths
from tests.specs import baseline, change
from tests.test_batch import SPEC, graph as lifecycle

#: These tests hold SageMaker's managed services (Model Monitor, Clarify) to the spec: built only on
#: request (monitoring.engine: managed, issue 25 item 3). The kit's own job: tests/test_monitor_schedule.py.
MANAGED = {"endpoints[0].monitoring.engine": "managed"}


def graph(cloud: str, **changes: Any) -> Graph:
    """The lifecycle example, its online endpoint on the cloud's managed monitoring service."""
    return lifecycle(cloud, **MANAGED, **changes)

QUALITY = "endpoints[0].monitoring.quality"


def _one(g: Graph, type_: str, part: str) -> RecordedResource:
    found = [r for r in g.of_type(type_) if part in r.name]
    assert len(found) == 1, [r.name for r in found]
    return found[0]


def definition(g: Graph) -> dict[str, Any]:
    """The desired state of the model-quality job definition (a Cloud Control resource)."""
    resource = _one(g, "aws:cloudcontrol/resource:Resource", "quality-job")
    assert resource.inputs["typeName"] == "AWS::SageMaker::ModelQualityJobDefinition"
    return json.loads(resource.inputs["desiredState"])


def alarms(g: Graph) -> dict[str, dict[str, Any]]:
    """Quality alarms by metric name."""
    return {r.inputs["metricName"]: r.inputs for r in g.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
            if "-quality-" in r.inputs["name"]}


def quality(**fields: Any) -> Graph:
    """The AWS preview with ``monitoring.quality`` fields replaced."""
    return graph("aws", **{f"{QUALITY}.{k}": v for k, v in fields.items()})


AWS: dict[str, Callable[[], bool]] = {
    "endpoints[].monitoring.quality.groundTruth": lambda: definition(graph("aws"))["ModelQualityJobInput"][
        "GroundTruthS3Input"]["S3Uri"] == "s3://churn-prod-artifacts-123456789012/monitoring/churn-labels/",
    "endpoints[].monitoring.quality.problemType": lambda: definition(graph("aws"))["ModelQualityAppSpecification"][
        "ProblemType"] == "BinaryClassification"
    and definition(quality(problemType="regression", thresholds={"mae": 2.5}))["ModelQualityAppSpecification"][
        "ProblemType"] == "Regression",
    # A score alarms below its threshold, an error above; multiclass scores are class-weighted.
    "endpoints[].monitoring.quality.thresholds": lambda: {
        m: (a["threshold"], a["comparisonOperator"]) for m, a in alarms(graph("aws")).items()}
    == {"accuracy": (0.85, "LessThanThreshold"), "auc": (0.8, "LessThanThreshold")}
    and {m: a["comparisonOperator"] for m, a in alarms(quality(problemType="regression", thresholds={
        "mae": 2.5, "r2": 0.6})).items()} == {"mae": "GreaterThanThreshold", "r2": "LessThanThreshold"}
    and set(alarms(quality(problemType="multiclass-classification", thresholds={"f1": 0.7, "accuracy": 0.8})))
    == {"weighted_f1", "accuracy"},
    "endpoints[].monitoring.quality.schedule": lambda: _one(
        graph("aws"), "aws:sagemaker/monitoringSchedule:MonitoringSchedule", "quality").inputs[
        "monitoringScheduleConfig"]["scheduleConfig"]["scheduleExpression"]
    == "cron(0 0 ? * * *)"
    and _one(quality(schedule="hourly"), "aws:sagemaker/monitoringSchedule:MonitoringSchedule", "quality").inputs[
        "monitoringScheduleConfig"]["scheduleConfig"]["scheduleExpression"] == "cron(0 * ? * * *)"
    and {a["period"] for a in alarms(quality(schedule="hourly")).values()} == {3600},
}


def kit_settings(g: Graph) -> dict[str, Any]:
    """The kit monitor job's settings (monitor.json) stored for the online endpoint."""
    return json.loads(_one(g, "aws:s3/bucketObjectv2:BucketObjectv2", "churn-online-monitor-config").inputs["content"])


# The fields only the kit's job reads (SageMaker Model Monitor joins by its own inferenceId and
# takes no label column or delay): their evidence is the kit job's settings, with the default engine.
AWS.update({
    # Quality and bias read one label column: the lifecycle's bias names it, and a quality label
    # that differs is refused (tests/test_monitor_schedule.py).
    "endpoints[].monitoring.quality.label": lambda: kit_settings(lifecycle("aws", **{
        f"{QUALITY}.label": "churned"}))["label"] == "churned"
    and kit_settings(lifecycle("aws", **{f"{QUALITY}.label": "outcome", "endpoints[0].monitoring.bias.label": "outcome"}))[
        "label"] == "outcome",
    "endpoints[].monitoring.quality.idField": lambda: kit_settings(lifecycle("aws"))["id_field"] == "inference_id"
    and kit_settings(lifecycle("aws", **{f"{QUALITY}.idField": "request_id", "endpoints[0].monitoring.bias.idField":
                                          "request_id"}))["id_field"] == "request_id",
    "endpoints[].monitoring.quality.labelDelayHours": lambda: kit_settings(lifecycle("aws"))["label_delay_hours"] == 0
    and kit_settings(lifecycle("aws", **{f"{QUALITY}.labelDelayHours": 48, "endpoints[0].monitoring.bias.labelDelayHours":
                                          48}))["label_delay_hours"] == 48,
})


def _gcp_warns(field: str) -> bool:
    return any(w.path == QUALITY and field in w.message and "unsupported" in w.message for w in graph("gcp").warnings)


GCP: dict[str, Callable[[], bool]] = {
    f"endpoints[].monitoring.quality.{field}": (lambda field=field: _gcp_warns(field))
    for field in ("groundTruth", "problemType", "thresholds", "schedule", "label", "idField", "labelDelayHours")
}
EVIDENCE = {"aws": AWS, "gcp": GCP}


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_every_quality_field_has_evidence(cloud: str) -> None:
    fields = {f for f in _field_paths(Stack) if f.startswith("endpoints[].monitoring.quality")}
    assert fields == set(EVIDENCE[cloud])


@pytest.mark.parametrize("cloud,path", [(c, p) for c in EVIDENCE for p in sorted(EVIDENCE[c])])
def test_quality_field_reaches(cloud: str, path: str) -> None:
    assert EVIDENCE[cloud][path](), path


def test_the_quality_job_is_private_encrypted_and_alarms_notify() -> None:
    g = graph("aws")
    state = definition(g)
    assert state["NetworkConfig"]["VpcConfig"]["Subnets"]
    assert state["ModelQualityJobOutputConfig"]["KmsKeyId"].startswith("arn:aws:kms:")
    assert state["JobResources"]["ClusterConfig"]["VolumeKmsKeyId"] == state["ModelQualityJobOutputConfig"]["KmsKeyId"]
    assert state["ModelQualityJobInput"]["EndpointInput"]["EndpointName"] == "churn-prod-churn-online"
    schedule = _one(g, "aws:sagemaker/monitoringSchedule:MonitoringSchedule", "quality").inputs
    assert schedule["monitoringScheduleConfig"]["monitoringJobDefinitionName"] == state["JobDefinitionName"]
    topic = _one(g, "aws:sns/topic:Topic", "churn-online").inputs["name"]
    assert all(a["alarmActions"][0].endswith(f":{topic}") for a in alarms(g).values())
    # The alarms name the schedule (its name is fixed; the definition's follows its content).
    assert state["JobDefinitionName"].startswith(f"{schedule['name']}-")
    assert {tuple(sorted(a["dimensions"].values())) for a in alarms(g).values()} == {
        ("churn-prod-churn-online", schedule["name"])}


def test_the_monitoring_role_reads_the_ground_truth_folder() -> None:
    role = _one(graph("aws"), "aws:iam/role:Role", "monitoring").inputs
    policy = json.loads(role["inlinePolicies"][0]["policy"])
    reads = [s["Resource"] for s in policy["Statement"] if s["Action"] == ["s3:GetObject"]]
    assert reads and any(r.endswith("/monitoring/churn-labels/*") for r in reads[0])


def test_azure_warns_at_the_quality_field() -> None:
    messages = [w.message for w in graph("azure").warnings if w.path == QUALITY]
    assert len(messages) == 1 and "unsupported" in messages[0]


# -- the spec -------------------------------------------------------------------------------
@pytest.mark.parametrize("path,value,expected", [
    (f"{QUALITY}.thresholds", {"mae": 1.0}, f"{QUALITY}.thresholds.mae: is not computed for problemType binary-classification"),
    (f"{QUALITY}.thresholds", {"accuracy": 1.5}, f"{QUALITY}.thresholds.accuracy: must be a ratio in (0, 1]"),
    (f"{QUALITY}.thresholds", {}, f"{QUALITY}.thresholds"),
    (f"{QUALITY}.thresholds", {"logloss": 0.3}, f"{QUALITY}.thresholds.logloss"),
    (f"{QUALITY}.problemType", "ranking", f"{QUALITY}.problemType"),
    (f"{QUALITY}.groundTruth", "../labels/", f"{QUALITY}.groundTruth"),
    ("endpoints[0].dataCapture.enabled", False, f"{QUALITY}: needs dataCapture.enabled"),
])
def test_bad_quality_spec_exits_2_naming_the_field(tmp_path, capsys, path: str, value: Any, expected: str) -> None:
    import yaml

    data = baseline(SPEC)
    del data["endpoints"][0]["monitoring"]["drift"]  # the example's drift would be named first
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(change(data, path, value)))
    assert main(["validate", str(spec), "--provider", "aws"]) == 2
    assert expected in capsys.readouterr().err


# -- cost: the quality job's instance-hours per run x runs per month --------------------------
def test_the_quality_schedule_is_priced_per_run() -> None:
    stack = parse_stack(baseline(SPEC))
    priced = [c for r in estimate(graph("aws"), stack).resources if "quality" in r.name for c in r.components]
    instance = definition(graph("aws"))["JobResources"]["ClusterConfig"]["InstanceType"]
    assert sorted(c.component.name for c in priced) == [
        f"Monitoring job instance usage ({instance})", "Standard resolution alarm", "Standard resolution alarm"]
    lines = [c for c in priced if c.component.name.startswith("Monitoring job")]
    # One processing instance (drift's size, offered in the region) for at most an hour, once a day.
    assert lines[0].component.monthly_quantity.quantize(Decimal("0.01")) == Decimal("30.42")
    assert lines[0].monthly_cost is not None and lines[0].monthly_cost > 0
