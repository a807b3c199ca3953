"""Golden outputs pinned to the dated catalog. Regenerate: MLOPSKIT_UPDATE_GOLDEN=1 pytest tests/cost/test_golden.py"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mlopskit.cost import cost_table, infracost_json
from mlopskit.modules.targets import names as target_names
from tests.cost.helpers import SPEC_NAMES, bundled_estimate

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("MLOPSKIT_UPDATE_GOLDEN") == "1"


def _check(path: Path, text: str) -> None:
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} missing: run with MLOPSKIT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("cloud", list(target_names()))
@pytest.mark.parametrize("spec", SPEC_NAMES)
def test_table_and_json_match_golden(spec: str, cloud: str) -> None:
    est = bundled_estimate(spec, cloud)
    stem = f"{Path(spec).stem}-{cloud}"
    _check(GOLDEN / f"{stem}.txt", cost_table(est) + "\n")
    document = infracost_json([est], f"stacks/{spec}", datetime(2026, 11, 26, tzinfo=UTC))
    _check(GOLDEN / f"{stem}.json", json.dumps(document, indent=2, sort_keys=True) + "\n")
