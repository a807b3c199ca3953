"""Bias and explainability monitoring (issue 18 item 2): the spec, every field on AWS and GCP
(Azure's are in tests/azure/test_field_coverage.py), the monitoring role's grants and the cost of
the schedules.

Budget: about ten mocked previews of the lifecycle example (shared with tests/test_batch.py's cache), ~25 s alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from fnmatch import fnmatchcase
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

BIAS = "endpoints[0].monitoring.bias"
EXPLAIN = "endpoints[0].monitoring.explainability"
BUCKET = "s3://churn-prod-artifacts-123456789012"
SCHEDULE = "aws:sagemaker/monitoringSchedule:MonitoringSchedule"


def _one(g: Graph, type_: str, part: str) -> RecordedResource:
    found = [r for r in g.of_type(type_) if part in r.name]
    assert len(found) == 1, [r.name for r in found]
    return found[0]


def definition(g: Graph, kind: str) -> dict[str, Any]:
    """The desired state of the Clarify ``kind`` job definition (a Cloud Control resource)."""
    resource = _one(g, "aws:cloudcontrol/resource:Resource", f"{kind}-job")
    assert resource.inputs["typeName"] == f"AWS::SageMaker::Model{kind.capitalize()}JobDefinition"
    return json.loads(resource.inputs["desiredState"])


def config(g: Graph, kind: str) -> dict[str, Any]:
    """The analysis configuration stored for the ``kind`` job."""
    return json.loads(_one(g, "aws:s3/bucketObjectv2:BucketObjectv2", f"{kind}-config").inputs["content"])


def alarms(g: Graph) -> dict[str, dict[str, Any]]:
    """Bias alarms by metric (from their names)."""
    return {r.inputs["name"].rsplit("-", 1)[1]: r.inputs for r in g.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
            if "-bias-" in r.inputs["name"]}


def changed(kind: str, **fields: Any) -> Graph:
    """The AWS preview with ``monitoring.<kind>`` fields replaced."""
    where = BIAS if kind == "bias" else EXPLAIN
    return graph("aws", **{f"{where}.{k}": v for k, v in fields.items()})


def _schedule(g: Graph, kind: str) -> str:
    return _one(g, SCHEDULE, kind).inputs["monitoringScheduleConfig"]["scheduleConfig"]["scheduleExpression"]


def _baseline(kind: str) -> str:
    return definition(graph("aws"), kind)[f"Model{kind.capitalize()}BaselineConfig"]["ConstraintsResource"]["S3Uri"]


FEATURES = ["age", "tenure_months", "plan", "region", "monthly_spend"]
AWS: dict[str, Callable[[], bool]] = {
    "endpoints[].monitoring.bias.baseline": lambda: _baseline("bias")
    == f"{BUCKET}/monitoring/churn-baseline/bias/analysis.json",
    "endpoints[].monitoring.bias.groundTruth": lambda: definition(graph("aws"), "bias")["ModelBiasJobInput"][
        "GroundTruthS3Input"]["S3Uri"] == f"{BUCKET}/monitoring/churn-labels/",
    "endpoints[].monitoring.bias.label": lambda: config(graph("aws"), "bias")["label"] == "churned",
    "endpoints[].monitoring.bias.positiveLabel": lambda: config(graph("aws"), "bias")["label_values_or_threshold"] == [1]
    and config(changed("bias", positiveLabel="yes"), "bias")["label_values_or_threshold"] == ["yes"],
    # The label is a column too (Clarify's CSV example lists it last in headers).
    "endpoints[].monitoring.bias.features": lambda: config(graph("aws"), "bias")["headers"] == [*FEATURES, "churned"],
    "endpoints[].monitoring.bias.facets[].name": lambda: config(graph("aws"), "bias")["facet"]
    == [{"name_or_index": "age"}, {"name_or_index": "region"}]
    and config(changed("bias", facets=[{"name": "age", "valueOrThreshold": 40}, "region"]), "bias")["facet"]
    == [{"name_or_index": "age", "value_or_threshold": [40.0]}, {"name_or_index": "region"}]
    and kit_settings(lifecycle("aws", **{f"{BIAS}.facets": [{"name": "age", "valueOrThreshold": 40}, "region"]}))[
        "facets"] == [{"name": "age", "value_or_threshold": 40.0}, {"name": "region", "value_or_threshold": None}],
    # Disparate impact alarms below its threshold, a difference above; the metrics asked for are
    # those alarmed (not confirmed: the monitor's parameter page lists no ``methods``, and a bias
    # drift job is documented to compute pre- and post-training metrics).
    "endpoints[].monitoring.bias.thresholds": lambda: {
        m: (a["threshold"], a["comparisonOperator"]) for m, a in alarms(graph("aws")).items()}
    == {"di": (0.8, "LessThanThreshold"), "dppl": (0.1, "GreaterThanThreshold")}
    and config(graph("aws"), "bias")["methods"] == {"post_training_bias": {"methods": ["DI", "DPPL"]}},
    "endpoints[].monitoring.bias.schedule": lambda: _schedule(graph("aws"), "bias") == "cron(0 0 ? * * *)"
    and _schedule(changed("bias", schedule="hourly"), "bias") == "cron(0 * ? * * *)",
    "endpoints[].monitoring.explainability.baseline": lambda: _baseline("explainability")
    == f"{BUCKET}/monitoring/churn-baseline/explainability/analysis.json",
    "endpoints[].monitoring.explainability.label": lambda: config(graph("aws"), "explainability")["predictor"]
    == {"label_headers": ["churned"]},
    "endpoints[].monitoring.explainability.features": lambda: config(graph("aws"), "explainability")["headers"]
    == FEATURES,
    # SageMaker's nDCG limit is fixed at 0.9: another value is a warning, 0.9 none.
    "endpoints[].monitoring.explainability.threshold": lambda: not any(
        w.path.startswith(EXPLAIN) for w in graph("aws").warnings)
    and any(w.path == f"{EXPLAIN}.threshold" and "unsupported" in w.message
            for w in changed("explainability", threshold=0.8).warnings),
    "endpoints[].monitoring.explainability.schedule": lambda: _schedule(graph("aws"), "explainability")
    == "cron(0 0 ? * * *)" and _schedule(changed("explainability", schedule="hourly"), "explainability")
    == "cron(0 * ? * * *)",
}


def kit_settings(g: Graph) -> dict[str, Any]:
    """The kit monitor job's settings (monitor.json) stored for the online endpoint."""
    return json.loads(_one(g, "aws:s3/bucketObjectv2:BucketObjectv2", "churn-online-monitor-config").inputs["content"])


