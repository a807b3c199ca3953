"""Training jobs, optionally retrained on a schedule."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from mlopskit.modules.base import NAME_PATTERN, SpecModel, field_error
from mlopskit.modules.compute import TrainingCompute
from mlopskit.modules.cron import Cron
from mlopskit.modules.errors import echo
from mlopskit.modules.references import Entrypoint, ImageReference

Framework = Literal["xgboost", "pytorch", "tensorflow", "sklearn", "huggingface"]


class Image(SpecModel):
    """A framework container (resolved per cloud) or an explicit image ``uri``."""

    framework: Framework | None = None
    version: str | None = Field(default=None, pattern=r"^[0-9][0-9A-Za-z.\-]*$", max_length=64)
    uri: ImageReference | None = None

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


def _printable(value: str) -> str:
    if not value.isprintable():
        raise ValueError(f"control characters are not allowed: {echo(value)}")
    return value


HyperparameterKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")]
HyperparameterValue = Annotated[str, StringConstraints(max_length=1024), AfterValidator(_printable)]


class TrainingJob(SpecModel):
    """One training job: image, entry point, compute, limits and optional schedule."""

    name: Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
    image: Image
    entrypoint: Entrypoint
    compute: TrainingCompute
    max_runtime_minutes: int = Field(default=60, ge=1, le=40320)
    # Keys become command-line flags or environment-like names on every cloud: a
    # non-empty identifier; values are strings (SageMaker passes them as strings) of
    # printable characters. 100 entries is SageMaker's own maximum.
    hyperparameters: dict[HyperparameterKey, HyperparameterValue] = Field(default_factory=dict, max_length=100)
    schedule: Cron | None = None
