"""The GCP fidelity gate: 0 violations on every bundled and edge spec; each kind can fail.

Budget: one mocked preview per spec (cached for the module); the gate itself runs in
well under a second per graph.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from google.api_core import exceptions
from google.cloud import aiplatform_v1

from mlopskit.modules.graph import Graph
from mlopskit.modules.stack import Stack
from tests.fidelity.gcp import gate
from tests.fidelity.gcp.edge import GATE_SPECS, built
from tests.fidelity.gcp.vertex_check import (
    FakeVertex,
    StrictClient,
    check_custom_jobs,
    replay,
)


@pytest.mark.parametrize("spec", GATE_SPECS)
def test_gate_finds_nothing(spec: str) -> None:
    stack, graph = _built(spec)
    assert [str(v) for v in gate.run_gate(graph, stack)] == []


def planted(graph: Graph, name: str, mutate: Callable[[dict[str, Any]], Any]) -> Graph:
    """A copy of ``graph`` whose resource ``name`` has its inputs changed by ``mutate``."""
    resources = []
    for resource in graph:
        if resource.name == name:
            inputs = copy.deepcopy(resource.inputs)
            mutate(inputs)
            resource = dataclasses.replace(resource, inputs=inputs)
        resources.append(resource)
    return dataclasses.replace(graph, resources=resources)


def without(graph: Graph, keep: Callable[[Any], bool]) -> Graph:
    return dataclasses.replace(graph, resources=[r for r in graph if keep(r)])


def _found(stack: Stack, graph: Graph) -> list[str]:
    return [str(v) for v in gate.run_gate(graph, stack)]


PROD = "credit-risk.yaml"
P = "credit-risk-prod"


def _job_body(inputs: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> None:
    body = json.loads(inputs["content"]["value"])
    change(body)
    inputs["content"]["value"] = json.dumps(body)


# Each planted violation: (spec, resource, mutation, expected text in one finding).
PLANTS: dict[str, tuple[str, str, Callable[[dict[str, Any]], Any], str]] = {
    "unknown property": (PROD, f"{P}-artifacts-bucket", lambda i: i.update(bucketPolicyOnly=True),
                         f"{P}-artifacts-bucket: bucketPolicyOnly: unknown property of BucketArgs"),
    "missing required input": (PROD, f"{P}-artifacts-bucket", lambda i: i.pop("location"),
                               f"{P}-artifacts-bucket: location: required by BucketArgs but missing"),
    "wrong nested type": (PROD, f"{P}-artifacts-bucket", lambda i: i.update(versioning="yes"),
                          "versioning: expected an object (BucketVersioningArgs)"),
    "nested unknown property": (PROD, f"{P}-scoring-endpoint",
                                lambda i: i["privateServiceConnectConfig"].update(allowList=["x"]),
                                "privateServiceConnectConfig.allowList: unknown property"),
    "Vertex proto value": (PROD, f"{P}-scoring-deployment", lambda i: i.update(acceleratorType="NVIDIA_TESLA_T5"),
                           f"{P}-scoring-deployment: create:"),
    "custom job field": (PROD, f"{P}-train-xgb-job-spec",
                         lambda i: _job_body(i, lambda b: b["jobSpec"].update(workerPoolSpec=[])),
                         "content: not a CustomJob"),
    "code upload property": (PROD, f"{P}-train-xgb-code", lambda i: i.update(sourcePath="x"),
                             f"{P}-train-xgb-code: sourcePath: unknown property of BucketObjectArgs"),
    "python package spec field": (PROD, f"{P}-train-xgb-job-spec", lambda i: _job_body(
        i, lambda b: b["jobSpec"]["workerPoolSpecs"][0]["pythonPackageSpec"].update(packageUri="gs://x")),
        "content: not a CustomJob"),
    "batch job field": ("lifecycle.yaml", "churn-prod-batch-backfill-job-spec",
                        lambda i: _job_body(i, lambda b: b["inputConfig"].update(gcsSources=[])),
                        "content: not a BatchPredictionJob"),
    "batch job value": ("lifecycle.yaml", "churn-prod-batch-backfill-job-spec",
                        lambda i: _job_body(i, lambda b: b["dedicatedResources"].update(startingReplicaCount="two")),
                        "content: not a BatchPredictionJob"),
    "rollout steps": (PROD, f"{P}-scoring-deployment", lambda i: i.update(trafficSteps=[10.0, 50.0]),
                      "trafficSteps: [10.0, 50.0]: steps must rise within 0-100 and end at 100"),
    "label value": (PROD, f"{P}-scoring-endpoint", lambda i: i["labels"].update(strategy="Canary Rollout"),
                    "labels.strategy: 'Canary Rollout'"),
    "item 2: no parent model id": ("fraud-dev.yaml", "fraud-dev-detector-model", lambda i: i.update(modelId="9-bad"),
                                   "modelId: '9-bad': versions need one parent model id"),
    "item 4: malformed billing account": (PROD, f"{P}-budget-monthly", lambda i: i.update(billingAccount="acme"),
                                          "billingAccount: 'acme' is not a billing account id"),
    "item 6: unrequested GPU": ("max-names", "edge-stack-name-max-2468-prod-e-name-of-24-characters1-deployment",
                                lambda i: i.update(acceleratorType="NVIDIA_TESLA_T4", acceleratorCount=1.0),
                                "NVIDIA_TESLA_T4 on n1-standard-4 although the spec asks for no GPU"),
    "item 7: no PSC automation": (PROD, f"{P}-scoring-endpoint",
                                  lambda i: i["privateServiceConnectConfig"].pop("pscAutomationConfigs"),
                                  "a PSC endpoint without a consumer forwarding rule is unreachable"),
    "item 11: overwrite under retention": (PROD, f"{P}-backups-artifacts",
                                           lambda i: i["transferSpec"]["transferOptions"].update(overwriteWhen="DIFFERENT"),
                                           "DIFFERENT into retention-locked bucket"),
}


@pytest.mark.parametrize("kind", list(PLANTS))
def test_planted_violation_is_caught(kind: str) -> None:
    spec, name, mutate, expected = PLANTS[kind]
    stack, graph = _built(spec)
    found = _found(stack, planted(graph, name, mutate))
    assert any(expected in f for f in found), found


def test_missing_api_and_policy_are_caught() -> None:
    stack, graph = _built(PROD)
    no_scanning = without(graph, lambda r: r.inputs.get("service") != "containerscanning.googleapis.com")
    assert any("calls containerscanning.googleapis.com, which the stack does not enable" in f for f in _found(stack, no_scanning))
    no_policy = without(graph, lambda r: not r.type.startswith("gcp:networkconnectivity/"))
    assert any("no gcp-vertexai service connection policy" in f for f in _found(stack, no_policy))


def test_placeholder_billing_account_needs_its_warning() -> None:
    stack, graph = _built(PROD)
    silent = dataclasses.replace(graph, warnings=[w for w in graph.warnings if w.path != "budget"])
    assert any("placeholder account without the offline-preview warning" in f for f in _found(stack, silent))


def test_strict_client_refuses_unknown_methods_arguments_and_fields() -> None:
    client = StrictClient(aiplatform_v1.EndpointServiceClient, FakeVertex())
    with pytest.raises(AttributeError, match="has no method deploy_models"):
        client.deploy_models(endpoint="e")
    with pytest.raises(TypeError):
        client.deploy_model(endpoint="e", deployed_model=aiplatform_v1.DeployedModel(), traffic_splits={"0": 100})
    with pytest.raises(ValueError):
        StrictClient(aiplatform_v1.ModelServiceClient, FakeVertex()).upload_model(request={"parent": "p", "parentModel": "x"})


def test_fake_vertex_enforces_the_documented_rules() -> None:
    fake = FakeVertex()
    model = aiplatform_v1.Model(display_name="m")
    fake.upload_model(parent="p", model=model, model_id="m")
    with pytest.raises(exceptions.AlreadyExists):
        fake.upload_model(parent="p", model=model, model_id="m")
    with pytest.raises(exceptions.FailedPrecondition, match="only version"):
        fake.delete_model_version(name="p/models/m@1")
    fake.upload_model(parent="p", model=model, parent_model="p/models/m")
    fake.deploy_model(endpoint="e", deployed_model=aiplatform_v1.DeployedModel(model="p/models/m@2"), traffic_split={"0": 90})
    assert fake.problems == ["deploy_model: traffic_split {'0': 90} sums to 90, not 100"]
    with pytest.raises(exceptions.FailedPrecondition, match="deployed"):
        fake.delete_model_version(name="p/models/m@2")


def test_replay_catches_uploads_that_ignore_the_parent_model(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 12 item 2: a provider that never finds the parent model uploads every
    # version as a new model; Vertex refuses the second one under the same id.
    from mlopskit.providers.gcp import vertex

    monkeypatch.setattr(vertex.VertexModelProvider, "_existing", lambda self, client, name: None)
    _, graph = _built("fraud-dev.yaml")
    assert any("AlreadyExists" in str(v) and "parent_model" in str(v) for v in replay(graph))


def test_custom_job_check_reads_the_scheduler_body_too() -> None:
    _, graph = _built(PROD)
    assert any(r.type == "gcp:cloudscheduler/job:Job" for r in graph)
    assert check_custom_jobs(graph) == []


def _built(spec: str) -> tuple[Stack, Graph]:
    return built(spec, "gcp")
