"""``mlopskit monitor run`` on the bundled sample and on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlopskit.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "stacks" / "samples" / "monitor"


def _args(out: Path, *extra: str) -> list[str]:
    return ["monitor", "run", "--captures", str(SAMPLE / "captures"), "--baseline", str(SAMPLE / "baseline.csv"),
            "--out", str(out), *extra]


def test_the_sample_flags_exactly_its_two_shifted_features(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(_args(tmp_path, "--labels", str(SAMPLE / "labels.csv"), "--settings", str(SAMPLE / "monitor.json"),
                      "--window-end", "2026-12-02T00:00:00Z"))
    out = capsys.readouterr().out
    assert code == 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["drift"]["drifted"] == ["income", "region"]
    assert [f for f, v in report["drift"]["features"].items() if v["drifted"]] == ["income", "region"]
    assert report["rows"] == {"captured": 400, "labelled": 300, "awaiting_labels": 0, "unmatched_captures": 100,
                              "unmatched_labels": 0}
    assert set(report["quality"]["metrics"]) == {"accuracy", "precision", "recall", "f1", "auc"}
    assert set(report["bias"]["facets"]) == {"age", "region"} and set(report["bias"]["facets"]["age"]) == {"<=60", ">60"}
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<script" not in html and "http" not in html.split("<body>")[1]
    assert html.count("<svg") == 6 and "Worst slices" in html
    assert "drift: 2 of 6 features (share 0.333)" in out and "report.html" in out


@pytest.mark.parametrize(("extra", "message"), [
    (["--captures", "nowhere"], "error: --captures: no such file or folder: nowhere"),
    (["--endpoint", "scoring"], "error: --endpoint: needs SPEC (the spec file whose endpoint it names)"),
    (["--window-end", "yesterday"], "error: --window-end: is not an ISO 8601 time: 'yesterday'"),
    (["--format", "vertex"], "not a Vertex AI request-response row"),
])
def test_bad_input_is_one_line_naming_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               extra: list[str], message: str) -> None:
    assert main(_args(tmp_path, *extra)) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "report.json").exists()


def test_an_unknown_setting_names_its_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = tmp_path / "monitor.json"
    settings.write_text(json.dumps({"psi_treshold": 0.3}), encoding="utf-8")
    assert main(_args(tmp_path / "out", "--settings", str(settings))) == 2
    assert capsys.readouterr().err == "error: monitor.json.psi_treshold: is not a monitor setting\n"


def test_settings_come_from_the_specs_endpoint_and_a_numeric_facet_needs_a_threshold(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mlopskit.commands.monitor import settings_from_spec

    spec = str(ROOT / "stacks" / "lifecycle.yaml")
    values = settings_from_spec(spec, "churn-online")
    assert values["features"] == ["age", "tenure_months", "plan", "region", "monthly_spend"]
    assert values["problem_type"] == "binary-classification" and values["label"] == "churned"
    assert [f["name"] for f in values["facets"]] == ["age", "region"]
    baseline = tmp_path / "baseline.csv"
    baseline.write_text("age,tenure_months,plan,region,monthly_spend,prediction\n" + "".join(
        f"{20 + i},{i},{'basic' if i % 2 else 'pro'},north,{10 + i},0.{i % 9 + 1}\n" for i in range(40)), encoding="utf-8")
    code = main(["monitor", "run", spec, "--endpoint", "churn-online", "--captures", str(baseline), "--format", "csv",
                 "--baseline", str(baseline), "--out", str(tmp_path / "out")])
    assert code == 2
    assert capsys.readouterr().err == ("error: facets[0].valueOrThreshold: age is numeric: give the threshold above "
                                       "which a row is in the facet\n")
    assert main(["monitor", "run", spec, "--endpoint", "nope", "--captures", str(baseline),
                 "--baseline", str(baseline)]) == 2
    assert "--endpoint must name one of: churn-online" in capsys.readouterr().err


def test_the_json_report_turns_undefined_numbers_into_null() -> None:
    from mlopskit.monitor.report import to_json

    assert json.loads(to_json({"p": float("nan"), "values": [1.0, float("inf")]})) == {"p": None, "values": [1.0, None]}
