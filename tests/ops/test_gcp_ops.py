"""Day-2 commands on Vertex AI with mocked google-cloud-aiplatform clients."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from google.api_core import exceptions
from google.cloud import aiplatform_v1

from mlopskit.cli import main
from mlopskit.commands import ops as ops_command
from mlopskit.modules.day2.calls import Gateway
from mlopskit.providers.gcp import names, ops as gcp_ops
from tests.ops.conftest import FakeClock, write_spec
from tests.ops.gcp_fakes import PARENT, PROJECT, FakeClients
from tests.specs import baseline, stack


@pytest.fixture
def gcp(monkeypatch: pytest.MonkeyPatch) -> FakeClients:
    clients = FakeClients()
    monkeypatch.setattr(ops_command, "make_backend",
                        lambda cloud, s, gateway: gcp_ops.GcpOps(s, gateway, clients=clients))
    return clients


def _run(spec: str, *args: str) -> int:
    command = list(args[:2]) if args[0] == "backup" else [args[0]]
    return main([*command, spec, "--provider", "gcp", *args[len(command):]])


def test_names_match_the_provider() -> None:
    from mlopskit.providers.gcp.context import GcpContext, stack_labels
    from mlopskit.providers.gcp.monitoring import alert_display_name
    from mlopskit.providers.gcp.vertex import APPROVED_ALIAS

    s = stack()
    ctx = GcpContext(s, PROJECT, "1", "europe-west4", None, stack_labels(s))
    assert names.bucket(PROJECT, s, "artifacts") == ctx.bucket_name("artifacts")
    assert names.bucket(PROJECT, s, "backups") == ctx.bucket_name("backups")
    assert names.service_account(PROJECT, s, "training") == f"{ctx.account_id('training')}@{PROJECT}.iam.gserviceaccount.com"
    assert names.alert_display_name(s, "scoring", "errors") == alert_display_name(s.name, "scoring", "errors")
    assert names.APPROVED_ALIAS == APPROVED_ALIAS


def test_canary_rollout_moves_the_traffic_split_and_undeploys_the_old_model(
        gcp: FakeClients, spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "rollout", "--endpoint", "scoring", "--model-version", "3") == 0
    endpoints = gcp.made["endpoints"]
    assert endpoints.history == [{"1": 100, "2": 0}, {"1": 90, "2": 10}, {"1": 0, "2": 100}, {"2": 100}]
    live = endpoints.get_endpoint(gcp.endpoint_name)
    assert [(d.id, d.model) for d in live.deployed_models] == [("2", "projects/acme-ml-prod/locations/europe-west4/models/4242@3")]
    assert live.labels["mlopskit-previous"] == "1"
    assert clock.sleeps == [60] * 10


def test_alarm_during_rollout_gives_the_old_model_all_traffic(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    gcp.made["alerts"].open_alerts.side_effect = [[], [], ["credit-risk-prod-scoring-errors"]]
    assert _run(spec_file, "rollout", "--endpoint", "scoring", "--model-version", "3") == 1
    endpoints = gcp.made["endpoints"]
    assert endpoints.history == [{"1": 100, "2": 0}, {"1": 90, "2": 10}, {"1": 100, "2": 0}, {"1": 100}]
    assert [d.id for d in endpoints.get_endpoint(gcp.endpoint_name).deployed_models] == ["1"]
    gcp.made["alerts"].open_alerts.assert_called_with(
        policy_display_names=["credit-risk-prod-scoring-latency", "credit-risk-prod-scoring-errors"])


def test_rollout_of_an_unapproved_version_fails(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "rollout", "--endpoint", "scoring", "--model-version", "2") == 1
    assert capsys.readouterr().err == ("error: gcp: models.get_model: failed: credit-risk version 2 is not approved "
                                       "(registry.models.approval is manual): run `mlopskit promote` first\n")
    assert gcp.made["endpoints"].history == []


def test_shadow_rollout_is_refused_on_vertex(gcp: FakeClients, tmp_path: Path, clock: FakeClock,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, baseline())
    assert _run(spec, "rollout", "--endpoint", "challenger", "--model-version", "3") == 1
    assert "Vertex AI has no traffic mirroring" in capsys.readouterr().err


def test_rollback_after_a_rollout_is_refused_once_the_old_model_is_gone(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "rollout", "--endpoint", "scoring", "--model-version", "3") == 0
    assert _run(spec_file, "rollback", "--endpoint", "scoring") == 1
    assert "the previous deployed model (1) is no longer on the endpoint" in capsys.readouterr().err


def test_rollback_mid_rollout_restores_the_previous_model(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    gcp.made["alerts"].open_alerts.side_effect = KeyboardInterrupt  # the operator stops the rollout at 10%
    with pytest.raises(KeyboardInterrupt):
        _run(spec_file, "rollout", "--endpoint", "scoring", "--model-version", "3")
    # The interrupted rollout already gave the old model everything back; rollback is then a no-op split.
    endpoints = gcp.made["endpoints"]
    assert endpoints.split() == {"1": 100}
    assert _run(spec_file, "rollback", "--endpoint", "scoring") == 0
    assert endpoints.split() == {"1": 100}


def test_promote_adds_the_approved_alias(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "promote", "--package", "credit-risk", "--version", "2") == 0
    assert gcp.made["models"].aliases["2"] == ["approved"]
    assert capsys.readouterr().out == f"approved {PARENT}/models/4242@2\n"


def test_promote_of_a_missing_version_is_one_not_found_line(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "promote", "--package", "credit-risk", "--version", "9") == 1
    assert capsys.readouterr().err == (f"error: gcp: models.get_model: not-found: Model {PARENT}/models/4242@9 not found.\n")


def test_train_submits_the_stored_custom_job_with_the_spec_compute(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    s = stack()
    body = {"displayName": "credit-risk-prod-train-xgb", "labels": {"training-job": "train-xgb"}, "jobSpec": {
        "workerPoolSpecs": [{"machineSpec": {"machineType": "old"}, "replicaCount": 1,
                             "containerSpec": {"imageUri": "europe-docker.pkg.dev/vertex-ai/training/xgboost-cpu.1-7:latest"}}],
        "scheduling": {"timeout": "60s"}, "serviceAccount": names.service_account(PROJECT, s, "training")}}
    gcp.made["storage"].put(names.bucket(PROJECT, s, "artifacts"), "training/train-xgb/custom-job.json", json.dumps(body).encode())
    jobs = gcp.made["jobs"]
    jobs.create_custom_job.return_value = aiplatform_v1.CustomJob(name=f"{PARENT}/customJobs/77")
    jobs.get_custom_job.side_effect = [aiplatform_v1.CustomJob(state="JOB_STATE_RUNNING"),
                                       aiplatform_v1.CustomJob(state="JOB_STATE_FAILED", error={"message": "OOM"})]
    assert _run(spec_file, "train", "--job", "train-xgb", "--wait") == 1
    sent = jobs.create_custom_job.call_args.kwargs
    assert sent["parent"] == PARENT
    job = sent["custom_job"]
    assert job.display_name.startswith("credit-risk-prod-train-xgb-2026")
    assert job.job_spec.worker_pool_specs[0].machine_spec.machine_type == "e2-standard-4"  # the catalog resolver: 4 vCPU, 16 GiB
    assert job.job_spec.scheduling.timeout.total_seconds() == 180 * 60
    assert job.job_spec.scheduling.strategy.name == "SPOT"
    assert job.job_spec.service_account == "credit-risk-prod-training@acme-ml-prod.iam.gserviceaccount.com"
    out = capsys.readouterr().out
    assert "JOB_STATE_RUNNING" in out and "JOB_STATE_FAILED: OOM" in out


def test_train_without_the_stored_job_spec_is_not_found(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "train", "--job", "train-xgb") == 1
    assert capsys.readouterr().err == ("error: gcp: storage.download_as_text: not-found: No such object: "
                                       f"{names.bucket(PROJECT, stack(), 'artifacts')}/training/train-xgb/custom-job.json\n")


def test_status_reports_replica_bounds_drift(gcp: FakeClients, tmp_path: Path, clock: FakeClock,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    data = baseline()
    data["endpoints"] = data["endpoints"][:1]
    data["endpoints"][0]["autoscaling"]["maxInstances"] = 8
    assert _run(write_spec(tmp_path, data), "status", "--format", "json") == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f for f in findings if f["status"] != "ok"] == [
        {"endpoint": "scoring", "field": "autoscaling.maxInstances", "desired": 8, "live": 6, "status": "drift"}]


def test_status_without_drift(gcp: FakeClients, spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "status") == 0
    assert capsys.readouterr().out.rstrip().endswith("no drift")


def _backups(gcp: FakeClients, restored_model: bytes) -> None:
    s = stack()
    storage = gcp.made["storage"]
    source, backup = names.bucket(PROJECT, s, "artifacts"), names.bucket(PROJECT, s, "backups")
    storage.put(source, "data/train.csv", b"a,b")
    storage.put(source, "models/m.tar.gz", b"weights")
    storage.put(source, "data/later.csv", b"new", updated=storage.now + timedelta(days=2))  # after the last copy
    storage.put(backup, "artifacts/data/train.csv", b"a,b", updated=storage.now + timedelta(hours=1))
    storage.put(backup, "models/models/m.tar.gz", restored_model, updated=storage.now + timedelta(hours=1))


def test_backup_verify_restores_to_scratch_and_compares_crc32c(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    _backups(gcp, b"weights")
    assert _run(spec_file, "backup", "verify") == 0
    out = capsys.readouterr().out
    assert "  same     data/train.csv\n  same     models/m.tar.gz\n" in out
    source = gcp.made["storage"].buckets[names.bucket(PROJECT, stack(), "artifacts")]
    assert not [k for k in source if k.startswith("restore-check/")]  # scratch removed


def test_backup_verify_fails_on_a_different_copy(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _backups(gcp, b"bitrot")
    assert _run(spec_file, "backup", "verify") == 1
    assert "  differs  models/m.tar.gz" in capsys.readouterr().out


def test_dry_run_rollout_deploys_nothing(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "rollout", "--endpoint", "scoring", "--model-version", "3", "--dry-run") == 0
    out = capsys.readouterr().out
    writes = [line.split("(")[0].strip() for line in out.splitlines() if line.strip().startswith("would call")]
    assert writes == ["would call endpoints.deploy_model", "would call endpoints.update_endpoint",
                      "would call endpoints.update_endpoint", "would call endpoints.update_endpoint",
                      "would call endpoints.undeploy_model"]
    assert gcp.made["endpoints"].history == []


def test_classify_google_errors() -> None:
    clock = FakeClock()
    calls: list[Any] = [exceptions.TooManyRequests("slow down"), "ok"]

    def flaky() -> Any:
        answer = calls.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert Gateway(gcp_ops.classify, clock=clock).read("endpoints", "get_endpoint", flaky) == "ok"
    assert clock.sleeps == [1.0]
    denied = gcp_ops.classify(exceptions.PermissionDenied("no aiplatform.endpoints.update"))
    assert (denied.kind, denied.message) == ("access-denied", "no aiplatform.endpoints.update")
    _ = datetime, timezone
