"""Day-2 commands on Azure ML through the `AzureMlApi` interface, driven by a stateful fake
(a MagicMock-backed in-memory workspace): no network, no azure SDK needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from mlopskit.cli import main
from mlopskit.commands import ops as ops_command
from mlopskit.modules.day2.calls import Gateway
from mlopskit.providers.azure import names, ops as azure_ops
from mlopskit.providers.packaging import source_archive
from tests.conftest import STACKS
from tests.ops.conftest import FakeClock, write_spec
from tests.specs import baseline, stack

PREFIX = "credit-risk-prod"
ENDPOINT = names.online_endpoint(PREFIX, "scoring")


class FakeWorkspace:
    """One endpoint with its `blue` deployment; models 1 and 3 approved, 2 not."""

    def __init__(self) -> None:
        self.endpoint = {"traffic": {"blue": 100}, "mirror_traffic": {}, "tags": {"mlopskit-strategy": "canary"}}
        self.deployments = {"blue": {"name": "blue", "model": "azureml://registries/r/models/credit-risk/versions/1",
                                     "instance_type": "Standard_NC4as_T4_v3", "instance_count": 2,
                                     "data_collector": {"enabled": True, "sampling_rate": 0.2}}}
        self.models = {"1": {"stage": "approved"}, "2": {}, "3": {"stage": "approved"}}
        self.history: list[dict[str, int]] = []
        self.blobs: dict[str, str] = {}  # the artifacts container
        self.containers: dict[str, dict[str, str]] = {}  # other containers (restores)
        self.firing = mock.MagicMock(return_value=[])
        self.jobs: dict[str, Any] = {}
        self.job_states: list[str] = ["Completed"]

    def submit_command_job(self, job: dict[str, Any]) -> str:
        self.jobs[job["name"]] = job
        return job["name"]

    def job_status(self, name: str) -> str:
        return self.job_states.pop(0)

    def get_endpoint(self, name: str) -> dict[str, Any]:
        assert name == ENDPOINT
        return json.loads(json.dumps(self.endpoint))

    def list_deployments(self, endpoint: str) -> list[dict[str, Any]]:
        return [dict(d) for d in self.deployments.values()]

    def create_deployment(self, endpoint: str, deployment: dict[str, Any]) -> None:
        self.deployments[deployment["name"]] = dict(deployment)

    def update_endpoint(self, endpoint: str, traffic: dict[str, int], mirror_traffic: dict[str, int], tags: dict[str, str]) -> None:
        assert set(traffic) <= set(self.deployments) and sum(traffic.values()) == 100
        self.endpoint = {"traffic": dict(traffic), "mirror_traffic": dict(mirror_traffic), "tags": dict(tags)}
        self.history.append(dict(traffic))

    def delete_deployment(self, endpoint: str, name: str) -> None:
        assert not self.endpoint["traffic"].get(name), "Azure refuses to delete a deployment that takes traffic"
        del self.deployments[name]

    def autoscale_bounds(self, setting: str) -> tuple[int, int] | None:
        return (2, 6) if setting == f"{ENDPOINT}-blue-autoscale" else None

    def firing_alerts(self, rule_names: list[str]) -> list[str]:
        return self.firing(rule_names)

    def model_version(self, package: str, version: str) -> dict[str, Any]:
        if version not in self.models:
            error = type("ResourceNotFoundError", (Exception,), {})(f"Model {package}:{version} not found")
            raise error
        return {"version": version, "tags": dict(self.models[version])}

    def tag_model(self, package: str, version: str, tags: dict[str, str]) -> None:
        self.models[version] = dict(tags)

    def restore_artifacts(self, vault: str, instance: str, target_container: str) -> str:
        assert (vault, instance) == (names.backup_vault(PREFIX), f"{PREFIX}-artifacts")
        assert target_container not in self.containers, "a vaulted restore fails if the container exists"
        self.containers[target_container] = dict(self.restorable)
        return "rp-42"

    def blob_checksums(self, container: str, prefix: str) -> dict[str, str]:
        blobs = self.blobs if container == "artifacts" else self.containers[container]
        return {k: v for k, v in blobs.items() if k.startswith(prefix)}

    def delete_blobs(self, container: str, prefix: str) -> None:
        assert prefix == "" and container != "artifacts", "only a whole scratch container is deleted"
        del self.containers[container]


@pytest.fixture
def azure(monkeypatch: pytest.MonkeyPatch) -> FakeWorkspace:
    workspace = FakeWorkspace()
    monkeypatch.setattr(ops_command, "make_backend", lambda cloud, s, gateway: azure_ops.AzureOps(s, gateway, api=workspace))
    return workspace


def _run(spec: str, *args: str) -> int:
    command = list(args[:2]) if args[0] == "backup" else [args[0]]
    return main([*command, spec, "--provider", "azure", *args[len(command):]])


def test_names_match_the_provider() -> None:
    from mlopskit.engine import preview

    graph = preview(stack(), "azure")
    rules = {r.inputs.get("ruleName") for r in graph.resources if "ruleName" in r.inputs}
    assert set(azure_ops.alert_rules(PREFIX, stack().endpoints[0])) <= rules
    settings = {r.inputs.get("autoscaleSettingName") for r in graph.resources if "autoscaleSettingName" in r.inputs}
    assert azure_ops.autoscale_setting(ENDPOINT, "blue") in settings
    from mlopskit.providers.azure.endpoint import LIVE, NEXT
    from mlopskit.providers.azure.model_registry import APPROVAL_TAG, APPROVED
    from mlopskit.providers.azure.storage import CONTAINER

    assert (azure_ops.SLOTS, azure_ops.APPROVAL_TAG, azure_ops.APPROVED, azure_ops.ARTIFACTS_CONTAINER) == \
        ((LIVE, NEXT), APPROVAL_TAG, APPROVED, CONTAINER)


def test_canary_rollout_moves_traffic_to_green(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "rollout", "--endpoint", "scoring", "--model-version", "3") == 0
    assert azure.history == [{"blue": 100, "green": 0}, {"blue": 90, "green": 10}, {"blue": 0, "green": 100},
                             {"green": 100, "blue": 0}]
    assert list(azure.deployments) == ["green"]
    assert azure.deployments["green"]["model"] == (
        f"azureml://registries/{names.ml_registry(PREFIX)}/models/credit-risk/versions/3")
    assert azure.deployments["green"]["instance_count"] == 2
    assert azure.endpoint["tags"]["mlopskit-previous-slot"] == "blue"


def test_alarm_during_rollout_returns_all_traffic_to_blue(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    azure.firing.side_effect = [[], [], [], [f"{ENDPOINT}-latency-p99"]]
    assert _run(spec_file, "rollout", "--endpoint", "scoring", "--model-version", "3") == 1
    assert azure.history[-1] == {"blue": 100, "green": 0}
    assert list(azure.deployments) == ["blue"]
    assert azure.endpoint["traffic"] == {"blue": 100, "green": 0}
    azure.firing.assert_called_with([f"{ENDPOINT}-latency-p99", f"{ENDPOINT}-error-rate"])
    assert clock.sleeps == [60, 60, 60]


def test_shadow_rollout_mirrors_without_serving(azure: FakeWorkspace, tmp_path: Path, clock: FakeClock,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = baseline()
    data["endpoints"] = data["endpoints"][:1]
    data["endpoints"][0]["deployment"] = {"strategy": "shadow", "mirrorPercent": 20, "waitMinutes": 5}
    assert _run(write_spec(tmp_path, data), "rollout", "--endpoint", "scoring", "--model-version", "3") == 0
    assert azure.endpoint["traffic"] == {"blue": 100, "green": 0}
    assert azure.endpoint["mirror_traffic"] == {"green": 20}
    assert "green mirrors 20% of requests; blue still serves 100%" in capsys.readouterr().out


def test_rollout_of_an_unapproved_version_fails(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "rollout", "--endpoint", "scoring", "--model-version", "2") == 1
    assert capsys.readouterr().err == ("error: azure: azureml.model_version: failed: credit-risk version 2 is not tagged "
                                       "stage=approved (registry.models.approval is manual): run `mlopskit promote` first\n")
    assert azure.history == [] and list(azure.deployments) == ["blue"]


def test_rollback_mid_rollout_restores_blue(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    backend = azure_ops.AzureOps(stack(), Gateway(azure_ops.classify, clock=clock), api=azure)
    rollout = backend.start_rollout(stack().endpoints[0], "3", None)
    backend.shift_traffic(rollout, 50)
    assert _run(spec_file, "rollback", "--endpoint", "scoring") == 0
    assert azure.endpoint["traffic"] == {"blue": 100, "green": 0}
    assert list(azure.deployments) == ["blue"]


def test_rollback_without_a_previous_deployment_fails(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "rollback", "--endpoint", "scoring") == 1
    assert "the previous deployment (none recorded) no longer exists" in capsys.readouterr().err


def test_promote_tags_the_registry_version(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "promote", "--package", "credit-risk", "--version", "2") == 0
    assert azure.models["2"] == {"stage": "approved"}


def test_promote_of_a_missing_version_is_not_found(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "promote", "--package", "credit-risk", "--version", "9") == 1
    assert capsys.readouterr().err == "error: azure: azureml.model_version: not-found: Model credit-risk:9 not found\n"


def test_train_submits_the_command_job_and_waits(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    azure.job_states = ["Queued", "Running", "Failed"]
    assert _run(spec_file, "train", "--job", "train-xgb", "--wait") == 1
    (job,) = azure.jobs.values()
    assert job["command"] == "python train.py --max_depth ${{inputs.max_depth}}"
    assert (job["compute"], job["instance_count"], job["timeout_seconds"]) == ("train-xgb", 1, 180 * 60)
    assert job["environment"] == "azureml:train-xgb-env@latest"
    assert job["identity"] == f"id-{PREFIX}-training"
    # The code asset `pulumi up` uploaded for training[0].code (versioned by content hash).
    assert job["code"] == f"azureml:train-xgb-code:{source_archive(STACKS / 'src').short}"
    assert clock.sleeps == [30, 30]


def test_the_sdk_names_the_code_asset_by_the_arm_id_azure_ai_ml_resolves(monkeypatch: pytest.MonkeyPatch) -> None:
    # azure-ai-ml uploads any `code` string that is not a code ARM id as a local path
    # (JobOperations._resolve_arm_id_for_command_job): the registered asset goes by ARM id.
    from azure.ai.ml._utils._arm_id_utils import is_ARM_id_for_resource
    from azure.ai.ml.constants._common import AzureMLResourceType

    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000000")
    code_id = azure_ops.AzureMlSdk(stack())._code_id("azureml:train-xgb-code:7849a7df986c")
    assert is_ARM_id_for_resource(code_id, AzureMLResourceType.CODE)
    assert code_id.endswith(f"/workspaces/{names.workspace(PREFIX)}/codes/train-xgb-code/versions/7849a7df986c")


def test_status_reports_traffic_drift_mid_rollout(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    backend = azure_ops.AzureOps(stack(), Gateway(azure_ops.classify, clock=clock), api=azure)
    backend.shift_traffic(backend.start_rollout(stack().endpoints[0], "3", None), 10)
    assert _run(spec_file, "status", "--format", "json") == 1
    findings = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["status"] != "ok"]
    assert findings == [{"endpoint": "scoring", "field": "traffic", "desired": "one variant at 100%",
                         "live": {"blue": 90.0, "green": 10.0}, "status": "drift"}]


def test_status_without_drift(azure: FakeWorkspace, spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "status") == 0


def test_backup_verify(azure: FakeWorkspace, spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    azure.blobs = {"data/train.csv": "aa", "models/m.tar.gz": "bb"}
    azure.restorable = {"data/train.csv": "aa", "models/m.tar.gz": "bb"}
    assert _run(spec_file, "backup", "verify") == 0
    out = capsys.readouterr().out
    assert (f"restored {names.backup_vault(PREFIX)}/{PREFIX}-artifacts recovery point rp-42 -> "
            f"{names.storage_account(PREFIX)}/restore-check-{int(clock.now())}") in out
    assert out.rstrip().endswith("OK: 2 object(s) restored with identical checksums")
    assert azure.blobs == {"data/train.csv": "aa", "models/m.tar.gz": "bb"}
    assert azure.containers == {}  # the scratch container is deleted


def test_backup_verify_fails_on_a_missing_object(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    azure.blobs = {"data/train.csv": "aa", "models/m.tar.gz": "bb"}
    azure.restorable = {"data/train.csv": "aa"}
    assert _run(spec_file, "backup", "verify") == 1
    assert "  missing  models/m.tar.gz" in capsys.readouterr().out
    assert azure.containers == {}  # deleted even when the check fails


def test_dry_run_promote_changes_nothing(azure: FakeWorkspace, spec_file: str, clock: FakeClock,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "promote", "--package", "credit-risk", "--version", "2", "--dry-run") == 0
    out = capsys.readouterr().out
    assert '  would call azureml.tag_model(package="credit-risk", version="2", tags={"stage": "approved"})' in out
    assert azure.models["2"] == {}


def test_classify_azure_errors() -> None:
    throttled = type("HttpResponseError", (Exception,), {"status_code": 429})("Too many requests")
    assert azure_ops.classify(throttled).kind == "throttled"
    denied = type("ClientAuthenticationError", (Exception,), {})("no token")
    assert (azure_ops.classify(denied).kind, azure_ops.classify(denied).message) == ("access-denied", "no token")
    assert azure_ops.classify(KeyError("x")) is None
