"""What the Azure components share while one stack is built."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pulumi

from modules.errors import SpecIssue
from modules.naming import logical
from modules.placement import AzurePlacement
from modules.stack import Stack

# A fixed namespace so role-assignment names (which Azure requires to be GUIDs) are the
# same on every run: a new GUID per run would replace every assignment on each `up`.
_GUID_NAMESPACE = uuid.UUID("5b0c7a8e-3f1d-4c55-9a8e-6d2f0b7c1e42")


def stable_guid(*parts: str) -> str:
    """A deterministic GUID derived from ``parts``."""
    return str(uuid.uuid5(_GUID_NAMESPACE, "/".join(parts)))


@dataclass
class AzureContext:
    """Stack-wide facts and the outputs later components wire to.

    Components fill the optional fields as they are built, in dependency order, so a
    component only reads what an earlier one produced.
    """

    stack: Stack
    placement: AzurePlacement
    provider: pulumi.ProviderResource
    subscription_id: pulumi.Output[str]
    tenant_id: pulumi.Output[str]
    resource_group_name: pulumi.Output[str] | None = None
    resource_group_id: pulumi.Output[str] | None = None
    warnings: list[SpecIssue] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return self.placement.location

    @property
    def prefix(self) -> str:
        return self.stack.name

    @property
    def private(self) -> bool:
        return self.stack.network.private

    @property
    def cmk(self) -> bool:
        return self.stack.encryption.customer_managed_keys

    def name(self, *parts: str) -> str:
        """Deterministic Pulumi logical name: ``<stack>-<component>-<part>``."""
        return logical(self.prefix, *parts)

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

    def warn(self, path: str, message: str) -> None:
        """Record something Azure cannot honour as asked; shown by preview and `pulumi up`."""
        self.warnings.append(SpecIssue(path, message))
        pulumi.log.warn(f"{path}: {message}")
