"""What the Azure components share while one stack is built."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pulumi

from mlopskit.providers.azure.target import AzurePlacement
from mlopskit.providers.base import BuildContext

# A fixed namespace so role-assignment names (which Azure requires to be GUIDs) are the
# same on every run: a new GUID per run would replace every assignment on each `up`.
_GUID_NAMESPACE = uuid.UUID("5b0c7a8e-3f1d-4c55-9a8e-6d2f0b7c1e42")


def stable_guid(*parts: str) -> str:
    """A deterministic GUID derived from ``parts``."""
    return str(uuid.uuid5(_GUID_NAMESPACE, "/".join(parts)))


@dataclass
class AzureContext(BuildContext):
    """Stack-wide facts and the resource group later components are placed in.

    The build (providers/azure/build.py) fills the resource group once the foundation is
    registered, so a component only reads what an earlier one produced.
    """

    placement: AzurePlacement
    provider: pulumi.ProviderResource
    subscription_id: pulumi.Output[str]
    tenant_id: pulumi.Output[str]
    resource_group_name: pulumi.Output[str] | None = None
    resource_group_id: pulumi.Output[str] | None = None

    @property
    def location(self) -> str:
        return self.placement.location

    @property
    def private(self) -> bool:
        return self.stack.network.private

    @property
    def cmk(self) -> bool:
        return self.stack.encryption.customer_managed_keys

    @property
    def tags(self) -> dict[str, str]:
        """Tags every taggable resource carries (ownership, cost and data sensitivity)."""
        meta = self.stack.metadata
        tags = {
            **meta.labels,
            "owner": meta.owner,
            "cost-center": meta.cost_center,
            "data-classification": meta.data_classification,
            "stack": self.prefix,
            "environment": meta.environment,
            "managed-by": "mlopskit",
        }
        if self.stack.compliance.frameworks:
            tags["compliance"] = ",".join(self.stack.compliance.frameworks)
        return tags

    def role_definition_id(self, guid: str) -> pulumi.Output[str]:
        """Full id of a built-in role definition (the GUIDs are the same in every tenant)."""
        return self.subscription_id.apply(
            lambda sub: f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
        )

    def opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        """Options for a top-level component: this stack's explicit azure-native provider."""
        return pulumi.ResourceOptions(providers={"azure-native": self.provider}, **kwargs)