# Fields only the kit's job reads (Clarify joins by its own inferenceId): evidence in its settings.
AWS.update({
    # A numeric facet's threshold: Clarify's value_or_threshold, the kit's too (the name: above).
    "endpoints[].monitoring.bias.facets[].valueOrThreshold": AWS["endpoints[].monitoring.bias.facets[].name"],
    "endpoints[].monitoring.bias.idField": lambda: kit_settings(lifecycle("aws", **{
        "endpoints[0].monitoring.quality.idField": "request_id", f"{BIAS}.idField": "request_id"}))["id_field"]
    == "request_id",
    "endpoints[].monitoring.bias.labelDelayHours": lambda: kit_settings(lifecycle("aws", **{
        "endpoints[0].monitoring.quality.labelDelayHours": 6, f"{BIAS}.labelDelayHours": 6}))["label_delay_hours"] == 6,
})


def _gcp_warns(where: str, field: str) -> bool:
    return any(w.path == where and field in w.message and "unsupported" in w.message for w in graph("gcp").warnings)


GCP: dict[str, Callable[[], bool]] = {
    **{f"endpoints[].monitoring.bias.{field}": (lambda field=field: _gcp_warns(BIAS, field))
       for field in ("baseline", "groundTruth", "label", "positiveLabel", "features", "thresholds", "schedule",
                     "idField", "labelDelayHours")},
    # The facets field is named in the warning (its entries' name and valueOrThreshold with it).
    **{f"endpoints[].monitoring.bias.facets[].{field}": (lambda: _gcp_warns(BIAS, "facets"))
       for field in ("name", "valueOrThreshold")},
    **{f"endpoints[].monitoring.explainability.{field}": (lambda field=field: _gcp_warns(EXPLAIN, field))
       for field in ("baseline", "label", "features", "threshold", "schedule")},
}
EVIDENCE = {"aws": AWS, "gcp": GCP}


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_every_bias_and_explainability_field_has_evidence(cloud: str) -> None:
    fields = {f for f in _field_paths(Stack) if f.startswith(("endpoints[].monitoring.bias",
                                                                "endpoints[].monitoring.explainability"))}
    assert fields == set(EVIDENCE[cloud])


