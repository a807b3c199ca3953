"""The recorded resource graph: what a provider registered, in a deterministic order."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.facts import plain
from mlopskit.modules.placement import Cloud

#: The input key under which a kit component records its provenance (``Provenance.props``). Only
#: components carry it: they are never sent to a cloud API (a non-remote component's inputs are
#: kept in the engine's state only), so the real ``pulumi up`` stores it harmlessly.
PROVENANCE_INPUT = "mlopskitProvenance"
#: The entry of a component that realises the stack as a whole (keys, storage, audit, ...).
STACK_ENTRY = "stack"


@dataclass(frozen=True)
class Provenance:
    """What a component realises: the spec entry (``endpoints[0]``, ``training[1]``, ``batch[0]``
    or ``stack``) and its role there (``endpoint``, ``autoscaling``, ``drift``, ``keys``, ...).
    Recorded by the component when it is built (``providers.base.BuildContext.realises``)."""

    entry: str
    role: str

    def props(self) -> dict[str, Any]:
        """The component's inputs that record it."""
        return {PROVENANCE_INPUT: {"entry": self.entry, "role": self.role}}

    @classmethod
    def of(cls, inputs: Mapping[str, Any]) -> Provenance | None:
        """The provenance recorded in a component's inputs (None: not a kit component)."""
        recorded = inputs.get(PROVENANCE_INPUT)
        if not isinstance(recorded, Mapping) or "entry" not in recorded or "role" not in recorded:
            return None
        return cls(str(recorded["entry"]), str(recorded["role"]))

    @property
    def list_entry(self) -> tuple[str, int] | None:
        """``("endpoints", 0)`` for ``endpoints[0]``; None for the stack."""
        section, _, rest = self.entry.partition("[")
        return (section, int(rest.rstrip("]"))) if rest else None


@dataclass(frozen=True)
class RecordedResource:
    """One registered resource as the engine saw it (inputs keep the engine's camelCase)."""

    urn: str
    type: str
    name: str
    parent: str | None
    dependencies: tuple[str, ...]
    protect: bool
    provider: str | None
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    #: the URNs given in the resource's own ``aliases`` option (its parent's come on top: ``Graph.aliases_of``)
    aliases: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "dependencies": list(self.dependencies),
            "protect": self.protect,
            "inputs": self.inputs,
        }


@dataclass(frozen=True)
class _Index:
    """Lookups over one graph's resources, built in a single pass."""

    position: dict[str, int]
    by_type: dict[str, list[RecordedResource]]
    by_urn: dict[str, RecordedResource]
    by_name: dict[str, list[RecordedResource]]
    children: dict[str | None, list[RecordedResource]]
    # Filled lazily by Graph.grouped: (type, input key, key function) -> groups.
    grouped: dict[tuple[str, str, Any], dict[Hashable, list[RecordedResource]]] = field(default_factory=dict)

    @classmethod
    def of(cls, resources: Sequence[RecordedResource]) -> _Index:
        index = cls({}, {}, {}, {}, {})
        for position, resource in enumerate(resources):
            index.position.setdefault(resource.urn, position)
            index.by_type.setdefault(resource.type, []).append(resource)
            index.by_urn.setdefault(resource.urn, resource)
            index.by_name.setdefault(resource.name, []).append(resource)
            index.children.setdefault(resource.parent, []).append(resource)
        return index


