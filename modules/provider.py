"""The small interface every cloud provider implements, and the abstractions it must map."""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Mapping, Protocol

from modules.errors import SpecIssue
from modules.placement import Cloud
from modules.stack import Stack

# Every abstraction of spec v1. Each provider maps every one of them to a component
# (tests/test_provider_coverage.py checks it), so no part of a spec is silently dropped.
ABSTRACTIONS: tuple[str, ...] = (
    "keys",
    "storage",
    "network",
    "container_registry",
    "model_registry",
    "training",
    "endpoint",
    "autoscaling",
    "monitoring",
    "backups",
    "identity",
    "audit",
    "budget",
)


# How a cloud realises a spec setting, in the comparison's feature table.
Support = Literal["native", "emulated", "unsupported"]


@dataclass(frozen=True)
class ResolvedModel:
    """A concrete model version found in a registry."""

    package: str
    version: int
    reference: str  # the cloud's id for this version (ARN, resource name)


class ModelRegistry(Protocol):
    """Looks up model versions. Real runs ask the cloud; previews ask a seeded mock."""

    def resolve(self, package: str, version: int | str) -> ResolvedModel | None:
        """The requested version (a number or ``latest-approved``), or None if absent."""


@dataclass
class BuildResult:
    """What a provider's build leaves besides resources: warnings and stack outputs."""

    warnings: list[SpecIssue] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


class Provider(ABC):
    """One cloud's mapping of spec v1. Implementations live in ``providers/<cloud>/``."""

    cloud: ClassVar[Cloud]
    #: abstraction name -> Pulumi component type token realising it on this cloud
    components: ClassVar[Mapping[str, str]]

    def check(self, stack: Stack) -> list[SpecIssue]:
        """Cloud-specific validation beyond spec v1 (limits this cloud imposes)."""
        return stack.issues_for(self.cloud)

    @abstractmethod
    def build(self, stack: Stack, registry: ModelRegistry) -> BuildResult:
        """Register the stack's resources with the Pulumi engine (real or mocked)."""

    @abstractmethod
    def registry(self, stack: Stack) -> ModelRegistry:
        """The live model registry client used by ``pulumi up``."""

    @abstractmethod
    def offline_registry(self, stack: Stack) -> AbstractContextManager[ModelRegistry]:
        """A registry seeded with an approved version of every referenced package."""

    @abstractmethod
    def mock_resource(self, type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Realistic mocked (id, outputs) for a resource, as the cloud would return them."""

    @abstractmethod
    def mock_call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        """Realistic mocked result of a provider function (invoke)."""
