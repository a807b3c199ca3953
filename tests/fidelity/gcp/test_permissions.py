"""Every call a day-2 command makes on GCP is granted to the access role holding its permission
(issue 26, deliver 3): the commands run under the fakes of tests/ops, each call is mapped to
the IAM permissions it needs (providers/gcp/permissions.py) and checked against the grants the
recorded graph binds (tests/fidelity/gcp/permissions.py). Planted: an unmapped call, and a
role without one permission, are both caught.

Budget: two mocked previews (credit-risk, lifecycle), cached; the commands run in memory.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
from google.cloud import aiplatform_v1

from mlopskit.cli import main
from mlopskit.commands import ops as ops_command
from mlopskit.modules.day2.calls import Gateway
from mlopskit.modules.graph import Graph
from mlopskit.providers.gcp import names, ops as gcp_ops
from mlopskit.providers.gcp.permissions import CALLS, DAY2_PERMISSIONS
from tests.fidelity.day2_roles import one_role_per_permission, role_name
from tests.fidelity.gcp.edge import GATE_SPECS, built
from tests.fidelity.gcp.permissions import Made, grants, unmapped_types, violations
from tests.ops.conftest import FakeClock, clock, write_spec  # noqa: F401 - clock is a fixture
from tests.ops.gcp_fakes import PARENT, PROJECT, FakeClients
from tests.ops.test_gcp_ops import _backups
from tests.specs import baseline, stack


@cache
def graph(spec: str) -> Graph:
    return one_role_per_permission(spec, DAY2_PERMISSIONS.values(), "gcp")


def member(g: Graph, permission: str) -> str:
    account = next(r for r in g.of_type("gcp:serviceaccount/account:Account") if r.name.endswith(f"-identity-{role_name(permission)}"))
    return f"serviceAccount:{account.outputs['email']}"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Made]:
    made: list[Made] = []
    read, write = Gateway.read, Gateway.write

    def record_read(self: Gateway, service: str, operation: str, fn: Any, /, **params: Any) -> Any:
        made.append(Made(service, operation, params, fn))
        return read(self, service, operation, fn, **params)

    def record_write(self: Gateway, service: str, operation: str, fn: Any, /, dry_result: Any = None, **params: Any) -> Any:
        made.append(Made(service, operation, params, fn))
        return write(self, service, operation, fn, dry_result=dry_result, **params)

    monkeypatch.setattr(Gateway, "read", record_read)
    monkeypatch.setattr(Gateway, "write", record_write)
    return made


@pytest.fixture
def gcp(monkeypatch: pytest.MonkeyPatch) -> FakeClients:
    clients = FakeClients()
    monkeypatch.setattr(ops_command, "make_backend", lambda cloud, s, gateway: gcp_ops.GcpOps(s, gateway, clients=clients))
    return clients


def _train(gcp: FakeClients) -> None:
    s, made = stack(), cast(dict[str, Any], gcp.made)
    body = {"displayName": "x", "jobSpec": {"workerPoolSpecs": [{"machineSpec": {"machineType": "old"}, "replicaCount": 1,
                                                                  "containerSpec": {"imageUri": "i"}}],
                                            "serviceAccount": names.service_account(PROJECT, s, "training")}}
    made["storage"].put(names.bucket(PROJECT, s, "artifacts"), names.job_spec_object("train-xgb"), json.dumps(body).encode())
    made["jobs"].create_custom_job.return_value = aiplatform_v1.CustomJob(name=f"{PARENT}/customJobs/77")
    made["jobs"].get_custom_job.return_value = aiplatform_v1.CustomJob(state="JOB_STATE_SUCCEEDED")


def _batch(gcp: FakeClients) -> None:
    s, made = stack("lifecycle.yaml"), cast(dict[str, Any], gcp.made)
    body = {"displayName": "b", "model": f"{PARENT}/models/4242@3",
            "serviceAccount": names.service_account(PROJECT, s, "batch"),
            "inputConfig": {"instancesFormat": "jsonl", "gcsSource": {"uris": ["gs://b/batch/customers/*"]}},
            "outputConfig": {"predictionsFormat": "jsonl", "gcsDestination": {"outputUriPrefix": "gs://b/batch/scores/"}}}
    made["storage"].put(names.bucket(PROJECT, s, "artifacts"), names.batch_job_object("nightly-scoring"), json.dumps(body).encode())
    made["jobs"].create_batch_prediction_job.return_value = aiplatform_v1.BatchPredictionJob(name=f"{PARENT}/batchPredictionJobs/8")


# command -> (spec, arrange, argument lists run in order)
SCENARIOS: dict[str, tuple[str, Any, list[list[str]]]] = {
    "rollout": ("credit-risk.yaml", None, [["rollout", "{spec}", "--endpoint", "scoring", "--model-version", "3"],
                                           ["rollback", "{spec}", "--endpoint", "scoring"]]),
    "promote": ("credit-risk.yaml", None, [["promote", "{spec}", "--package", "credit-risk", "--version", "2"]]),
    "train": ("credit-risk.yaml", _train, [["train", "{spec}", "--job", "train-xgb", "--wait"]]),
    "batch run": ("lifecycle.yaml", _batch, [["batch", "run", "{spec}", "nightly-scoring"]]),
    "backup verify": ("credit-risk.yaml", lambda gcp: _backups(gcp, b"weights"), [["backup", "verify", "{spec}"]]),
}


def replay(command: str, gcp: FakeClients, tmp_path: Path) -> list[Made]:
    spec, arrange, runs = SCENARIOS[command]
    path = write_spec(tmp_path, baseline(spec))
    if arrange is not None:
        arrange(gcp)
    for args in runs:
        main([*(a.replace("{spec}", path) for a in args), "--provider", "gcp"])
    return []


@pytest.mark.parametrize("command", list(SCENARIOS))
def test_every_call_of_the_command_is_granted(command: str, gcp: FakeClients, calls: list[Made], clock: FakeClock,  # noqa: F811
                                              tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replay(command, gcp, tmp_path)
    spec = SCENARIOS[command][0]
    g = graph(spec)
    found = violations(g, member(g, DAY2_PERMISSIONS[command]), calls)
    assert calls and found == [], found


def test_every_command_has_a_scenario() -> None:
    assert set(SCENARIOS) | {"rollback"} == set(DAY2_PERMISSIONS)


def test_an_unmapped_call_is_caught() -> None:
    g = graph("credit-risk.yaml")
    made = Made("endpoints", "delete_endpoint", {"name": "projects/p/locations/r/endpoints/1"}, None)
    assert violations(g, member(g, "endpoints.deploy"), [made]) == [
        "endpoints.delete_endpoint: not in providers/gcp/permissions.py CALLS"]


def test_a_missing_permission_is_caught() -> None:
    # The deployer's endpoint role without aiplatform.endpoints.undeploy: a rollout could not finish.
    g = graph("credit-risk.yaml")
    who = member(g, "endpoints.deploy")
    endpoint = next(scope for scope, held in grants(g, who) if scope[0] == "endpoint")[1]
    made = Made("endpoints", "undeploy_model", {"endpoint": f"{PARENT}/endpoints/{endpoint}", "deployed_model_id": "1"}, None)
    assert violations(g, who, [made]) == []
    planted = dataclasses.replace(g, resources=[
        r if r.type != "gcp:projects/iAMCustomRole:IAMCustomRole" or not r.inputs["roleId"].endswith("endpointDeployer")
        else dataclasses.replace(r, inputs={**r.inputs, "permissions": [
            p for p in r.inputs["permissions"] if p != "aiplatform.endpoints.undeploy"]}) for r in g])
    assert violations(planted, who, [made]) == [f"endpoints.undeploy_model: aiplatform.endpoints.undeploy on endpoint {endpoint}"]


def test_every_mapped_permission_exists_in_a_role_the_kit_can_grant() -> None:
    # A typo in the table would otherwise be "missing" forever: each permission is held by some
    # vendored predefined role or is one the kit's custom roles list.
    from mlopskit.providers.gcp.identity import CUSTOM_ROLES
    from tests.fidelity.gcp.permissions import PREDEFINED

    known = {p for held in PREDEFINED.values() for p in held} | {p for held in CUSTOM_ROLES.values() for p in held}
    assert {p for row in CALLS.values() for p, _ in row} <= known


# --- the deploying identity: every type `pulumi up` creates is in the table ---------------------

@pytest.mark.parametrize("spec", GATE_SPECS)
def test_every_recorded_type_says_what_the_deployer_needs(spec: str) -> None:
    assert unmapped_types(built(spec, "gcp")[1]) == []


def test_a_type_missing_from_the_deploy_table_is_caught() -> None:
    g = graph("credit-risk.yaml")
    stray = dataclasses.replace(next(iter(g.of_type("gcp:storage/bucket:Bucket"))), type="gcp:pubsub/topic:Topic")
    assert unmapped_types(dataclasses.replace(g, resources=[*g, stray])) == ["gcp:pubsub/topic:Topic"]


def test_the_deploy_roles_hold_every_permission_the_deployer_needs() -> None:
    from mlopskit.providers.gcp.permissions import DEPLOY_ROLES, DEPLOY_TYPES
    from tests.fidelity.gcp.permissions import PREDEFINED

    held = {p for role in DEPLOY_ROLES for p in PREDEFINED[role]}
    assert sorted({p for needed in DEPLOY_TYPES.values() for p in needed} - held) == []
    # Planted: without Storage Admin nobody creates the buckets.
    without = {p for role in DEPLOY_ROLES if role != "roles/storage.admin" for p in PREDEFINED[role]}
    assert "storage.buckets.create" in {p for needed in DEPLOY_TYPES.values() for p in needed} - without
