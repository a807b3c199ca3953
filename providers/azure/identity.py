"""Managed identities (one per workload and per access role) and resource-scoped grants."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import authorization, managedidentity

from mlopskit.providers.azure.context import AzureContext, stable_guid
from mlopskit.providers.azure.roles import FORBIDDEN, ROLES

TYPE = "mlopskit:azure:Identity"
GRANTS_TYPE = "mlopskit:azure:AccessGrants"

# Identities the stack's own workloads run as, besides one per access role.
WORKLOADS: tuple[str, ...] = ("workspace", "encryption", "training", "serving")


def assign(
    parent: pulumi.Resource,
    name: str,
    ctx: AzureContext,
    role: str,
    principal_id: pulumi.Input[str],
    scope: pulumi.Input[str],
    depends_on: list[pulumi.Resource] | None = None,
) -> authorization.RoleAssignment:
    """Grant built-in ``role`` to a managed identity on exactly one resource (``scope``).

    The assignment name is a GUID derived from the logical name, so it is stable across
    runs (a fresh GUID would recreate the assignment on every `up`).
    """
    guid = ROLES[role]
    if guid in FORBIDDEN:  # pragma: no cover - guards future edits of ROLES
        raise ValueError(f"role {role!r} is too broad to grant")
    return authorization.RoleAssignment(
        name,
        role_assignment_name=stable_guid(ctx.prefix, name),
        role_definition_id=ctx.role_definition_id(guid),
        principal_id=principal_id,
        principal_type="ServicePrincipal",
        scope=scope,
        description=f"mlopskit {ctx.prefix}: {role}",
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on or []),
    )


@dataclass(frozen=True)
class IdentityArgs:
    """The workload identities and the access roles that each get their own identity."""

    roles: tuple[str, ...] = ()
    workloads: tuple[str, ...] = WORKLOADS


class Identity(pulumi.ComponentResource):
    """User-assigned identities: deleting one never breaks another workload's access."""

    def __init__(self, name: str, args: IdentityArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("identity"), opts)
        self.identities: dict[str, managedidentity.UserAssignedIdentity] = {}
        for who in (*args.workloads, *(f"role-{role}" for role in args.roles)):
            self.identities[who] = managedidentity.UserAssignedIdentity(
                f"{name}-{who}",
                resource_name_=f"id-{ctx.prefix}-{who}",
                resource_group_name=ctx.resource_group_name,
                location=ctx.location,
                tags=ctx.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({
            "principalIds": {who: identity.principal_id for who, identity in self.identities.items()},
            "ids": {who: identity.id for who, identity in self.identities.items()},
        })

    def id_of(self, who: str) -> pulumi.Output[str]:
        return self.identities[who].id

    def principal_of(self, who: str) -> pulumi.Output[str]:
        return self.identities[who].principal_id

    def client_of(self, who: str) -> pulumi.Output[str]:
        return self.identities[who].client_id


@dataclass(frozen=True)
class Grant:
    """One built-in role for one identity on one resource."""

    key: str  # stable suffix of the logical name: `<who>-<role slug>-<target>`
    who: str
    role: str
    scope: pulumi.Input[str]


@dataclass
class AccessGrantsArgs:
    """Every grant of the stack, computed by the provider from the spec and the resources."""

    grants: list[Grant] = field(default_factory=list)


class AccessGrants(pulumi.ComponentResource):
    """Role assignments for workloads and access roles, each on a single resource."""

    def __init__(
        self,
        name: str,
        args: AccessGrantsArgs,
        identity: Identity,
        ctx: AzureContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(GRANTS_TYPE, name, ctx.realises("identity"), opts)
        self.assignments = {
            grant.key: assign(self, f"{name}-{grant.key}", ctx, grant.role, identity.principal_of(grant.who), grant.scope)
            for grant in args.grants
        }
        self.register_outputs({"assignments": {key: a.id for key, a in self.assignments.items()}})
