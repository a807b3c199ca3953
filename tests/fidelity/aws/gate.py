"""The AWS fidelity gate: previews of the bundled and edge specs, every recorded resource
turned into its API requests (requests.py) and each request walked against botocore's model
(validator.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph
from tests.conftest import STACKS
from tests.fidelity.aws import edge
from tests.fidelity.aws.requests import COMPONENT_PREFIX, EXEMPT, REQUESTS
from tests.fidelity.aws.validator import Violation, validate
from tests.specs import baseline

# Every bundled spec plus the edge specs (longest names, extreme allowed values).
SPECS: dict[str, Callable[[], dict[str, Any]]] = {
    "credit-risk": lambda: baseline("credit-risk.yaml"),
    "fraud-dev": lambda: baseline("fraud-dev.yaml"),
    "lifecycle": lambda: baseline("lifecycle.yaml"),
    "continuous-training": lambda: baseline("continuous-training.yaml"),
    "llm-serving": lambda: baseline("llm-serving.yaml"),
    "longest-names": edge.longest_names,
    "extreme-values": edge.extreme_values,
    "managed-monitoring": edge.managed_monitoring,
}
_PREVIEWS: dict[str, Graph] = {}


def graph_of(data: dict[str, Any]) -> Graph:
    """The AWS preview of ``data``, shared with tests/aws (same cache key as tests.aws.helpers.build)."""
    from tests.aws.helpers import _CACHE

    key = json.dumps(data, sort_keys=True)
    if key not in _CACHE:
        _CACHE[key] = preview(parse_stack(data, base_dir=STACKS), "aws")
    return _CACHE[key]


@dataclass(frozen=True)
class SentRequest:
    """One API request a recorded resource becomes."""

    resource: str  # logical name
    service: str
    operation: str
    request: dict[str, Any]


def requests(graph: Graph, region: str) -> list[SentRequest]:
    """Every API request of the graph's resources (unmapped types raise KeyError: see unmapped())."""
    out = []
    for resource in graph:
        if resource.type in EXEMPT or resource.type.startswith(COMPONENT_PREFIX):
            continue
        for service, operation, request in REQUESTS[resource.type](resource.inputs, resource.name, region):
            out.append(SentRequest(resource.name, service, operation, request))
    return out


def unmapped(graph: Graph) -> set[str]:
    """Recorded types that are neither mapped to a request nor exempt."""
    return {r.type for r in graph if r.type not in REQUESTS and r.type not in EXEMPT
            and not (r.type.startswith(COMPONENT_PREFIX) and not r.custom)}


def violations(graph: Graph, region: str) -> list[str]:
    """``resource: Operation.Path: problem (value, constraint)`` for every violation."""
    found: list[str] = []
    for sent in requests(graph, region):
        found += [f"{sent.resource}: {v}" for v in validate(sent.service, sent.operation, sent.request)]
    return found


__all__ = ["SPECS", "SentRequest", "Violation", "graph_of", "requests", "unmapped", "violations"]