@pytest.mark.parametrize("cloud,path", [(c, p) for c in EVIDENCE for p in sorted(EVIDENCE[c])])
def test_bias_and_explainability_field_reaches(cloud: str, path: str) -> None:
    assert EVIDENCE[cloud][path](), path


@pytest.mark.parametrize("kind", ["bias", "explainability"])
def test_the_clarify_jobs_are_private_encrypted_and_scheduled(kind: str) -> None:
    g = graph("aws")
    state = definition(g, kind)
    prefix = f"Model{kind.capitalize()}"
    assert state["NetworkConfig"]["VpcConfig"]["Subnets"]
    key = state[f"{prefix}JobOutputConfig"]["KmsKeyId"]
    assert key.startswith("arn:aws:kms:") and state["JobResources"]["ClusterConfig"]["VolumeKmsKeyId"] == key
    # Explainability invokes the endpoint for SHAP values: only that job may reach the network.
    assert state["NetworkConfig"]["EnableNetworkIsolation"] is (kind == "bias")
    assert state[f"{prefix}JobInput"]["EndpointInput"]["EndpointName"] == "churn-prod-churn-online"
    assert state[f"{prefix}AppSpecification"]["ImageUri"].endswith("/sagemaker-clarify-processing:1.0")
    stored = _one(g, "aws:s3/bucketObjectv2:BucketObjectv2", f"{kind}-config").inputs
    assert state[f"{prefix}AppSpecification"]["ConfigUri"] == f"{BUCKET}/{stored['key']}"
    assert stored["kmsKeyId"] == key and stored["serverSideEncryption"] == "aws:kms"
    schedule = _one(g, SCHEDULE, kind).inputs["monitoringScheduleConfig"]
    assert (schedule["monitoringJobDefinitionName"], schedule["monitoringType"]) == (state["JobDefinitionName"], prefix)


def test_bias_alarms_query_the_documented_namespace_and_notify() -> None:
    g = graph("aws")
    topic = _one(g, "aws:sns/topic:Topic", "churn-online").inputs["name"]
    schedule = _one(g, SCHEDULE, "bias").inputs["name"]
    assert definition(g, "bias")["JobDefinitionName"].startswith(f"{schedule}-")
    for metric, alarm in alarms(g).items():
        (query,) = alarm["metricQueries"]
        assert f'bias_metric_{metric.upper()}) FROM "aws/sagemaker/Endpoints/bias-metrics"' in query["expression"]
        assert f"MonitoringSchedule = '{schedule}'" in query["expression"]
        assert alarm["alarmActions"][0].endswith(f":{topic}")
    assert not any("explainability" in r.name for r in g.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"))


def test_the_monitoring_role_reads_the_clarify_folders_and_invokes_only_the_explained_endpoint() -> None:
    role = _one(graph("aws"), "aws:iam/role:Role", "monitoring").inputs
    statements = json.loads(role["inlinePolicies"][0]["policy"])["Statement"]
    (reads,) = [s["Resource"] for s in statements if s["Action"] == ["s3:GetObject"]]
    for folder in ("monitoring/churn-baseline/bias/", "monitoring/churn-baseline/explainability/",
                   "monitoring/churn-online/bias-config/", "monitoring/churn-online/explainability-config/"):
        assert any(r.endswith(f"/{folder}*") for r in reads), folder
    (invoke,) = [s["Resource"] for s in statements if s["Action"] == ["sagemaker:InvokeEndpoint"]]
    assert invoke == ["arn:aws:sagemaker:eu-west-1:123456789012:endpoint/churn-prod-churn-online"]
    data = baseline(SPEC)
    del data["endpoints"][0]["monitoring"]["explainability"]
    from mlopskit.engine import preview

    bare = _one(preview(parse_stack(data), "aws"), "aws:iam/role:Role", "monitoring").inputs
    assert "sagemaker:InvokeEndpoint" not in bare["inlinePolicies"][0]["policy"]


def _may_put(statements: list[dict[str, Any]], uri: str) -> bool:
    """IAM's verdict on ``s3:PutObject`` of the object ``uri`` (s3://...): an Allow matches and no Deny does."""
    arn = "arn:aws:s3:::" + uri.removeprefix("s3://")
    matches = lambda effect: any(  # noqa: E731
        s["Effect"] == effect and "s3:PutObject" in s["Action"]
        and any(fnmatchcase(arn, r) for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]))
        for s in statements)
    return matches("Allow") and not matches("Deny")


