"""Bad input of every shape is exit 2 with one line, never exit 3, a hang or a traceback:
files that are not regular files, huge files, values with newlines, control characters or
100 KB of text, and `compare --out` pointing somewhere it cannot write."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest
import yaml

from mlopskit.cli import main
from mlopskit.modules.errors import shown_path
from mlopskit.modules.loader import MAX_SPEC_BYTES
from tests.conftest import STACKS
from tests.specs import baseline, change

BUNDLED = Path(__file__).resolve().parent.parent / "stacks" / "fraud-dev.yaml"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def one_error(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code == 2 and out == "", err
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n") and lines[0].isprintable() and len(lines[0]) <= 500, err
    return lines[0]


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    assert one_error("validate", str(fifo)) == f"error: {fifo}: not a regular file (a FIFO)"


def test_a_device_is_refused_before_reading() -> None:
    assert one_error("validate", "/dev/zero") == "error: /dev/zero: not a regular file (a character device)"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    assert one_error("validate", str(tmp_path)) == f"error: {tmp_path}: not a regular file (a directory)"


def test_a_symlink_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    assert "cannot open spec (Too many levels of symbolic links)" in one_error("validate", str(tmp_path / "a.yaml"))


def test_a_too_long_name_is_refused(tmp_path: Path) -> None:
    assert "cannot open spec (File name too long)" in one_error("validate", str(tmp_path / ("n" * 300)))


def test_a_path_under_a_regular_file_is_refused() -> None:
    assert "cannot open spec (Not a directory)" in one_error("validate", f"{BUNDLED}/spec.yaml")


def test_a_name_with_a_newline_stays_one_line(tmp_path: Path) -> None:
    assert "\\n" in one_error("validate", str(tmp_path / "two\nlines.yaml"))


def test_a_huge_spec_is_refused_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(BUNDLED.read_bytes() + b"#" * (50 * 1024 * 1024))
    assert one_error("validate", str(big)) == (
        f"error: {big}: spec is {big.stat().st_size} bytes, more than the {MAX_SPEC_BYTES} allowed")


@pytest.mark.parametrize(("path", "value", "shown"), [
    ("metadata.owner", "ops@example.com\nINJECTED: line", "\\n"),
    ("metadata.owner", "ops\x00@example.com", "\\x00"),
    ("access.roles[0].principals", ["user:" + "a" * 100_000 + "@example.com"], "at most 1024 characters"),
    ("access.roles[0].principals", ["user:" + "\n" * 900 + "@example.com"], "..."),
    ("training[0].hyperparameters", {"k" * 100_000: "v"}, "..."),
])
def test_values_in_errors_are_escaped_and_truncated(tmp_path: Path, path: str, value: object, shown: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(change(baseline(), path, value)))
    code, out, err = run("validate", str(spec))
    assert code == 2 and err.count("\n") == len(err.splitlines()), err
    assert all(line.isprintable() and len(line) <= 500 for line in err.splitlines()), err
    assert shown in err


def test_compare_out_at_an_existing_file_is_bad_input(tmp_path: Path) -> None:
    target = tmp_path / "report"
    target.write_text("mine")
    line = one_error("compare", str(BUNDLED), "--out", str(target))
    assert line.endswith(f"--out: '{target}' exists and is not a directory")
    assert target.read_text() == "mine"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_compare_out_in_a_read_only_place_is_bad_input(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        assert "--out: cannot create directory" in one_error("compare", str(BUNDLED), "--out", str(tmp_path / "out"))
    finally:
        tmp_path.chmod(0o700)


def test_compare_out_under_a_regular_file_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert "--out: cannot create directory" in one_error("compare", str(BUNDLED), "--out", str(tmp_path / "file" / "out"))


def test_prod_backups_null_gets_the_prod_default() -> None:
    from mlopskit.modules import Backups, parse_stack

    assert parse_stack(change(baseline(), "backups", None), base_dir=STACKS).backups == Backups()


def test_a_usage_file_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "usage.yaml"
    os.mkfifo(fifo)
    assert one_error("cost", str(BUNDLED), "--provider", "aws", "--usage", str(fifo)).endswith(
        f"{fifo}: not a regular file (a FIFO)")


# -- every CLI input file is loaded like a spec (issue 27) ---------------------------------

def _file(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@pytest.mark.parametrize(("text", "shown"), [
    ("settings:\n  maxSamplingPercent: .nan\n", "config.settings.maxSamplingPercent: expected a finite number"),
    ("settings:\n  maxSamplingPercent: .inf\n", "config.settings.maxSamplingPercent: expected a finite number"),
    ("settings:\n  maxKeyRotationDays: 1e308\n", "config.settings.maxKeyRotationDays: expected an integer"),
    ("settings:\n  maxKeyRotationDays: '90'\n", "config.settings.maxKeyRotationDays: expected an integer, got a string"),
    ("settings:\n  minBackupRetentionDays: -1\n", "config.settings.minBackupRetentionDays: Input should be greater than"),
    ("settings:\n  maxVcpu: {prod: [1]}\n", "config.settings.maxVcpu.prod: expected an integer, got a list"),
    ("settings:\n  maxVcpu: {qa: 4}\n", "config.settings.maxVcpu.qa"),
    ("settings:\n  captureForbiddenClassifications: [secret]\n", "config.settings.captureForbiddenClassifications[0]"),
    ("storage-versioning: disabled\nstorage-versioning: mandatory\n", "duplicate key 'storage-versioning'"),
    ("a: " + "[" * 40 + "]" * 40 + "\n", "nested more than 32 levels deep"),
    (b"all: advisory # \xff\n", "not UTF-8 text"),
    ("x" * (MAX_SPEC_BYTES + 1), "more than the 1048576 allowed"),
])
def test_a_policy_config_is_loaded_like_a_spec(tmp_path: Path, text: str | bytes, shown: str) -> None:
    config = _file(tmp_path, "policy.yaml", text)
    line = one_error("policy", str(BUNDLED), "--provider", "aws", "--config", str(config))
    assert line.startswith(f"error: {config}") and shown in line, line


def test_a_valid_policy_config_still_applies(tmp_path: Path) -> None:
    config = _file(tmp_path, "policy.json", '{"settings": {"maxSamplingPercent": 50, "maxVcpu": {"dev": 8}}}')
    code, _, err = run("policy", str(BUNDLED), "--provider", "aws", "--config", str(config))
    assert code in (0, 1), err


@pytest.mark.parametrize(("value", "shown"), [
    (".inf", "usage.storage.artifactsGb: must be a finite number, got 'inf'"),
    (".nan", "usage.storage.artifactsGb: must be a finite number, got 'nan'"),
    ("1.0e+308", "usage.storage.artifactsGb: must be at most 1e+12, got '1e+308'"),
    ("1e308", "usage.storage.artifactsGb: must be a number or null, got '1e308'"),  # YAML 1.1: a string
    ("'100'", "usage.storage.artifactsGb: must be a number or null, got '100'"),
    ("-1", "usage.storage.artifactsGb: must not be negative, got '-1'"),
])
@pytest.mark.parametrize("command", ["cost", "compare"])
def test_usage_values_are_typed_and_ranged(tmp_path: Path, value: str, shown: str, command: str) -> None:
    usage = _file(tmp_path, "usage.yaml", f"storage:\n  artifactsGb: {value}\n")
    argv = [command, str(BUNDLED), "--usage", str(usage)] + (["--provider", "aws"] if command == "cost" else
                                                             ["--providers", "aws", "--jobs", "1"])
    assert one_error(*argv) == f"error: {usage}: {shown}"


def test_usage_keys_are_unique(tmp_path: Path) -> None:
    usage = _file(tmp_path, "usage.yaml", "storage:\n  artifactsGb: 1\n  artifactsGb: 2\n")
    assert "duplicate key 'artifactsGb'" in one_error("cost", str(BUNDLED), "--provider", "aws", "--usage", str(usage))


def test_an_error_in_the_compare_to_spec_names_that_file(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(change(baseline("fraud-dev.yaml"), "endpoints[0].compute", {})))
    line = one_error("cost", str(BUNDLED), "--provider", "aws", "--compare-to", str(other))
    assert line.startswith(f"error: {other}: endpoints[0].compute"), line


def test_compare_out_never_follows_a_planted_link(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / "compare.html").symlink_to(victim)
    code, stdout, err = run("compare", str(BUNDLED), "--providers", "aws", "--jobs", "1", "--out", str(out), "--no-fail")
    assert code == 0, err
    assert victim.read_text() == "precious"
    assert not (out / "compare.html").is_symlink() and "<html" in (out / "compare.html").read_text().lower()
    assert sorted(p.name for p in out.iterdir()) == ["compare.html", "compare.json", "compare.md", "compare.txt"]


def test_compare_out_writes_all_files_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlopskit import report_html

    out = tmp_path / "out"
    out.mkdir()

    def broken(_comparison: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_html, "to_html", broken)
    code, _, err = run("compare", str(BUNDLED), "--providers", "aws", "--jobs", "1", "--out", str(out))
    assert code in (2, 3), err
    assert list(out.iterdir()) == []


def test_a_control_character_in_a_file_name_is_escaped_when_printed(tmp_path: Path) -> None:
    spec = tmp_path / "spec\x1b[2J\n::set-output name=x::y.yaml"
    spec.write_text(BUNDLED.read_text())
    shutil.copytree(BUNDLED.parent / "src", tmp_path / "src")
    code, out, err = run("validate", str(spec), "--provider", "aws")
    assert code == 0, err
    assert out.count("\n") == 1 and out.rstrip("\n").isprintable() and "\\x1b[2J\\n::set-output" in out
    assert shown_path(Path("::error::x.yaml")) == "./::error::x.yaml" and shown_path("a\x1bb") == "a\\x1bb"


def test_compare_out_paths_are_printed_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("compare", str(BUNDLED), "--providers", "aws", "--jobs", "1", "--out", "::warning::x\x07",
                         "--no-fail")
    assert code == 0, err
    wrote = [line for line in out.splitlines() if line.startswith("wrote ")]
    assert wrote and all(line.startswith("wrote ./::warning::x\\x07/") for line in wrote), out
    assert all(not line.startswith("::") and line.isprintable() for line in out.splitlines())
