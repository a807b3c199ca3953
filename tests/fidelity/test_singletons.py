"""The singleton gate (tests/fidelity/singletons.py) on every bundled and edge spec, on two
stacks of different names in one project/account/subscription, and against planted violations."""

from __future__ import annotations

import dataclasses
from functools import cache

import pytest

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph
from tests.conftest import STACKS
from tests.fidelity.gcp.edge import GATE_SPECS, built, max_names
from tests.fidelity.singleton_tables import CLOUD_NAMED, SINGLETONS
from tests.fidelity.singletons import held, unlisted

CLOUDS = ("aws", "gcp", "azure")


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("spec", GATE_SPECS)
def test_no_singleton_is_created_plainly(spec: str, cloud: str) -> None:
    assert [str(v) for v in held(built(spec, cloud)[1], SINGLETONS[cloud])] == []


@cache
def _twin(cloud: str) -> Graph:
    """The max-names edge spec (experiments, backups, every part) under another stack name."""
    doc = max_names()
    doc["metadata"]["name"] = "another-team"
    return preview(parse_stack(doc, base_dir=STACKS), cloud)  # type: ignore[arg-type]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_what_two_stacks_would_share_is_listed(cloud: str) -> None:
    found = unlisted(built("max-names", cloud)[1], _twin(cloud), SINGLETONS[cloud], CLOUD_NAMED[cloud])
    assert [str(v) for v in found] == []


def test_a_constant_identity_off_the_list_is_found() -> None:
    listed = {k: v for k, v in SINGLETONS["gcp"].items() if k != "gcp:projects/iAMAuditConfig:IAMAuditConfig"}
    found = [str(v) for v in unlisted(built("max-names", "gcp")[1], _twin("gcp"), listed, CLOUD_NAMED["gcp"])]
    assert "edge-stack-name-max-2468-prod-audit-aiplatform (gcp:projects/iAMAuditConfig:IAMAuditConfig): the same " \
           "in two stacks of different names (a constant identity): not on the singleton list" in found


def test_the_twin_comparison_sees_a_constant_name() -> None:
    # A `default` metadata store planted in both stacks is one both would own.
    def plant(graph: Graph) -> Graph:
        board = next(r for r in graph if r.type == "gcp:vertex/aiTensorboard:AiTensorboard")
        store = dataclasses.replace(board, type="gcp:vertex/aiMetadataStore:AiMetadataStore", name=f"{board.name}-md",
                                    urn=f"{board.urn}-md", inputs={"name": "default", "project": "acme-ml-prod",
                                                                   "region": "europe-west4"})
        return dataclasses.replace(graph, resources=[*graph.resources, store])

    listed = {k: v for k, v in SINGLETONS["gcp"].items() if "aiMetadataStore" not in k}
    found = [str(v) for v in unlisted(plant(built("max-names", "gcp")[1]), plant(_twin("gcp")), listed,
                                      CLOUD_NAMED["gcp"])]
    assert any("(gcp:vertex/aiMetadataStore:AiMetadataStore): the same in two stacks" in f for f in found), found


def test_a_plain_singleton_is_found() -> None:
    graph = built("credit-risk.yaml", "gcp")[1]
    planted = dataclasses.replace(graph, resources=[
        dataclasses.replace(r, retain_on_delete=False) if r.type.endswith("IAMAuditConfig") else r for r in graph])
    found = [str(v) for v in held(planted, SINGLETONS["gcp"])]
    assert "credit-risk-prod-audit-aiplatform (gcp:projects/iAMAuditConfig:IAMAuditConfig): one per project and " \
           "audited service, created plainly: a destroy would delete it (retain_on_delete)" in found


def test_a_shared_diagnostic_setting_is_found() -> None:
    graph = built("credit-risk.yaml", "azure")[1]
    first = next(r for r in graph if r.type == "azure-native:monitor:DiagnosticSetting")
    shared = dataclasses.replace(first, inputs={**first.inputs, "resourceUri": "/subscriptions/0000"})
    found = [str(v) for v in held(dataclasses.replace(graph, resources=[shared]), SINGLETONS["azure"])]
    assert found == [f"{first.name} (azure-native:monitor:DiagnosticSetting): one per target resource and name, "
                     "a diagnostic setting of a shared resource (/subscriptions/0000)"]


def test_row3_gcp_never_creates_the_default_metadata_store() -> None:
    # Issue 26 row 3: the kit created (and a destroy deleted) the project's `default` store.
    graph = built("max-names", "gcp")[1]
    assert graph.of_type("gcp:vertex/aiTensorboard:AiTensorboard")  # experiments are on in this spec
    assert not graph.of_type("gcp:vertex/aiMetadataStore:AiMetadataStore")
    assert not [r.name for r in graph if r.inputs.get("name") == "default" and r.type.startswith("gcp:vertex")]
