"""Readers and publishers registered per target, so a new target (a Kubernetes cluster, say)
adds its own without touching the job: ``@reader("name")`` / ``@publisher("name")``."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

READERS: dict[str, Callable[..., Any]] = {}
PUBLISHERS: dict[str, Any] = {}


def reader(name: str) -> Callable[[F], F]:
    """Register a capture reader: ``(paths, settings) -> iterator of frames``."""

    def register(function: F) -> F:
        if name in READERS:
            raise ValueError(f"reader {name!r} is registered twice")
        READERS[name] = function
        return function

    return register


def publisher(name: str) -> Callable[[F], F]:
    """Register a publisher class for a target (it builds requests, then sends them)."""

    def register(cls: F) -> F:
        if name in PUBLISHERS:
            raise ValueError(f"publisher {name!r} is registered twice")
        PUBLISHERS[name] = cls
        return cls

    return register
