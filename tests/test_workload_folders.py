"""No workload identity holds data access wider than the folders its jobs read or write, on
every bundled spec and every cloud (docs/permissions.md, "The folders each workload identity may
touch"): read from the recorded grants themselves (AWS policy resources, GCP IAM conditions,
Azure ABAC conditions), with a planted wide grant per cloud proving the check can fail."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from mlopskit.engine import preview
from mlopskit.modules import Stack
from mlopskit.modules.facts import PURPOSE_TAG
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.providers.azure.roles import ROLES
from tests.conftest import STACKS
from tests.specs import stack

SPECS = tuple(sorted(p.name for p in STACKS.glob("*.yaml") if not p.name.startswith("Pulumi.")))
CLOUDS = ("aws", "gcp", "azure")
_S3_DATA = {"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}
_AZURE_DATA_ROLES = {ROLES["Storage Blob Data Reader"], ROLES["Storage Blob Data Contributor"]}
WHOLE = ""  # the prefix of a grant on the whole store


# -- what each workload's jobs read or write (the spec decides the batch and monitoring folders) --

def _batch(spec: Stack) -> set[str]:
    return {folder for job in spec.batch for folder in (job.input, job.output)}


def _monitoring(spec: Stack) -> set[str]:
    folders = {"data-capture/", "monitoring/"}
    if any(e.monitoring.kit_job for e in spec.endpoints):
        folders.add("code/mlopskit-monitor/")  # the kit monitor job's own code (providers/aws/monitor_job.py)
    for endpoint in spec.endpoints:
        for section in (endpoint.monitoring.quality, endpoint.monitoring.bias, endpoint.monitoring.explainability):
            for field in ("ground_truth", "baseline"):
                value = getattr(section, field, None)
                if isinstance(value, str):
                    folders.add(value)
    return folders


def _gcp_monitor(spec: Stack) -> set[str]:
    """The kit monitor job on GCP reads its captures from BigQuery, not the bucket: only its
    endpoint's own monitoring folder (settings, report, default baseline) and the spec's stated
    baseline and ground-truth folders (providers/gcp/monitor_job.py)."""
    folders = set()
    for endpoint in (e for e in spec.endpoints if e.monitoring.kit_job):
        folders.add(f"monitoring/{endpoint.name}/")
        for section in (endpoint.monitoring.drift, endpoint.monitoring.quality, endpoint.monitoring.bias,
                        endpoint.monitoring.explainability):
            for field in ("ground_truth", "baseline"):
                value = getattr(section, field, None)
                if isinstance(value, str):
                    folders.add(value)
    return folders


def _artifacts(spec: Stack) -> set[str]:
    return {str(e.model.artifact_prefix) for e in spec.endpoints if getattr(e.model, "artifact_prefix", None)}


def _gates(spec: Stack) -> tuple[set[str], set[str], set[str]]:
    """AWS training gates (training[].evaluation): the hold-out folders, each gated job's
    evaluation/<job>/ (predictions and report of every run), and what the gate's Processing step
    reads besides them (its code and the data the candidate trained on)."""
    gated = [job for job in spec.training if job.evaluation is not None]
    holdouts = {str(job.evaluation.holdout) for job in gated if job.evaluation is not None}
    return (holdouts, {f"evaluation/{job.name}/" for job in gated},
            {folder for job in gated for folder in (f"code/{job.name}/", f"data/{job.name}/")})


def allowed(spec: Stack, cloud: str) -> dict[str, set[str]]:
    training = {"code/", "data/", "models/", "checkpoints/", "experiments/", "training/"}
    if cloud == "aws":
        # A gate's Transform steps run as the inference role: they read the hold-out set and write
        # the predictions; its Processing step runs as the evaluation role.
        holdouts, outputs, gate_reads = _gates(spec)
        return {"training": training, "monitoring": _monitoring(spec),
                "inference": {"models/", "data-capture/"} | _batch(spec) | _artifacts(spec) | holdouts | outputs,
                "evaluation": holdouts | outputs | gate_reads}
    if cloud == "gcp":
        return {"training": training, "serving": {"models/"}, "batch": _batch(spec), "monitor": _gcp_monitor(spec)}
    # The kit monitor job's identity (providers/azure/monitor_job.py): its baselines, labels, settings and
    # reports, its code, and the data collector's folder of the workspace's own containers.
    monitoring = (_monitoring(spec) - {"data-capture/"}) | {"modelDataCollector/"}
    return {"training": training | _batch(spec), "serving": {"models/"}, "workspace": {"code/", "models/"},
            "monitoring": monitoring}


# -- what each workload's grants reach, per cloud ------------------------------------------

def _artifacts_bucket(graph: Graph, type_: str, name_key: str) -> str:
    found = [r.inputs[name_key] for r in graph.of_type(type_) if (r.inputs.get("tags") or r.inputs.get("labels") or {})
             .get(PURPOSE_TAG) == "artifacts"]
    assert len(found) == 1, found
    return str(found[0])


def _aws(graph: Graph) -> dict[str, set[str]]:
    bucket = f"arn:aws:s3:::{_artifacts_bucket(graph, 'aws:s3/bucket:Bucket', 'bucket')}/"
    reach: dict[str, set[str]] = {}
    for role in graph.of_type("aws:iam/role:Role"):
        workload = role.name.rsplit("-identity-", 1)[-1]
        for policy in role.inputs.get("inlinePolicies") or []:
            for statement in json.loads(policy["policy"])["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                if statement["Effect"] != "Allow" or not _S3_DATA & set(actions):
                    continue
                for resource in resources:
                    if resource.startswith(bucket):
                        reach.setdefault(workload, set()).add(resource[len(bucket):].rstrip("*"))
    return reach


def _gcp(graph: Graph) -> dict[str, set[str]]:
    bucket = _artifacts_bucket(graph, "gcp:storage/bucket:Bucket", "name")
    accounts = {f"serviceAccount:{a.outputs['email']}": a.name.rsplit("-identity-", 1)[-1]
                for a in graph.of_type("gcp:serviceaccount/account:Account")}
    reach: dict[str, set[str]] = {}
    for member in graph.of_type("gcp:storage/bucketIAMMember:BucketIAMMember"):
        workload = accounts.get(str(member.inputs["member"]))
        if member.inputs["bucket"] != bucket or workload is None:
            continue
        expression = (member.inputs.get("condition") or {}).get("expression", "")
        prefixes = re.findall(rf'"projects/_/buckets/{re.escape(bucket)}/objects/([^"]*)"', expression)
        reach.setdefault(workload, set()).update(prefixes or [WHOLE])
    return reach


def _azure(graph: Graph) -> dict[str, set[str]]:
    principals = {i.outputs["principalId"]: i.name.rsplit("-identity-", 1)[-1]
                  for i in graph.of_type("azure-native:managedidentity:UserAssignedIdentity")}
    reach: dict[str, set[str]] = {}
    for assignment in graph.of_type("azure-native:authorization:RoleAssignment"):
        workload = principals.get(assignment.inputs.get("principalId"))
        if workload is None or str(assignment.inputs["roleDefinitionId"]).rsplit("/", 1)[-1] not in _AZURE_DATA_ROLES:
            continue
        condition = assignment.inputs.get("condition") or ""
        prefixes = re.findall(r"blobs:path\] StringStartsWith '([^']*)'", condition)
        reach.setdefault(workload, set()).update(prefixes or [WHOLE])
    return reach


REACH: dict[str, Callable[[Graph], dict[str, set[str]]]] = {"aws": _aws, "gcp": _gcp, "azure": _azure}


def too_wide(graph: Graph, spec: Stack, cloud: str) -> list[str]:
    """Each folder a workload identity can read or write beyond its jobs' folders, as one line."""
    limits = allowed(spec, cloud)
    problems = []
    for workload, prefixes in sorted(REACH[cloud](graph).items()):
        if workload not in limits:
            continue  # an access role's identity (the vocabulary), not a workload
        for prefix in sorted(prefixes):
            if prefix == WHOLE or not any(prefix.startswith(folder) for folder in limits[workload]):
                problems.append(f"{workload}: {prefix or 'the whole store'}")
    return problems


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("spec", SPECS)
def test_no_workload_reaches_beyond_its_folders(spec: str, cloud: str) -> None:
    parsed = stack(spec)
    graph = preview(parsed, cloud)  # type: ignore[arg-type]
    reach = REACH[cloud](graph)
    assert {"training"} <= set(reach), f"nothing found to check: {sorted(reach)}"
    assert too_wide(graph, parsed, cloud) == []


