"""Progress of long work on stderr: the stage, resources registered so far, time elapsed.

Shown only when stderr is a terminal (a status line rewritten in place, ended by a newline
per stage), or with ``--verbose`` (one line per stage, also in a pipe); never on stdout, so
JSON, SARIF and JUnit output stays clean. The engine reports each registration through
``registered``; nothing is shown when no reporter is active.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

# How often the live line is rewritten (seconds): often enough to look alive, rarely enough
# not to slow a 10,000-resource preview down.
INTERVAL = 0.2


class Progress:
    """Writes stage lines to ``stream``; ``live`` rewrites one line in place (a terminal)."""

    def __init__(self, stream: IO[str], live: bool, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.live = live
        self.clock = clock
        self.start = clock()
        self.stage_name = ""
        self.count = 0
        self.last = -INTERVAL

    def _line(self) -> str:
        return f"[{self.clock() - self.start:6.1f}s] {self.stage_name}: {self.count:,} resources registered"

    def registered(self, count: int) -> None:
        self.count = count
        now = self.clock()
        if self.live and now - self.last >= INTERVAL:
            self.last = now
            self.stream.write("\r\x1b[K" + self._line())
            self.stream.flush()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.stage_name, self.count, self.last = name, 0, -INTERVAL
        if self.live:
            self.stream.write(f"\r\x1b[K[{self.clock() - self.start:6.1f}s] {name} ...")
            self.stream.flush()
        try:
            yield
        finally:
            done = self._line() if self.count else f"[{self.clock() - self.start:6.1f}s] {name}: done"
            self.stream.write(("\r\x1b[K" if self.live else "") + done + "\n")
            self.stream.flush()


_active: Progress | None = None


def start(verbose: bool = False, quiet: bool = False, stream: IO[str] | None = None) -> Progress | None:
    """Make the reporter the commands and the engine report to (None: nothing is shown)."""
    global _active
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    _active = None if quiet or not (tty or verbose) else Progress(stream, live=tty)
    return _active


def lines_only() -> None:
    """Report whole lines from now on, never a line rewritten in place (several processes
    writing to one terminal would garble a live line)."""
    if _active is not None:
        _active.live = False


def stop() -> None:
    global _active
    _active = None


@contextmanager
def stage(name: str) -> Iterator[None]:
    """A stage of the current command (``aws: preview``); shown only when a reporter is active."""
    if _active is None:
        yield
        return
    with _active.stage(name):
        yield


def registered(count: int) -> None:
    """Called by the engine after each registration."""
    if _active is not None:
        _active.registered(count)
