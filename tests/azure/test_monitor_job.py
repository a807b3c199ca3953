"""The kit's monitor job scheduled on Azure ML (issue 25 item 2): what the preview records (the
schedule's command, environment and inputs), its identity's grants, the alerts against what the
publisher writes, and its cost worked out by hand.

Budget: the cached Azure previews of credit-risk.yaml and lifecycle.yaml (tests.azure.helpers), ~10 s.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from mlopskit.cost import estimate
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.monitor import contract
from mlopskit.monitor.entry import execute
from mlopskit.monitor.publishers import AzureMonitorPublisher
from mlopskit.providers.azure.roles import ROLES
from mlopskit.providers.catalog.resolver import catalog
from tests.azure.helpers import PROD, all_of, graph_of, graph_with, one
from tests.conftest import STACKS
from tests.monitor.builders import FEATURES, baseline_csv
from tests.specs import baseline

LIFECYCLE = "lifecycle.yaml"
END = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def schedule(g: Graph) -> RecordedResource:
    return one(g, ":machinelearningservices:Schedule", "-monitor-")


def definition(g: Graph) -> dict[str, Any]:
    return schedule(g).inputs["properties"]["action"]["jobDefinition"]


def kit_alerts(g: Graph) -> list[RecordedResource]:
    return [r for r in all_of(g, ":monitor:MetricAlert") if "-monitor-" in r.name]


def assignment(g: Graph, key: str) -> dict[str, Any]:
    return one(g, ":authorization:RoleAssignment", f"-access-{key}").inputs


# -- the schedule: command, environment, inputs, cluster ------------------------------------------
def test_credit_risk_records_the_kit_job_schedule() -> None:
    g = graph_of(PROD)
    props = schedule(g).inputs["properties"]
    assert props["trigger"] == {"triggerType": "Cron", "expression": "5 0 * * *", "timeZone": "UTC"}  # daily, 00:05
    job = definition(g)
    assert job["jobType"] == "Command"
    assert job["command"].endswith("python -m mlopskit.monitor")
    for variable, folder in (("MONITOR_CAPTURES", "${{inputs.captures}}"), ("MONITOR_BASELINE", "${{inputs.baseline}}"),
                             ("MONITOR_CONFIG", "${{inputs.config}}/monitor.json"), ("MONITOR_REPORT", "${{outputs.report}}")):
        assert f"{variable}={folder}" in job["command"]
    assert "MONITOR_LABELS" not in job["command"]  # drift only: no ground truth
    env = job["environmentVariables"]
    workspace = one(g, ":machinelearningservices:Workspace")
    assert env["MONITOR_TARGET"] == "azure" and env["MONITOR_CAPTURE_FORMAT"] == "azure"
    assert env["MONITOR_AZURE_RESOURCE_ID"] == workspace.outputs["id"]
    assert env["MONITOR_AZURE_REGION"] == "westeurope"
    assert (env["MONITOR_STACK"], env["MONITOR_ENDPOINT"]) == ("credit-risk-prod", "scoring")
    assert env["AZURE_CLIENT_ID"] == one(g, ":managedidentity:UserAssignedIdentity", "identity-monitoring").outputs["clientId"]
    assert set(env) <= set(contract.ENV) | {"OMP_NUM_THREADS", "AZURE_CLIENT_ID"}
    endpoint = one(g, ":machinelearningservices:OnlineEndpoint", "scoring").inputs["endpointName"]
    inputs = job["inputs"]
    assert inputs["captures"]["uri"] == f"azureml://datastores/workspaceblobstore/paths/modelDataCollector/{endpoint}/blue/"
    assert inputs["baseline"]["uri"] == "azureml://datastores/artifacts/paths/monitoring/scoring/baseline/"
    assert inputs["config"]["uri"] == "azureml://datastores/artifacts/paths/monitoring/scoring/config/"
    assert {i["mode"] for i in inputs.values()} == {"ReadOnlyMount"}
    assert job["outputs"]["report"]["uri"] == "azureml://datastores/artifacts/paths/monitoring/scoring/report/"
    assert job["limits"]["timeout"] == "PT60M"
    assert job["identity"]["resourceId"].endswith("/userAssignedIdentities/id-credit-risk-prod-monitoring")


def test_the_job_runs_the_kit_image_on_its_private_scale_to_zero_cluster() -> None:
    g = graph_of(PROD)
    job = definition(g)
    cluster = one(g, ":machinelearningservices:Compute", "monitor-scoring")
    assert job["computeId"].endswith(f"/computes/{cluster.inputs['computeName']}")
    props = cluster.inputs["properties"]["properties"]
    assert props["scaleSettings"]["minNodeCount"] == 0 and props["scaleSettings"]["maxNodeCount"] == 1
    assert props["enableNodePublicIp"] is False  # network.private
    assert cluster.inputs["identity"]["userAssignedIdentities"] == [job["identity"]["resourceId"]]
    env = one(g, ":machinelearningservices:EnvironmentVersion", "monitor-scoring")
    registry = one(g, ":containerregistry:Registry")
    assert env.inputs["properties"]["image"] == f"{registry.outputs['loginServer']}/mlopskit-monitor:0.1.0"
    assert "condaFile" not in env.inputs["properties"]  # nothing installed from a package index
    # The approved-outbound managed network lets the job publish its custom metrics.
    rules = one(g, ":machinelearningservices:Workspace").inputs["managedNetwork"]["outboundRules"]
    assert rules["azure-monitor"]["destination"]["serviceTag"] == "AzureMonitor"
    code = one(g, ":machinelearningservices:CodeVersion", "monitor-scoring")
    assert job["codeId"] == code.outputs["id"]
    assert "/code/mlopskit-monitor/scoring/" in code.inputs["properties"]["codeUri"]


def test_the_settings_upload_holds_the_endpoint_monitor_json() -> None:
    g = graph_of(LIFECYCLE)
    upload = one(g, "dynamic:Resource", "-config-code-upload")
    assert upload.inputs["prefix"] == "monitoring/churn-online/config/" and upload.inputs["container"] == "artifacts"
    settings = json.loads(upload.inputs["files"]["monitor.json"])
    assert (settings["stack"], settings["endpoint"], settings["problem_type"]) == ("churn-prod", "churn-online",
                                                                                 "binary-classification")
    assert "${{inputs.labels}}" in definition(g)["command"]  # quality and bias read the labels
    assert definition(g)["inputs"]["labels"]["uri"].endswith("/paths/monitoring/churn-labels/")


def test_the_recorded_job_runs_as_azure_ml_would_run_it(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's variables and the schedule's environment, with each input mounted as a local
    folder, run the entry point to a report (publishing checked apart: no network in tests)."""
    g = graph_of(PROD)
    job = definition(g)
    mounts = {"captures": tmp_path / "captures", "baseline": tmp_path / "baseline", "config": tmp_path / "config"}
    for folder in mounts.values():
        folder.mkdir()
    rows = [{"id": f"r{i}", "time": "2026-12-01T09:00:00Z", **{f: float(i % 7) for f in FEATURES if f != "region"},
             "region": "north"} for i in range(60)]
    lines = []
    for row in rows:
        features = {k: v for k, v in row.items() if k in FEATURES}
        lines.append(json.dumps({"specversion": "1.0", "id": row["id"], "type": "azureml.inference.model_inputs",
                                 "correlationid": row["id"], "time": row["time"], "data": [features]}))
        lines.append(json.dumps({"specversion": "1.0", "id": row["id"] + "o", "type": "azureml.inference.model_outputs",
                                 "correlationid": row["id"], "time": row["time"], "data": [0.5]}))
    (mounts["captures"] / "00.jsonl").write_text("\n".join(lines) + "\n")
    baseline_csv(mounts["baseline"] / "baseline.csv", 60)
    upload = one(graph_of(PROD), "dynamic:Resource", "-config-code-upload")
    (mounts["config"] / "monitor.json").write_text(upload.inputs["files"]["monitor.json"])
    command = job["command"].removeprefix("env ").removesuffix(" python -m mlopskit.monitor")
    env = {k: v for k, v in job["environmentVariables"].items()}
    for pair in command.split():
        name, value = pair.split("=", 1)
        for key, folder in mounts.items():
            value = value.replace(f"${{{{inputs.{key}}}}}", str(folder))
        env[name] = value.replace("${{outputs.report}}", str(tmp_path / "report"))
    env["MONITOR_TARGET"] = "none"  # the Azure publisher is checked against the alerts below
    env["MONITOR_WINDOW_END"] = END.isoformat()
    (tmp_path / "report").mkdir()
    report = execute(env)
    assert report["rows"]["captured"] == 60
    assert (tmp_path / "report" / contract.REPORT_JSON).exists() and (tmp_path / "report" / contract.REPORT_HTML).exists()


