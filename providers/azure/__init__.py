"""Azure Machine Learning provider: spec v1 onto pulumi-azure-native.

This module stays light (no pulumi_azure_native at import time, so `validate` does not
load it): providers/azure/build.py registers one component per abstraction (see
``components``); everything Azure cannot honour as asked becomes a warning naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, ClassVar

from mlopskit.modules.cost import CostHandlers
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.provider import BuildResult, ModelRegistry as ModelRegistryProtocol
from mlopskit.modules.stack import Stack
from mlopskit.providers.azure import limits, mocks
from mlopskit.providers.azure.names import MAX_MIRROR_PERCENT, MAX_NOTIFICATIONS
from mlopskit.providers.base import BaseProvider, CloudParts

if TYPE_CHECKING:
    from mlopskit.providers.azure.model_registry import AzureModelRegistry


class AzureProvider(BaseProvider):
    """Spec v1 on Azure Machine Learning."""

    cloud: ClassVar = "azure"
    type_prefix: ClassVar = "azure-native:"
    components: ClassVar[Mapping[str, str]] = {
        "keys": "mlopskit:azure:Keys",
        "storage": "mlopskit:azure:Storage",
        "network": "mlopskit:azure:Network",
        "container_registry": "mlopskit:azure:ContainerRegistry",
        "model_registry": "mlopskit:azure:ModelRegistry",
        "training": "mlopskit:azure:Training",
        "endpoint": "mlopskit:azure:Endpoint",
        "batch": "mlopskit:azure:BatchInference",
        "autoscaling": "mlopskit:azure:Autoscaling",
        # the endpoint abstraction's monitoring (alerts, drift); mlopskit:azure:Monitoring is the
        # stack's Log Analytics workspace the alerts and the audit write to
        "monitoring": "mlopskit:azure:EndpointMonitoring",
        "backups": "mlopskit:azure:Backups",
        "identity": "mlopskit:azure:Identity",
        "audit": "mlopskit:azure:Audit",
        "budget": "mlopskit:azure:Budget",
    }

    def spec_warnings(self, stack: Stack) -> list[SpecIssue]:
        return limits.spec_warnings(stack) if stack.placement.azure is not None else []

    def cloud_issues(self, stack: Stack) -> list[SpecIssue]:
        issues: list[SpecIssue] = []
        for index, endpoint in enumerate(stack.endpoints):
            model = endpoint.model
            if model.source == "registry" and model.format is not None and model.format != "mlflow":
                # A registry model is deployed with no environment or scoring script, which Azure
                # ML supports for MLflow models only (learn.microsoft.com azure/machine-learning
                # how-to-deploy-mlflow-models-online-endpoints). An undeclared format is checked
                # against the registry's record of the version when the stack is built.
                issues.append(SpecIssue(f"endpoints[{index}].model.format", (
                    f"must be mlflow on Azure, not {model.format}: Azure ML deploys a registry model without a "
                    "serving image or scoring script only in MLflow format (no-code deployment); serve a custom "
                    "model from its image with source: artifact")))
            d = endpoint.deployment
            if d.strategy == "shadow" and d.mirror_percent > MAX_MIRROR_PERCENT:
                issues.append(SpecIssue(
                    f"endpoints[{index}].deployment.mirrorPercent",
                    f"Azure ML mirrors at most {MAX_MIRROR_PERCENT}% of traffic (got {d.mirror_percent})",
                ))
        for index, batch_job in enumerate(stack.batch):
            if batch_job.format == "jsonl":
                # how-to-mlflow-batch, "File's types support": an MLflow model deployed without a
                # scoring script reads .csv (and .parquet in the current page); "any unsupported
                # file ... will make the job to fail".
                issues.append(SpecIssue(f"batch[{index}].format", "jsonl cannot be read by an Azure ML batch deployment "
                                        "of an MLflow model (it reads csv and parquet files): use csv or parquet"))
        issues.extend(self._check_backup_residency(stack))
        if stack.budget is not None:
            if len(stack.budget.alert_thresholds_percent) > MAX_NOTIFICATIONS:
                issues.append(SpecIssue(
                    "budget.alertThresholdsPercent", f"an Azure budget holds at most {MAX_NOTIFICATIONS} notifications",
                ))
        return issues

    @staticmethod
    def _check_backup_residency(stack: Stack) -> list[SpecIssue]:
        """Geo-redundant copies land in the location's paired region, not backupLocation:
        refuse a stack whose compliance.allowedRegions forbids that pair."""
        from mlopskit.providers.azure.names import PAIRED_REGIONS

        placement, backups, allowed = stack.placement.azure, stack.backups, stack.compliance.allowed_regions
        if placement is None or backups is None or not backups.cross_region or "artifacts" not in backups.targets or not allowed:
            return []
        pair = PAIRED_REGIONS.get(placement.location)
        if pair is not None and pair == placement.backup_location:
            return []  # the copy lands in backupLocation, which placement checks itself
        if pair is None:
            return [SpecIssue("backups.crossRegion", (
                f"geo-redundant artifact copies go to {placement.location}'s Azure paired region, which the kit does not "
                "know: it cannot check it against compliance.allowedRegions"))]
        if pair in allowed:
            return []
        return [SpecIssue("backups.crossRegion", (
            f"geo-redundant artifact copies go to {placement.location}'s paired region {pair} (not backupLocation), "
            "which is not in compliance.allowedRegions"))]

    def __init__(self, live_versions: Mapping[str, int] | None = None) -> None:
        #: endpoint name -> model version taking traffic now; day-2 tooling sets it to
        #: start a rollout (the first `up` has none: the resolved model gets 100%).
        self.live_versions = dict(live_versions or {})

    def build(self, stack: Stack, registry: ModelRegistryProtocol) -> BuildResult:
        from mlopskit.providers.azure.build import AzureBuild

        return AzureBuild(stack, registry, self.live_versions).run()

    def registry(self, stack: Stack) -> AzureModelRegistry:
        from mlopskit.providers.azure.model_registry import live_registry

        return live_registry(stack)

    def offline_registry(self, stack: Stack) -> AbstractContextManager[AzureModelRegistry]:
        from mlopskit.providers.azure.model_registry import seeded_registry

        return seeded_registry(stack)

    def mock_resource(self, type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return mocks.mock_resource(type_, name, inputs)

    def mock_call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        return mocks.mock_call(token, args)

    # -- facts, cost, features, day 2: imported only when first asked for -----------
    @staticmethod
    def parts() -> CloudParts:
        from mlopskit.providers.azure import cost, diagram, facts, features, ops, topology

        return CloudParts(facts.facts, CostHandlers(cost.COMPONENTS, cost.FREE), features.FEATURES, ops.backend,
                          ops.classify, diagram.DIAGRAM, topology.slots)


__all__ = ["AzureProvider"]
