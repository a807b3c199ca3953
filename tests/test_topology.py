"""Provenance recorded at build time, and the typed topology every reader shares (modules/topology.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from mlopskit.engine import preview
from mlopskit.modules.graph import PROVENANCE_INPUT, Graph, Provenance, RecordedResource
from mlopskit.modules.loader import load_stack
from mlopskit.modules.placement import CLOUDS, Cloud
from mlopskit.modules.stack import Stack
from mlopskit.modules.topology import build_topology, no_slots, topology_of
from mlopskit.providers import get_provider
from tests.conftest import STACKS


def _resource(urn: str, type_: str, parent: str | None = None, custom: bool = True,
              inputs: dict[str, Any] | None = None) -> RecordedResource:
    return RecordedResource(urn=urn, type=type_, name=urn, parent=parent, dependencies=(), protect=False,
                            provider=None, custom=custom, inputs=inputs or {}, outputs={})


@cache
def _lifecycle(cloud: Cloud) -> tuple[Stack, Graph]:
    stack = load_stack(STACKS / "lifecycle.yaml")
    return stack, preview(stack, cloud)


def test_a_resource_inherits_the_provenance_of_its_nearest_component() -> None:
    endpoint = _resource("c1", "mlopskit:x:Endpoint", custom=False,
                         inputs=Provenance("endpoints[1]", "endpoint").props())
    inner = _resource("c2", "mlopskit:x:Part", parent="c1", custom=False)
    leaf = _resource("r1", "x:Thing", parent="c2")
    loose = _resource("r2", "pulumi:providers:x")
    graph = Graph("aws", "s", [endpoint, inner, leaf, loose])
    assert graph.provenance(leaf) == graph.provenance(inner) == Provenance("endpoints[1]", "endpoint")
    assert graph.provenance(loose) is None
    assert Provenance("endpoints[1]", "endpoint").list_entry == ("endpoints", 1)


def test_a_custom_resource_cannot_claim_a_provenance() -> None:
    """Only components record it: an input of that name on a cloud resource means nothing."""
    leaf = _resource("r1", "x:Thing", inputs=Provenance("training[0]", "training").props())
    assert Graph("aws", "s", [leaf]).provenance(leaf) is None


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_component_records_what_it_realises_and_no_cloud_resource_carries_it(cloud: Cloud) -> None:
    """The recorded provenance is the component's own input: the cloud resources' inputs (what a
    cloud API receives on `pulumi up`) never hold it."""
    stack, graph = _lifecycle(cloud)
    components = [r for r in graph.resources if not r.custom and r.type.startswith("mlopskit:")]
    assert components
    assert [r.name for r in components if Provenance.of(r.inputs) is None] == []
    assert [r.name for r in graph.resources if r.custom and PROVENANCE_INPUT in r.inputs] == []
    entries = {p.entry for r in components if (p := Provenance.of(r.inputs)) is not None}
    assert entries == {"stack", *(f"endpoints[{i}]" for i in range(len(stack.endpoints))),
                       *(f"training[{i}]" for i in range(len(stack.training))),
                       *(f"batch[{i}]" for i in range(len(stack.batch)))}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_each_endpoint_node_holds_its_endpoint_scaling_and_alarms(cloud: Cloud) -> None:
    stack, graph = _lifecycle(cloud)
    topology = get_provider(cloud).topology(graph, stack)
    assert [n.entry for n in topology.endpoints] == [f"endpoints[{i}]" for i in range(len(stack.endpoints))]
    for node in topology.endpoints:
        assert node.endpoint is not None and node.scaling is not None and node.alarms, (cloud, node.entry)
        assert topology.endpoint_of(node.endpoint.urn) is node
    # churn-online asks for explainability monitoring: built where the target schedules it (its feature
    # table; Vertex AI and Azure ML build none without monitoring.engine: managed, and warn).
    features = get_provider(cloud).features
    assert topology.endpoints[0].monitored("explainability") is (features["monitoring.explainability"][0] != "unsupported")
    # The example asks for customer-managed keys: recorded where the stack owns its keys (a cluster's
    # encryption at rest is its operator's, so a namespace records none).
    assert bool(topology.keys) is (features["encryption.customerManagedKeys"][0] != "unsupported")
    assert topology.stores


def test_the_topology_is_built_once_per_graph() -> None:
    stack, graph = _lifecycle("gcp")
    provider = get_provider("gcp")
    assert provider.topology(graph, stack) is provider.topology(graph, stack)


def test_a_target_without_slots_still_gets_every_entry_and_role() -> None:
    """What a new target has before it declares slots: the index of entries and roles."""
    stack, graph = _lifecycle("azure")
    bare = build_topology(graph, stack, no_slots)
    assert all(not node.slots for node in bare.endpoints + bare.training + bare.batch)
    endpoint = next(r for r in graph.resources if r.type == "azure-native:machinelearningservices:OnlineEndpoint")
    assert bare.origin(endpoint.urn) == Provenance("endpoints[0]", "endpoint")
    assert topology_of(graph, stack, no_slots) is topology_of(graph, stack, no_slots)
