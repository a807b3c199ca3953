"""The CLI's contract, as properties over generated specs (tests/property/strategies.py):

- `validate` exits 0 or 2, never 3, and never lets a traceback out;
- on exit 2 every error is one line naming a field path of the spec;
- on exit 0, `preview`, `policy` and `cost` on every placed cloud exit 0 or 1, with no rule
  error, each within ``COMMAND_SECONDS``.

Runs are reproducible: ``derandomize=True`` (examples derive from the test's name, not a
clock), no example database, a stated ``max_examples``. The CLI runs in-process through
``mlopskit.cli.main``; a mocked preview is built once per (spec, cloud) and shared by the
three commands, which then do their own rendering, policy evaluation and pricing. A
subprocess checks the real entry point once. The figures of the last run are printed.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

import mlopskit.engine
from mlopskit.cli import main
from mlopskit.modules.placement import CLOUDS
from tests.conftest import STACKS
from tests.property.strategies import mutated_specs, schema_specs

#: Examples per run, and the least of them that must be valid and reach the preview branch.
MAX_EXAMPLES = {"schema": 12, "mutation": 60}
MIN_PREVIEWED = {"schema": 8, "mutation": 3}
#: Slowest acceptable single command. A preview takes about a second; the slowest valid
#: spec pins registry version 1000, which the offline AWS registry (moto) seeds one version
#: at a time (~3.5 s on an idle 2-core machine); the margin absorbs a loaded CI runner.
COMMAND_SECONDS = 90.0
TOP_LEVEL = {"apiVersion", "kind", "metadata", "compliance", "budget", "placement", "network", "encryption", "storage",
             "registry", "training", "endpoints", "backups", "access"}
FIGURES: dict[str, Counter[str]] = {}
SETTINGS = dict(derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])


def run(*argv: str) -> tuple[int, str, str, float]:
    """The CLI in-process: exit code, stdout, stderr and wall time. An exception escaping
    `main` (a traceback a user would see) fails the property."""
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - started


@pytest.fixture
def shared_previews(monkeypatch: pytest.MonkeyPatch) -> None:
    """One mocked preview per (spec, cloud), reused by preview, policy and cost."""
    real: Callable[..., Any] = mlopskit.engine.preview
    cache: dict[tuple[str, str], Any] = {}

    def preview(stack: Any, cloud: str, provider: Any = None) -> Any:
        key = (stack.model_dump_json(), cloud)
        if key not in cache:
            cache.clear()  # one spec at a time: bounded memory
            cache[key] = real(stack, cloud, provider)
        return cache[key]

    monkeypatch.setattr(mlopskit.engine, "preview", preview)


def check_contract(doc: dict[str, Any], spec: Path, figures: Counter[str]) -> None:
    spec.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=False))
    figures["inputs"] += 1
    code, out, err, seconds = run("validate", str(spec))
    figures[f"validate exit {code}"] += 1
    figures["max ms"] = max(figures["max ms"], int(seconds * 1000))
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        lines = err.splitlines()
        assert lines and err.endswith("\n"), err
        prefix = f"error: {spec.as_posix()}: "
        for line in lines:
            assert line.isprintable() and len(line) <= 500, line
            assert line.startswith(prefix), line
            field = line[len(prefix):].split(": ", 1)[0]
            top = field.split(".", 1)[0].split("[", 1)[0]
            assert top in TOP_LEVEL or top in doc or field.startswith("["), line
        return
    clouds = [c for c in CLOUDS if doc["placement"].get(c) is not None]
    figures["previewed"] += 1
    for cloud in clouds:
        for command, extra in (("preview", ["--format", "json"]), ("policy", ["--format", "json"]), ("cost", [])):
            code, out, err, seconds = run(command, str(spec), "--provider", cloud, *extra)
            figures[f"{command} exit {code}"] += 1
            figures["max ms"] = max(figures["max ms"], int(seconds * 1000))
            assert code in (0, 1), f"{command} --provider {cloud}: {err}"
            assert seconds < COMMAND_SECONDS, f"{command} --provider {cloud} took {seconds:.1f}s"
            if command == "policy":
                assert json.loads(out)["errors"] == [], f"rule error on {cloud}: {out}"


def _property(kind: str, strategy: st.SearchStrategy[dict[str, Any]], tmp_path: Path) -> None:
    figures = FIGURES.setdefault(kind, Counter())
    # Specs are written to tmp_path; their training code (./src) is a copy of the bundled specs'
    # own (a link would lead out of the spec's directory, which packaging refuses).
    shutil.copytree(STACKS / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))

    @settings(max_examples=MAX_EXAMPLES[kind], **SETTINGS)  # type: ignore[arg-type]
    @given(strategy)
    def contract(doc: dict[str, Any]) -> None:
        check_contract(doc, tmp_path / "spec.yaml", figures)

    started = time.perf_counter()
    contract()
    figures["wall seconds"] = int(time.perf_counter() - started)
    print(f"\n{kind}: {dict(sorted(figures.items()))}")
    assert figures["previewed"] >= MIN_PREVIEWED[kind], dict(figures)


@pytest.mark.usefixtures("shared_previews")
def test_specs_from_the_schema_keep_the_contract(tmp_path: Path) -> None:
    _property("schema", schema_specs(), tmp_path)


@pytest.mark.usefixtures("shared_previews")
def test_mutated_bundled_specs_keep_the_contract(tmp_path: Path) -> None:
    _property("mutation", mutated_specs(), tmp_path)


def test_the_real_entry_point_never_shows_a_traceback(tmp_path: Path) -> None:
    """What the in-process runs cannot see: the interpreter's own exit path."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("apiVersion: mlopskit/v1\nkind: Stack\nmetadata: {name: \"a\\nb\\x00\"}\n? [a, b]\n: 1\n")
    done = subprocess.run([sys.executable, "-m", "mlopskit.cli", "validate", str(spec)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
