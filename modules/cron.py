"""Five-field cron expressions, validated once here and translated by each provider.

The accepted subset is what every cloud's scheduler takes (AWS EventBridge Scheduler,
Google Cloud Scheduler, Azure ML schedules): numbers, ``*``, lists (``,``), ranges (``-``)
and steps (``/``) only; no names (MON, JAN), no ``L``/``W``/``#``/``?``, no ``@daily``
macros; day-of-month and day-of-week are not both restricted (AWS cannot combine them)
and day-of-week takes no step. An expression must fire at least once in every year, so a
schedule such as ``0 0 31 2 *`` (never) or ``0 0 29 2 *`` (leap years only) is refused.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated

from croniter import croniter
from croniter.croniter import CroniterBadDateError
from pydantic import AfterValidator

from mlopskit.modules.errors import echo

_FIELD = re.compile(r"[0-9*,/-]+")
_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")
CRON_MAX = 100
# 2025 is not a leap year and holds every weekday in every month: an expression that
# fires in it fires every year (both day fields restricted at once is refused below).
_YEAR_START, _YEAR_END = datetime(2025, 1, 1), datetime(2026, 1, 1)


def _cron(value: str) -> str:
    if len(value) > CRON_MAX:
        raise ValueError(f"cron expression longer than {CRON_MAX} characters")
    fields = value.split()
    if len(fields) != 5:
        raise ValueError(f"cron needs 5 fields (minute hour day month weekday), got {len(fields)}: {echo(value)}")
    for name, field in zip(_NAMES, fields, strict=True):
        if not _FIELD.fullmatch(field):
            raise ValueError(f"cron {name} field may hold only numbers, *, ',', '-' and '/': {echo(field)}")
    day, weekday = fields[2], fields[4]
    if day != "*" and weekday != "*":
        raise ValueError("cron cannot restrict both day-of-month and day-of-week (not every cloud can)")
    if "/" in weekday:
        raise ValueError("cron day-of-week takes no step (/) (not every cloud accepts it)")
    expression = " ".join(fields)
    if not croniter.is_valid(expression):
        raise ValueError(f"not a valid cron expression: {echo(value)}")
    try:
        first = croniter(expression, _YEAR_START - timedelta(seconds=1), max_years_between_matches=1).get_next(datetime)
    except CroniterBadDateError:
        first = None
    if first is None or first >= _YEAR_END:
        raise ValueError(f"cron expression never fires in some years: {echo(value)}")
    return expression


Cron = Annotated[str, AfterValidator(_cron)]