@pytest.mark.parametrize("drift", [False, True])
def test_the_monitoring_role_writes_the_job_outputs_and_not_its_configs_baselines_or_labels(drift: bool) -> None:
    # With drift, the data-quality job writes the endpoint's whole folder: baselines moved inside
    # it must still be read-only, as must the Clarify configurations stored there. (Labels may
    # not be inside it at all: a ground-truth folder is never a kit folder, tests/test_store_layout.py.)
    labels = "monitoring/churn-labels/"
    baselines = "monitoring/churn-online/baseline/" if drift else "monitoring/churn-baseline/"
    changes = {f"{EXPLAIN}.baseline": f"{baselines}explainability/", f"{BIAS}.baseline": f"{baselines}bias/",
               f"{BIAS}.groundTruth": labels, "endpoints[0].monitoring.quality.groundTruth": labels}
    changes["endpoints[0].monitoring.drift"] = {"schedule": "daily"} if drift else None  # the example has drift
    g = graph("aws", **changes)
    statements = json.loads(_one(g, "aws:iam/role:Role", "monitoring").inputs["inlinePolicies"][0]["policy"])["Statement"]
    outputs = [definition(g, kind)[f"Model{kind.capitalize()}JobOutputConfig"]["MonitoringOutputs"][0]["S3Output"]["S3Uri"]
               for kind in ("bias", "explainability")]
    quality = _one(g, "aws:cloudcontrol/resource:Resource", "quality-job").inputs["desiredState"]
    outputs.append(json.loads(quality)["ModelQualityJobOutputConfig"]["MonitoringOutputs"][0]["S3Output"]["S3Uri"])
    drift_jobs = g.of_type("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition")
    assert len(drift_jobs) == drift
    outputs += [job.inputs["dataQualityJobOutputConfig"]["monitoringOutputs"]["s3Output"]["s3Uri"] for job in drift_jobs]
    for output in outputs:
        assert _may_put(statements, f"{output}2026/11/30/00/constraint_violations.json"), output
    for kind in ("bias", "explainability"):
        stored = _one(g, "aws:s3/bucketObjectv2:BucketObjectv2", f"{kind}-config").inputs["key"]
        assert stored.startswith("monitoring/churn-online/")
        assert not _may_put(statements, f"{BUCKET}/{stored}"), stored
        assert not _may_put(statements, f"{BUCKET}/{baselines}{kind}/analysis.json"), kind
    assert not _may_put(statements, f"{BUCKET}/{labels}2026/11/30/00/labels.jsonl")
    assert not _may_put(statements, f"{BUCKET}/data-capture/churn-online/capture.jsonl")


def test_azure_warns_that_it_has_no_bias_signal() -> None:
    messages = [w.message for w in graph("azure").warnings if w.path == BIAS]
    assert len(messages) == 1 and "unsupported" in messages[0]


# -- the spec -------------------------------------------------------------------------------
@pytest.mark.parametrize("path,value,expected", [
    (f"{BIAS}.facets", ["gender"], f"{BIAS}.facets: gender is not one of features"),
    (f"{BIAS}.facets", ["age", "age"], f"{BIAS}.facets: lists a feature twice"),
    (f"{BIAS}.label", "age", f"{BIAS}.label: is the outcome, not a request feature"),
    (f"{BIAS}.thresholds", {"DI": 1.5}, f"{BIAS}.thresholds.DI: must be within (0, 1]"),
    (f"{BIAS}.thresholds", {"CI": 0.1}, f"{BIAS}.thresholds.CI"),
    (f"{BIAS}.thresholds", {}, f"{BIAS}.thresholds"),
    (f"{BIAS}.baseline", "../bias/", f"{BIAS}.baseline"),
    (f"{EXPLAIN}.threshold", 0, f"{EXPLAIN}.threshold"),
    (f"{EXPLAIN}.features", [], f"{EXPLAIN}.features"),
    (f"{EXPLAIN}.features", ["1st"], f"{EXPLAIN}.features[0]"),
])
def test_bad_bias_or_explainability_spec_exits_2_naming_the_field(tmp_path, capsys, path: str, value: Any,
                                                                  expected: str) -> None:
    import yaml

    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(change(baseline(SPEC), path, value)))
    assert main(["validate", str(spec), "--provider", "aws"]) == 2
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["bias", "explainability"])
def test_clarify_needs_captured_data(tmp_path, capsys, kind: str) -> None:
    import yaml

    data = change(baseline(SPEC), "endpoints[0].dataCapture.enabled", False)
    monitoring = data["endpoints"][0]["monitoring"]
    for other in {"drift", "quality", "bias", "explainability"} - {kind}:
        del monitoring[other]
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data))
    assert main(["validate", str(spec), "--provider", "aws"]) == 2
    assert f"endpoints[0].monitoring.{kind}: needs dataCapture.enabled" in capsys.readouterr().err


