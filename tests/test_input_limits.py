"""Bad input of every shape is exit 2 with one line, never exit 3, a hang or a traceback:
files that are not regular files, huge files, values with newlines, control characters or
100 KB of text, and `compare --out` pointing somewhere it cannot write."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest
import yaml

from mlopskit.cli import main
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
