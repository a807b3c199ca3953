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

_BLOBS = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs"
# The blob data actions each storage role holds (the built-in roles' DataActions), which a
# condition must name to limit them. Listing (read with Blob.List) has no blob path, so it is
# left out of the path check: an identity sees names, and reads and writes only its folders.
_DATA_ACTIONS = {
    "Storage Blob Data Reader": (f"{_BLOBS}/read",),
    "Storage Blob Data Contributor": (f"{_BLOBS}/read", f"{_BLOBS}/write", f"{_BLOBS}/add/action", f"{_BLOBS}/delete"),
}


def _unless(actions: tuple[str, ...]) -> str:
    """The ABAC guard "not one of ``actions``" (a blob read that lists is not guarded)."""
    parts = [f"!(ActionMatches{{'{a}'}} AND NOT SubOperationMatches{{'Blob.List'}})" if a.endswith("/read")
             else f"!(ActionMatches{{'{a}'}})" for a in actions]
    return " AND ".join(parts)


def folder_condition(role: str, container: str, folders: tuple[str, ...], *, others: bool,
                     others_folders: tuple[str, ...] = ()) -> str:
    """An Azure ABAC condition (conditionVersion 2.0) limiting a storage role to ``folders`` of
    ``container``, and, when ``others``, leaving the account's other containers (the workspace's
    own, which Azure ML names itself) as they are.

    Format of "Example Azure role assignment conditions for Blob Storage" (learn.microsoft.com):
    ``@Resource[...containers:name] StringEquals`` with ``@Resource[...blobs:path] StringStartsWith``.
    ``others_folders`` limits the other containers to those folders too (the monitor job reads only
    the data collector's folder of the workspace's own containers).
    """
    name = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name]"
    paths = " OR ".join(f"@Resource[{_BLOBS}:path] StringStartsWith '{folder}'" for folder in folders)
    allowed = f"{name} StringEquals '{container}' AND ({paths})"
    if others and others_folders:
        elsewhere = " OR ".join(f"@Resource[{_BLOBS}:path] StringStartsWith '{folder}'" for folder in others_folders)
        allowed = f"({name} StringNotEquals '{container}' AND ({elsewhere})) OR ({allowed})"
    elif others:
        allowed = f"{name} StringNotEquals '{container}' OR ({allowed})"
    return f"(({_unless(_DATA_ACTIONS[role])}) OR ({allowed}))"


def no_delete_condition(container: str) -> str:
    """Storage Blob Data Contributor limited to ``container`` and without deletes: what
    ``artifacts.write`` means on every cloud (create and overwrite, never delete)."""
    role = "Storage Blob Data Contributor"
    name = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name]"
    return (f"(({_unless(_DATA_ACTIONS[role][:3])}) OR ({name} StringEquals '{container}'))"
            f" AND (!(ActionMatches{{'{_BLOBS}/delete'}}))")


def containers_condition(container: str, prefix: str) -> str:
    """Storage Blob Data Reader limited to ``container`` and the containers named ``prefix*``."""
    name = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name]"
    return (f"(({_unless(_DATA_ACTIONS['Storage Blob Data Reader'])}) OR ({name} StringEquals '{container}') "
            f"OR ({name} StringStartsWith '{prefix}'))")


def container_condition(container: str) -> str:
    """Storage Blob Data Reader limited to ``container`` (the account also holds the workspace's)."""
    name = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name]"
    return f"(({_unless(_DATA_ACTIONS['Storage Blob Data Reader'])}) OR ({name} StringEquals '{container}'))"


def assign(
    parent: pulumi.Resource,
    name: str,
    ctx: AzureContext,
    role: str,
    principal_id: pulumi.Input[str],
    scope: pulumi.Input[str],
    depends_on: list[pulumi.Resource] | None = None,
    condition: str | None = None,
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
        # An ABAC condition (folders of a container) needs condition version 2.0.
        condition=condition,
        condition_version="2.0" if condition is not None else None,
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
    condition: str | None = None  # an ABAC condition limiting it (folder_condition and the like)


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
            grant.key: assign(self, f"{name}-{grant.key}", ctx, grant.role, identity.principal_of(grant.who), grant.scope,
                              condition=grant.condition)
            for grant in args.grants
        }
        self.register_outputs({"assignments": {key: a.id for key, a in self.assignments.items()}})
