"""Shared fixtures. Sockets are blocked for every test by pyproject's pytest options
(--disable-socket --allow-hosts=127.0.0.1,::1): loopback only."""

from __future__ import annotations

import dataclasses
import fcntl
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import pytest

from mlopskit.modules.targets import names as target_names

if TYPE_CHECKING:
    from mlopskit.compare.model import Comparison

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
STACKS = ROOT / "stacks"
SPECS = sorted(STACKS.glob("*.yaml"))
EXAMPLE_SPECS = [p for p in SPECS if not p.name.startswith("Pulumi.")]


def placed_targets(spec: Path) -> list[str]:
    """The registered targets the bundled ``spec`` places (has a ``placement`` entry for), in rank order:
    an example builds only where it is placed (not every example places every target)."""
    import yaml

    placement = yaml.safe_load(spec.read_text()).get("placement") or {}
    return [name for name in target_names() if name in placement]


#: (example spec, target) for every bundled example and every target it places
EXAMPLE_PLACEMENTS = [(spec, cloud) for spec in EXAMPLE_SPECS for cloud in placed_targets(spec)]


def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    # Never let an SDK find real credentials or a real profile on a developer machine.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture(autouse=True)
def _aws_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    _offline(monkeypatch)



def missing_environment(reason: str) -> NoReturn:
    """A test whose tool or environment `make` installs is absent: skipped on a developer's machine,
    failed under CI (``CI`` set), where every gate must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run these tests")
    pytest.skip(reason)


def shared_across_workers(tmp_path_factory: pytest.TempPathFactory, worker_id: str, key: str,
                          make: Callable[[], T]) -> T:
    """``make()`` once per test run, even when pytest-xdist splits the run over processes: the
    first worker to need it computes and pickles it under the run's shared temporary folder (the
    documented xdist pattern), the others wait on the lock and load it."""
    if worker_id == "master":  # not under xdist: one process, the session fixture already caches
        return make()
    root = tmp_path_factory.getbasetemp().parent
    stored = root / f"{key}.pickle"
    with (root / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stored.exists():
            value: T = pickle.loads(stored.read_bytes())  # noqa: S301 - written by this run, just above
            return value
        value = make()
        stored.write_bytes(pickle.dumps(value))
        return value


def _without_outputs(comparison: Comparison) -> Comparison:
    """The comparison as it crosses processes: the builds' Pulumi outputs (which no comparison reads)
    are dropped, as ``compare(..., jobs=2)`` does."""
    for result in comparison.results:
        if result.graph is not None:
            result.graph = dataclasses.replace(result.graph, outputs={})
    return comparison


@pytest.fixture(scope="session")
def credit_risk_comparison(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Comparison:
    """The bundled example compared on every target, made once per test run (it takes
    25-60 s); tests of the CLI hand it to ``mlopskit.compare.run.compare`` by monkeypatch."""
    from mlopskit.compare.run import compare

    def make() -> Comparison:
        with pytest.MonkeyPatch.context() as patch:  # the same offline settings as every test
            _offline(patch)
            return _without_outputs(compare(str(STACKS / "credit-risk.yaml"), list(target_names())))
    return shared_across_workers(tmp_path_factory, worker_id, "credit-risk-comparison", make)
