"""The CLI contract: exit codes, one line per problem, no traceback, JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlopskit.cli import main
from tests.conftest import EXAMPLE_PLACEMENTS, EXAMPLE_SPECS, ROOT
from tests.specs import baseline, change, write_spec
from tests.test_spec_validation import RULE_CASES


def write(tmp_path: Path, data: dict) -> Path:
    return write_spec(tmp_path, data)


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=lambda p: p.name)
def test_validate_accepts_every_bundled_spec(spec: Path, capsys) -> None:
    assert main(["validate", str(spec), "--provider", "aws"]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize(("spec", "cloud"), EXAMPLE_PLACEMENTS, ids=lambda p: getattr(p, "name", p))
def test_preview_json_has_the_contract_shape(spec: Path, cloud: str, capsys) -> None:
    """Every bundled spec previews on every target it places, in one JSON shape."""
    assert main(["validate", str(spec), "--provider", cloud]) == 0
    capsys.readouterr()
    assert main(["preview", str(spec), "--provider", cloud, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"provider", "stack", "resources", "warnings"}
    assert out["provider"] == cloud
    assert all(set(w) == {"path", "message"} for w in out["warnings"])
    assert out["stack"].startswith(yaml.safe_load(spec.read_text())["metadata"]["name"])
    assert out["resources"], "a preview without resources"
    for resource in out["resources"]:
        assert set(resource) == {"urn", "type", "name", "parent", "dependencies", "protect", "inputs"}
    urns = [r["urn"] for r in out["resources"]]
    assert urns == sorted(urns) and len(set(urns)) == len(urns)


def test_preview_table_groups_resources_under_components(capsys) -> None:
    assert main(["preview", str(ROOT / "stacks/credit-risk.yaml"), "--provider", "aws"]) == 0
    out = capsys.readouterr().out
    assert "# mlopskit:aws:Endpoint  credit-risk-prod-endpoint-scoring" in out
    assert "  + aws:sagemaker/endpoint:Endpoint  credit-risk-prod-endpoint-scoring-endpoint" in out
    assert "[protected]" in out


def test_bad_spec_exits_2_with_one_line_per_problem(tmp_path: Path, capsys) -> None:
    data = change(baseline(), "endpoints[0].autoscaling.minInstances", 9)
    change(data, "metadata.colour", "blue")
    spec = write(tmp_path, data)
    assert main(["validate", str(spec)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: {spec.as_posix()}: endpoints[0].autoscaling.minInstances: must not exceed maxInstances (9 > 6)",
        f"error: {spec.as_posix()}: metadata.colour: unknown field",
    ]


def test_provider_specific_problems_exit_2(tmp_path: Path, capsys) -> None:
    spec = write(tmp_path, change(baseline(), "endpoints[0].deployment.waitMinutes", 90))
    assert main(["preview", str(spec), "--provider", "aws"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: {spec.as_posix()}: endpoints[0].deployment.waitMinutes: "
        "SageMaker waits at most 60 minutes between traffic shifts")


def test_missing_file_exits_2(capsys) -> None:
    assert main(["validate", "does/not/exist.yaml"]) == 2
    assert capsys.readouterr().err.strip() == "error: does/not/exist.yaml: file not found"


def test_invalid_yaml_exits_2_with_position(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("apiVersion: [unclosed\n")
    assert main(["validate", str(spec)]) == 2
    assert f"{spec}:2:1: invalid YAML" in capsys.readouterr().err


def test_unknown_provider_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["preview", "stacks/credit-risk.yaml", "--provider", "oracle"])
    assert exit_.value.code == 2


def test_no_traceback_through_the_real_entry_point(tmp_path: Path) -> None:
    spec = write(tmp_path, change(baseline(), "metadata.environment", "live"))
    run = subprocess.run([sys.executable, "-m", "mlopskit.cli", "preview", str(spec), "--provider", "aws"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        f"error: {spec.as_posix()}: metadata.environment: Input should be 'dev', 'staging' or 'prod'"]
    assert run.stdout == ""


@pytest.mark.parametrize(("path", "value", "expected"), RULE_CASES)
def test_every_validation_rule_through_the_cli(tmp_path: Path, capsys, path, value, expected) -> None:
    spec = write(tmp_path, change(baseline(), path, value))
    assert main(["validate", str(spec)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert any(line.startswith(f"error: {spec.as_posix()}: {expected}") for line in lines), lines
    assert "Traceback" not in captured.err and captured.out == ""


def test_the_quick_exit_flushes_everything_and_keeps_the_exit_code(tmp_path: Path, capsys) -> None:
    """`mlopskit` leaves with os._exit (cli.entry): all output is written first (the schema is
    ~60 KB, several of stdout's 8 KB buffers: without the flush the last one would be lost),
    exit codes unchanged."""
    assert main(["schema"]) == 0
    in_process = capsys.readouterr().out
    for args, code in ((["schema"], 0), (["validate", str(tmp_path / "missing.yaml")], 2)):
        run = subprocess.run([sys.executable, "-m", "mlopskit.cli", *args], capture_output=True, text=True, cwd=ROOT,
                             timeout=120)
        assert run.returncode == code
        if code == 0:
            assert json.loads(run.stdout) == json.loads(in_process)  # the whole document, nothing cut
        else:
            assert run.stderr.count("\n") == 1
