"""Compute for training jobs and endpoints: generic sizes or per-cloud instance types."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mlopskit.modules.base import SpecModel, field_error
from mlopskit.modules.placement import Cloud

GpuType = Literal["T4", "L4", "A10G", "V100", "A100", "H100"]


class InstanceTypes(SpecModel):
    """Explicit instance type per cloud; each one overrides the generic size on its cloud."""

    # ml.<family>.<size>; families may carry dashed parts (ml.c7i-flex.xlarge, ml.p6-b200.48xlarge)
    aws: str | None = Field(default=None, pattern=r"^ml\.[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+$")
    gcp: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9]*-[a-z0-9-]+$")
    azure: str | None = Field(default=None, pattern=r"^Standard_[A-Za-z0-9_]+$")


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
        return getattr(self.instance_type, cloud) if self.instance_type else None


class TrainingCompute(Compute):
    """Training compute adds the instance count and managed spot capacity."""

    count: int = Field(default=1, ge=1, le=64)
    spot: bool = False
