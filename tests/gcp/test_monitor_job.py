"""The kit's monitor job scheduled on GCP (issue 25 item 2): the stored CustomJob and its Cloud
Scheduler job, the env contract, network and key, the monitor account's grants, the cross-test of
each alert policy against what CloudMonitoringPublisher writes, and the recorded job run end to end
offline (its BigQuery reads answered by a recorded session, its Cloud Monitoring requests captured
and matched against the alert policy that watches them).

Budget: four mocked GCP previews (credit-risk, with and without named drift features, lifecycle).
"""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mlopskit.modules import monitor_job, parse_stack
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.monitor import contract, entry
from mlopskit.monitor.publishers import CloudMonitoringPublisher
from mlopskit.providers.gcp.monitor_job import metric_filter
from tests.conftest import STACKS
from tests.gcp.conftest import gcp_preview
from tests.monitor.builders import FEATURES, baseline_csv, rows
from tests.specs import baseline

END = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
DRIFT = {"schedule": "daily", "features": list(FEATURES), "categorical": ["region"]}
_CACHE: dict[str, Graph] = {}


def graph(spec: str = "credit-risk.yaml", drift: bool = False) -> Graph:
    key = f"{spec}:{drift}"
    if key not in _CACHE:
        _CACHE[key] = gcp_preview(spec, **({"endpoints[0]__monitoring__drift": DRIFT} if drift else {}))
    return _CACHE[key]


def text(resource: RecordedResource) -> str:
    """An object's content (the engine wraps an Output's value as a secret-shaped dict)."""
    content = resource.inputs["content"]
    return str(content["value"] if isinstance(content, dict) else content)


def stored(g: Graph, endpoint: str = "scoring") -> tuple[RecordedResource, dict[str, Any]]:
    (obj,) = [r for r in g.of_type("gcp:storage/bucketObject:BucketObject") if r.name.endswith(f"-{endpoint}-monitor-job-spec")]
    return obj, json.loads(text(obj))


def env_of(body: dict[str, Any]) -> dict[str, str]:
    (pool,) = body["jobSpec"]["workerPoolSpecs"]
    return {e["name"]: e["value"] for e in pool["containerSpec"]["env"]}


def kit_policies(g: Graph) -> list[RecordedResource]:
    return [r for r in g.of_type(POLICY) if "-monitor-" in r.name]


# -- the job: scheduled like training, in the network, under the key, as its own account ---------
def test_cloud_scheduler_posts_the_stored_custom_job_of_the_kits_image() -> None:
    g = graph()
    _, body = stored(g)
    (schedule,) = [r for r in g.of_type("gcp:cloudscheduler/job:Job") if r.name.endswith("scoring-monitor-schedule")]
    target = schedule.inputs["httpTarget"]
    assert json.loads(base64.b64decode(target["body"])) == body
    assert target["uri"] == ("https://europe-west4-aiplatform.googleapis.com/v1/projects/acme-ml-prod/locations/"
                             "europe-west4/customJobs")
    assert schedule.inputs["schedule"] == monitor_job.CRON["daily"]
    assert target["oauthToken"]["serviceAccountEmail"].startswith("credit-risk-prod-scheduler@")
    (pool,) = body["jobSpec"]["workerPoolSpecs"]
    assert pool["containerSpec"]["imageUri"] == \
        "europe-west4-docker.pkg.dev/acme-ml-prod/credit-risk-prod-images/mlopskit-monitor:0.1.0"
    assert "command" not in pool["containerSpec"]  # the image's ENTRYPOINT is python -m mlopskit.monitor
    assert body["jobSpec"]["scheduling"]["timeout"] == "3600s"
    assert body["labels"][monitor_job.SIGNALS_TAG] == "drift"


def test_the_job_runs_in_the_stack_network_under_its_key_as_the_monitor_account() -> None:
    _, body = stored(graph())
    assert body["encryptionSpec"]["kmsKeyName"].endswith("/cryptoKeys/credit-risk-prod-data")
    assert body["jobSpec"]["network"].startswith("projects/")
    assert body["jobSpec"]["serviceAccount"].startswith("credit-risk-prod-monitor@")