# -- cost: each Clarify job's instance-hours per run x runs per month -------------------------
@pytest.mark.parametrize("kind,alarmed", [("bias", 2), ("explainability", 0)])
def test_the_clarify_schedules_are_priced_per_run(kind: str, alarmed: int) -> None:
    stack = parse_stack(baseline(SPEC))
    priced = [c for r in estimate(graph("aws"), stack).resources if f"-{kind}" in r.name for c in r.components]
    instance = definition(graph("aws"), kind)["JobResources"]["ClusterConfig"]["InstanceType"]
    assert sorted(c.component.name for c in priced) == [
        f"Monitoring job instance usage ({instance})", *["Standard resolution alarm"] * alarmed]
    (line,) = [c for c in priced if c.component.name.startswith("Monitoring job")]
    # One processing instance for at most an hour, once a day.
    assert line.component.monthly_quantity.quantize(Decimal("0.01")) == Decimal("30.42")
    assert line.monthly_cost is not None and line.monthly_cost > 0


# -- facts: what each cloud built, read back from the recorded resources ----------------------
@pytest.mark.parametrize("cloud,bias,explainability", [("aws", True, True), ("gcp", False, False),
                                                       ("azure", False, True)])
def test_endpoint_facts_say_what_is_monitored(cloud: str, bias: bool, explainability: bool) -> None:
    from mlopskit.policies.runner import provider_facts

    stack = parse_stack(baseline(SPEC))
    endpoints = [f for f in provider_facts(graph(cloud), stack) if f.kind == "endpoint"]
    (endpoint,) = [f for f in endpoints if "churn-online" in f.name]
    assert (endpoint.get("bias_monitored"), endpoint.get("explainability_monitored")) == (bias, explainability)
    # The example's LLM endpoint declares neither: no cloud says it is monitored.
    assert [(f.get("bias_monitored"), f.get("explainability_monitored")) for f in endpoints if f is not endpoint] == [
        (False, False)]
    if cloud == "aws":  # the drift and Clarify jobs' outputs and volumes are under the stack key
        monitors = [f for f in provider_facts(graph(cloud), stack) if f.kind == "monitor"]
        assert len(monitors) == 4 and all(f.get("cmk") for f in monitors)


def test_a_changed_definition_gets_a_new_name_and_the_schedule_follows() -> None:
    """CloudFormation replaces a monitoring job definition on any change and Pulumi creates the
    replacement first: the definition's name follows its content, the schedule's stays."""
    before, after = graph("aws"), changed("bias", groundTruth="monitoring/other-labels/")
    old, new = definition(before, "bias")["JobDefinitionName"], definition(after, "bias")["JobDefinitionName"]
    assert old != new and old.rsplit("-", 1)[0] == new.rsplit("-", 1)[0]
    assert definition(graph("aws"), "bias")["JobDefinitionName"] == old  # the same spec, the same name
    for g, name in ((before, old), (after, new)):
        schedule = _one(g, SCHEDULE, "bias").inputs
        assert schedule["monitoringScheduleConfig"]["monitoringJobDefinitionName"] == name
        assert schedule["name"] == _one(before, SCHEDULE, "bias").inputs["name"]
    assert definition(after, "explainability")["JobDefinitionName"] == definition(before, "explainability")[
        "JobDefinitionName"]


def test_the_bias_job_reads_the_response_as_a_probability() -> None:
    """Clarify: with ``InferenceAttribute`` the score would be read as the predicted label."""
    read = definition(graph("aws"), "bias")["ModelBiasJobInput"]["EndpointInput"]
    assert "InferenceAttribute" not in read
    assert (read["ProbabilityAttribute"], read["ProbabilityThresholdAttribute"]) == ("0", 0.5)
