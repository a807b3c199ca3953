"""docs/img shows what the kit renders today (issue 28 item 8): `make screenshots` shoots the
comparison report of the bundled example and the monitor report of the bundled sample capture,
and stores beside the PNGs the hash of each HTML it shot. These tests render the same reports
again and fail when a hash differs, i.e. when the images are stale."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mlopskit.cli import main
from mlopskit.report_html import to_html

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
STALE = "docs/img is stale: run `make screenshots` (needs chromium-headless-shell) and commit docs/img"
# The monitor report of the Makefile's `screenshots` recipe: the same files and the same fixed window end.
MONITOR_RUN = ["monitor", "run", "--captures", "stacks/samples/monitor/captures",
               "--baseline", "stacks/samples/monitor/baseline.csv", "--labels", "stacks/samples/monitor/labels.csv",
               "--settings", "stacks/samples/monitor/monitor.json", "--window-end", "2026-12-03T00:00:00Z", "-q"]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshot_report", ROOT / "scripts" / "screenshot_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stored(name: str) -> str:
    path = IMG / f"{name}.html.sha256"
    assert path.is_file(), STALE
    return path.read_text(encoding="utf-8")


def test_the_comparison_screenshots_are_of_todays_report(credit_risk_comparison: Any) -> None:
    # `make screenshots` runs compare from the checkout with the relative spec path the report prints.
    comparison = dataclasses.replace(credit_risk_comparison, spec="stacks/credit-risk.yaml")
    html = to_html(comparison) + "\n"  # as `compare --out` writes compare.html
    assert _script().digest_line(html, "report") == _stored("report"), STALE
    # One image per part the script cuts out: the overview and every target's diagram.
    shot = {p.name for p in IMG.glob("report-*.png")}
    assert shot == {f"report-{part}.png" for part in _script().sections(html)}, STALE
    assert {f"report-architecture-{r.cloud}.png" for r in comparison.results} <= shot


def test_the_monitor_screenshot_is_of_todays_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main([*MONITOR_RUN, "--out", str(tmp_path)]) == 0
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert _script().digest_line(html, "monitor") == _stored("monitor"), STALE
    assert (IMG / "monitor.png").is_file(), STALE


def test_a_changed_report_is_caught(credit_risk_comparison: Any) -> None:
    """The check can fail: one character more in the report is another hash."""
    html = to_html(dataclasses.replace(credit_risk_comparison, spec="stacks/credit-risk.yaml")) + "\n"
    assert _script().digest_line(html + " ", "report") != _stored("report")
    assert re.fullmatch(r"[0-9a-f]{64}  report\.html\n", _stored("report"))
