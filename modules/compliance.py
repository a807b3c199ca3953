"""Compliance frameworks the stack must satisfy."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from mlopskit.modules.base import SpecModel, reject_duplicates

Framework = Literal["gdpr", "lgpd"]
Region = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{2,30}$")]


class Compliance(SpecModel):
    """Frameworks (presets of residency, CMK, retention and audit rules) and overrides."""

    frameworks: list[Framework] = Field(default_factory=list, max_length=2)
    allowed_regions: list[Region] = Field(default_factory=list, max_length=100)
    retention_days: int = Field(default=365, ge=1, le=3650)

    _unique = field_validator("frameworks", "allowed_regions")(reject_duplicates)
