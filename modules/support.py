"""How a cloud realises a spec setting: the support levels of the feature table and of a warning.

Its own module so a spec issue (``modules/errors.py``) can carry a level without importing the
spec models that ``modules/features.py`` reads.
"""

from __future__ import annotations

from typing import Literal

Support = Literal["native", "emulated", "unsupported"]
SUPPORT_LEVELS: tuple[Support, ...] = ("native", "emulated", "unsupported")


def weaker(a: Support, b: Support) -> Support:
    """The lower of two levels (native > emulated > unsupported)."""
    return max(a, b, key=SUPPORT_LEVELS.index)
