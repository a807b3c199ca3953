"""Shared base for every spec model: strict, immutable, camelCase in YAML, snake_case in Python."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

# Component names become part of every cloud resource name, so they share the
# strictest character set of the three clouds (lowercase, digits, dashes).
NAME_PATTERN = r"^[a-z][a-z0-9-]{1,23}$"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


class SpecModel(BaseModel):
    """Base of all spec v1 models: unknown fields are errors and models are frozen."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        str_strip_whitespace=True,
    )

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
    """Field validator for lists whose entries must be unique (regions, permissions...)."""
    duplicates = sorted({str(v) for v in value if value.count(v) > 1})
    if duplicates:
        raise ValueError(f"duplicate entries: {', '.join(duplicates)}")
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise PydanticCustomError("email", "not an email address: '{value}'", {"value": value})
    return value


Email = Annotated[str, AfterValidator(_email)]
