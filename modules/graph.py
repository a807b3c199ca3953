"""The recorded resource graph: what a provider registered, in a deterministic order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from modules.errors import SpecIssue
from modules.placement import Cloud


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


@dataclass
class Graph:
    """All resources of one mocked deployment, sorted by URN, plus the build's warnings."""

    provider: Cloud
    stack: str
    resources: list[RecordedResource]
    warnings: list[SpecIssue] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[RecordedResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def of_type(self, type_: str) -> list[RecordedResource]:
        """Resources whose type token is ``type_``."""
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> RecordedResource:
        """The one resource with logical name ``name`` (KeyError when absent or ambiguous)."""
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]

    def by_urn(self, urn: str) -> RecordedResource:
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise KeyError(urn)

    def children(self, parent: RecordedResource) -> list[RecordedResource]:
        """Direct children of ``parent``."""
        return [r for r in self.resources if r.parent == parent.urn]

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
