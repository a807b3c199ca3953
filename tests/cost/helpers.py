"""Previews and estimates shared by the cost tests, built once per process (previews take seconds)."""

from __future__ import annotations

from functools import cache
from typing import Any

from mlopskit.cost import CostEstimate, estimate
from mlopskit.engine import preview
from mlopskit.modules import Stack, parse_stack
from mlopskit.modules.graph import Graph
from tests.conftest import EXAMPLE_SPECS, STACKS
from tests.specs import baseline

SPEC_NAMES = [p.name for p in EXAMPLE_SPECS]


@cache
def built(name: str, cloud: str) -> tuple[Stack, Graph]:
    """The bundled spec ``name`` previewed on ``cloud``."""
    from mlopskit.load import load_checked
    from tests.conftest import STACKS

    stack = load_checked(str(STACKS / name), cloud)  # type: ignore[arg-type]
    return stack, preview(stack, cloud)  # type: ignore[arg-type]


def bundled_estimate(name: str, cloud: str) -> CostEstimate:
    import pytest

    from tests.fidelity.test_ordering import placed

    if not placed(name, cloud):
        pytest.skip(f"{name} is not placed on {cloud}")  # llm-serving names no GPU model, which a cluster needs
    stack, graph = built(name, cloud)
    return estimate(graph, stack)


def estimate_of(data: dict[str, Any], cloud: str) -> CostEstimate:
    """Estimate a spec given as a dict (a changed baseline)."""
    stack = parse_stack(data, cloud, base_dir=STACKS)  # type: ignore[arg-type]
    return estimate(preview(stack, cloud), stack)  # type: ignore[arg-type]


def unpriced(monkeypatch: Any, key: Any) -> None:
    """Make one price key artificially unpriced for the estimator (as if the catalog lacked that row)."""
    from mlopskit.providers import costing

    real = costing.lookup
    monkeypatch.setattr(costing, "lookup", lambda wanted: None if wanted == key else real(wanted))


__all__ = ["SPEC_NAMES", "baseline", "built", "bundled_estimate", "estimate_of", "unpriced"]
