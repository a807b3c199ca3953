"""Identities and role assignments: built-in roles, each on one resource of the stack."""

from __future__ import annotations

import re

from mlopskit.modules.access import PERMISSIONS
from mlopskit.providers.azure.roles import FORBIDDEN, PERMISSION_GRANTS, ROLES
from tests.azure.helpers import DEV, PROD, all_of, graph_of, one, warned

_BROAD_SCOPE = re.compile(r"^/subscriptions/[^/]+(/resourceGroups/[^/]+)?/?$")
_GUIDS = {guid: name for name, guid in ROLES.items()}


def _assignments(spec: str = PROD):  # type: ignore[no-untyped-def]
    return all_of(graph_of(spec), ":authorization:RoleAssignment")


def test_every_permission_maps_to_built_in_roles() -> None:
    assert set(PERMISSION_GRANTS) == set(PERMISSIONS)
    for grants in PERMISSION_GRANTS.values():
        for role, _target in grants:
            assert ROLES[role] not in FORBIDDEN


def test_assignments_are_scoped_to_resources_never_subscription_or_group() -> None:
    for spec in (PROD, DEV):
        assignments = _assignments(spec)
        assert assignments
        for assignment in assignments:
            scope = assignment.inputs["scope"]
            assert scope.startswith("/subscriptions/") and "/providers/" in scope, assignment.name
            assert not _BROAD_SCOPE.match(scope), assignment.name
            guid = assignment.inputs["roleDefinitionId"].rsplit("/", 1)[1]
            assert guid in _GUIDS and guid not in FORBIDDEN, assignment.name
            assert assignment.inputs["principalType"] == "ServicePrincipal"
            assert re.fullmatch(r"[0-9a-f-]{36}", assignment.inputs["roleAssignmentName"])


def test_one_identity_per_workload_and_role() -> None:
    names = sorted(i.inputs["resourceName"] for i in all_of(graph_of(PROD), ":managedidentity:UserAssignedIdentity"))
    assert names == sorted(
        f"id-credit-risk-prod-{who}"
        for who in ("workspace", "encryption", "training", "serving", "monitoring",
                    "role-data-scientist", "role-ci-deployer", "role-auditor", "role-operator")
    )


def _grants_of(identity_name: str) -> set[tuple[str, str]]:
    graph = graph_of(PROD)
    identity = one(graph, ":managedidentity:UserAssignedIdentity", identity_name)
    return {
        (_GUIDS[a.inputs["roleDefinitionId"].rsplit("/", 1)[1]], a.inputs["scope"])
        for a in all_of(graph, ":authorization:RoleAssignment")
        if a.inputs["principalId"] == identity.outputs["principalId"]
    }


def test_data_scientist_gets_exactly_its_permissions() -> None:
    graph = graph_of(PROD)
    workspace = one(graph, ":machinelearningservices:Workspace").outputs["id"]
    registry = one(graph, ":machinelearningservices:Registry").outputs["id"]
    storage = one(graph, ":storage:StorageAccount").outputs["id"]
    assert _grants_of("role-data-scientist") == {
        ("AzureML Data Scientist", workspace),  # training.submit
        ("AzureML Registry User", registry),  # models.read
        ("Storage Blob Data Reader", storage),  # artifacts.read
    }


def test_auditor_only_reads_logs() -> None:
    logs = one(graph_of(PROD), ":operationalinsights:Workspace").outputs["id"]
    assert _grants_of("role-auditor") == {("Log Analytics Reader", logs)}


def test_operator_invokes_each_endpoint_and_restores_backups() -> None:
    graph = graph_of(PROD)
    endpoints = {e.outputs["id"] for e in all_of(graph, ":machinelearningservices:OnlineEndpoint")}
    vault = one(graph, ":dataprotection:BackupVault").outputs["id"]
    grants = _grants_of("role-operator")
    assert {scope for role, scope in grants if role == "AzureML Data Scientist"} == endpoints
    assert ("Backup Operator", vault) in grants


def test_people_principals_are_reported() -> None:
    graph = graph_of(PROD)
    assert "group:ds@example.com" in warned(graph, "access.roles[0].principals[0]")[0]
    assert "user:oncall@example.com" in warned(graph, "access.roles[3].principals[0]")[0]
    assert graph.outputs["accessRoles"]["auditor"] == [{"role": "Log Analytics Reader", "target": "log-analytics"}]


def test_restore_without_backups_is_reported() -> None:
    from tests.azure.helpers import graph_with

    graph = graph_with(DEV, access={"roles": [{"name": "ops", "permissions": ["backups.restore"]}]})
    assert "backups are off" in warned(graph, "access.roles[0].permissions[0]")[0]
