"""The ordering gate (tests/fidelity/ordering.py) on every bundled and edge spec, on specs the
property strategies generate (the singleton gate runs on those too), and against planted missing
dependencies.

Budget: one mocked preview per (spec, cloud), shared with the fidelity gates (edge.built);
the generated specs add a few previews (``GENERATED`` examples, each on its placed clouds).
"""

from __future__ import annotations

import dataclasses
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.errors import SpecError
from mlopskit.modules.graph import Graph
from tests.conftest import STACKS
from tests.fidelity.aws import ordering as aws_ordering
from tests.fidelity.azure import ordering as azure_ordering
from tests.fidelity.azure.permissions import unmapped_types as azure_deploy_types
from tests.fidelity.gcp import ordering as gcp_ordering
from tests.fidelity.gcp.edge import GATE_SPECS, built
from tests.fidelity.gcp.permissions import unmapped_types as gcp_deploy_types
from tests.fidelity.kubernetes import ordering as kubernetes_ordering
from tests.fidelity.ordering import run_gate, transitive
from tests.fidelity.singleton_tables import SINGLETONS
from tests.fidelity.singletons import held
from tests.property.strategies import schema_specs

CLOUDS = ("aws", "gcp", "azure", "kubernetes")
GENERATED = 4  # examples of schema_specs, each previewed on every cloud it places


TABLES: dict[str, ModuleType] = {"aws": aws_ordering, "gcp": gcp_ordering, "azure": azure_ordering,
                                  "kubernetes": kubernetes_ordering}


def table(cloud: str) -> ModuleType:
    return TABLES[cloud]


def found(graph: Graph, cloud: str) -> list[str]:
    module = table(cloud)
    return [str(v) for v in run_gate(graph, module.TABLE, module.ALWAYS)]


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("spec", GATE_SPECS)
def test_every_precondition_is_waited_for(spec: str, cloud: str) -> None:
    if cloud == "kubernetes" and not placed(spec, cloud):
        pytest.skip(f"{spec} is not placed on {cloud}")  # llm-serving names no GPU model, which a cluster needs
    assert found(built(spec, cloud)[1], cloud) == []


def placed(spec: str, cloud: str) -> bool:
    from tests.fidelity.gcp.edge import EDGE_SPECS
    from tests.specs import baseline

    data = EDGE_SPECS[spec]() if spec in EDGE_SPECS else baseline(spec)
    return cloud in data["placement"]


