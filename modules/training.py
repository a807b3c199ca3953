"""Training jobs, optionally retrained on a schedule."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from mlopskit.modules.base import NAME_PATTERN, SpecModel, field_error
from mlopskit.modules.compute import TrainingCompute
from mlopskit.modules.continuous import Evaluation, Register, Tuning
from mlopskit.modules.cron import Cron
from mlopskit.modules.images import (
    DIGEST_PATTERN,
    MAX_REPOSITORY_LENGTH,
    REPOSITORY_PATTERN,
    TAG_PATTERN,
)
from mlopskit.modules.references import CodeDirectory, Entrypoint, ImageReference

Framework = Literal["xgboost", "pytorch", "tensorflow", "sklearn", "huggingface"]


class Image(SpecModel):
    """A framework container (resolved per cloud), an image in the stack's own container
    registry (``repository`` with ``tag`` or ``digest``), or an explicit image ``uri``."""

    framework: Framework | None = None
    version: str | None = Field(default=None, pattern=r"^[0-9][0-9A-Za-z.\-]*$", max_length=64)
    uri: ImageReference | None = None
    # Cloud-neutral: each cloud pulls <repository> from the registry the stack creates there.
    repository: str | None = Field(default=None, max_length=MAX_REPOSITORY_LENGTH, pattern=REPOSITORY_PATTERN)
    tag: str | None = Field(default=None, pattern=TAG_PATTERN)
    digest: str | None = Field(default=None, pattern=DIGEST_PATTERN)

    @model_validator(mode="after")
    def _stack_image(self) -> Image:
        if self.repository is None:
            for field in ("tag", "digest"):
                if getattr(self, field) is not None:
                    raise field_error(field, "only applies together with repository")
            return self
        for field in ("framework", "version", "uri"):
            if getattr(self, field) is not None:
                raise field_error(field, "not allowed together with repository")
        if (self.tag is None) == (self.digest is None):
            raise field_error("tag", "give exactly one of tag or digest with repository")
        return self

    @model_validator(mode="after")
    def _one_kind(self) -> Image:
        if self.repository is not None:
            return self  # checked by _stack_image
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

    @property
    def reference(self) -> str | None:
        """``repository:tag`` or ``repository@digest`` for a stack image, else None."""
        if self.repository is None:
            return None
        return f"{self.repository}@{self.digest}" if self.digest else f"{self.repository}:{self.tag}"


HyperparameterKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")]
# Control characters are refused for every string of the spec (SpecModel, modules/base.py).
HyperparameterValue = Annotated[str, StringConstraints(max_length=1024)]


class TrainingJob(SpecModel):
    """One training job: image, entry point, compute, limits and optional schedule."""

    name: Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
    image: Image
    entrypoint: Entrypoint
    # A local directory (relative to the spec file) packaged and uploaded to the stack's
    # artifact store; the entry point is a file in it. Needed with a framework image,
    # which holds no training code of its own.
    code: CodeDirectory | None = None
    compute: TrainingCompute
    max_runtime_minutes: int = Field(default=60, ge=1, le=40320)
    # Keys become command-line flags or environment-like names on every cloud: a
    # non-empty identifier; values are strings (SageMaker passes them as strings) of
    # printable characters. 100 entries is SageMaker's own maximum.
    hyperparameters: dict[HyperparameterKey, HyperparameterValue] = Field(default_factory=dict, max_length=100)
    schedule: Cron | None = None
    # Continuous training (modules/continuous.py): all optional.
    tuning: Tuning | None = None
    evaluation: Evaluation | None = None
    # ``register`` in the spec; ABCMeta (pydantic's model metaclass) owns the name in Python.
    registration: Register | None = Field(default=None, alias="register")

    @model_validator(mode="after")
    def _continuous_fits(self) -> TrainingJob:
        if self.tuning is not None:
            for key in self.tuning.parameters:
                if key in self.hyperparameters:
                    raise field_error(f"tuning.parameters.{key}", "is also a fixed hyperparameter: "
                                                                 "remove it from hyperparameters or from the tuned ranges")
            if len(self.tuning.parameters) + len(self.hyperparameters) > 100:
                # SageMaker's limit on static plus tuned hyperparameters together.
                raise field_error("tuning.parameters", "with hyperparameters more than 100 in all")
        if self.evaluation is not None and self.registration is None:
            raise field_error("register", "required with evaluation: the gate decides what is registered")
        if self.registration is not None and self.registration.approval == "automatic-when-gate-passes" \
                and self.evaluation is None:
            raise field_error("register.approval", "automatic-when-gate-passes needs an evaluation (the gate)")
        return self

    @model_validator(mode="after")
    def _code_for_framework(self) -> TrainingJob:
        if self.image.framework is not None and self.code is None:
            raise field_error("code", "required with a framework image: the prebuilt image holds no training code "
                                      "(give a local directory, e.g. ./src, or an image with the code built in)")
        return self
