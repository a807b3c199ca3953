"""The corpus of hand-written wrong specs (tests/specs_wrong/): each is refused for its
one stated reason, by `validate` (exit 2, one line naming the field path) or, for policy
matters, by `policy` on every placed cloud (exit 1, the named mandatory rule failing)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
import yaml

from mlopskit.cli import main
from mlopskit.modules.targets import names as target_names

CORPUS = Path(__file__).resolve().parent / "specs_wrong"
FILES = sorted(CORPUS.glob("*.yaml"))


def header(path: Path) -> dict[str, str]:
    """The `# key: value` comment lines that open a corpus file."""
    found = {}
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(": ")
        found[key] = value
    return found


def run(*argv: str) -> tuple[int, str, str]:
    """The CLI in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_the_corpus_has_one_file_per_rule() -> None:
    rules = [header(f)["wrong"] for f in FILES]
    assert len(FILES) >= 60
    assert len(set(rules)) == len(rules), "two files state the same rule"
    assert all("expect" in header(f) or "expect-policy" in header(f) for f in FILES)


VALIDATION = [f for f in FILES if "expect" in header(f)]
POLICY = [f for f in FILES if "expect-policy" in header(f)]


@pytest.mark.parametrize("path", VALIDATION, ids=lambda p: p.stem)
def test_validate_refuses_naming_the_field(path: Path) -> None:
    expected = header(path)["expect"]
    code, out, err = run("validate", str(path))
    assert (code, out) == (2, ""), err
    lines = err.splitlines()
    assert lines and err.endswith("\n") and all(line.startswith("error: ") for line in lines), err
    assert all(len(line) <= 500 and line.isprintable() for line in lines), err
    where = path.as_posix()
    if expected == "(file)":
        assert lines == [lines[0]] and lines[0].startswith(f"error: {where}:"), err
    else:
        assert any(line.startswith(f"error: {where}: {expected}: ") for line in lines), err


@pytest.mark.parametrize("path", POLICY, ids=lambda p: p.stem)
def test_policy_matters_fail_the_mandatory_rule_on_every_cloud(path: Path) -> None:
    rule = header(path)["expect-policy"]
    assert run("validate", str(path))[0] == 0
    placed = [cloud for cloud in target_names() if cloud in yaml.safe_load(path.read_text())["placement"]]
    assert len(placed) >= 3, placed  # the three clouds at least; a cluster where the spec names one
    for cloud in placed:
        code, out, err = run("policy", str(path), "--provider", cloud, "--format", "json")
        assert code == 1, (cloud, err)
        report = json.loads(out)
        failed = {(v["policy"], v["enforcement"]) for v in report["violations"] if v["status"] == "fail"}
        assert (rule, "mandatory") in failed, (cloud, failed)
        assert report["errors"] == [], cloud
