"""The one error type day-2 commands show the user: a cloud call that failed, in one line."""

from __future__ import annotations

from typing import Literal

ErrorKind = Literal["throttled", "not-found", "access-denied", "failed"]


class CloudError(Exception):
    """A failed cloud call, already classified; ``str()`` is the line the CLI prints."""

    def __init__(self, kind: ErrorKind, operation: str, message: str) -> None:
        super().__init__(f"{operation}: {kind}: {message}")
        self.kind = kind
        self.operation = operation
        self.message = message
