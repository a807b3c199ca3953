"""Experiment tracking (issue 18 item 3): the backend on each cloud, its field, the
experiments.read / experiments.write permissions, and its cost (a size the catalog has no rate
for stays unknown, never $0).

Budget: six mocked previews of the lifecycle example with experiments, ~15 s alone.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.providers.costing import estimate
from tests.specs import baseline


def spec(experiments: dict[str, Any] | None = None, permissions: tuple[str, ...] = ("experiments.read", "experiments.write")) -> dict[str, Any]:
    data = baseline("lifecycle.yaml")
    data.pop("experiments")  # the bundled example tracks experiments: each test sets its own
    if experiments is not None:
        data["experiments"] = experiments
    data["access"] = {"roles": [{"name": "scientist", "permissions": list(permissions)}]}
    return data


@cache
def _graph(cloud: str, data_json: str) -> Graph:
    return preview(parse_stack(json.loads(data_json)), cloud)  # type: ignore[arg-type]


def graph(cloud: str, data: dict[str, Any]) -> Graph:
    return _graph(cloud, json.dumps(data, sort_keys=True))


def one(g: Graph, type_: str) -> RecordedResource:
    found = g.of_type(type_)
    assert len(found) == 1, [r.name for r in found]
    return found[0]


def policy(g: Graph, role: str) -> list[dict[str, Any]]:
    inputs = next(r.inputs for r in g.of_type("aws:iam/role:Role") if r.inputs["name"].endswith(role))
    return [s for p in inputs.get("inlinePolicies", []) for s in json.loads(p["policy"])["Statement"]]


# -- AWS: the managed MLflow tracking server -------------------------------------------------
def test_aws_runs_a_tracking_server_sized_by_the_spec_in_the_stack_bucket() -> None:
    server = one(graph("aws", spec({"size": "medium"})), "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer").inputs
    assert server["trackingServerSize"] == "Medium"
    assert server["trackingServerName"] == "churn-prod-experiments"
    assert server["artifactStoreUri"] == "s3://churn-prod-artifacts-123456789012/experiments/"
    assert server["roleArn"].endswith(":role/churn-prod-training")
    assert one(graph("aws", spec({})), "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer").inputs[
        "trackingServerSize"] == "Small"


def test_aws_grants_reach_the_tracking_server_only() -> None:
    statements = policy(graph("aws", spec({})), "access-scientist")
    mlflow = [s for s in statements if any(a.startswith("sagemaker-mlflow:") for a in s["Action"])]
    assert {a for s in mlflow for a in s["Action"]} >= {"sagemaker-mlflow:SearchRuns", "sagemaker-mlflow:LogBatch"}
    assert {s["Resource"] for s in mlflow} == {
        "arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/churn-prod-experiments"}
    # The training role (which the server runs as) writes runs and their artifacts.
    training = policy(graph("aws", spec({})), "prod-training")
    assert any("sagemaker-mlflow:CreateRun" in s["Action"] for s in training)


def test_a_grant_without_a_backend_exits_2_naming_the_permission(tmp_path, capsys) -> None:
    import yaml

    from mlopskit.cli import main

    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec(permissions=("artifacts.read", "experiments.write"))))
    assert main(["validate", str(path), "--provider", "aws"]) == 2
    assert "access.roles[0].permissions[1]: experiments.write needs an experiments section" in capsys.readouterr().err


# -- GCP: Vertex AI Experiments' TensorBoard and metadata store ----------------------------------
def test_gcp_builds_an_encrypted_tensorboard_and_leaves_the_default_metadata_store() -> None:
    # The region's `default` metadata store is the project's (Vertex creates it on first use):
    # the stack never creates or deletes it (issue 26 row 3, tests/fidelity/test_singletons.py).
    g = graph("gcp", spec({}))
    board = one(g, "gcp:vertex/aiTensorboard:AiTensorboard").inputs
    assert not g.of_type("gcp:vertex/aiMetadataStore:AiMetadataStore")
    assert "/cryptoKeys/" in board["encryptionSpec"]["kmsKeyName"]
    assert board["region"] == "europe-west4"
    assert not any(w.path == "experiments.size" for w in g.warnings)


def test_gcp_grants_custom_roles_project_wide_and_says_so() -> None:
    g = graph("gcp", spec({}))
    members = {r.inputs["role"].rsplit("_", 1)[-1] for r in g.of_type("gcp:projects/iAMMember:IAMMember")
               if "scientist" in r.inputs["member"]}
    assert members == {"experimentReader", "experimentWriter"}
    writer = next(r.inputs for r in g.of_type("gcp:projects/iAMCustomRole:IAMCustomRole")
                  if r.inputs["roleId"].endswith("experimentWriter"))
    assert "aiplatform.tensorboardRuns.create" in writer["permissions"]
    assert any(w.path == "access.roles[0].permissions" and "experiments.read" in w.message for w in g.warnings)


# -- Azure: the workspace's MLflow, roles only ---------------------------------------------------
def test_azure_points_at_the_workspace_mlflow_and_warns_for_read_only() -> None:
    g = graph("azure", spec({}, permissions=("experiments.read",)))
    assert "experimentsTrackingUri" in g.outputs
    assignments = [r.inputs for r in g.of_type("azure-native:authorization:RoleAssignment")
                   if "role-scientist" in r.name]
    assert [a["scope"].rsplit("/", 2)[-2] for a in assignments] == ["workspaces"]
    assert any(w.path == "access.roles[0].permissions[0]" and "may also write" in w.message for w in g.warnings)


# -- the field: a resource input on AWS, a warning where the cloud has no size -------------------
@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_size_is_a_warning_where_the_backend_has_none(cloud: str) -> None:
    assert [w.path for w in graph(cloud, spec({"size": "large"})).warnings if w.path.startswith("experiments")] == [
        "experiments.size"]


# -- cost: priced where the catalog has the rate, unknown (never $0) where it has none --------------
@pytest.mark.parametrize("cloud,size,names", [
    ("aws", "small", {"MLflow tracking server (Small)": True}),
    ("aws", "medium", {"MLflow tracking server (Medium)": False}),  # no source for Medium: unpriced
    ("gcp", "small", {"Metadata storage": True, "TensorBoard storage": True})])
def test_the_backend_is_priced_or_unknown_never_free(cloud: str, size: str, names: dict[str, bool]) -> None:
    data = spec({"size": size})
    lines = [c for r in estimate(graph(cloud, data), parse_stack(data)).resources if "experiments" in r.name
             for c in r.components]
    assert {c.component.name: bool(c.monthly_cost) for c in lines} == names
    assert all(c.monthly_cost is None for c in lines if not names[c.component.name])
