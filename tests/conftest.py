"""Shared fixtures. Sockets are blocked for every test (loopback stays allowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STACKS = ROOT / "stacks"
SPECS = sorted(STACKS.glob("*.yaml"))
EXAMPLE_SPECS = [p for p in SPECS if not p.name.startswith("Pulumi.")]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Equivalent to --disable-socket --allow-hosts=127.0.0.1,::1 for every test, even when
    # pytest is started without the ini file's options.
    for item in items:
        item.add_marker(pytest.mark.allow_hosts(["127.0.0.1", "::1"]))


@pytest.fixture(autouse=True)
def _aws_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    # Never let an SDK find real credentials or a real profile on a developer machine.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
