"""Comparing a restored backup with its source, object by object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ObjectStatus = Literal["same", "missing", "differs", "extra"]


@dataclass(frozen=True)
class ObjectCheck:
    """One object: ``models/credit-risk/7/model.tar.gz`` same / missing / differs / extra."""

    key: str
    status: ObjectStatus
    source: str | None
    restored: str | None


@dataclass(frozen=True)
class BackupReport:
    """Every object checked; ``ok`` only when each source object came back identical."""

    restored_from: str
    checks: tuple[ObjectCheck, ...]

    @property
    def ok(self) -> bool:
        # An empty source proves nothing: UNKNOWN is never a pass.
        return bool(self.checks) and all(c.status in ("same", "extra") for c in self.checks)

    @property
    def problems(self) -> list[ObjectCheck]:
        return [c for c in self.checks if c.status in ("missing", "differs")]


def compare_checksums(restored_from: str, source: dict[str, str], restored: dict[str, str]) -> BackupReport:
    """Objects written after the backup show as missing: the backup is judged against now."""
    checks = []
    for key in sorted(source.keys() | restored.keys()):
        s, r = source.get(key), restored.get(key)
        status: ObjectStatus = "extra" if s is None else "missing" if r is None else "same" if s == r else "differs"
        checks.append(ObjectCheck(key, status, s, r))
    return BackupReport(restored_from, tuple(checks))
