"""Monthly spending limit and its alert thresholds."""

from __future__ import annotations

from pydantic import Field, field_validator

from mlopskit.modules.base import SpecModel

MAX_MONTHLY_LIMIT_USD = 10_000_000


class Budget(SpecModel):
    """A monthly budget in USD; alerts fire at each threshold (percent of the limit)."""

    # $10M a month bounds the amount every cloud's budget API and the cost gate handle
    # exactly (finite, integral cents); infinity and NaN are refused by the base model.
    monthly_limit_usd: float = Field(gt=0, le=MAX_MONTHLY_LIMIT_USD)
    alert_thresholds_percent: list[float] = Field(default_factory=lambda: [50.0, 80.0, 100.0], max_length=10)

    @field_validator("alert_thresholds_percent")
    @classmethod
    def _percentages(cls, value: list[float]) -> list[float]:
        for threshold in value:
            if not 0 < threshold <= 100:
                raise ValueError(f"percentages must be within 0-100, got {threshold:g}")
        if len(set(value)) != len(value):
            raise ValueError("duplicate thresholds")
        return sorted(value)