# -- planted wide grants: one per cloud --------------------------------------------------------

def _plant(graph: Graph, pick: Callable[[RecordedResource], bool], widen: Callable[[dict[str, Any]], dict[str, Any]]) -> Graph:
    resources = [replace(r, inputs=widen(dict(r.inputs))) if pick(r) else r for r in graph.resources]
    assert resources != list(graph.resources), "nothing planted"
    return Graph(provider=graph.provider, stack=graph.stack, resources=resources)


def _aws_whole_bucket(inputs: dict[str, Any]) -> dict[str, Any]:
    policies = []
    for policy in inputs["inlinePolicies"]:
        document = json.loads(policy["policy"])
        for statement in document["Statement"]:
            if "s3:GetObject" in statement["Action"]:
                statement["Resource"] = [re.sub(r"/code/\*$", "/*", r) for r in statement["Resource"]]
        policies.append({**policy, "policy": json.dumps(document)})
    return {**inputs, "inlinePolicies": policies}


PLANTS: dict[str, tuple[Callable[[RecordedResource], bool], Callable[[dict[str, Any]], dict[str, Any]], str]] = {
    # The training role reading the whole bucket (captures included), as before issue 27.
    "aws": (lambda r: r.name.endswith("-identity-training"), _aws_whole_bucket, "training: the whole store"),
    # The serving account's grant without its IAM condition.
    "gcp": (lambda r: r.name.endswith("-artifacts-serving-objectviewer"), lambda i: {**i, "condition": None},
            "serving: the whole store"),
    # The training identity's storage role without its ABAC condition.
    "azure": (lambda r: r.name.endswith("-training-blob-contributor-storage"), lambda i: {**i, "condition": None},
              "training: the whole store"),
}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_planted_wide_grant_is_caught(cloud: str) -> None:
    parsed = stack("credit-risk.yaml")
    graph = preview(parsed, cloud)  # type: ignore[arg-type]
    pick, widen, expected = PLANTS[cloud]
    assert expected in too_wide(_plant(graph, pick, widen), parsed, cloud)


