"""Five-field cron expressions, validated once here and translated by each provider."""

from __future__ import annotations

from typing import Annotated

from croniter import croniter
from pydantic import AfterValidator


def _cron(value: str) -> str:
    fields = value.split()
    if len(fields) != 5:
        raise ValueError(f"cron needs 5 fields (minute hour day month weekday), got {len(fields)}: {value!r}")
    if not croniter.is_valid(value):
        raise ValueError(f"not a valid cron expression: {value!r}")
    return " ".join(fields)


Cron = Annotated[str, AfterValidator(_cron)]
