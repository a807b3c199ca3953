"""Shared fixtures. Sockets are blocked for every test by pyproject's pytest options
(--disable-socket --allow-hosts=127.0.0.1,::1): loopback only."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlopskit.modules.targets import names as target_names

ROOT = Path(__file__).resolve().parent.parent
STACKS = ROOT / "stacks"
SPECS = sorted(STACKS.glob("*.yaml"))
EXAMPLE_SPECS = [p for p in SPECS if not p.name.startswith("Pulumi.")]


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



@pytest.fixture(scope="session")
def credit_risk_comparison():  # type: ignore[no-untyped-def]
    """The bundled example compared on all three clouds, made once per test run (it takes
    25-60 s); tests of the CLI hand it to ``mlopskit.compare.run.compare`` by monkeypatch."""
    from mlopskit.compare.run import compare

    with pytest.MonkeyPatch.context() as patch:  # the same offline settings as every test
        _offline(patch)
        return compare(str(STACKS / "credit-risk.yaml"), list(target_names()))
