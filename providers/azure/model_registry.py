"""Azure ML registry for models, and the client that resolves approved model versions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from mlopskit.modules.endpoint import LATEST_APPROVED
from mlopskit.modules.provider import ResolvedModel
from mlopskit.modules.stack import Stack
from mlopskit.providers.azure import names
from mlopskit.providers.azure.context import AzureContext

TYPE = "mlopskit:azure:ModelRegistry"
# A version is deployable when its `stage` tag says so (set by `models.promote`).
APPROVAL_TAG = "stage"
APPROVED = "approved"


@dataclass(frozen=True)
class ModelRegistryArgs:
    """Approval mode, exposure and the regions the registry replicates to."""

    approval: str  # manual | automatic
    private: bool
    regions: tuple[str, ...]  # primary first; a second region holds the model backup
    geo_redundant_storage: bool


class ModelRegistry(pulumi.ComponentResource):
    """A `machinelearningservices.Registry`; models are shared across workspaces and regions."""

    def __init__(self, name: str, args: ModelRegistryArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("model_registry"), opts)
        self.registry_name = names.ml_registry(ctx.prefix)
        self.regions = len(args.regions)
        storage_type = "Standard_RAGRS" if args.geo_redundant_storage else "Standard_ZRS"
        self.registry = ml.Registry(
            f"{name}-registry",
            registry_name=self.registry_name,
            resource_group_name=ctx.resource_group_name,
            location=args.regions[0],
            identity=ml.ManagedServiceIdentityArgs(type="SystemAssigned"),
            public_network_access="Disabled" if args.private else "Enabled",
            region_details=[
                ml.RegistryRegionArmDetailsArgs(
                    location=region,
                    acr_details=[ml.AcrDetailsArgs(system_created_acr_account=ml.SystemCreatedAcrAccountArgs(acr_account_sku="Premium"))],
                    storage_account_details=[ml.StorageAccountDetailsArgs(
                        system_created_storage_account=ml.SystemCreatedStorageAccountArgs(
                            allow_blob_public_access=False,
                            storage_account_hns_enabled=False,
                            storage_account_type=storage_type,
                        ),
                    )],
                )
                for region in args.regions
            ],
            # Day-2 tooling and the resolver read the approval mode from here: with
            # `manual` only versions tagged stage=approved are deployable.
            tags={**ctx.tags, "mlopskit-model-approval": args.approval, "mlopskit-approval-tag": f"{APPROVAL_TAG}={APPROVED}"},
            opts=pulumi.ResourceOptions(parent=self, protect=ctx.stack.is_prod),
        )
        self.register_outputs({"registryId": self.registry.id, "registryName": self.registry.name})

    def managed(self, kind: str) -> list[pulumi.Output[str]]:
        """The ARM ids of the storage accounts (``kind`` "storage") or container registries ("acr")
        Azure ML creates for the registry, one per region in ``region_details`` order: a private
        registry needs private endpoints to them too ("Create a private endpoint to the registry,
        storage, and ACR in the same subnet as the private endpoint of the AML workspace",
        how-to-registry-network-isolation)."""
        def ids(details: Any) -> list[str]:
            found = []
            for region in details or []:
                for item in (region.storage_account_details if kind == "storage" else region.acr_details) or []:
                    account = item.system_created_storage_account if kind == "storage" else item.system_created_acr_account
                    found.append(account.arm_resource_id.resource_id if account and account.arm_resource_id else "")
            return found

        every = self.registry.region_details.apply(ids)
        return [every.apply(lambda found, i=i: found[i]) for i in range(self.regions)]


# --- resolving model versions (used at `pulumi up` time and, mocked, by previews) ---------


# Azure ML model asset types -> the format a deployment depends on.
MODEL_FORMATS = {"mlflow_model": "mlflow", "custom_model": "custom", "triton_model": "triton"}


class ModelVersionClient(Protocol):
    """The one call the resolver needs from Azure ML."""

    def list_versions(self, package: str) -> list[dict[str, Any]]:
        """Every version of model ``package``: ``[{"version": 7, "tags": {...}, "type": "mlflow_model"}]``."""


class AzureMLModelClient:
    """Lists model versions of an Azure ML registry through azure-ai-ml.

    Needs ``azure-ai-ml`` and ``azure-identity`` (not dependencies of the kit: install them
    where `pulumi up` runs); they are imported on first use only, so previews never need them.
    """

    def __init__(self, registry_name: str) -> None:
        self.registry_name = registry_name
        self._client: Any = None

    def _ml_client(self) -> Any:
        if self._client is None:
            from azure.ai.ml import MLClient
            from azure.identity import DefaultAzureCredential

            self._client = MLClient(DefaultAzureCredential(), registry_name=self.registry_name)
        return self._client

    def list_versions(self, package: str) -> list[dict[str, Any]]:
        try:
            models = list(self._ml_client().models.list(name=package))
        except Exception as error:  # the registry or the model does not exist yet
            if type(error).__name__ == "ResourceNotFoundError":
                return []
            raise
        return [
            # azure-ai-ml's Model.type: mlflow_model, custom_model or triton_model.
            {"version": int(m.version), "tags": dict(m.tags or {}), "type": getattr(m, "type", None)}
            for m in models
            if str(m.version).isdigit()
        ]


@dataclass
class InMemoryModelClient:
    """A registry held in memory: the offline preview's and the tests' client."""

    models: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def register(self, package: str, version: int, approved: bool = True, model_type: str = "mlflow_model") -> None:
        tags = {APPROVAL_TAG: APPROVED} if approved else {}
        self.models.setdefault(package, []).append({"version": version, "tags": tags, "type": model_type})

    def list_versions(self, package: str) -> list[dict[str, Any]]:
        return list(self.models.get(package, []))


class AzureModelRegistry:
    """Resolves ``package``/``version`` against an Azure ML registry.

    ``latest-approved`` is the highest version tagged ``stage=approved`` (any version when
    the spec's approval is ``automatic``); a pinned number must exist. Never invents a model.
    """

    def __init__(self, client: ModelVersionClient, registry_name: str, approval: str = "manual", offline: bool = False) -> None:
        self.client = client
        self.registry_name = registry_name
        self.approval = approval
        #: True for the seeded registry of an offline preview (never for ``pulumi up``).
        self.offline = offline

    def reference(self, package: str, version: int) -> str:
        return f"azureml://registries/{self.registry_name}/models/{package}/versions/{version}"

    def model_format(self, package: str, version: int) -> str | None:
        """``mlflow``, ``custom`` or ``triton`` as the registry records the version; None if unknown."""
        for v in self.client.list_versions(package):
            if int(v["version"]) == version:
                return MODEL_FORMATS.get(str(v.get("type")))
        return None

    def resolve(self, package: str, version: int | str) -> ResolvedModel | None:
        versions = self.client.list_versions(package)
        if version == LATEST_APPROVED:
            candidates = [
                int(v["version"]) for v in versions
                if self.approval == "automatic" or (v.get("tags") or {}).get(APPROVAL_TAG) == APPROVED
            ]
            if not candidates:
                return None
            chosen = max(candidates)
        else:
            chosen = int(version)
            if chosen not in {int(v["version"]) for v in versions}:
                return None
        return ResolvedModel(package=package, version=chosen, reference=self.reference(package, chosen))


def referenced_packages(stack: Stack) -> dict[str, set[int]]:
    """Registry packages the stack's endpoints and batch jobs use, with the versions they pin."""
    packages: dict[str, set[int]] = {}
    for package, version in stack.registry_models():
        pinned = packages.setdefault(package, set())
        if isinstance(version, int):
            pinned.add(version)
    return packages


def live_registry(stack: Stack) -> AzureModelRegistry:
    """The registry `pulumi up` resolves against (needs azure-ai-ml, see AzureMLModelClient)."""
    name = names.ml_registry(stack.name)
    return AzureModelRegistry(AzureMLModelClient(name), name, stack.registry.models.approval)


@contextmanager
def seeded_registry(stack: Stack) -> Iterator[AzureModelRegistry]:
    """The live registry class over an in-memory client holding an approved version of
    every referenced package (each pinned version, else version 1)."""
    client = InMemoryModelClient()
    for package, pinned in sorted(referenced_packages(stack).items()):
        for version in sorted(pinned or {1}):
            client.register(package, version, approved=True)
    yield AzureModelRegistry(client, names.ml_registry(stack.name), stack.registry.models.approval, offline=True)
