"""Compute for training jobs and endpoints: generic sizes or per-cloud instance types."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, GetJsonSchemaHandler, create_model, model_validator
from pydantic.json_schema import JsonSchemaValue

from mlopskit.modules import targets
from mlopskit.modules.base import SpecModel, field_error
from mlopskit.modules.placement import Cloud

GpuType = Literal["T4", "L4", "A10G", "V100", "A100", "H100"]


class InstanceTypes(SpecModel):
    """Explicit instance type per cloud; each one overrides the generic size on its cloud."""

    # Its entries are the registered targets' (``modules.targets``): each target declares the
    # pattern its type names match; an entry naming no registered target is an unknown field.

    model_config = ConfigDict(extra="allow")

    @model_validator(mode="before")
    @classmethod
    def _per_target(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        checked = schema_model().model_validate(data)
        return {name: getattr(checked, name) for name in data}

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        # The stand-in's schema, inlined under this model's own name (the stand-in is no $def of its own).
        entries = handler.resolve_ref_schema(handler(schema_model().__pydantic_core_schema__))
        return {**entries, "title": cls.__name__}

    def __getattr__(self, name: str) -> Any:
        # ``instance_type.<target>``: the explicit type given for a registered target, None when absent.
        if not name.startswith("_") and targets.find(name) is not None:
            return self.of(name)
        return super().__getattr__(name)  # type: ignore[misc]  # pydantic's, for private attributes

    def of(self, cloud: Cloud) -> str | None:
        """The explicit type given for ``cloud``, or None."""
        found = (self.model_extra or {}).get(cloud)
        return found if isinstance(found, str) else None


_SCHEMA_MODELS: dict[tuple[tuple[str, str | None], ...], type[SpecModel]] = {}


def schema_model() -> type[SpecModel]:
    """``InstanceTypes`` with one optional, pattern-checked field per registered target that takes
    explicit types: what validates the entries, and what the JSON Schema describes."""
    key = tuple((t.name, t.instance_type_pattern) for t in targets.targets() if t.instance_type_pattern is not None)
    model = _SCHEMA_MODELS.get(key)
    if model is None:
        fields: dict[str, Any] = {name: (str | None, Field(default=None, pattern=pattern)) for name, pattern in key}
        model = create_model("InstanceTypesEntries", __base__=SpecModel, __doc__=InstanceTypes.__doc__, **fields)
        _SCHEMA_MODELS[key] = model
    return model


class Gpu(SpecModel):
    """Accelerators: the model and the count are hard constraints for the resolver."""

    type: GpuType
    count: int = Field(default=1, ge=1, le=8)
    # Minimum memory of each GPU: a model's variant (A100 40 or 80 GB) is a hard constraint too.
    memory_gib: float | None = Field(default=None, gt=0, le=192, alias="memoryGiB")


class Compute(SpecModel):
    """Generic size (``cpu``, ``memory_gib``, ``gpu``) and/or per-cloud ``instance_type``."""

    instance_type: InstanceTypes | None = None
    cpu: int | None = Field(default=None, ge=1, le=192)
    memory_gib: float | None = Field(default=None, gt=0, le=2048, alias="memoryGiB")
    gpu: Gpu | None = None

    @model_validator(mode="after")
    def _sized(self) -> Compute:
        if self.instance_type is None:
            if self.cpu is None:
                raise field_error("cpu", "required unless instanceType is given")
            if self.memory_gib is None:
                raise field_error("memoryGiB", "required unless instanceType is given")
        return self

    @property
    def generic(self) -> bool:
        """True when a generic size is given (it is resolved per cloud from the catalog)."""
        return self.cpu is not None and self.memory_gib is not None

    def instance_type_for(self, cloud: Cloud) -> str | None:
        """The explicit instance type for ``cloud``, which wins over the generic size."""
        return self.instance_type.of(cloud) if self.instance_type else None


class TrainingCompute(Compute):
    """Training compute adds the instance count and managed spot capacity."""

    count: int = Field(default=1, ge=1, le=64)
    spot: bool = False