# -- a private stack never gets the managed monitor -------------------------------------------------
def test_a_private_stack_records_no_create_monitor_schedule() -> None:
    for spec in (PROD, LIFECYCLE):
        g = graph_of(spec)
        assert one(g, ":machinelearningservices:Workspace").inputs["publicNetworkAccess"] == "Disabled"
        actions = [r.inputs["properties"]["action"]["actionType"] for r in all_of(g, ":machinelearningservices:Schedule")]
        assert "CreateMonitor" not in actions and "CreateJob" in actions
    # Planted: engine managed on a workspace that is not private does record one (the check can fail).
    managed = graph_with(PROD, **{"network.private": False, "endpoints[0].monitoring.engine": "managed"})
    assert "CreateMonitor" in [r.inputs["properties"]["action"]["actionType"]
                               for r in all_of(managed, ":machinelearningservices:Schedule")]
    assert not [r for r in all_of(managed, ":machinelearningservices:Schedule") if "-monitor-" in r.name]


# -- the cross-test: each alert watches exactly what the publisher writes ---------------------------
def _published(stack: str, endpoint: str, metric: str) -> dict[str, Any]:
    dims = {d: f"v{i}" for i, d in enumerate(contract.METRICS[metric].dimensions)}
    (document,) = AzureMonitorPublisher(stack, endpoint, END).requests([{"name": metric, "value": 1.0, "dimensions": dims}])
    return document["data"]["baseData"]


