"""The singleton gate: what exists once per project, account, subscription or region is never
created-and-destroyed by a stack.

Two stacks of the kit (two teams, or dev beside prod) share a project, an account, a
subscription. A resource that is one per such scope cannot be *owned* by either: the second
stack's create fails (ALREADY_EXISTS) and the first one's destroy deletes what the other
still uses. Each cloud's ``SINGLETONS`` names those types with how the kit may hold one:

- ``RETAIN``: recorded with ``retain_on_delete`` (a destroy only drops it from the state);
- ``ADOPTS``: the API itself adopts the existing one on create and leaves it on delete
  (the kit's settings make it so, checked by the treatment's own test);
- ``OPT_IN``: created only under an explicit Pulumi config that says this stack owns it,
  so never in a default build (every graph the gate runs on);
- ``NEVER``: the kit must not record it at all (it reads or leaves it to the cloud).

A resource whose identity does not depend on the stack (a constant name such as ``default``)
is found by building the same spec under two stack names: any resource both builds record
with the same identity is one both stacks would own, and must be on the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mlopskit.modules.graph import Graph, RecordedResource

#: A treatment: the problem with how ``resource`` is held, or None when it is held safely.
Treatment = Callable[[RecordedResource], str | None]


def RETAIN(resource: RecordedResource) -> str | None:  # noqa: N802 - a constant of the table
    return None if resource.retain_on_delete else "created plainly: a destroy would delete it (retain_on_delete)"


def NEVER(resource: RecordedResource) -> str | None:  # noqa: N802
    return "created by the stack: the kit must read it or leave it to the cloud"


def OPT_IN(resource: RecordedResource) -> str | None:  # noqa: N802
    return "created in a default build: only an explicit config may make a stack its owner"


def adopts(key: str, value: Any) -> Treatment:
    """Held safely when input ``key`` is ``value`` (e.g. a service left enabled on destroy)."""

    def check(resource: RecordedResource) -> str | None:
        got = resource.inputs.get(key)
        return None if got == value else f"{key} is {got!r}: a destroy would undo it for every stack (want {value!r})"

    return check


@dataclass(frozen=True)
class Singleton:
    scope: str  # what it is one per
    treatment: Treatment


@dataclass(frozen=True)
class Violation:
    resource: RecordedResource
    why: str

    def __str__(self) -> str:
        return f"{self.resource.name} ({self.resource.type}): {self.why}"


def held(graph: Graph, singletons: dict[str, Singleton]) -> list[Violation]:
    """Every listed singleton the graph records, held in a way its treatment refuses."""
    found = []
    for resource in graph:
        entry = singletons.get(resource.type)
        if entry is not None and (why := entry.treatment(resource)) is not None:
            found.append(Violation(resource, f"one per {entry.scope}, {why}"))
    return found


#: Inputs that annotate rather than identify a resource.
ANNOTATIONS = frozenset({"description", "tags", "labels", "displayName", "documentation", "kind", "__provider",
                         "archive", "sha256", "content", "source", "pipelineDescription", "pipelineDisplayName"})


def _identity(resource: RecordedResource) -> tuple[str, str]:
    """Type and top-level scalar inputs: where a resource's name and scope are (its nested
    settings and annotations may differ between two stacks that still collide on it)."""
    kept = {k: v for k, v in sorted(resource.inputs.items())
            if k not in ANNOTATIONS and not isinstance(v, dict | list)}
    return resource.type, repr(kept)


def _shared(one: Graph, other: Graph, cloud_named: frozenset[str]) -> Iterator[RecordedResource]:
    theirs = {_identity(r) for r in other if r.custom}
    for resource in one:
        if (resource.custom and not resource.type.startswith("pulumi:") and resource.type not in cloud_named
                and _identity(resource) in theirs):
            yield resource


def unlisted(one: Graph, other: Graph, singletons: dict[str, Singleton], cloud_named: frozenset[str]) -> list[Violation]:
    """Resources two stacks of different names would both record identically, not on the list.

    ``cloud_named``: types whose identity the cloud assigns (a VPC's id, an alert policy's
    name): equal inputs there are two resources, not one.
    """
    return [Violation(r, "the same in two stacks of different names (a constant identity): not on the singleton list")
            for r in _shared(one, other, cloud_named) if r.type not in singletons]