def test_a_planted_wide_monitor_grant_is_caught() -> None:
    """The GCP monitor account's report grant without its condition reaches the whole store."""
    parsed = stack("credit-risk.yaml")
    graph = preview(parsed, "gcp")
    assert "monitor" in _gcp(graph) and too_wide(graph, parsed, "gcp") == []
    planted = _plant(graph, lambda r: r.name.endswith("-artifacts-monitor-objectuser"), lambda i: {**i, "condition": None})
    assert too_wide(planted, parsed, "gcp") == ["monitor: the whole store"]


def test_a_planted_wide_gate_grant_is_caught() -> None:
    """The AWS gate's evaluation role reading every job's data rather than its own job's."""
    parsed = stack("continuous-training.yaml")
    graph = preview(parsed, "aws")
    assert "evaluation" in _aws(graph), "the spec's gate has no evaluation role to check"

    def every_job(inputs: dict[str, Any]) -> dict[str, Any]:
        policies = [{**p, "policy": p["policy"].replace("/data/churn-train/*", "/data/*")} for p in inputs["inlinePolicies"]]
        return {**inputs, "inlinePolicies": policies}

    planted = _plant(graph, lambda r: r.name.endswith("-identity-evaluation"), every_job)
    assert too_wide(planted, parsed, "aws") == ["evaluation: data/"]


def test_a_planted_foreign_folder_is_caught() -> None:
    """A condition naming a folder outside the job's (the captures) fails as a whole-store grant does."""
    parsed = stack("credit-risk.yaml")
    graph = preview(parsed, "gcp")
    planted = _plant(graph, lambda r: r.name.endswith("-artifacts-serving-objectviewer"),
                     lambda i: {**i, "condition": {**i["condition"], "expression": i["condition"]["expression"].replace(
                         "/objects/models/", "/objects/data-capture/")}})
    assert too_wide(planted, parsed, "gcp") == ["serving: data-capture/"]


def test_a_planted_wide_monitor_grant_is_caught_on_azure() -> None:
    """The kit monitor job's reader grant without its ABAC condition reaches the whole account, and one
    naming the training data instead of the collector's folder reaches a folder outside the job's."""
    parsed = stack("credit-risk.yaml")
    graph = preview(parsed, "azure")
    pick = lambda r: r.name.endswith("-monitoring-blob-reader-storage")  # noqa: E731
    assert "monitoring: the whole store" in too_wide(_plant(graph, pick, lambda i: {**i, "condition": None}), parsed, "azure")
    foreign = _plant(graph, pick, lambda i: {**i, "condition": i["condition"].replace("'modelDataCollector/'", "'data/'")})
    assert too_wide(foreign, parsed, "azure") == ["monitoring: data/"]
