"""Monthly spending limit and its alert thresholds."""

from __future__ import annotations

from pydantic import Field, field_validator

from modules.base import SpecModel


class Budget(SpecModel):
    """A monthly budget in USD; alerts fire at each threshold (percent of the limit)."""

    monthly_limit_usd: float = Field(gt=0)
    alert_thresholds_percent: list[float] = Field(default_factory=lambda: [50.0, 80.0, 100.0])

    @field_validator("alert_thresholds_percent")
    @classmethod
    def _percentages(cls, value: list[float]) -> list[float]:
        for threshold in value:
            if not 0 < threshold <= 100:
                raise ValueError(f"percentages must be within 0-100, got {threshold:g}")
        if len(set(value)) != len(value):
            raise ValueError("duplicate thresholds")
        return sorted(value)
