"""Registries are explicit and complete: every abstraction of modules/ has a mapping in
every provider, and the bundled examples (the full one, plus the lifecycle one for batch
inference) actually create each mapped component."""

from __future__ import annotations

import pytest

from mlopskit.engine import preview
from mlopskit.modules import load_stack
from mlopskit.modules.provider import ABSTRACTIONS
from mlopskit.providers import available_clouds, get_provider
from tests.conftest import STACKS

CLOUDS = available_clouds()


def test_aws_is_available() -> None:
    assert "aws" in CLOUDS


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_abstraction_is_mapped(cloud: str) -> None:
    provider = get_provider(cloud)  # type: ignore[arg-type]
    assert set(provider.components) == set(ABSTRACTIONS)
    assert all(token.startswith(f"mlopskit:{cloud}:") for token in provider.components.values())


@pytest.mark.parametrize("cloud", CLOUDS)
def test_full_example_creates_every_component(cloud: str) -> None:
    types = {r.type for spec in ("credit-risk.yaml", "lifecycle.yaml")
             for r in preview(load_stack(STACKS / spec, cloud), cloud)}  # type: ignore[arg-type]
    missing = {a: t for a, t in get_provider(cloud).components.items() if t not in types}  # type: ignore[arg-type]
    assert not missing


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_child_is_parented_to_a_component(cloud: str) -> None:
    graph = preview(load_stack(STACKS / "credit-risk.yaml", cloud), cloud)  # type: ignore[arg-type]
    for resource in graph:
        if resource.custom and not resource.type.startswith("pulumi:providers:"):
            assert resource.parent is not None, resource.urn
            assert not graph.by_urn(resource.parent).custom