def _check(alert: RecordedResource, stack: str, endpoint: str) -> None:
    (criterion,) = alert.inputs["criteria"]["allOf"]
    metric = next(m for m in contract.METRICS if m.lower().replace("_", "-") == criterion["name"])
    written = _published(stack, endpoint, metric)
    assert (criterion["metricNamespace"], criterion["metricName"]) == (written["namespace"], written["metric"])
    assert [d["name"] for d in criterion["dimensions"]] == written["dimNames"]
    fixed = {"Stack": stack, "Endpoint": endpoint}
    assert {d["name"]: d["values"] for d in criterion["dimensions"]} == {n: [fixed.get(n, "*")] for n in written["dimNames"]}
    below = contract.METRICS[metric].alarm_below
    assert (criterion["operator"], criterion["timeAggregation"]) == (("LessThan", "Minimum") if below else ("GreaterThan", "Maximum"))
    assert criterion["skipMetricValidation"] is True  # the metric exists only after the first run


@pytest.mark.parametrize("spec", [PROD, LIFECYCLE])
def test_every_kit_alert_watches_exactly_what_the_publisher_writes(spec: str) -> None:
    g = graph_of(spec)
    parsed = parse_stack(baseline(spec), base_dir=STACKS)
    alerts = kit_alerts(g)
    assert alerts
    for alert in alerts:
        endpoint = next(e.name for e in parsed.endpoints if f"-monitor-{e.name}-" in alert.name)
        _check(alert, parsed.name, endpoint)
        scopes = alert.inputs["scopes"]
        assert scopes == [one(g, ":machinelearningservices:Workspace").outputs["id"]]  # where the job publishes
        group = one(g, ":monitor:ActionGroup", endpoint)
        assert alert.inputs["actions"] == [{"actionGroupId": group.outputs["id"]}]  # the endpoint's channel
    if spec == LIFECYCLE:  # a facet's values are data: the bias alerts split per value
        assert {a.name.rsplit("-", 2)[-2:][-1] for a in alerts} >= {"dppl", "di", "auc", "accuracy", "ndcg"}


def test_the_cross_test_sees_a_wrong_dimension() -> None:
    """Planted: an alert missing the Endpoint dimension (or on another metric name) does not match."""
    g = graph_of(PROD)
    (alert,) = kit_alerts(g)
    criterion = alert.inputs["criteria"]["allOf"][0]
    for wrong in ({**criterion, "dimensions": criterion["dimensions"][:1]}, {**criterion, "metricName": "DriftShare"}):
        planted = RecordedResource(**{**alert.__dict__, "inputs": {**alert.inputs, "criteria": {"allOf": [wrong]}}})
        with pytest.raises(AssertionError):
            _check(planted, "credit-risk-prod", "scoring")


