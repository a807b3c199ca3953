"""Spec problems as (field path, message) pairs, formatted one line each."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mlopskit.modules.support import Support

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}

# Strict types: say what was expected and what was given, so `cpu: '4'` reads
# "expected an integer, got a string ('4')" rather than a bare "invalid integer".
_EXPECTED = {
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "literal_error": None,
}

#: The longest value echoed back in an error; longer values are cut with an ellipsis.
ECHO_LIMIT = 60
#: The longest single error line (a field path built from user keys can be long too).
LINE_LIMIT = 400
# Field names and ordinary user keys print as ``a.b``; anything else is quoted in brackets.
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,62}$")


def one_line(text: str, limit: int = LINE_LIMIT) -> str:
    """``text`` as one printable line: control characters and newlines escaped, length capped.

    Every error the CLI prints goes through here, so a value holding a newline, a NUL or
    100 KB of text still yields exactly one short line.
    """
    escaped = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return escaped if len(escaped) <= limit else escaped[: limit - 3] + "..."


def shown_path(path: str | os.PathLike[str], limit: int = LINE_LIMIT) -> str:
    """A file path as printed on any output line: escaped like an error line (``one_line``), and
    never starting with ``::``, which GitHub Actions reads as a workflow command at a line's
    start (``./::x`` is the same file as ``::x``)."""
    text = one_line(os.fspath(path), limit)
    return f"./{text}" if text.startswith("::") else text


def echo(value: Any, limit: int = ECHO_LIMIT) -> str:
    """A user value quoted for an error message: escaped and truncated (``'abc...'``)."""
    text = value if isinstance(value, str) else repr(value)
    return "'" + one_line(text, limit) + "'"


def _type_name(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             list: "a list", dict: "a mapping", type(None): "null"}
    return names.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class SpecIssue:
    """One problem in a spec, located by its field path (``endpoints[0].autoscaling``).

    A build warning also says which setting of the feature table it is about (``feature``, a key of
    ``modules/features.py``) and how far the cloud honours it (``support``), so the comparison reads
    them instead of the message; both are None for an issue that is about no feature.
    """

    path: str
    message: str
    feature: str | None = field(default=None, kw_only=True)
    support: Support | None = field(default=None, kw_only=True)

    def __str__(self) -> str:
        return one_line(f"{self.path}: {self.message}" if self.path else self.message)


class SpecError(Exception):
    """Raised when a spec is invalid; carries every problem found, not only the first."""

    def __init__(self, issues: Iterable[SpecIssue], source: str | None = None) -> None:
        self.issues = sorted(set(issues), key=lambda i: (i.path, i.message))
        # The input file the problems are in, when it is not the command's spec (a --usage,
        # --config or --compare-to file): the CLI prefixes each line with it.
        self.source = source
        super().__init__("\n".join(str(i) for i in self.issues))

    def __reduce__(self) -> tuple[type[SpecError], tuple[list[SpecIssue], str | None]]:
        # Rebuilt from its issues (the default would pass the joined message as the issues),
        # so a spec error raised in a worker process (compare's) arrives whole.
        return SpecError, (self.issues, self.source)

    def about(self, source: str | Path) -> SpecError:
        """This error, attributed to the input file ``source`` unless it already names one."""
        return self if self.source is not None else SpecError(self.issues, str(source))


def format_path(loc: Iterable[str | int]) -> str:
    """('endpoints', 0, 'autoscaling') -> 'endpoints[0].autoscaling'.

    A user-chosen mapping key (a hyperparameter or label name) that is not a plain
    identifier is shown quoted in brackets, escaped and truncated: ``hyperparameters['']``.
    """
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        elif part == "[key]":
            continue  # pydantic's marker for "the key itself": the message says so
        elif not isinstance(part, str):  # a YAML key that is null, a boolean, a date...
            out += f"[{echo(part, 40)}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{echo(part, 40)}]"
    return out


def _message(err: Any) -> str:
    kind = err["type"]
    if kind in _EXPECTED and _EXPECTED[kind] is not None:
        given = err.get("input")
        shown = f" ({echo(given)})" if isinstance(given, (str, int, float)) and not isinstance(given, bool) else ""
        if isinstance(given, bool):
            shown = f" ({str(given).lower()})"
        return f"expected {_EXPECTED[kind]}, got {_type_name(given)}{shown}"
    if kind == "finite_number":
        return "expected a finite number, got " + echo(err.get("input"))
    message = _MESSAGES.get(kind, err["msg"])
    if kind == "value_error" and message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return message


def issues_from_validation(error: ValidationError, prefix: tuple[str | int, ...] = ()) -> list[SpecIssue]:
    """Turn pydantic's errors into SpecIssues whose paths name the offending field."""
    issues = []
    for err in error.errors(include_url=False):
        loc = list(prefix) + [p for p in err["loc"] if p != "__root__"]
        ctx = err.get("ctx") or {}
        path = format_path(loc)
        if err["type"] == "mlopskit_field":  # a path the kit wrote itself (may hold dots)
            path = f"{path}.{ctx['field']}" if path else ctx["field"]
        message = _message(err)
        if err["loc"] and err["loc"][-1] == "[key]":
            message = f"key: {message}"
        issues.append(SpecIssue(path, message))
    return issues
