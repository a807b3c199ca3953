"""Training jobs, optionally retrained on a schedule."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from modules.base import NAME_PATTERN, SpecModel, field_error
from modules.compute import TrainingCompute
from modules.cron import Cron

Framework = Literal["xgboost", "pytorch", "tensorflow", "sklearn", "huggingface"]


class Image(SpecModel):
    """A framework container (resolved per cloud) or an explicit image ``uri``."""

    framework: Framework | None = None
    version: str | None = Field(default=None, pattern=r"^[0-9][0-9A-Za-z.\-]*$")
    uri: str | None = Field(default=None, min_length=3)

    @model_validator(mode="after")
    def _one_kind(self) -> Image:
        if self.uri is not None:
            for field in ("framework", "version"):
                if getattr(self, field) is not None:
                    raise field_error(field, "not allowed together with uri")
        else:
            if self.framework is None:
                raise field_error("framework", "required unless uri is given")
            if self.version is None:
                raise field_error("version", "required with framework")
        return self


class TrainingJob(SpecModel):
    """One training job: image, entry point, compute, limits and optional schedule."""

    name: Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
    image: Image
    entrypoint: str = Field(min_length=1)
    compute: TrainingCompute
    max_runtime_minutes: int = Field(default=60, ge=1, le=40320)
    hyperparameters: dict[str, str] = Field(default_factory=dict)
    schedule: Cron | None = None