# -- identity: reads its inputs, writes only its reports, publishes on the workspace ---------------
def test_the_monitor_identity_grants_are_scoped() -> None:
    g = graph_of(LIFECYCLE)
    principal = one(g, ":managedidentity:UserAssignedIdentity", "identity-monitoring").outputs["principalId"]
    mine = [a.inputs for a in all_of(g, ":authorization:RoleAssignment") if a.inputs["principalId"] == principal]
    roles = {a["roleDefinitionId"].rsplit("/", 1)[1]: a for a in mine}
    assert set(roles) == {ROLES[r] for r in ("Storage Blob Data Reader", "Storage Blob Data Contributor", "AcrPull",
                                             "Monitoring Metrics Publisher")}
    workspace = one(g, ":machinelearningservices:Workspace").outputs["id"]
    assert roles[ROLES["Monitoring Metrics Publisher"]]["scope"] == workspace  # the workspace only
    writes = roles[ROLES["Storage Blob Data Contributor"]]["condition"]
    assert "StringStartsWith 'monitoring/churn-online/report/'" in writes
    assert writes.count("StringStartsWith") == 1 and "StringNotEquals" not in writes  # no other folder or container
    reads = roles[ROLES["Storage Blob Data Reader"]]["condition"]
    for folder in ("monitoring/churn-baseline/explainability/", "monitoring/churn-labels/", "monitoring/churn-online/config/",
                   "code/mlopskit-monitor/", "modelDataCollector/"):
        assert f"StringStartsWith '{folder}'" in reads, folder
    # The workspace's own containers: only the collector's folder (not the whole containers).
    assert "StringNotEquals 'artifacts' AND (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] " \
           "StringStartsWith 'modelDataCollector/')" in reads


def test_a_stack_without_kit_monitoring_has_no_monitor_identity() -> None:
    g = graph_of("fraud-dev.yaml")
    parsed = parse_stack(baseline("fraud-dev.yaml"), base_dir=STACKS)
    assert not any(e.monitoring.kit_job for e in parsed.endpoints)
    assert not [i for i in all_of(g, ":managedidentity:UserAssignedIdentity") if i.name.endswith("-monitoring")]
    assert not [r for r in all_of(g, ":machinelearningservices:Schedule") if "-monitor-" in r.name]
    network = one(g, ":machinelearningservices:Workspace").inputs.get("managedNetwork") or {}
    assert "azure-monitor" not in (network.get("outboundRules") or {})


# -- cost: one node for at most the timeout, once per scheduled run ---------------------------------
def test_the_monitor_job_is_priced_per_run_by_hand() -> None:
    parsed = parse_stack(baseline(PROD), base_dir=STACKS)
    g = graph_of(PROD)
    vm = one(g, ":machinelearningservices:Compute", "monitor-scoring").inputs["properties"]["properties"]["vmSize"]
    (row,) = [r for r in catalog() if r.cloud == "azure" and r.name == vm]
    assert (row.vcpu, row.memory_gib) == (4, 16)  # the job's size (modules/monitor_job.py)
    report = estimate(g, parsed)
    (line,) = [c for r in report.resources if r.name.endswith("-monitor-scoring-schedule") for c in r.components]
    # Daily at 00:05: 730 h / 24 = 30.41667 runs a month, one node for at most PT60M each; 0.23 USD an hour
    # (providers/catalog/prices/azure.csv: azureml-vm Standard_D4a_v4 westeurope): 6.9958 USD.
    assert vm == "Standard_D4a_v4"
    assert line.component.monthly_quantity == Decimal(730) / Decimal(24) * 1 * Decimal(60) / Decimal(60)
    assert line.component.price_key.region == "westeurope" and line.price == Decimal("0.23")
    assert line.monthly_cost is not None and line.monthly_cost.quantize(Decimal("0.0001")) == Decimal("6.9958")
    # The cluster itself is free: its runs are priced here, not twice.
    (cluster,) = [r for r in report.resources if r.name.endswith("-monitor-scoring-cluster")]
    assert cluster.components == () and cluster.free_reason is not None