def test_the_env_is_the_contracts() -> None:
    env = env_of(stored(graph())[1])
    assert set(env) <= set(contract.ENV) | {"OMP_NUM_THREADS"}
    assert env["MONITOR_TARGET"] == "gcp" and env["MONITOR_CAPTURE_FORMAT"] == "vertex"
    assert env["MONITOR_GCP_PROJECT"] == "acme-ml-prod"
    assert env["MONITOR_CAPTURE_TABLE"] == "acme-ml-prod.credit_risk_prod_capture.scoring"
    assert env["MONITOR_WINDOW_HOURS"] == "24"  # daily, no labels
    bucket = env["MONITOR_CONFIG"].split("/")[2]
    assert env["MONITOR_CONFIG"] == f"/gcs/{bucket}/monitoring/scoring/config/monitor.json"
    assert env["MONITOR_REPORT"] == f"/gcs/{bucket}/monitoring/scoring/report"
    assert env["MONITOR_BASELINE"] == f"/gcs/{bucket}/monitoring/scoring/baseline/"


def test_labels_widen_the_window_by_their_delay() -> None:
    endpoint = parse_stack(baseline("lifecycle.yaml"), base_dir=STACKS).endpoints[0]
    env = env_of(stored(graph("lifecycle.yaml"), endpoint.name)[1])
    assert endpoint.monitoring.quality is not None
    assert env["MONITOR_WINDOW_HOURS"] == str(24 + math.ceil(endpoint.monitoring.quality.label_delay_hours))
    assert env["MONITOR_LABELS"].endswith(f"/{endpoint.monitoring.quality.ground_truth}")


def test_the_settings_object_is_the_jobs_monitor_json() -> None:
    g = graph()
    (config,) = [r for r in g.of_type("gcp:storage/bucketObject:BucketObject") if r.name.endswith("scoring-monitor-config")]
    assert config.inputs["name"] == "monitoring/scoring/config/monitor.json"
    endpoint = parse_stack(baseline("credit-risk.yaml"), base_dir=STACKS).endpoints[0]
    assert json.loads(text(config)) == monitor_job.settings("credit-risk-prod", endpoint)


def _member_grants(g: Graph, type_: str, member_part: str) -> list[dict[str, Any]]:
    return [r.inputs for r in g.of_type(type_) if member_part in str(r.inputs.get("member"))]


