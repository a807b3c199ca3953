"""Model and container registries."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mlopskit.modules.base import SpecModel


class ModelRegistry(SpecModel):
    """How new model versions become deployable: a human approves, or registration does."""

    approval: Literal["manual", "automatic"] = "manual"


class ContainerRegistry(SpecModel):
    """Container image registry hardening."""

    scan_on_push: bool = True
    immutable_tags: bool = True


class Registry(SpecModel):
    """Registry section of the spec."""

    models: ModelRegistry = Field(default_factory=ModelRegistry)
    containers: ContainerRegistry = Field(default_factory=ContainerRegistry)
