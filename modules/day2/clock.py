"""Time as an injectable dependency, so rollouts and retries never really wait in tests."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """What the orchestration needs from time."""

    def sleep(self, seconds: float) -> None: ...

    def now(self) -> float: ...


class SystemClock:
    """The real clock."""

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def now(self) -> float:
        return time.time()