def test_the_monitor_account_reads_its_inputs_writes_only_its_report_and_metrics() -> None:
    g = graph("lifecycle.yaml")
    who = "churn-prod-monitor@"
    bucket = {i["role"]: i["condition"]["expression"] for i in
              _member_grants(g, "gcp:storage/bucketIAMMember:BucketIAMMember", who)}
    assert set(bucket) == {"roles/storage.objectViewer", "roles/storage.objectUser"}
    written = re.findall(r'/objects/([^"]*)"', bucket["roles/storage.objectUser"])
    assert written == ["monitoring/churn-online/report/"]
    read = re.findall(r'/objects/([^"]*)"', bucket["roles/storage.objectViewer"])
    assert {"monitoring/churn-labels/", "monitoring/churn-online/config/"} <= set(read)
    assert not any(f.startswith(("data-capture", "models", "code", "training")) for f in read)
    project = {i["role"] for i in _member_grants(g, "gcp:projects/iAMMember:IAMMember", who)}
    assert project == {"roles/bigquery.jobUser", "roles/monitoring.metricWriter"}
    (dataset,) = _member_grants(g, "gcp:bigquery/datasetIamMember:DatasetIamMember", who)
    assert dataset["role"] == "roles/bigquery.dataViewer" and dataset["datasetId"] == "churn_prod_capture"
    (registry,) = _member_grants(g, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", who)
    assert registry["role"] == "roles/artifactregistry.reader"
    acts = [r for r in g.of_type("gcp:serviceaccount/iAMMember:IAMMember") if r.name.endswith("scheduler-actas-monitor")]
    assert len(acts) == 1


def test_a_stack_without_kit_monitoring_has_no_monitor_account() -> None:
    g = gcp_preview("credit-risk.yaml", **{"endpoints[0]__monitoring__engine": "managed"})
    assert not [a for a in g.of_type("gcp:serviceaccount/account:Account") if a.name.endswith("-identity-monitor")]
    assert not [r for r in g.of_type(POLICY) if "-monitor-" in r.name]


# -- the cross-test: each alert policy watches exactly what the publisher writes ------------------
def _filter_terms(text: str) -> dict[str, str]:
    terms = dict(re.findall(r'([\w.]+)="([^"]*)"', text))
    assert " AND ".join(f'{k}="{v}"' for k, v in terms.items()) == text, text  # nothing else in it
    return terms


def _series_terms(series: dict[str, Any], keep: tuple[str, ...]) -> dict[str, str]:
    found = {"metric.type": series["metric"]["type"], "resource.type": series["resource"]["type"],
             **{f"metric.label.{k}": v for k, v in series["metric"]["labels"].items()}}
    return {k: v for k, v in found.items() if k in keep}


@pytest.mark.parametrize("spec", ["credit-risk.yaml", "lifecycle.yaml"])
def test_every_kit_alert_watches_exactly_what_the_publisher_writes(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_GCP_PROJECT", "acme-ml-prod")
    g = graph(spec)
    stack = parse_stack(baseline(spec), base_dir=STACKS)
    policies = kit_policies(g)
    assert policies
    for policy in policies:
        endpoint = next(e for e in stack.endpoints if f"-{e.name}-monitor-" in policy.name)
        slug = policy.name.rsplit("-monitor-", 1)[1]
        metric = next(m for m in contract.METRICS if m.lower().replace("_", "-") == slug)
        dims = {d: f"v{i}" for i, d in enumerate(contract.METRICS[metric].dimensions)}
        (request,) = CloudMonitoringPublisher(stack.name, endpoint.name, END).requests(
            [{"name": metric, "value": 1.0, "dimensions": dims}])
        (series,) = request["timeSeries"]
        (condition,) = policy.inputs["conditions"]
        threshold = condition["conditionThreshold"]
        terms = _filter_terms(threshold["filter"])
        # The type, the resource and the two labels naming the endpoint: a facet's labels are data.
        assert terms == _series_terms(series, tuple(terms))
        assert set(terms) == {"metric.type", "resource.type", "metric.label.stack", "metric.label.endpoint"}
        below = contract.METRICS[metric].alarm_below
        assert threshold["comparison"] == ("COMPARISON_LT" if below else "COMPARISON_GT")
        (aggregation,) = threshold["aggregations"]
        if contract.METRICS[metric].dimensions:  # per facet value: reduced to the worst series
            assert aggregation["crossSeriesReducer"] == ("REDUCE_MIN" if below else "REDUCE_MAX")
        channels = [r for r in g.of_type("gcp:monitoring/notificationChannel:NotificationChannel")
                    if r.name.startswith(f"{stack.name}-{endpoint.name}-notify-")]
        assert policy.inputs["notificationChannels"] == [c.outputs.get("name") for c in channels]


def test_the_cross_test_sees_a_wrong_label() -> None:
    """Planted: a filter on a label the publisher never writes does not match its series."""
    planted = metric_filter("s", "e", "drift_share").replace("metric.label.endpoint", "metric.label.Endpoint")
    series = CloudMonitoringPublisher("s", "e", END)
    series.project = "p"
    (request,) = series.requests([{"name": "drift_share", "value": 1.0, "dimensions": {}}])
    terms = _filter_terms(planted)
    assert terms != _series_terms(request["timeSeries"][0], tuple(terms))


# -- end to end: the recorded job's env, its BigQuery window and its published drift -------------
class _BigQuery:
    """Answers jobs.query at once with every row of the window (shape: tests/monitor/test_bigquery.py)."""

    def __init__(self, shifted: bool) -> None:
        self.rows = []
        for i, (values, score, _) in enumerate(rows(300, 2, shifted)):
            request = json.dumps({"instances": [dict(zip(FEATURES, values, strict=True))]})
            self.rows.append({"f": [{"v": f"r{i}"}, {"v": "2026-12-01T09:00:00.000000Z"}, {"v": [{"v": request}]},
                                    {"v": [{"v": json.dumps({"predictions": [score]})}]}]})
        self.queries: list[dict[str, Any]] = []

    def post(self, url: str, json: Any = None, timeout: float = 0) -> Any:
        self.queries.append(json)
        fields = [{"name": n, "type": "STRING", "mode": m} for n, m in (
            ("request_id", "NULLABLE"), ("logging_time", "NULLABLE"), ("request_payload", "REPEATED"),
            ("response_payload", "REPEATED"))]
        body = {"jobComplete": True, "jobReference": {"projectId": "acme-ml-prod", "jobId": "j", "location": "europe-west4"},
                "schema": {"fields": fields}, "rows": self.rows, "totalRows": str(len(self.rows))}
        return type("R", (), {"status_code": 200, "json": lambda self: body, "raise_for_status": lambda self: None})()


def _run_recorded_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shifted: bool) -> tuple[float, float]:
    g = graph(drift=True)
    env = env_of(stored(g)[1])
    (config,) = [r for r in g.of_type("gcp:storage/bucketObject:BucketObject") if r.name.endswith("scoring-monitor-config")]
    bucket = env["MONITOR_CONFIG"].split("/")[2]
    mount = tmp_path / "gcs" / bucket  # what Vertex's Cloud Storage FUSE mount shows at /gcs/<bucket>
    local = {k: str(tmp_path / v.removeprefix("/").replace(f"gcs/{bucket}", f"gcs/{bucket}", 1))
             for k, v in env.items() if v.startswith("/gcs/")}
    (mount / "monitoring/scoring/config").mkdir(parents=True)
    (mount / "monitoring/scoring/config/monitor.json").write_text(text(config))
    (mount / "monitoring/scoring/baseline").mkdir(parents=True)
    baseline_csv(mount / "monitoring/scoring/baseline/baseline.csv")
    session = _BigQuery(shifted)
    monkeypatch.setitem(entry.SESSIONS, "bigquery", lambda: session)
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(CloudMonitoringPublisher, "send",
                        lambda self, metrics: sent.extend(self.requests(metrics)) or len(sent))
    monkeypatch.setenv("MONITOR_GCP_PROJECT", env["MONITOR_GCP_PROJECT"])
    run_env = {**env, **local, "MONITOR_ROOT": str(tmp_path / "root"), "MONITOR_WINDOW_END": END.isoformat()}
    assert entry.main(run_env) == 0
    assert "FROM `acme-ml-prod.credit_risk_prod_capture.scoring`" in session.queries[0]["query"]
    assert (mount / "monitoring/scoring/report/report.json").exists()
    (policy,) = [p for p in kit_policies(g) if p.name.endswith("-monitor-drift-share")]
    (condition,) = policy.inputs["conditions"]
    terms = _filter_terms(condition["conditionThreshold"]["filter"])
    watched = [s for request in sent for s in request["timeSeries"] if _series_terms(s, tuple(terms)) == terms]
    (series,) = watched
    return float(series["points"][0]["value"]["doubleValue"]), float(condition["conditionThreshold"]["thresholdValue"])


@pytest.mark.parametrize(("shifted", "expected"), [(True, 2 / 6), (False, 0.0)])
def test_the_recorded_job_publishes_what_its_alert_watches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           shifted: bool, expected: float) -> None:
    """Two of the six features shifted: drift_share 2/6 = 0.333 > the policy's 0.2; unshifted: 0."""
    value, threshold = _run_recorded_job(tmp_path, monkeypatch, shifted)
    assert value == pytest.approx(expected)
    assert threshold == 0.2 and (value > threshold) is shifted


# -- the monitor fact: monitoring-output-cmk judges GCP ---------------------------------------------
@pytest.mark.parametrize("cmk", [True, False])
def test_the_monitor_fact_says_whether_the_job_runs_under_the_stack_key(cmk: bool) -> None:
    """One fact per computed section from the stored body; without CMEK the body has no
    encryptionSpec and the rule fails (a planted violation of the same path)."""
    from mlopskit.policies.rules.encryption import monitoring_output_cmk
    from mlopskit.policies.runner import provider_facts

    g = graph() if cmk else gcp_preview("credit-risk.yaml", **{"encryption__customerManagedKeys": False})
    stack = parse_stack(baseline("credit-risk.yaml"), base_dir=STACKS)
    facts = [f for f in provider_facts(g, stack) if f.kind == "monitor"]
    assert [(f.attrs["signal"], f.attrs["endpoint"], f.attrs["cmk"]) for f in facts] == [("drift", "endpoints[0]", cmk)]
    assert monitoring_output_cmk(facts[0], None).status == ("pass" if cmk else "fail")  # type: ignore[arg-type]
