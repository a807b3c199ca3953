"""Every priced resource type the three providers create has cost components or a FREE reason."""

from __future__ import annotations

import pytest

from mlopskit.modules.targets import names as target_names
from mlopskit.providers import get_provider
from tests.conftest import EXAMPLE_PLACEMENTS
from tests.cost.helpers import SPEC_NAMES, built, bundled_estimate

CLOUDS = list(target_names())  # every registered target, parametrized from the registry


@pytest.mark.parametrize(("spec", "cloud"), [(spec.name, cloud) for spec, cloud in EXAMPLE_PLACEMENTS])
def test_every_recorded_type_is_priced_or_free(spec: str, cloud: str) -> None:
    handlers = get_provider(cloud).cost_handlers
    _, graph = built(spec, cloud)
    types = {r.type for r in graph.resources if r.custom and not r.type.startswith("pulumi:providers:")}
    missing = sorted(t for t in types if t not in handlers.components and t not in handlers.free)
    assert missing == []
    assert bundled_estimate(spec, cloud).unsupported == ()


@pytest.mark.parametrize("cloud", CLOUDS)
def test_free_reasons_are_stated_and_not_also_priced(cloud: str) -> None:
    handlers = get_provider(cloud).cost_handlers
    assert set(handlers.free) & set(handlers.components) == set()
    assert all(len(reason) > 15 for reason in handlers.free.values())


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("spec", SPEC_NAMES)
def test_bundled_examples_are_fully_priced(spec: str, cloud: str) -> None:
    est = bundled_estimate(spec, cloud)
    assert est.unpriced == []
    assert est.total_monthly > 0
