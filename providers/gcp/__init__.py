"""Google Cloud (Vertex AI) provider: spec v1 onto GCP, one component per abstraction.

This module stays light (no pulumi_gcp at import time, so `validate` does not load it):
the program is registered by providers/gcp/build.py.
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
from mlopskit.providers.gcp.mocks import mock_call, mock_resource, project_number_for


class GcpProvider(BaseProvider):
    """Builds a spec v1 stack on Google Cloud with Vertex AI."""

    cloud: ClassVar = "gcp"
    type_prefix: ClassVar = "gcp:"
    components: ClassVar[Mapping[str, str]] = {
        "keys": "mlopskit:gcp:Keys",
        "storage": "mlopskit:gcp:Storage",
        "network": "mlopskit:gcp:Network",
        "container_registry": "mlopskit:gcp:ContainerRegistry",
        "model_registry": "mlopskit:gcp:ModelRegistry",
        "training": "mlopskit:gcp:Training",
        "endpoint": "mlopskit:gcp:Endpoint",
        "batch": "mlopskit:gcp:BatchInference",
        "autoscaling": "mlopskit:gcp:Autoscaling",
        "monitoring": "mlopskit:gcp:Monitoring",
        "backups": "mlopskit:gcp:Backups",
        "identity": "mlopskit:gcp:Identity",
        "audit": "mlopskit:gcp:Audit",
        "budget": "mlopskit:gcp:Budget",
    }

    # -- validation ------------------------------------------------------------------

    def cloud_issues(self, stack: Stack) -> list[SpecIssue]:
        from mlopskit.providers.gcp.tuning import tuning_issues

        placement = stack.placement.gcp
        assert placement is not None
        from mlopskit.providers.gcp.images import prebuilt_image

        # What the cloud's tuning service refuses (providers/gcp/tuning.py).
        issues: list[SpecIssue] = [i for n, job in enumerate(stack.training)
                                   for i in tuning_issues(f"training[{n}]", job.tuning)]
        for index, endpoint in enumerate(stack.endpoints):
            if endpoint.model.source == "artifact" and endpoint.model.image is None:
                issues.append(SpecIssue(f"endpoints[{index}].model.image", "required on GCP: Vertex AI serves every "
                                        f"model, {endpoint.model.format} too, from a serving container"))
        for index, job in enumerate(stack.training):
            if job.image.framework is not None and prebuilt_image(job.image.framework, job.image.version or "", placement.region, False) is None:
                issues.append(SpecIssue(
                    f"training[{index}].image.framework",
                    f"Vertex AI has no prebuilt {job.image.framework} training container: give an image with the "
                    "code built in ({repository, tag} or uri)",
                ))
        for index, batch_job in enumerate(stack.batch):
            if batch_job.format == "parquet":
                # BatchPredictionJob.inputConfig.instancesFormat for custom-trained models: jsonl, csv,
                # tf-record, tf-record-gzip, file-list, bigquery (aiplatform v1 BatchPredictionJob).
                issues.append(SpecIssue(f"batch[{index}].format", "parquet cannot be read by a Vertex AI batch "
                                        "prediction job (it reads csv, jsonl, TFRecord or BigQuery): use csv or jsonl"))
        return issues

    # -- build -----------------------------------------------------------------------

    def build(self, stack: Stack, registry: ModelRegistry) -> BuildResult:
        from mlopskit.providers.gcp.build import GcpBuild

        if stack.placement.gcp is not None:
            self._project = stack.placement.gcp.project
        return GcpBuild(stack, registry).run()

    # -- registries and mocks --------------------------------------------------------

    def registry(self, stack: Stack) -> ModelRegistry:
        from mlopskit.providers.gcp import registry as vertex_registry

        return vertex_registry.live_registry(stack)

    def offline_registry(self, stack: Stack) -> AbstractContextManager[ModelRegistry]:
        placement = stack.placement.gcp
        project = placement.project if placement else "unknown-project"
        from mlopskit.providers.gcp import registry as vertex_registry

        return vertex_registry.offline_registry(stack, project_number_for(project))

    def mock_resource(self, type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return mock_resource(type_, name, inputs, getattr(self, "_project", "mock-project"))

    def mock_call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        return mock_call(token, args)

    # -- facts, cost, features, day 2: imported only when first asked for -----------
    @staticmethod
    def parts() -> CloudParts:
        from mlopskit.providers.gcp import cost, diagram, facts, features, ops, topology

        return CloudParts(facts.facts, CostHandlers(cost.COMPONENTS, cost.FREE), features.FEATURES, ops.backend,
                          ops.classify, diagram.DIAGRAM, topology.slots)


__all__ = ["GcpProvider"]
