"""The kit's monitor job scheduled on AWS (issue 25 items 2-4): what the preview records, its
identity, the spec fields it reads, the alarms against the publisher, and the job run end to end
offline from the recorded pipeline step (moto S3 and CloudWatch).

Budget: five mocked AWS previews of credit-risk.yaml (cached by tests.aws.helpers), one of the
lifecycle example on Azure, ~25 s alone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from mlopskit.cli import main as cli
from mlopskit.modules import monitor_job, parse_stack
from mlopskit.modules.errors import SpecError
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.monitor import contract
from mlopskit.monitor.entry import main as entry
from mlopskit.monitor.publishers import CloudWatchPublisher
from mlopskit.monitor.settings import Settings
from tests.aws.helpers import build
from tests.conftest import STACKS
from tests.monitor.builders import FEATURES, baseline_csv, capture_jsonl
from tests.specs import baseline, change

DRIFT = ("endpoints[0].monitoring.drift", {"schedule": "daily", "features": list(FEATURES), "categorical": ["region"]})
PIPELINE = "aws:sagemaker/pipeline:Pipeline"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
END = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _named(g: Graph, type_: str, part: str) -> list[RecordedResource]:
    return [r for r in g.of_type(type_) if part in r.name]


def step(g: Graph) -> dict[str, Any]:
    """The Processing step of the scoring endpoint's monitor pipeline."""
    (pipeline,) = _named(g, PIPELINE, "scoring-monitor")
    (found,) = json.loads(pipeline.inputs["pipelineDefinition"])["Steps"]
    assert found["Type"] == "Processing"
    return found["Arguments"]


def kit_alarms(g: Graph) -> list[dict[str, Any]]:
    return [r.inputs for r in _named(g, ALARM, "-monitor-")]


# -- item 3: no managed service by default ---------------------------------------------------------
def test_credit_risk_records_the_kit_job_and_no_managed_monitoring() -> None:
    g = build()
    types = {r.type for r in g.resources}
    assert "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition" not in types
    assert "aws:sagemaker/monitoringSchedule:MonitoringSchedule" not in types
    assert not [r for r in g.of_type("aws:cloudcontrol/resource:Resource")
                if str(r.inputs.get("typeName", "")).startswith("AWS::SageMaker::Model")]
    request = step(g)
    assert request["AppSpecification"]["ImageUri"].endswith("/sagemaker-scikit-learn:1.2-1-cpu-py3")
    (schedule,) = _named(g, "aws:scheduler/schedule:Schedule", "scoring-monitor")
    (pipeline,) = _named(g, PIPELINE, "scoring-monitor")
    assert schedule.inputs["target"]["arn"] == pipeline.outputs["arn"]
    assert schedule.inputs["scheduleExpression"] == "cron(5 0 * * ? *)"  # daily at 00:05 UTC
    assert schedule.inputs["kmsKeyArn"].startswith("arn:aws:kms:")
    assert not any(w.path.endswith("monitoring.engine") for w in g.warnings)


def test_engine_managed_builds_model_monitor_with_a_warning_at_the_field() -> None:
    g = build("credit-risk.yaml", ("endpoints[0].monitoring.engine", "managed"))
    assert g.of_type("aws:sagemaker/monitoringSchedule:MonitoringSchedule")
    assert not g.of_type(PIPELINE) or not _named(g, PIPELINE, "scoring-monitor")
    (warning,) = [w for w in g.warnings if w.path == "endpoints[0].monitoring.engine"]
    assert "closed to new customers" in warning.message


