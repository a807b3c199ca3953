"""The start every cloud's facts share: the recorded graph's indexes and one way to make a Fact.

A cloud's ``facts.py`` subclasses ``FactsIndex`` with what differs (where a resource's region
and tags/labels are recorded, the region -> jurisdiction table, stack-wide settings such as
the account or audit configuration), then runs its producers through ``collect``. Every lookup
goes through ``modules.graph.Graph``'s indexes, built once per graph, so producers that ask
per resource stay linear in the size of the graph.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import cached_property
from typing import Any

from mlopskit.modules.facts import Fact, plain, purpose_of, without_purpose
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.stack import Stack
from mlopskit.modules.topology import SIGNALS, Slotter, Topology, no_slots, topology_of


class FactsIndex(ABC):
    """One recorded graph and its stack, as a cloud's fact producers read them."""

    LABELS_INPUT = "tags"  # the input holding a resource's own tags/labels
    #: the cloud's slotter (``providers/<cloud>/topology.py::slots``), as a staticmethod
    slotter: Slotter = staticmethod(no_slots)

    def __init__(self, graph: Graph, stack: Stack) -> None:
        self.graph = graph
        self.stack = stack
        self.default_labels: dict[str, str] = {}  # provider-wide tags/labels, when the cloud has them

    @cached_property
    def topology(self) -> Topology:
        """The graph's typed index (the same one the provider hands to cost, the diagram and locate)."""
        return topology_of(self.graph, self.stack, type(self).slotter)

    def monitored_as(self, resource: RecordedResource) -> dict[str, Any]:
        """A monitor fact's ``signal`` and ``endpoint``: the slot its endpoint's topology put it in."""
        node = self.topology.endpoint_of(resource.urn)
        signal = next((s for s in SIGNALS if node is not None and resource in node.monitors(s)), None)
        return {"signal": signal, "endpoint": node.entry if node is not None else None}

    def of(self, type_: str) -> list[RecordedResource]:
        """Resources of type ``type_`` (indexed)."""
        return self.graph.of_type(type_)

    def grouped(self, type_: str, input_key: str) -> Mapping[Hashable, list[RecordedResource]]:
        """Resources of type ``type_`` by the value of input ``input_key`` (indexed)."""
        return self.graph.grouped(type_, input_key)

    def own_labels(self, resource: RecordedResource) -> dict[str, str]:
        """Tags/labels in effect on ``resource``: the provider's defaults, then its own."""
        return {**self.default_labels, **(plain(resource.inputs.get(self.LABELS_INPUT)) or {})}

    def purpose(self, resource: RecordedResource) -> str:
        """The purpose the bucket's component recorded in its tags/labels (``modules.facts.purpose_of``)."""
        return purpose_of(self.own_labels(resource))

    @abstractmethod
    def region_of(self, resource: RecordedResource, hint: str | None) -> str | None:
        """The region a fact about ``resource`` reports; ``hint`` is what the producer knows (or None)."""

    @staticmethod
    @abstractmethod
    def jurisdiction(region: str | None) -> str | None:
        """The jurisdiction (eu, uk, br, us, ...) of a region, None when unknown."""

    def fact(self, kind: str, resource: RecordedResource, *, region: str | None = None, labels: bool = True,
             **attrs: Any) -> Fact:
        """A fact about ``resource``; ``labels`` adds its tags/labels (minus the kit's purpose marker)."""
        if labels:
            attrs["labels"] = without_purpose(self.own_labels(resource))
        where = self.region_of(resource, region)
        return Fact(kind, resource.urn, resource.type, resource.name, where, resource.protect,
                    self.jurisdiction(where), attrs)

    def collect(self, producers: Iterable[Callable[[Any], Iterable[Fact]]]) -> list[Fact]:
        """Every fact the producers yield, in a deterministic order."""
        out: list[Fact] = []
        for producer in producers:
            out += list(producer(self))
        return sorted(out, key=lambda f: (f.kind, f.resource_urn, f.name))
