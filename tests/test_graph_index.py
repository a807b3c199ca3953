"""The recorded graph answers every query from indexes built once: no query scans the resources.

Scans are counted, not timed: the resources are a tuple subclass that counts its iterations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.providers import get_provider
from mlopskit.providers.costing import estimate
from tests.cost.helpers import built

COMPONENT = "mlopskit:test:Component"
KINDS = ("test:a:A", "test:b:B", "test:c:C")


class CountingTuple(tuple):  # type: ignore[type-arg]
    """A tuple that counts how often it is walked."""

    scans = 0

    def __iter__(self) -> Iterator[Any]:
        type(self).scans += 1
        return super().__iter__()


def resource(urn: str, type_: str, parent: str | None = None, **inputs: Any) -> RecordedResource:
    return RecordedResource(urn=urn, type=type_, name=urn.rsplit("::", 1)[-1], parent=parent, dependencies=(),
                            protect=False, provider=None, custom=type_ != COMPONENT, inputs=inputs, outputs={})


def synthetic(components: int = 100, per_component: int = 99) -> list[RecordedResource]:
    """``components`` components, each with ``per_component`` children of three types."""
    out = []
    for c in range(components):
        parent = f"urn:c{c:03d}"
        out.append(resource(parent, COMPONENT))
        out += [resource(f"{parent}::r{i:03d}", KINDS[i % 3], parent, group=f"g{c}", index=i) for i in range(per_component)]
    return out


def _parity(value: Any) -> int | None:
    return value % 2 if value is not None else None


@pytest.fixture
def counted() -> Graph:
    CountingTuple.scans = 0
    return Graph("test", "stack", CountingTuple(synthetic()))


def test_queries_over_10000_resources_scan_the_list_once(counted: Graph) -> None:
    assert len(counted) == 10_000
    components = counted.of_type(COMPONENT)
    for c, component in enumerate(components):
        assert counted.named(component.name) is component
        children = counted.children(component)
        assert len(children) == 99
        assert len(counted.descendants(component)) == 99
        assert len(counted.siblings(children[0], KINDS[1])) == 33
        assert len(counted.grouped(KINDS[2], "group")[f"g{c}"]) == 33
        for child in children:
            assert counted.by_urn(child.urn) is child
        for kind in KINDS:
            assert len(counted.of_type(kind)) == 3300
    assert CountingTuple.scans == 1  # the index, built on the first query


def test_answers_match_a_plain_scan() -> None:
    resources = synthetic(components=3, per_component=6)
    grandchild = resource("urn:c000::r000::deep", KINDS[0], "urn:c000::r000")
    graph = Graph("test", "stack", [*resources, grandchild])
    root = graph.by_urn("urn:c000")
    everything = [*resources, grandchild]
    assert graph.of_type(KINDS[0]) == [r for r in everything if r.type == KINDS[0]]
    assert graph.children(root) == [r for r in everything if r.parent == root.urn]
    # breadth first: the children (in graph order), then their children
    assert graph.descendants(root) == [r for r in everything if r.parent == root.urn] + [grandchild]
    first = graph.children(root)[0]
    assert graph.siblings(first, KINDS[1]) == [r for r in everything if r.parent == root.urn and r.type == KINDS[1]]
    assert graph.grouped(KINDS[0], "index") == {0: [resources[1], resources[8], resources[15]],
                                                3: [resources[4], resources[11], resources[18]]}
    assert graph.grouped(KINDS[0], "index", _parity) == {0: [resources[1], resources[8], resources[15]],
                                                         1: [resources[4], resources[11], resources[18]]}
    with pytest.raises(KeyError):
        graph.by_urn("urn:absent")
    with pytest.raises(KeyError, match="3 resources named 'r000'"):
        graph.named("r000")


def test_graph_is_immutable_after_construction() -> None:
    resources = synthetic(components=2, per_component=3)
    graph = Graph("test", "stack", resources)
    assert len(graph.of_type(KINDS[0])) == 2
    resources.reverse()
    resources.append(resource("urn:late", KINDS[0]))  # the caller's list is not the graph's
    assert len(graph) == 8 and len(graph.of_type(KINDS[0])) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        graph.resources = []  # type: ignore[misc]


def scans_for_facts_and_cost(cloud: str) -> int:
    """How often the facts and the cost estimate of credit-risk on ``cloud`` walk the resource list."""
    stack, graph = built("credit-risk.yaml", cloud)
    CountingTuple.scans = 0
    counted = Graph(graph.provider, graph.stack, CountingTuple(graph.resources), graph.warnings, graph.outputs)
    assert get_provider(cloud).facts(counted, stack)  # type: ignore[arg-type]
    assert estimate(counted, stack).resources
    return CountingTuple.scans


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_provider_facts_and_cost_do_not_scan_per_resource(cloud: str) -> None:
    """A fixed number of walks (the index; the topology, built once for facts and cost; the
    estimator's one walk; AWS reads the account id from every input once), never one per
    resource: a producer or cost handler that scanned the graph per resource would add one walk
    per call."""
    assert scans_for_facts_and_cost(cloud) <= 4


def test_a_query_that_scans_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The count above can fail: with the old scanning ``of_type`` every call walks the list."""
    monkeypatch.setattr(Graph, "of_type", lambda self, type_: [r for r in self.resources if r.type == type_])
    assert scans_for_facts_and_cost("aws") > 20