def test_a_private_azure_workspace_refuses_the_managed_engine(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = baseline("credit-risk.yaml")
    change(data, "training", [])  # its code folder is relative to stacks/
    change(data, "endpoints[0].monitoring.engine", "managed")
    spec = tmp_path / "managed.yaml"
    spec.write_text(json.dumps(data))
    code = cli(["validate", str(spec), "--provider", "azure"])
    err = capsys.readouterr().err
    assert code == 2 and "endpoints[0].monitoring.engine" in err and "AllowOnlyApprovedOutbound" in err
    change(data, "endpoints[0].monitoring.engine", "kit")  # the default: valid
    spec.write_text(json.dumps(data))
    assert cli(["validate", str(spec), "--provider", "azure"]) == 0


# -- item 2: the job, in the stack's network, under its key, least privilege ------------------------
def test_the_job_runs_in_the_stack_network_under_its_key() -> None:
    request = step(build())
    key = request["ProcessingOutputConfig"]["KmsKeyId"]
    assert key.startswith("arn:aws:kms:") and request["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] == key
    assert request["NetworkConfig"]["VpcConfig"]["Subnets"]
    assert request["RoleArn"].endswith(":role/credit-risk-prod-monitoring")
    local = {i["InputName"]: i["S3Input"]["LocalPath"] for i in request["ProcessingInputs"]}
    root = contract.PROCESSING_ROOT
    assert local["captures"] == f"{root}/{contract.INPUT_CAPTURES}"
    assert local["baseline"] == f"{root}/{contract.INPUT_BASELINE}"
    assert f"{local['config']}/monitor.json" == f"{root}/{contract.INPUT_CONFIG}"
    (output,) = request["ProcessingOutputConfig"]["Outputs"]
    assert output["S3Output"]["LocalPath"] == f"{root}/{contract.OUTPUT_REPORT}"
    assert output["S3Output"]["S3Uri"].endswith("/monitoring/scoring/report/")
    assert set(request["Environment"]) <= set(contract.ENV) | {"OMP_NUM_THREADS"}


def _statements(g: Graph, role: str) -> list[dict[str, Any]]:
    (found,) = [r for r in g.of_type("aws:iam/role:Role") if r.name.endswith(f"-{role}")]
    return json.loads(found.inputs["inlinePolicies"][0]["policy"])["Statement"]


def test_the_identity_reads_its_inputs_writes_its_report_and_publishes_only_its_namespace() -> None:
    g = build()
    statements = _statements(g, "monitoring")
    publish = [s for s in statements if s["Action"] == "cloudwatch:PutMetricData"]
    assert {"StringEquals": {"cloudwatch:namespace": "MLOpsKit/Monitor"}} in [s["Condition"] for s in publish]
    (writes,) = [s["Resource"] for s in statements if s["Action"] == ["s3:PutObject"] and s["Effect"] == "Allow"]
    assert [w.rsplit("/", 3)[-3:] for w in writes] == [["scoring", "report", "*"]]
    (reads,) = [s["Resource"] for s in statements if s["Action"] == ["s3:GetObject"]]
    for folder in ("data-capture/", "monitoring/scoring/baseline/", "monitoring/scoring/config/", "code/mlopskit-monitor/"):
        assert any(r.endswith(f"/{folder}*") for r in reads), folder
    pipeline = _statements(g, "pipeline")
    assert any("sagemaker:CreateProcessingJob" in s["Action"] for s in pipeline)
    (pass_role,) = [s for s in pipeline if s["Action"] == "iam:PassRole" and s["Resource"].endswith("-monitoring")]
    starts = [s for s in _statements(g, "scheduler") if s["Action"] == "sagemaker:StartPipelineExecution"]
    assert any(r.endswith("pipeline/credit-risk-prod-scoring-monitor") for s in starts for r in s["Resource"])
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}


# -- the cross-test: each alarm watches what the publisher writes -----------------------------------
@pytest.mark.parametrize("spec,changes", [
    ("credit-risk.yaml", ()),
    ("lifecycle.yaml", ()),
    ("credit-risk.yaml", (("endpoints[0].monitoring.drift.thresholds", {"nullRate": 0.05, "outOfRangeRate": 0.1}),)),
])
def test_every_kit_alarm_watches_exactly_what_the_publisher_writes(spec: str, changes: tuple) -> None:
    g = build(spec, *changes)
    alarms = kit_alarms(g)
    assert alarms
    stack = parse_stack(baseline(spec), base_dir=STACKS).name
    for alarm in alarms:
        endpoint = next(e.name for e in parse_stack(baseline(spec), base_dir=STACKS).endpoints if f"-{e.name}-monitor-" in alarm["name"])
        slug = alarm["name"].rsplit("-monitor-", 1)[1]
        metric = next(m for m in contract.METRICS if m.lower().replace("_", "-") == slug)
        dims = {d: f"v{i}" for i, d in enumerate(contract.METRICS[metric].dimensions)}
        (request,) = CloudWatchPublisher(stack, endpoint, END).requests([{"name": metric, "value": 1.0, "dimensions": dims}])
        (datum,) = request["MetricData"]
        if "metricQueries" in alarm:  # a facet's series: the worst of every series of the namespace
            (query,) = alarm["metricQueries"]
            assert query["expression"].startswith(f"SELECT {'MIN' if contract.METRICS[metric].alarm_below else 'MAX'}"
                                                  f"({datum['MetricName']}) FROM \"{request['Namespace']}\"")
            assert f"Stack = '{stack}' AND Endpoint = '{endpoint}'" in query["expression"]
            continue
        assert (alarm["namespace"], alarm["metricName"]) == (request["Namespace"], datum["MetricName"])
        assert alarm["dimensions"] == {d["Name"]: d["Value"] for d in datum["Dimensions"]}
        below = contract.METRICS[metric].alarm_below
        assert alarm["comparisonOperator"] == ("LessThanThreshold" if below else "GreaterThanThreshold")


def test_the_cross_test_sees_a_wrong_metric_name() -> None:
    """Planted: an alarm on a metric the publisher never writes does not match its request."""
    (request,) = CloudWatchPublisher("s", "e", END).requests([{"name": "drift_share", "value": 1.0, "dimensions": {}}])
    assert request["MetricData"][0]["MetricName"] != "Driftshare"


# -- item 4: the spec fields ----------------------------------------------------------------------
def _invalid(path: str, value: Any, spec: str = "lifecycle.yaml") -> str:
    data = baseline(spec)
    change(data, path, value)
    with pytest.raises(SpecError) as error:
        parse_stack(data, base_dir=STACKS)
    return str(error.value)


def test_spec_fields_reach_the_job_settings() -> None:
    data = baseline("credit-risk.yaml")
    change(data, "endpoints[0].monitoring.drift", {"features": ["a", "b"], "categorical": ["b"],
                                                   "baseline": "monitoring/ref/", "thresholds": {"psi": 0.25, "driftShare": 0.3}})
    endpoint = parse_stack(data, base_dir=STACKS).endpoints[0]
    settings = monitor_job.settings("credit-risk", endpoint)
    assert Settings.from_dict(settings).features == ("a", "b")  # the job accepts every key
    assert (settings["categorical"], settings["psi_threshold"], settings["drift_share_threshold"]) == (["b"], 0.25, 0.3)
    assert monitor_job.baseline_prefix(endpoint) == "monitoring/ref/"
    assert [(a.metric, a.threshold) for a in monitor_job.alarms(endpoint)] == [("drift_share", 0.3)]


def test_bad_monitoring_fields_are_one_line_naming_the_field() -> None:
    assert "categorical" in _invalid("endpoints[0].monitoring.drift", {"features": ["a"], "categorical": ["b"]}, "credit-risk.yaml")
    assert "thresholds.driftShare" in _invalid("endpoints[0].monitoring.drift", {"thresholds": {"driftShare": 2}}, "credit-risk.yaml")
    assert "bias.idField" in _invalid("endpoints[0].monitoring.bias.idField", "other_id")
    assert "quality.label" in _invalid("endpoints[0].monitoring.quality.label", "other")
    assert "facets" in _invalid("endpoints[0].monitoring.bias.facets", [{"name": "zip", "valueOrThreshold": 3}])


# -- end to end: the recorded step run as SageMaker Processing would run it ------------------------
def _run_recorded_step(tmp_path: Path, shifted: bool) -> tuple[float, float]:
    g = build("credit-risk.yaml", DRIFT)
    request = step(g)
    (config,) = [r for r in g.of_type("aws:s3/bucketObjectv2:BucketObjectv2") if r.name.endswith("scoring-monitor-config")]
    (alarm,) = [a for a in kit_alarms(g) if a["metricName"] == "DriftShare"]
    bucket = request["ProcessingInputs"][0]["S3Input"]["S3Uri"].split("/")[2]
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.upload_file(str(capture_jsonl(tmp_path / "c.jsonl", 300, 2, shifted)), bucket,
                   "data-capture/scoring/AllTraffic/2026/12/01/09/capture-0.jsonl")
    s3.upload_file(str(baseline_csv(tmp_path / "b.csv")), bucket, "monitoring/scoring/baseline/baseline.csv")
    s3.put_object(Bucket=bucket, Key=config.inputs["key"], Body=config.inputs["content"].encode())
    root = tmp_path / "processing"
    for item in request["ProcessingInputs"]:  # what SageMaker does with each S3 input (File mode)
        prefix = item["S3Input"]["S3Uri"].split("/", 3)[3]
        local = root / item["S3Input"]["LocalPath"].removeprefix(contract.PROCESSING_ROOT + "/")
        for obj in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []):
            target = local / obj["Key"][len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, obj["Key"], str(target))
    env = {**request["Environment"], "MONITOR_ROOT": str(root), "MONITOR_WINDOW_END": END.isoformat(),
           "AWS_REGION": "eu-west-1"}
    assert entry(env) == 0
    stats = boto3.client("cloudwatch", region_name="eu-west-1").get_metric_statistics(
        Namespace=alarm["namespace"], MetricName=alarm["metricName"],
        Dimensions=[{"Name": k, "Value": v} for k, v in alarm["dimensions"].items()],
        StartTime=END - timedelta(minutes=5), EndTime=END + timedelta(minutes=5), Period=60, Statistics=["Maximum"])
    (point,) = stats["Datapoints"]
    return float(point["Maximum"]), float(alarm["threshold"])


