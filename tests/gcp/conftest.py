"""GCP provider fixtures: previews of the bundled specs, built once per module."""

from __future__ import annotations

from typing import Any

import pytest

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph
from tests.conftest import STACKS
from tests.specs import baseline, change


def gcp_preview(name: str = "credit-risk.yaml", **changes: Any) -> Graph:
    """Preview a bundled spec on GCP with ``path=value`` changes (``__`` for ``.``)."""
    data = baseline(name)
    for path, value in changes.items():
        change(data, path.replace("__", "."), value)
    return preview(parse_stack(data, base_dir=STACKS), "gcp")


@pytest.fixture(scope="module")
def prod() -> Graph:
    return gcp_preview("credit-risk.yaml")


@pytest.fixture(scope="module")
def dev() -> Graph:
    return gcp_preview("fraud-dev.yaml")
