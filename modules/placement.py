"""Where each target puts the stack. Only the target being built needs an entry."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar, Protocol, Self, TypeVar, cast

from pydantic import ConfigDict, GetJsonSchemaHandler, create_model, model_validator
from pydantic.json_schema import JsonSchemaValue

from mlopskit.modules import targets
from mlopskit.modules.base import SpecModel, field_error
from mlopskit.modules.compliance import Region

# A target's name (``modules.targets``): the key of its ``placement`` and ``instanceType`` entries.
Cloud = str


def __getattr__(name: str) -> Any:
    # CLOUDS is computed: the names of the registered targets, in rank order.
    if name == "CLOUDS":
        return targets.names()
    raise AttributeError(name)


def as_cloud(name: str) -> Cloud:
    """``name`` as a ``Cloud`` (text from config or files); ValueError when it names none."""
    if targets.find(name) is None:
        raise ValueError(f"unknown cloud {name!r} (choose from {', '.join(targets.names())})")
    return name


class TargetPlacement(SpecModel):
    """A target's placement: a primary region and an optional, different, backup region (names vary
    per target). Each target subclasses it (or ``Regional``) with its own fields."""

    primary_field: ClassVar[str]
    backup_field: ClassVar[str]

    @abstractmethod
    def _regions(self) -> tuple[str, str | None]:
        """The primary and backup region, under whatever names this cloud uses."""

    @model_validator(mode="after")
    def _distinct_backup(self) -> Self:
        primary, backup = self._regions()
        if backup is not None and backup == primary:
            raise field_error(self.backup_field, "must differ from the primary region for cross-region recovery")
        return self


class Placed(Protocol):
    """What shared code reads of any target's placement: each target names the fields its own way
    (a field or a property), and says which field holds which for error paths."""

    primary_field: ClassVar[str]
    backup_field: ClassVar[str]

    @property
    def primary_region(self) -> str: ...

    @property
    def backup_region(self) -> str | None: ...


class Regional(TargetPlacement):
    """Clouds that call them ``region`` and ``backupRegion``."""

    primary_field: ClassVar[str] = "region"
    backup_field: ClassVar[str] = "backupRegion"

    region: Region
    backup_region: Region | None = None

    @property
    def primary_region(self) -> str:
        return self.region

    def _regions(self) -> tuple[str, str | None]:
        return self.region, self.backup_region


class Placement(SpecModel):
    """Placement per cloud; validated for every cloud given, used for the one built."""

    # Its entries are the registered targets' placement models (``modules.targets``), so a target
    # brings its own; an entry naming no registered target is an unknown field, as before.

    model_config = ConfigDict(extra="allow")

    @model_validator(mode="before")
    @classmethod
    def _per_target(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data  # a Placement already, or a type error pydantic reports as usual
        # The typed model of every registered target's entry validates the entries, so errors
        # carry the same paths and messages as fields declared here would.
        checked = schema_model().model_validate(data)
        return {name: getattr(checked, name) for name in data}

    @model_validator(mode="after")
    def _at_least_one(self) -> Placement:
        if not any((self.model_extra or {}).values()):
            raise ValueError(f"needs an entry for at least one cloud ({_choices()})")
        return self

    def __getattr__(self, name: str) -> Any:
        # ``placement.<target>``: a registered target's entry (its own typed model), None when absent.
        if not name.startswith("_") and targets.find(name) is not None:
            return (self.model_extra or {}).get(name)
        return super().__getattr__(name)  # type: ignore[misc]  # pydantic's, for private attributes

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        # The stand-in's schema, inlined under this model's own name (the stand-in is no $def of its own).
        entries = handler.resolve_ref_schema(handler(schema_model().__pydantic_core_schema__))
        return {**entries, "title": cls.__name__}

    def for_cloud(self, cloud: Cloud) -> Placed | None:
        """The placement of ``cloud``, or None when the spec gives none."""
        found = (self.model_extra or {}).get(cloud)
        return cast(Placed, found) if isinstance(found, TargetPlacement) else None

    def of(self, cloud: Cloud, kind: type[P]) -> P | None:
        """The placement of ``cloud`` as its own type ``kind`` (a target reading its own entry)."""
        found = (self.model_extra or {}).get(cloud)
        if found is not None and not isinstance(found, kind):
            raise TypeError(f"placement.{cloud} is a {type(found).__name__}, not a {kind.__name__}")
        return found


P = TypeVar("P", bound="TargetPlacement")


def _choices() -> str:
    names = targets.names()
    return f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else ", ".join(names)


_SCHEMA_MODELS: dict[tuple[tuple[str, type[TargetPlacement]], ...], type[SpecModel]] = {}


def schema_model() -> type[SpecModel]:
    """``Placement`` with one typed, optional field per registered target: what validates the
    entries, and what the JSON Schema (``modules/spec_schema.py``) describes."""
    key = tuple((t.name, t.placement_model) for t in targets.targets())
    model = _SCHEMA_MODELS.get(key)
    if model is None:
        fields: dict[str, Any] = {name: (kind | None, None) for name, kind in key}
        model = create_model("PlacementEntries", __base__=SpecModel, __doc__=Placement.__doc__, **fields)
        _SCHEMA_MODELS[key] = model
    return model