@pytest.mark.parametrize(("shifted", "expected"), [(True, 2 / 6), (False, 0.0)])
def test_the_recorded_job_publishes_what_its_alarm_watches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           shifted: bool, expected: float) -> None:
    """Two of the six features shifted: DriftShare 2/6 = 0.333 > the alarm's 0.2; unshifted: 0."""
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    with mock_aws():
        value, threshold = _run_recorded_step(tmp_path, shifted)
    assert value == pytest.approx(expected)
    assert threshold == 0.2 and (value > threshold) is shifted


# -- item 6: cost and rules -------------------------------------------------------------------------
def _monitor_lines(spec: str, *changes: tuple[str, Any]) -> dict[str, Any]:
    from mlopskit.providers.costing import estimate

    g = build(spec, *changes)
    data = baseline(spec)
    for path, value in changes:
        change(data, path, value)
    priced = estimate(g, parse_stack(data, base_dir=STACKS))
    return {c.component.name: c for r in priced.resources if r.name.endswith("-monitor-pipeline") for c in r.components}


def test_the_monitor_job_is_priced_per_run_with_its_custom_metrics_worked_by_hand() -> None:
    """credit-risk's scoring endpoint: drift daily, no features named. Instance: 730 / 24 runs x
    3,600 s = 30.4167 h of ml.m5.xlarge's size; custom metrics: captured_rows + drift_share + three
    data-quality rates (5) + one feature_psi per feature (usage default 20) = 25. Six features
    named: 5 + 6 = 11. Lifecycle's churn-online (drift over 5 named features, quality binary, bias
    2 metrics x 2 facets, explainability): captured_rows + labelled_rows + 5 quality metrics +
    attribution_ndcg = 8, plus 4 series per facet value x 5 values (usage default) = 28, plus
    drift_share + three data-quality rates + one feature_psi per named feature (5) = 9: 37
    (captured_rows is counted once)."""
    lines = _monitor_lines("credit-risk.yaml")
    (instance,) = [c for name, c in lines.items() if name.startswith("Monitor job instance usage")]
    assert instance.component.monthly_quantity == Decimal(730) / Decimal(24)
    metrics = lines["Custom metrics (kit monitor job)"]
    assert metrics.component.monthly_quantity == 25
    assert metrics.row is not None and metrics.monthly_cost == 25 * metrics.row.usd
    assert instance.monthly_cost == instance.component.monthly_quantity * instance.row.usd
    assert _monitor_lines("credit-risk.yaml", DRIFT)["Custom metrics (kit monitor job)"].component.monthly_quantity == 11
    hourly = _monitor_lines("credit-risk.yaml", ("endpoints[0].monitoring.drift.schedule", "hourly"))
    (instance,) = [c for name, c in hourly.items() if name.startswith("Monitor job instance usage")]
    assert instance.component.monthly_quantity == 730 * Decimal(1800) / 3600  # hourly runs stop at 1,800 s
    assert _monitor_lines("lifecycle.yaml")["Custom metrics (kit monitor job)"].component.monthly_quantity == 37


def test_the_monitoring_rules_pass_with_the_kit_job_and_fail_without_it() -> None:
    from mlopskit.policies.runner import evaluate

    def outcomes(*changes: tuple[str, Any]) -> dict[str, str]:
        data = baseline("lifecycle.yaml")
        for path, value in changes:
            change(data, path, value)
        stack = parse_stack(data, base_dir=STACKS)
        report = evaluate(stack, build("lifecycle.yaml", *changes))
        return {c.policy: c.status for c in report.checked if c.name.endswith("churn-online-endpoint")
                and c.policy in ("endpoint-quality-monitoring", "endpoint-bias-monitoring")}

    assert outcomes() == {"endpoint-quality-monitoring": "pass", "endpoint-bias-monitoring": "pass"}
    assert outcomes(("endpoints[0].monitoring.bias", ...))["endpoint-bias-monitoring"] == "fail"
