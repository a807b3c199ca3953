"""Packs add severity, enforcement and public anchor ids to rules, by rule id (cdk-nag style).

``baseline`` covers every rule; ``gdpr`` and ``lgpd`` tighten enforcement and settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("low", "medium", "high", "critical")
ENFORCEMENTS = ("advisory", "mandatory", "disabled")


@dataclass(frozen=True)
class PackEntry:
    """What a pack says about one rule; ``None`` keeps the value of the pack below."""

    severity: str | None = None
    enforcement: str | None = None
    anchors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.severity is not None and self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r}")
        if self.enforcement is not None and self.enforcement not in ENFORCEMENTS:
            raise ValueError(f"enforcement {self.enforcement!r}")


@dataclass(frozen=True)
class Pack:
    """A named set of entries plus the settings (thresholds) it imposes."""

    name: str
    entries: dict[str, PackEntry]
    settings: dict[str, Any] = field(default_factory=dict)


def packs() -> dict[str, Pack]:
    """All packs by name (imported lazily so a pack file is plain data)."""
    from mlopskit.policies.packs.baseline import BASELINE
    from mlopskit.policies.packs.gdpr import GDPR
    from mlopskit.policies.packs.lgpd import LGPD

    return {p.name: p for p in (BASELINE, GDPR, LGPD)}
