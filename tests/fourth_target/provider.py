"""The fourth target's ``Provider``: a ``BaseProvider`` whose build registers small components."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from mlopskit.modules.cost import CostHandlers
from mlopskit.modules.day2.backend import OpsBackend
from mlopskit.modules.day2.calls import Gateway
from mlopskit.modules.day2.errors import CloudError
from mlopskit.modules.endpoint import LATEST_APPROVED
from mlopskit.modules.provider import BuildResult, ModelRegistry, ResolvedModel
from mlopskit.modules.stack import Stack
from mlopskit.providers.base import BaseProvider, CloudParts
from tests.fourth_target.target import NAME

ABSTRACTION_COMPONENTS = {
    "keys": "Keys", "storage": "ArtifactStore", "network": "PrivateNetwork", "container_registry": "ContainerRegistry",
    "model_registry": "ModelRegistry", "training": "Training", "endpoint": "Endpoint", "batch": "Batch",
    "autoscaling": "Autoscaling", "monitoring": "Monitoring", "backups": "Backups", "identity": "Identity",
    "audit": "Audit", "budget": "Budget",
}


class SeededRegistry:
    """The offline registry: version 3 of every package is the latest approved one."""

    def resolve(self, package: str, version: int | str) -> ResolvedModel | None:
        number = 3 if version == LATEST_APPROVED else int(version)
        return ResolvedModel(package, number, f"fx://models/{package}/{number}") if number <= 3 else None


def _no_day2(stack: Stack, gateway: Gateway) -> OpsBackend:
    # Day 2 (rollouts, rollbacks) is not part of what this target proves; asking for it is an error.
    raise NotImplementedError("the fourth target has no day-2 backend")


def _no_cloud_errors(error: BaseException) -> CloudError | None:
    return None  # no SDK, so no SDK error to classify


class FourthProvider(BaseProvider):
    """Spec v1 on the fictional Fourth Cloud."""

    cloud: ClassVar = NAME
    type_prefix: ClassVar = f"{NAME}:"
    components: ClassVar = {a: f"mlopskit:{NAME}:{c}" for a, c in ABSTRACTION_COMPONENTS.items()}

    def build(self, stack: Stack, registry: ModelRegistry) -> BuildResult:
        from tests.fourth_target.build import FourthBuild

        return FourthBuild(stack, registry).run()

    def registry(self, stack: Stack) -> ModelRegistry:
        return SeededRegistry()

    @contextmanager
    def _seeded(self) -> Iterator[ModelRegistry]:
        yield SeededRegistry()

    def offline_registry(self, stack: Stack) -> Any:
        return self._seeded()

    def mock_resource(self, type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return f"{name}-id", {**inputs, "id": f"{name}-id", "uri": f"fx://{name}"}

    def mock_call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        return {}

    @staticmethod
    def parts() -> CloudParts:
        from tests.fourth_target import parts

        return CloudParts(parts.facts, CostHandlers(parts.COST, parts.FREE), parts.FEATURES, _no_day2,
                          _no_cloud_errors, parts.DIAGRAM)
