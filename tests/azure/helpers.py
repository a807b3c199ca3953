"""Previews of bundled specs on Azure, cached per spec (each preview takes about a second)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph, RecordedResource
from tests.conftest import STACKS
from tests.specs import baseline, change

PROD = "credit-risk.yaml"
DEV = "fraud-dev.yaml"


@cache
def graph_of(spec: str = PROD) -> Graph:
    """The (shared, read-only) preview of a bundled spec."""
    return preview(parse_stack(baseline(spec), base_dir=STACKS), "azure")


def graph_with(spec: str = PROD, **changes: Any) -> Graph:
    """The preview of a bundled spec changed in the given places (``__`` for ``.``).

    Cached by the changes, like ``graph_of``: callers only read the graph.
    """
    return _graph_with(spec, json.dumps(changes, sort_keys=True))


@cache
def _graph_with(spec: str, changes_json: str) -> Graph:
    changes = json.loads(changes_json)
    data = baseline(spec)
    for path, value in changes.items():
        change(data, path.replace("__", "."), value)
    return preview(parse_stack(data, base_dir=STACKS), "azure")


def one(graph: Graph, type_suffix: str, name_part: str = "") -> RecordedResource:
    """The single resource whose type ends with ``type_suffix`` and name contains ``name_part``."""
    found = [r for r in graph if r.type.endswith(type_suffix) and name_part in r.name]
    assert len(found) == 1, f"{len(found)} resources {type_suffix} {name_part!r}: {[r.name for r in found]}"
    return found[0]


def all_of(graph: Graph, type_suffix: str) -> list[RecordedResource]:
    return [r for r in graph if r.type.endswith(type_suffix)]


def warned(graph: Graph, path: str) -> list[str]:
    """Messages of the warnings naming exactly ``path``."""
    return [w.message for w in graph.warnings if w.path == path]
