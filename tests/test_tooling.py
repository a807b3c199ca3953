"""The house linter and type checker are pinned, configured to bite, and run by `make test` before pytest."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _pinned(package: str) -> str:
    lock = (ROOT / "requirements-dev.lock").read_text(encoding="utf-8")
    match = re.search(rf"^{package}==(\S+)$", lock, re.MULTILINE)
    assert match, f"{package} is not pinned in requirements-dev.lock"
    return match.group(1)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_runs_ruff_and_mypy_before_pytest() -> None:
    # -n prints the recipe without running it (no venv is created, nothing is installed).
    plan = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    steps = plan.splitlines()
    ruff = next(i for i, step in enumerate(steps) if "ruff check" in step)
    mypy = next(i for i, step in enumerate(steps) if step.strip().endswith("/mypy"))
    pytest_step = next(i for i, step in enumerate(steps) if "-m pytest" in step)
    assert ruff < pytest_step and mypy < pytest_step


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_tools_run_at_their_pinned_version(tool: str) -> None:
    version = subprocess.run([str(BIN / tool), "--version"], capture_output=True, text=True, check=True).stdout
    assert _pinned(tool) in version.split()


def test_ruff_rejects_a_function_too_complex_to_read(tmp_path: Path) -> None:
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(11))
    (tmp_path / "complex.py").write_text(f'"""Example."""\n\n\ndef pick(x: int) -> int:\n{branches}    return -1\n')
    result = subprocess.run([str(BIN / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"), "complex.py"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1 and "C901" in result.stdout


def test_mypy_rejects_an_unannotated_function(tmp_path: Path) -> None:
    (tmp_path / "untyped.py").write_text('"""Example."""\n\n\ndef double(x):\n    return x * 2\n')
    result = subprocess.run([str(BIN / "mypy"), "--config-file", str(ROOT / "pyproject.toml"), "--no-incremental",
                             "untyped.py"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1 and "[no-untyped-def]" in result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target, venv", [("install", ".venv"), ("policy-env", ".venv-policy")])
def test_make_never_deletes_through_a_linked_environment(tmp_path: Path, target: str, venv: str) -> None:
    """A .venv that is a link to a shared environment: make stops before deleting its stamp (or the
    environment) and before installing into it."""
    checkout = tmp_path / "checkout"
    (checkout / "policies" / "crossguard").mkdir(parents=True)
    for name in ("Makefile", "requirements.lock", "requirements-dev.lock", "pyproject.toml", "setup.py",
                 "policies/crossguard/requirements.txt"):
        shutil.copy(ROOT / name, checkout / name)
    shared = tmp_path / "shared-env"
    shared.mkdir()
    (shared / ".installed-0").write_text("")
    (checkout / venv).symlink_to(shared, target_is_directory=True)
    # PYTHON=false: had make gone on, creating the environment would fail too; the stamp tells which happened.
    result = subprocess.run(["make", target, "PYTHON=false"], cwd=checkout, capture_output=True, text=True)
    assert result.returncode != 0
    assert f"{venv} is a symbolic link" in result.stderr
    assert (shared / ".installed-0").exists() and (checkout / venv).is_symlink()
