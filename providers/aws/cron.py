"""Five-field cron (spec v1) -> the six-field ``cron(...)`` AWS schedulers expect."""

from __future__ import annotations

import re

_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


class CronNotSupported(ValueError):
    """The expression has no AWS equivalent (AWS cannot combine day-of-month and weekday)."""


def _weekday(field: str) -> str:
    # Standard cron numbers weekdays 0-6 (and 7) from Sunday; AWS numbers them 1-7.
    # Names are unambiguous in both, so numbers become names.
    return re.sub(r"\d+", lambda m: _DAYS[int(m.group()) % 7], field)


def to_aws(expression: str) -> str:
    """``"0 3 * * 1"`` -> ``"cron(0 3 ? * MON *)"``."""
    minute, hour, day, month, weekday = expression.split()
    if weekday == "*":
        weekday = "?"
    elif "/" in weekday:
        raise CronNotSupported("AWS cron has no step values (/) in the day-of-week field")
    elif day == "*":
        day = "?"
        weekday = _weekday(weekday)
    else:
        raise CronNotSupported("AWS cron cannot restrict both day-of-month and day-of-week")
    return f"cron({minute} {hour} {day} {month} {weekday} *)"
