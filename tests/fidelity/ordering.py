"""The ordering gate: everything a resource needs at create time is among its transitive dependencies.

A recorded graph says, for each resource, which resources the engine waits for before
creating it (``dependencies``: its explicit ``depends_on`` and the resources behind its
inputs; never its parent's ``depends_on``, which Pulumi does not pass down). The engine
may create two resources in any order unless one reaches the other through these edges,
so a precondition that is not a *transitive* dependency can lose the race on a first
``pulumi up``. The tables below name, per recorded resource type, the preconditions it
has: the API that creates it (GCP), the store it writes to, the key grant of the service
identity that encrypts for it, the network path it passes through, the identity it runs as.
Every recorded type must be in its cloud's table (an empty tuple: nothing beyond its
inputs), so a new type cannot slip past unconsidered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mlopskit.modules.graph import Graph, RecordedResource

DYNAMIC = "pulumi-python:dynamic:Resource"


@dataclass(frozen=True)
class Violation:
    resource: RecordedResource
    needs: RecordedResource | None
    why: str

    def __str__(self) -> str:
        r = self.resource
        if self.needs is None:
            return f"{r.name} ({r.type}): {self.why}"
        return (f"{r.name} ({r.type}): needs {self.needs.name} ({self.needs.type}), which it does not wait for "
                f"({self.why})")


#: A precondition finder: the resources ``resource`` needs before its create, each with why.
Finder = Callable[[Graph, RecordedResource], Iterator[tuple[RecordedResource, str]]]


def strings(node: Any) -> Iterator[str]:
    """Every string anywhere in a recorded input tree (JSON bodies included as text)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def type_key(resource: RecordedResource) -> str:
    """The table key: the type, with a dynamic resource's ``kind``."""
    if resource.type == DYNAMIC:
        return f"{DYNAMIC}#kind={resource.inputs.get('kind')}"
    return resource.type


def transitive(by_urn: dict[str, RecordedResource], urn: str) -> set[str]:
    """The URNs ``urn`` waits for, directly or through what it waits for."""
    seen: set[str] = set()
    todo = list(by_urn[urn].dependencies)
    while todo:
        dep = todo.pop()
        if dep in seen:
            continue
        seen.add(dep)
        if dep in by_urn:
            todo.extend(by_urn[dep].dependencies)
    return seen


def run_gate(graph: Graph, table: dict[str, tuple[Finder, ...]], always: tuple[Finder, ...] = ()) -> list[Violation]:
    """Every violation in ``graph`` of the preconditions ``table`` (and ``always``) declares."""
    found: list[Violation] = []
    by_urn = {r.urn: r for r in graph}
    for resource in graph:
        if not resource.custom or resource.type.startswith("pulumi:providers:"):
            continue
        key = type_key(resource)
        if key not in table:
            found.append(Violation(resource, None, f"no entry in the ordering table for {key}"))
            continue
        waits = transitive(by_urn, resource.urn)
        for finder in (*always, *table[key]):
            for needed, why in finder(graph, resource):
                if needed.urn not in waits:
                    found.append(Violation(resource, needed, why))
    return found