@dataclass(frozen=True)
class Graph:
    """All resources of one mocked deployment, sorted by URN, plus the build's warnings.

    Immutable after construction: ``resources`` is kept as a tuple, so the indexes every query
    uses (by type, URN, name, parent, input value) are built once, on the first query, and
    stay valid. A query costs the size of its answer, not a scan of the whole graph, so code
    that asks per resource (cost handlers, facts) stays linear in the size of the graph.
    """

    provider: Cloud
    stack: str
    resources: Sequence[RecordedResource]
    warnings: list[SpecIssue] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A caller may keep (and later sort or extend) the list it passed: store our own tuple.
        if not isinstance(self.resources, tuple):
            object.__setattr__(self, "resources", tuple(self.resources))

    @cached_property
    def _index(self) -> _Index:
        # cached_property writes the instance __dict__ directly, which a frozen dataclass allows.
        return _Index.of(self.resources)

    def __iter__(self) -> Iterator[RecordedResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def of_type(self, type_: str) -> list[RecordedResource]:
        """Resources whose type token is ``type_``, in graph order."""
        return list(self._index.by_type.get(type_, ()))

    def named(self, name: str) -> RecordedResource:
        """The one resource with logical name ``name`` (KeyError when absent or ambiguous)."""
        found = self._index.by_name.get(name, [])
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]

    def by_urn(self, urn: str) -> RecordedResource:
        """The resource with URN ``urn`` (KeyError when absent)."""
        return self._index.by_urn[urn]

    def children(self, parent: RecordedResource) -> list[RecordedResource]:
        """Direct children of ``parent``, in graph order."""
        return list(self._index.children.get(parent.urn, ()))

    def siblings(self, resource: RecordedResource, type_: str) -> list[RecordedResource]:
        """Resources of type ``type_`` with the same parent as ``resource`` (itself too when it matches)."""
        return [r for r in self._index.children.get(resource.parent, ()) if r.type == type_]

    def descendants(self, root: RecordedResource) -> list[RecordedResource]:
        """Children, grandchildren, ... of ``root``: breadth first, each generation in graph order."""
        found: list[RecordedResource] = []
        generation = self.children(root)
        while generation:
            found += generation
            below = [c for parent in generation for c in self._index.children.get(parent.urn, ())]
            generation = sorted(below, key=lambda r: self._index.position[r.urn])
        return found

    def grouped(self, type_: str, input_key: str,
                by: Callable[[Any], Hashable] | None = None) -> Mapping[Hashable, list[RecordedResource]]:
        """Resources of type ``type_`` (in graph order) by the value of their input ``input_key``
        (secret-unwrapped), or by ``by(value)`` when given. Built once per (type, key, by), so
        code that looks up per resource does not scan all of them each time; ``by`` must be a
        module-level function (the cache is keyed by it). Resources whose key is None or
        unhashable (a list, an object) are left out."""
        cache_key = (type_, input_key, by)
        groups = self._index.grouped.get(cache_key)
        if groups is None:
            groups = {}
            for resource in self._index.by_type.get(type_, ()):
                value = plain(resource.inputs.get(input_key))
                key = by(value) if by is not None else value
                if key is not None and isinstance(key, Hashable):
                    groups.setdefault(key, []).append(resource)
            self._index.grouped[cache_key] = groups
        return groups

    @cached_property
    def _memo(self) -> dict[Hashable, Any]:
        return {}

    def memo(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """``build()``, worked out once per graph for ``key``: an index derived from the whole graph
        (a target's topology) that several readers ask for."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    @cached_property
    def _provenance(self) -> dict[str, Provenance | None]:
        # Filled on demand: each resource's answer walks up its parents once, memoized.
        return {}

    def _provenance_walk(self, resource: RecordedResource, found: dict[str, Provenance | None]) -> Provenance | None:
        """Its own recorded provenance, else its parent's (memoized in ``found``)."""
        if resource.urn in found:
            return found[resource.urn]
        own = Provenance.of(resource.inputs) if not resource.custom else None
        parent = self._index.by_urn.get(resource.parent) if resource.parent else None
        result = own or (self._provenance_walk(parent, found) if parent is not None else None)
        found[resource.urn] = result
        return result

    def provenance(self, resource: RecordedResource) -> Provenance | None:
        """The spec entry and role ``resource`` realises: recorded on the nearest enclosing kit
        component when it was built (None: outside every kit component, such as the provider)."""
        return self._provenance_walk(resource, self._provenance)

    def aliases_of(self, resource: RecordedResource) -> set[str]:
        """Every old URN the engine matches ``resource`` against: its own aliases, plus one per
        alias of each ancestor, as the engine derives children's aliases from their parent's
        (pulumi.runtime.resource.inherited_child_alias: a child named ``<parent>-x`` follows a
        renamed parent as ``<old parent>-x``)."""
        found = set(resource.aliases)
        if resource.parent is None:
            return found
        parent = self.by_urn(resource.parent)
        child_type = resource.urn.split("::")[2].rsplit("$", 1)[-1]
        for parent_alias in self.aliases_of(parent):
            name = resource.name
            if name.startswith(parent.name):
                name = parent_alias.rsplit("::", 1)[1] + name[len(parent.name):]
            head, parent_type, _ = parent_alias.rsplit("::", 2)
            found.add(f"{head}::{parent_type}${child_type}::{name}")
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "stack": self.stack,
            "resources": [r.to_json() for r in self.resources],
            "warnings": [{"path": w.path, "message": w.message} for w in self.warnings],
        }