@settings(max_examples=GENERATED, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(schema_specs())
def test_generated_specs_wait_for_their_preconditions(doc: dict[str, Any]) -> None:
    try:
        stack = parse_stack(doc, base_dir=STACKS)
    except SpecError:
        return  # refused specs build nothing (tests/property covers how they are refused)
    for cloud in doc["placement"]:
        try:
            graph = preview(stack, cloud)
        except SpecError:
            continue  # a cloud-specific refusal (exit 2): nothing recorded to order
        PREVIEWED.append(cloud)
        assert found(graph, cloud) == [], cloud
        # The singleton gate on the same preview (tests/fidelity/test_singletons.py has its plants).
        assert [str(v) for v in held(graph, SINGLETONS[cloud])] == [], cloud
        # The deploying identity's table (issue 26 item 3; plants in tests/fidelity/<cloud>/test_permissions.py).
        if cloud in DEPLOY_GATES:
            assert DEPLOY_GATES[cloud](graph) == [], cloud


PREVIEWED: list[str] = []
DEPLOY_GATES = {"gcp": gcp_deploy_types, "azure": azure_deploy_types}


def test_generated_specs_were_previewed() -> None:
    # The property above proves nothing if every example was refused before a preview.
    if not PREVIEWED:
        test_generated_specs_wait_for_their_preconditions()
    assert PREVIEWED


def _cut(graph: Graph, name: str) -> Graph:
    """``graph`` with resource ``name`` waiting for nothing."""
    return dataclasses.replace(graph, resources=[
        dataclasses.replace(r, dependencies=()) if r.name == name else r for r in graph])


P = "credit-risk-prod"
# (cloud, resource whose dependencies are cut, the finding expected)
PLANTS = {
    "gcp: bucket before its storage agent's key grant": (
        "gcp", f"{P}-artifacts-bucket",
        f"{P}-artifacts-bucket (gcp:storage/bucket:Bucket): needs {P}-keys-europe-west4-storage "
        "(gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember), which it does not wait for"),
    "gcp: key ring before the Cloud KMS API": (
        "gcp", f"{P}-keys-europe-west4-ring",
        f"{P}-keys-europe-west4-ring (gcp:kms/keyRing:KeyRing): needs {P}-services-cloudkms "
        "(gcp:projects/service:Service), which it does not wait for"),
    "azure: code upload before its container": (
        "azure", f"{P}-training-train-xgb-code-upload",
        f"{P}-training-train-xgb-code-upload (pulumi-python:dynamic:Resource): needs {P}-storage-artifacts "
        "(azure-native:storage:BlobContainer), which it does not wait for"),
    "azure: account before its key grant": (
        "azure", f"{P}-storage-account",
        f"{P}-storage-account (azure-native:storage:StorageAccount): needs {P}-keys-cmk-encryption-user "
        "(azure-native:authorization:RoleAssignment), which it does not wait for"),
    "azure: workspace before Azure Cosmos DB's key grant": (  # issue 26 row 5 (first-up2)
        "azure", f"{P}-workspace-workspace",
        f"{P}-workspace-workspace (azure-native:machinelearningservices:Workspace): needs "
        f"{P}-keys-cmk-cosmosdb-encryption-user (azure-native:authorization:RoleAssignment), which it does not wait for"),
    "kubernetes: training CronJob before its ServiceAccount and the default-deny policy": (
        "kubernetes", f"{P}-train-xgb-job",
        f"{P}-train-xgb-job (kubernetes:batch/v1:CronJob): needs {P}-identity-training "
        "(kubernetes:core/v1:ServiceAccount), which it does not wait for"),
    "kubernetes: InferenceService before its namespace": (
        "kubernetes", f"{P}-scoring-isvc",
        f"{P}-scoring-isvc (kubernetes:serving.kserve.io/v1beta1:InferenceService): needs {P}-namespace-ns "
        "(kubernetes:core/v1:Namespace), which it does not wait for"),
    "aws: endpoint before the ECR endpoint": (
        "aws", f"{P}-endpoint-scoring-endpoint",
        f"{P}-endpoint-scoring-endpoint (aws:sagemaker/endpoint:Endpoint): needs {P}-network-ecr-dkr "
        "(aws:ec2/vpcEndpoint:VpcEndpoint), which it does not wait for"),
}


@pytest.mark.parametrize("plant", PLANTS)
def test_a_missing_dependency_is_found(plant: str) -> None:
    cloud, name, expected = PLANTS[plant]
    findings = found(_cut(built("credit-risk.yaml", cloud)[1], name), cloud)
    assert any(f.startswith(expected) for f in findings), findings


def test_a_type_missing_from_the_table_is_found() -> None:
    graph = built("credit-risk.yaml", "gcp")[1]
    module = table("gcp")
    partial = {k: v for k, v in module.TABLE.items() if k != "gcp:storage/bucket:Bucket"}
    findings = [str(v) for v in run_gate(graph, partial, module.ALWAYS)]
    assert f"{P}-artifacts-bucket (gcp:storage/bucket:Bucket): no entry in the ordering table for " \
           "gcp:storage/bucket:Bucket" in findings


def _waits(cloud: str, name: str) -> set[str]:
    graph = built("credit-risk.yaml", cloud)[1]
    by_urn = {r.urn: r for r in graph}
    return {by_urn[u].name for u in transitive(by_urn, next(r.urn for r in graph if r.name == name)) if u in by_urn}


def test_row1_azure_code_upload_waits_for_its_container_and_private_path() -> None:
    # Issue 26 row 1: the upload recorded `dependencies: []`.
    assert {f"{P}-storage-artifacts", f"{P}-network-pe-blob", f"{P}-network-pe-blob-dns"} <= _waits(
        "azure", f"{P}-training-train-xgb-code-upload")


# (The metadata store of row 2 is no longer created at all: row 3, tests/fidelity/test_singletons.py.)
@pytest.mark.parametrize("name", ["artifacts-bucket", "experiments-tensorboard", "scoring-endpoint"])
def test_row2_gcp_cmek_resources_wait_for_the_agents_key_grants(name: str) -> None:
    # Issue 26 row 2: they waited for the key only. (credit-risk has no experiments: max-names has.)
    spec = "max-names" if "experiments" in name else "credit-risk.yaml"
    graph = built(spec, "gcp")[1]
    resource = next(r for r in graph if r.name.endswith(name))
    by_urn = {r.urn: r for r in graph}
    waits = {by_urn[u].name for u in transitive(by_urn, resource.urn) if u in by_urn}
    agent = "storage" if "bucket" in name else "aiplatform"
    assert any(w.endswith(f"-keys-europe-west4-{agent}") for w in waits), sorted(waits)


def test_the_private_azure_first_deploy_path_names_the_uploads_the_program_records() -> None:
    # docs/deploy.md excludes the uploads by a URN glob: it must match what the program records.
    from tests.conftest import ROOT

    deploy = (ROOT / "docs" / "deploy.md").read_text()
    assert "pulumi up -s prod-azure --exclude '**code-upload' --exclude-dependents" in deploy
    uploads = [r for r in built("credit-risk.yaml", "azure")[1] if r.inputs.get("kind") == "azure-code-upload"]
    assert uploads and all(r.urn.endswith("code-upload") for r in uploads)
