"""Backups and cross-region recovery."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from mlopskit.modules.base import SpecModel, reject_duplicates

BackupTarget = Literal["artifacts", "models", "containers"]
DEFAULT_TARGETS: tuple[BackupTarget, ...] = ("artifacts", "models")


class Backups(SpecModel):
    """What is backed up, how often, for how long, and whether copies leave the region."""

    schedule: Literal["hourly", "daily", "weekly"] = "daily"
    retention_days: int = Field(default=35, ge=1, le=3650)
    cross_region: bool = True
    targets: list[BackupTarget] = Field(default_factory=lambda: list(DEFAULT_TARGETS))

    _unique = field_validator("targets")(reject_duplicates)
