"""Shared base for every spec model: strict, immutable, camelCase in YAML, snake_case in Python."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, field_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from mlopskit.modules.errors import echo

# Component names become part of every cloud resource name, so they share the
# strictest character set of the three clouds (lowercase, digits, dashes).
NAME_PATTERN = r"^[a-z][a-z0-9-]{1,23}$"
# The common, portable subset of addresses: every cloud's notification channel and
# identity directory accepts these; no quoting, no control characters, no wildcards.
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}$")
EMAIL_MAX = 254  # RFC 5321's limit on a forward path
#: Default ceiling on any string in the spec; fields with tighter limits say so.
STR_MAX = 1024


# Bidirectional embeddings, overrides and isolates (Unicode 15, UAX #9): printable by Python's
# definition, but they reorder what a reader sees ("Trojan Source", CVE-2021-42574).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _has_control(text: str) -> bool:
    return not text.isprintable() or any(c in _BIDI_CONTROLS for c in text)


def control_characters(value: Any) -> str | None:
    """The first string in ``value`` (a string, or strings inside lists and mapping keys and
    values) holding a control character, or None. Nested spec models check themselves."""
    todo = [value]
    while todo:
        current = todo.pop()
        if isinstance(current, str):
            if _has_control(current):
                return current
        elif isinstance(current, (list, tuple, set, frozenset)):
            todo.extend(current)
        elif isinstance(current, dict):
            todo.extend(current.keys())
            todo.extend(current.values())
    return None


class SpecModel(BaseModel):
    """Base of all spec v1 models: unknown fields are errors and models are frozen."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        str_strip_whitespace=True,
        # Types are strict: YAML `'false'` is not a boolean and `'4'` not a number, and a
        # count given as 2.5 is an error, never truncated (ints are still accepted where a
        # number is expected). Infinity and NaN are never valid amounts or thresholds.
        strict=True,
        allow_inf_nan=False,
        str_max_length=STR_MAX,
    )

    # One check for every free string of the spec (names, labels, owners, hyperparameters,
    # positiveLabel, map keys): a control character or a bidirectional override would reach
    # a resource tag, a report or a terminal, where it reads differently from what was written.
    @field_validator("*", mode="after", check_fields=False)
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        found = control_characters(value)
        if found is not None:
            raise PydanticCustomError("control_character", "control characters are not allowed: {value}",
                                      {"value": echo(found)})
        return value

    def provided(self, field: str) -> bool:
        """True when the user set ``field`` explicitly rather than taking its default."""
        return field in self.model_fields_set


def field_error(field: str, message: str, **context: Any) -> PydanticCustomError:
    """An error raised by a model validator that points at one of the model's fields.

    Model validators report at the model's own location; the ``field`` context lets the
    error formatter append the offending field so users see the full path.
    """
    return PydanticCustomError("mlopskit_field", message, {"field": field, **context})


def reject_duplicates(value: list[Any]) -> list[Any]:
    """Field validator for lists whose entries must be unique (regions, permissions...).

    Strings compare case-insensitively: ``Ops@x.com`` and ``ops@x.com`` reach the same
    mailbox and would become two resources with the same derived name.
    """
    keys = [v.lower() if isinstance(v, str) else v for v in value]
    duplicates = sorted({echo(v) for v, k in zip(value, keys, strict=True) if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"duplicate entries: {', '.join(duplicates[:3])}")
    return value


def is_email(value: str) -> bool:
    """True for an address of the portable subset every cloud accepts."""
    return len(value) <= EMAIL_MAX and _EMAIL.fullmatch(value) is not None


def _email(value: str) -> str:
    if not is_email(value):
        raise PydanticCustomError("email", "not an email address: {value}", {"value": echo(value)})
    return value


Email = Annotated[str, AfterValidator(_email)]


# A folder of the stack's artifact store (batch input/output, ground truth, baselines).
PREFIX_MAX = 200


def _prefix(value: str) -> str:
    # A relative folder of the artifact store that every cloud's object names accept:
    # no scheme (the store is the stack's own), no "." / ".." segments, no empty segment.
    segments = value.removesuffix("/").split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError(f"expected a folder of the artifact store such as batch/input/, got {echo(value)}")
    return "/".join(segments) + "/"


StorePrefix = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.=-]*$", max_length=PREFIX_MAX), AfterValidator(_prefix),
]
