"""The resource group every other resource of the stack lives in, and its guardrails."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization, resources

from mlopskit.providers.azure import names
from mlopskit.providers.azure.context import AzureContext

TYPE = "mlopskit:azure:Foundation"
# Built-in Azure Policy "Allowed locations" (the same id in every tenant); it ignores
# `global` resources such as action groups and metric alerts.
ALLOWED_LOCATIONS_POLICY = "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c"


@dataclass(frozen=True)
class FoundationArgs:
    """Where the stack lives."""

    location: str
    protect: bool  # deleting the group deletes every resource in it
    allowed_regions: tuple[str, ...] = ()  # compliance.allowedRegions: enforced by Azure Policy


class Foundation(pulumi.ComponentResource):
    """One resource group per stack: the unit budgets are scoped to and deletion locks act on."""

    def __init__(self, name: str, args: FoundationArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("foundation"), opts)
        self.resource_group = resources.ResourceGroup(
            f"{name}-rg",
            resource_group_name=names.resource_group(ctx.prefix),
            location=args.location,
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.residency: authorization.PolicyAssignment | None = None
        if args.allowed_regions:
            # Residency enforced by Azure itself: a resource created later in this group
            # (by hand or by another tool) outside the allowed regions is refused.
            self.residency = authorization.PolicyAssignment(
                f"{name}-allowed-locations",
                policy_assignment_name=f"{ctx.prefix}-allowed-locations",
                display_name=f"{ctx.prefix}: allowed locations",
                policy_definition_id=ALLOWED_LOCATIONS_POLICY,
                scope=self.resource_group.id,
                enforcement_mode="Default",
                parameters={
                    "listOfAllowedLocations": authorization.ParameterValuesValueArgs(value=list(args.allowed_regions)),
                },
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"resourceGroupId": self.resource_group.id, "resourceGroupName": self.resource_group.name})
