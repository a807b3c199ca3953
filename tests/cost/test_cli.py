"""`mlopskit cost` and `mlopskit compare` through the CLI: exit codes, formats, the HTML report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlopskit.cli import main
from mlopskit.console import usd
from mlopskit.cost import money
from mlopskit.modules.targets import names as target_names
from mlopskit.providers.catalog.prices import PriceKey, lookup
from tests.conftest import STACKS
from tests.cost.helpers import bundled_estimate
from tests.specs import baseline, change, write_spec

CREDIT = str(STACKS / "credit-risk.yaml")


def _write(tmp_path: Path, data: dict, name: str = "spec.yaml") -> str:
    return str(write_spec(tmp_path, data, name))


def _total(cloud: str) -> str:
    # The CLI prints what the estimator computes; the figures themselves are pinned by the goldens.
    return money(bundled_estimate("credit-risk.yaml", cloud).total_monthly)


def _shown(cloud: str) -> str:
    """The total as the terminal and the reports show it: with thousands separators."""
    return usd(bundled_estimate("credit-risk.yaml", cloud).total_monthly)


def test_cost_within_budget_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", CREDIT, "--provider", "aws"]) == 0
    out = capsys.readouterr().out
    assert f"OVERALL TOTAL (baseline)            {_shown('aws')}" in out
    assert "Budget (budget.monthlyLimitUsd)     $6,000.00  (within)" in out


def test_cost_over_budget_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, change(baseline(), "budget.monthlyLimitUsd", 1000))
    assert main(["cost", spec, "--provider", "aws"]) == 1
    assert f"budget exceeded: estimate {_shown('aws')} > budget.monthlyLimitUsd $1,000.00" in capsys.readouterr().err


def test_cost_json_is_infracost_shaped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", CREDIT, "--provider", "gcp", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["totalMonthlyCost"] == _total("gcp")
    assert document["projects"][0]["metadata"] == {"path": CREDIT, "type": "mlopskit_gcp"}


def test_usage_file_overrides_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("logs: {ingestedGb: 40}\n")
    assert main(["cost", CREDIT, "--provider", "aws", "--usage", str(usage), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    endpoint = next(r for r in document["projects"][0]["breakdown"]["resources"]
                    if r["name"] == "credit-risk-prod-endpoint-scoring-endpoint")
    assert endpoint["costComponents"][0]["monthlyQuantity"] == "40"
    ingestion = lookup(PriceKey("aws", "cloudwatch", "log-ingestion", "eu-west-1"))
    assert ingestion is not None and endpoint["monthlyCost"] == money(40 * ingestion.usd)


def test_unknown_usage_key_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("logs: {ingestedGB: 40}\n")
    assert main(["cost", CREDIT, "--provider", "aws", "--usage", str(usage)]) == 2
    assert "usage.logs.ingestedGB: unknown usage key" in capsys.readouterr().err


def test_compare_to_prints_the_difference_per_resource(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bigger = _write(tmp_path, change(baseline(), "endpoints[1].autoscaling.minInstances", 3))
    assert main(["cost", bigger, "--provider", "aws", "--compare-to", CREDIT]) == 0
    out = capsys.readouterr().out
    # one more challenger instance (4 vCPUs, 16 GiB: ml.m6i.xlarge there): 730 h x its eu-west-1 hosting price
    hosting = lookup(PriceKey("aws", "sagemaker-hosting", "ml.m6i.xlarge", "eu-west-1"))
    assert hosting is not None
    delta = 730 * hosting.usd
    row = next(line for line in out.splitlines() if line.startswith("credit-risk-prod-endpoint-challenger-config"))
    assert row.endswith(f"+{usd(delta)}")  # the change column, right-aligned with the others
    before = bundled_estimate("credit-risk.yaml", "aws").total_monthly
    assert f"Total: {usd(before)} -> {usd(before + delta)} (+{usd(delta)})" in out


def test_compare_writes_every_format_with_a_nonzero_total_per_target(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   credit_risk_comparison: object) -> None:
    # The comparison of the bundled example, made once per run (tests/conftest.py), through the CLI.
    monkeypatch.setattr("mlopskit.compare.run.compare", lambda *a, **k: credit_risk_comparison)
    assert main(["compare", CREDIT, "--out", str(tmp_path), "--format", "markdown"]) == 0
    totals = [_total(c) for c in target_names()]
    shown = [_shown(c) for c in target_names()]
    assert "| monthly cost" not in capsys.readouterr().out  # --out: the verdict and the paths only
    markdown = (tmp_path / "compare.md").read_text()
    assert f"| monthly cost (baseline) | {' | '.join(shown)} |\n" in markdown  # one column per target
    document = json.loads((tmp_path / "compare.json").read_text())
    assert [(c["cloud"], c["monthlyCost"]) for c in document["clouds"]] == list(zip(target_names(), totals, strict=True))
    assert all(float(t) > 0 for t in totals)
    html = (tmp_path / "compare.html").read_text()
    # the shared cost chart; per target a cost breakdown and an architecture diagram
    assert html.count("<svg") == 1 + 2 * len(target_names())
    assert "<script" not in html and "https://" not in html and "<link" not in html
    gcp = next(c for c in document["clouds"] if c["cloud"] == "gcp")
    shadow = next(f for f in gcp["features"] if f["setting"] == "deployment.strategy: shadow")
    assert (shadow["support"], shadow["used"]) == ("unsupported", True)


def test_compare_with_a_broken_policy_runner_still_shows_the_cost(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("runner exploded")

    monkeypatch.setattr("mlopskit.compare.run.evaluate", broken)
    main(["compare", CREDIT, "--providers", "aws", "--format", "json"])
    aws = json.loads(capsys.readouterr().out)["clouds"][0]
    assert (aws["policies"], aws["policyNote"]) == (None, "policies: error (RuntimeError: runner exploded)")
    assert float(aws["monthlyCost"]) > 0


def test_compare_with_policy_runner_reports_its_summary(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("mlopskit.policies.runner")
    assert main(["compare", CREDIT, "--providers", "aws", "--format", "json"]) == 0
    aws = json.loads(capsys.readouterr().out)["clouds"][0]
    assert aws["policyNote"] is None
    assert aws["policies"]["provider"] == "aws" and aws["policies"]["presets"] == ["gdpr"]


def test_compare_rejects_unknown_provider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", CREDIT, "--providers", "aws,ibm"]) == 2
    assert f"--providers: choose from {', '.join(target_names())}; got 'aws,ibm'" in capsys.readouterr().err
