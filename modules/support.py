"""How a cloud realises a spec setting: the support levels of the feature table and of a warning.

Its own module so a spec issue (``modules/errors.py``) can carry a level without importing the
spec models that ``modules/features.py`` reads.
"""

from __future__ import annotations

from typing import Literal

# native: the cloud's own service; kit: the kit computes it (its own job), the cloud schedules it;
# emulated: an honest workaround; unsupported: not at all. Strongest first.
Support = Literal["native", "kit", "emulated", "unsupported"]
SUPPORT_LEVELS: tuple[Support, ...] = ("native", "kit", "emulated", "unsupported")


def weaker(a: Support, b: Support) -> Support:
    """The lower of two levels (native > kit > emulated > unsupported)."""
    return max(a, b, key=SUPPORT_LEVELS.index)
