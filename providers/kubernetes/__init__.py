"""Kubernetes provider: spec v1 onto a cluster with KServe, batch/v1, RBAC, NetworkPolicy, Velero
and the Prometheus operator; one component per abstraction.

This module stays light (no pulumi_kubernetes at import time, so `validate` does not load it):
the program is registered by providers/kubernetes/build.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any, ClassVar

from mlopskit.modules.cost import CostHandlers
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.provider import BuildResult, ModelRegistry
from mlopskit.modules.stack import Stack
from mlopskit.providers.base import BaseProvider, CloudParts
from mlopskit.providers.kubernetes.target import NAME, KubernetesPlacement

ABSTRACTION_COMPONENTS = {
    "keys": "Keys", "storage": "ArtifactStore", "network": "PrivateNetwork", "container_registry": "ContainerRegistry",
    "model_registry": "ModelRegistry", "training": "Training", "endpoint": "Endpoint", "batch": "Batch",
    "autoscaling": "Autoscaling", "monitoring": "Monitoring", "backups": "Backups", "identity": "Identity",
    "audit": "Audit", "budget": "Budget",
}


class KubernetesProvider(BaseProvider):
    """Builds a spec v1 stack into one namespace of an existing cluster."""

    cloud: ClassVar = NAME
    type_prefix: ClassVar = "kubernetes:"
    components: ClassVar[Mapping[str, str]] = {a: f"mlopskit:{NAME}:{c}" for a, c in ABSTRACTION_COMPONENTS.items()}

    def cloud_issues(self, stack: Stack) -> list[SpecIssue]:
        placement = stack.placement.of(NAME, KubernetesPlacement)
        assert placement is not None
        issues = []
        for index, job in enumerate(stack.training):
            framework = job.image.framework
            if framework is not None and framework not in placement.framework_images:
                issues.append(SpecIssue(f"training[{index}].image.framework", (
                    f"a cluster has no prebuilt {framework} container: declare one in "
                    f"placement.kubernetes.frameworkImages.{framework}, or give an image")))
        return issues

    def build(self, stack: Stack, registry: ModelRegistry) -> BuildResult:
        from mlopskit.providers.kubernetes.build import KubernetesBuild

        return KubernetesBuild(stack, registry).run()

    def registry(self, stack: Stack) -> ModelRegistry:
        from mlopskit.providers.kubernetes import registry

        return registry.live_registry(stack)

    def offline_registry(self, stack: Stack) -> AbstractContextManager[ModelRegistry]:
        from mlopskit.providers.kubernetes import registry

        return registry.offline_registry(stack)

    def mock_resource(self, type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        from mlopskit.providers.kubernetes.mocks import mock_resource

        return mock_resource(type_, name, inputs)

    def mock_call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        return {}

    @staticmethod
    def parts() -> CloudParts:
        from mlopskit.providers.kubernetes import cost, diagram, facts, features, ops, topology

        return CloudParts(facts.facts, CostHandlers(cost.COMPONENTS, cost.FREE), features.FEATURES, ops.backend,
                          ops.classify, diagram.DIAGRAM, topology.slots)


__all__ = ["KubernetesProvider"]
