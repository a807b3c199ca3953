"""Nothing that holds data can be destroyed by accident in prod: every data-bearing
resource type of each cloud carries Pulumi's ``protect`` in a prod preview, so a
`pulumi destroy`, a rename or a replacement stops instead of deleting it."""

from __future__ import annotations

import pytest

from mlopskit.engine import preview
from tests.replacement_inputs import DATA_BEARING, EXPERIMENT_STORES
from tests.specs import stack

# What holds data, per cloud (with the inputs that replace it): tests/replacement_inputs.py.
SPECS = ("credit-risk.yaml", "lifecycle.yaml")  # lifecycle adds the experiment stores


@pytest.mark.parametrize("cloud", sorted(DATA_BEARING))
def test_every_data_bearing_resource_is_protected_in_prod(cloud: str) -> None:
    graphs = [preview(stack(spec), cloud) for spec in SPECS]  # type: ignore[arg-type]
    found = {r.type for graph in graphs for r in graph.resources}
    assert DATA_BEARING[cloud] <= found, f"not built, so not checked: {sorted(DATA_BEARING[cloud] - found)}"
    assert EXPERIMENT_STORES[cloud] <= DATA_BEARING[cloud]
    unprotected = sorted(r.name for graph in graphs for r in graph.resources
                         if r.type in DATA_BEARING[cloud] and not r.protect)
    assert unprotected == []
