"""Every call a day-2 command makes on Azure is allowed to the access role holding its permission
(issue 26, deliver 3; row 7): the commands run against the fake workspace of tests/ops, each call
is mapped to the RBAC actions and data actions it needs (providers/azure/permissions.py) and checked
against the recorded role assignments (tests/fidelity/azure/permissions.py). Planted: an unmapped
call, a role without one action, and a blob outside a condition's folders are caught.

Budget: two mocked previews (credit-risk, lifecycle), cached; the commands run in memory.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from mlopskit.cli import main
from mlopskit.commands import ops as ops_command
from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.day2.calls import Gateway
from mlopskit.modules.graph import Graph
from mlopskit.providers.azure import ops as azure_ops
from mlopskit.providers.azure.permissions import CALLS, DAY2_PERMISSIONS
from tests.conftest import STACKS
from tests.fidelity.azure.permissions import Made, condition_admits, unmapped_types, violations
from tests.fidelity.day2_roles import one_role_per_permission, role_name
from tests.fidelity.gcp.edge import GATE_SPECS, built
from tests.ops.conftest import FakeClock, clock, write_spec  # noqa: F401 - clock is a fixture
from tests.ops.test_azure_ops import FakeWorkspace
from tests.specs import baseline


@cache
def graph(spec: str) -> Graph:
    return one_role_per_permission(spec, DAY2_PERMISSIONS.values(), "azure")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Made]:
    made: list[Made] = []
    read, write = Gateway.read, Gateway.write

    def record_read(self: Gateway, service: str, operation: str, fn: Any, /, **params: Any) -> Any:
        made.append(Made(operation, params))
        return read(self, service, operation, fn, **params)

    def record_write(self: Gateway, service: str, operation: str, fn: Any, /, dry_result: Any = None, **params: Any) -> Any:
        made.append(Made(operation, params))
        return write(self, service, operation, fn, dry_result=dry_result, **params)

    monkeypatch.setattr(Gateway, "read", record_read)
    monkeypatch.setattr(Gateway, "write", record_write)
    return made


def _api(command: str) -> Any:
    if command == "batch run":
        api = mock.MagicMock(name="AzureMlApi")
        api.invoke_batch_endpoint.return_value = "batchjob-1"
        return api
    workspace = FakeWorkspace()
    workspace.blobs = {"data/train.csv": "aa"}
    workspace.restorable = {"data/train.csv": "aa"}  # type: ignore[attr-defined]  # set per test, as in tests/ops
    return workspace


# Calls the gate finds ungranted and the kit does not fix yet, each with why: the test holds the
# findings to exactly these (a new gap fails it, and so does a fixed one left listed here).
KNOWN_GAPS: dict[str, dict[str, str]] = {
    "rollout": {
        "azureml.firing_alerts: Microsoft.AlertsManagement/alerts/read on resource_group": (
            "the alerts list is read for the resource group; the kit grants nothing at resource-group scope "
            "(roles.py) and no narrow built-in role reads alerts only; where Azure evaluates the list is UNCONFIRMED"),
    },
    "backup verify": {
        "azureml.delete_blobs: Microsoft.Storage/storageAccounts/blobServices/containers/delete on container": (
            "deleting the scratch container is a control-plane action no ABAC condition narrows: the only built-in "
            "role holding it could delete the artifacts container too"),
        "azureml.restore_artifacts: Microsoft.DataProtection/backupVaults/backupJobs/read on backup_vault": (
            "reading the restore job: Backup Operator (vendored definition) lists no backupJobs read; the operation "
            "name is UNCONFIRMED"),
    },
}


def _unexplained(command: str, found: list[str]) -> tuple[list[str], list[str]]:
    """(findings no known gap explains, known gaps not found)."""
    known = KNOWN_GAPS.get(command, {})
    return ([f for f in found if not any(f.startswith(k) for k in known)],
            [k for k in known if not any(f.startswith(k) for f in found)])


SCENARIOS: dict[str, tuple[str, list[list[str]]]] = {
    "rollout": ("credit-risk.yaml", [["rollout", "{spec}", "--endpoint", "scoring", "--model-version", "3"],
                                     ["rollback", "{spec}", "--endpoint", "scoring"]]),
    "promote": ("credit-risk.yaml", [["promote", "{spec}", "--package", "credit-risk", "--version", "2"]]),
    "train": ("credit-risk.yaml", [["train", "{spec}", "--job", "train-xgb", "--wait"]]),
    "batch run": ("lifecycle.yaml", [["batch", "run", "{spec}", "nightly-scoring"]]),
    "backup verify": ("credit-risk.yaml", [["backup", "verify", "{spec}"]]),
}


@pytest.mark.parametrize("command", list(SCENARIOS))
def test_every_call_of_the_command_is_allowed(command: str, calls: list[Made], clock: FakeClock,  # noqa: F811
                                              monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    api = _api(command)
    monkeypatch.setattr(ops_command, "make_backend", lambda cloud, s, gateway: azure_ops.AzureOps(s, gateway, api=api))
    spec, runs = SCENARIOS[command]
    path = write_spec(tmp_path, baseline(spec))
    for args in runs:
        main([*(a.replace("{spec}", path) for a in args), "--provider", "azure"])
    found = violations(graph(spec), role_name(DAY2_PERMISSIONS[command]), calls)
    assert calls and _unexplained(command, found) == ([], []), found


def test_row7_batch_run_reads_and_writes_the_spec_folders_as_the_invoker() -> None:
    # Issue 26 row 7: no permission granted the data `batch run` reads as its invoker.
    g = graph("lifecycle.yaml")
    made = Made("invoke_batch_endpoint", {"endpoint": "e", "job_name": "j",
                                          "input_path": "azureml://datastores/artifacts/paths/batch/customers/",
                                          "output_path": "azureml://datastores/artifacts/paths/batch/scores/"})
    assert violations(g, role_name("training.submit"), [made]) == []
    elsewhere = Made("invoke_batch_endpoint", {**made.params, "input_path": "azureml://datastores/artifacts/paths/models/"})
    assert [v.split(" on ")[0] for v in violations(g, role_name("training.submit"), [elsewhere])] == [
        "azureml.invoke_batch_endpoint: Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]


def test_every_command_has_a_scenario() -> None:
    assert set(SCENARIOS) | {"rollback"} == set(DAY2_PERMISSIONS)


def test_an_unmapped_call_is_caught() -> None:
    assert violations(graph("credit-risk.yaml"), role_name("endpoints.deploy"), [Made("delete_endpoint", {"name": "x"})]) == [
        "azureml.delete_endpoint: not in providers/azure/permissions.py CALLS"]


def test_a_missing_grant_is_caught() -> None:
    # The deployer without its registry read: a rollout could not deploy a registry model.
    g = graph("credit-risk.yaml")
    made = Made("create_deployment", {"endpoint": "e", "deployment": {}})
    assert violations(g, role_name("endpoints.deploy"), [made]) == []
    planted = dataclasses.replace(g, resources=[
        r for r in g if not (r.type == "azure-native:authorization:RoleAssignment" and "registry-user" in r.name
                             and "only-endpoints-deploy" in r.name)])
    assert violations(planted, role_name("endpoints.deploy"), [made]) == [
        "azureml.create_deployment: Microsoft.MachineLearningServices/registries/assets/read on registry "
        "Microsoft.MachineLearningServices/registries/mlr-credit-risk-prod"]


def test_a_blob_outside_the_conditions_folders_is_refused() -> None:
    condition = ("((!(ActionMatches{'x/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] "
                 "StringEquals 'artifacts' AND (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] "
                 "StringStartsWith 'batch/in/')))")
    blob = "/s/blobServices/default/containers/artifacts/blobs/"
    assert condition_admits(condition, blob + "batch/in/a.csv") and not condition_admits(condition, blob + "models/m")


def test_every_mapped_action_is_one_a_built_in_role_names() -> None:
    # A misspelt action would match nothing and always be "missing": each is matched by some
    # vendored role's (wildcard) actions or data actions.
    from fnmatch import fnmatchcase

    from tests.fidelity.azure.permissions import ROLES

    patterns = [p.lower() for r in ROLES.values() for p in (*r["actions"], *r["dataActions"])]
    unknown = [a for row in CALLS.values() for a, _, _ in row if not any(fnmatchcase(a.lower(), p) for p in patterns)]
    assert unknown == []


# --- the deploying identity: every type `pulumi up` creates is in the table ---------------------

@pytest.mark.parametrize("spec", GATE_SPECS)
def test_every_recorded_type_says_what_the_deployer_needs(spec: str) -> None:
    assert unmapped_types(built(spec, "azure")[1]) == []


def test_a_type_missing_from_the_deploy_table_is_caught() -> None:
    g = graph("credit-risk.yaml")
    stray = dataclasses.replace(next(iter(g.of_type("azure-native:keyvault:Vault"))), type="azure-native:cdn:Profile")
    assert unmapped_types(dataclasses.replace(g, resources=[*g, stray])) == ["azure-native:cdn:Profile"]


def test_the_kits_role_guids_are_the_published_ones() -> None:
    # providers/azure/roles.py names built-in roles by GUID: each is the vendored definition's id.
    import json

    from mlopskit.providers.azure.roles import ROLES
    from tests.conftest import ROOT

    vendored = json.loads((ROOT / "providers" / "catalog" / "iam" / "azure_roles.json").read_text())["roles"]
    assert dict(ROLES) == {name: role["id"] for name, role in vendored.items()}


def test_two_permissions_sharing_an_assignment_keep_both_conditions() -> None:
    # artifacts.read (the artifacts container) and backups.restore (also the scratch containers)
    # share one Storage Blob Data Reader assignment: it must admit what each needs.
    data = baseline("credit-risk.yaml")
    data["access"]["roles"] = [{"name": "reader-restorer", "permissions": ["artifacts.read", "backups.restore"],
                                "principals": ["group:ops@example.com"]}]
    g = preview(parse_stack(data, base_dir=STACKS), "azure")
    made = [Made("blob_checksums", {"container": "restore-check-1", "prefix": ""}),
            Made("blob_checksums", {"container": "artifacts", "prefix": ""})]
    assert violations(g, "reader-restorer", made) == []
