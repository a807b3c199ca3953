"""One typed meaning of a recorded graph: which resources realise which spec entry, and as what.

Every kit component records the spec entry it realises and its role when it is built
(``modules.graph.Provenance``). A target's builder (``Provider.topology``) sorts the resources
of each entry into the slots below once per graph, with a ``Slotter`` that knows only the
target's own resource types; facts, cost, the diagram and finding locations then read these
slots instead of joining resources by display names or string keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from mlopskit.modules.graph import STACK_ENTRY, Graph, Provenance, RecordedResource
from mlopskit.modules.stack import Stack

#: What a model monitor computes; a component's role names one (``drift``), or a target's slotter
#: reads it from the monitor it records (one schedule may compute several).
Signal = Literal["drift", "quality", "bias", "explainability"]
SIGNALS: tuple[Signal, ...] = ("drift", "quality", "bias", "explainability")

#: The slots a resource of one spec entry can fill. ``monitor:<signal>`` is a monitoring job
#: (definition or schedule) computing that signal.
Slot = Literal["endpoint", "deployment", "model", "scaling", "alarm", "capture", "job", "schedule", "pipeline",
               "store", "key", "identity"] | str


@dataclass(frozen=True)
class EntryNode:
    """The resources realising one spec entry, by slot (each slot in graph order)."""

    entry: str
    slots: Mapping[str, tuple[RecordedResource, ...]]

    @property
    def index(self) -> int:
        return int(self.entry.rpartition("[")[2].rstrip("]"))

    def all(self, slot: str) -> tuple[RecordedResource, ...]:
        return self.slots.get(slot, ())

    def one(self, slot: str) -> RecordedResource | None:
        """The first resource of ``slot`` (None: nothing of the kind was built)."""
        found = self.slots.get(slot, ())
        return found[0] if found else None


@dataclass(frozen=True)
class EndpointNode(EntryNode):
    """An endpoint: the serving endpoint, its configs/deployments and models, the scaling
    target, its monitors by signal, alarms and where captured data goes."""

    @property
    def endpoint(self) -> RecordedResource | None:
        return self.one("endpoint")

    @property
    def deployments(self) -> tuple[RecordedResource, ...]:
        """Endpoint configurations (variants), deployed models or online deployments."""
        return self.all("deployment")

    @property
    def scaling(self) -> RecordedResource | None:
        return self.one("scaling")

    @property
    def alarms(self) -> tuple[RecordedResource, ...]:
        return self.all("alarm")

    def monitors(self, signal: Signal) -> tuple[RecordedResource, ...]:
        return self.all(f"monitor:{signal}")

    def monitored(self, signal: Signal) -> bool:
        """Whether a monitoring job computing ``signal`` was built for this endpoint."""
        return bool(self.monitors(signal))


@dataclass(frozen=True)
class JobNode(EntryNode):
    """A training or batch job: its job definition(s), schedule and pipeline."""

    @property
    def jobs(self) -> tuple[RecordedResource, ...]:
        return self.all("job")

    @property
    def schedule(self) -> RecordedResource | None:
        return self.one("schedule")

    @property
    def pipeline(self) -> RecordedResource | None:
        return self.one("pipeline")


#: A target's classifier: the slot(s) a resource fills, given the provenance its component
#: recorded; () for a resource no reader asks for by slot.
Slotter = Callable[[RecordedResource, Provenance], Iterable[str]]


@dataclass(frozen=True)
class Topology:
    """The typed index of one recorded graph: per spec entry and for the stack as a whole."""

    endpoints: tuple[EndpointNode, ...]
    training: tuple[JobNode, ...]
    batch: tuple[JobNode, ...]
    stack: EntryNode
    origins: Mapping[str, Provenance] = field(repr=False)

    @property
    def stores(self) -> tuple[RecordedResource, ...]:
        return self.stack.all("store")

    @property
    def keys(self) -> tuple[RecordedResource, ...]:
        return self.stack.all("key")

    @property
    def identities(self) -> tuple[RecordedResource, ...]:
        return self.stack.all("identity")

    def origin(self, urn: str) -> Provenance | None:
        """The entry and role that built the resource ``urn`` (None: no kit component did)."""
        return self.origins.get(urn)

    def endpoint_of(self, urn: str) -> EndpointNode | None:
        """The endpoint whose entry built the resource ``urn``."""
        return _node_of(self.endpoints, self.origin(urn))

    def training_of(self, urn: str) -> JobNode | None:
        return _node_of(self.training, self.origin(urn))

    def batch_of(self, urn: str) -> JobNode | None:
        return _node_of(self.batch, self.origin(urn))


N = TypeVar("N", bound=EntryNode)


def _node_of(nodes: tuple[N, ...], origin: Provenance | None) -> N | None:
    if origin is None:
        return None
    return next((n for n in nodes if n.entry == origin.entry), None)


def build_topology(graph: Graph, stack: Stack, slotter: Slotter) -> Topology:
    """Sort every resource of ``graph`` into its entry's slots with a target's ``slotter``.

    One pass over the graph; an entry of the spec that built nothing (an endpoint awaiting its
    model) still gets its node, with empty slots."""
    slots: dict[str, dict[str, list[RecordedResource]]] = {}
    origins: dict[str, Provenance] = {}
    for resource in graph.resources:
        origin = graph.provenance(resource)
        if origin is None:
            continue
        origins[resource.urn] = origin
        for slot in slotter(resource, origin):
            slots.setdefault(origin.entry, {}).setdefault(slot, []).append(resource)

    def frozen(entry: str) -> dict[str, tuple[RecordedResource, ...]]:
        return {slot: tuple(found) for slot, found in slots.get(entry, {}).items()}

    return Topology(
        endpoints=tuple(EndpointNode(f"endpoints[{i}]", frozen(f"endpoints[{i}]")) for i in range(len(stack.endpoints))),
        training=tuple(JobNode(f"training[{i}]", frozen(f"training[{i}]")) for i in range(len(stack.training))),
        batch=tuple(JobNode(f"batch[{i}]", frozen(f"batch[{i}]")) for i in range(len(stack.batch))),
        stack=EntryNode(STACK_ENTRY, frozen(STACK_ENTRY)),
        origins=origins,
    )


def topology_of(graph: Graph, stack: Stack, slotter: Slotter) -> Topology:
    """The graph's topology under ``slotter``, built once per graph (facts, cost, the diagram and
    finding locations all ask for it)."""
    return graph.memo(("topology", slotter), lambda: build_topology(graph, stack, slotter))


def no_slots(resource: RecordedResource, origin: Provenance) -> Iterable[str]:
    """The slotter of a target that declares none: every resource still has its entry and role."""
    return ()


def by_type(table: Mapping[str, str]) -> Slotter:
    """A slotter from a table resource type -> slot, for targets whose types say it all."""

    def slotter(resource: RecordedResource, origin: Provenance) -> Iterable[str]:
        slot = table.get(resource.type)
        return (slot,) if slot is not None else ()

    return slotter


def monitor_slot(signal: str) -> str:
    """The slot of a monitoring job computing ``signal``."""
    return f"monitor:{signal}"
