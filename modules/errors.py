"""Spec problems as (field path, message) pairs, formatted one line each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import ValidationError

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


@dataclass(frozen=True)
class SpecIssue:
    """One problem in a spec, located by its field path (``endpoints[0].autoscaling``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SpecError(Exception):
    """Raised when a spec is invalid; carries every problem found, not only the first."""

    def __init__(self, issues: Iterable[SpecIssue]) -> None:
        self.issues = sorted(set(issues), key=lambda i: (i.path, i.message))
        super().__init__("\n".join(str(i) for i in self.issues))


def format_path(loc: Iterable[str | int]) -> str:
    """('endpoints', 0, 'autoscaling') -> 'endpoints[0].autoscaling'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part:
            out += f".{part}" if out else str(part)
    return out


def issues_from_validation(error: ValidationError, prefix: tuple[str | int, ...] = ()) -> list[SpecIssue]:
    """Turn pydantic's errors into SpecIssues whose paths name the offending field."""
    issues = []
    for err in error.errors(include_url=False):
        loc = list(prefix) + [p for p in err["loc"] if p != "__root__"]
        ctx = err.get("ctx") or {}
        if err["type"] == "mlopskit_field":
            loc.append(ctx["field"])
        message = _MESSAGES.get(err["type"], err["msg"])
        if err["type"] == "value_error" and message.startswith("Value error, "):
            message = message[len("Value error, "):]
        issues.append(SpecIssue(format_path(loc), message))
    return issues
