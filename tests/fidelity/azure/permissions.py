"""The Azure permission-completeness gate: every call a day-2 command makes is allowed.

A command's calls (recorded at the Gateway: ``azureml.<AzureMlApi operation>``) become
(action or data action, resource id) pairs through ``providers.azure.permissions.CALLS``; an
unmapped call is a violation. The role assignments are read from the RECORDED graph for the
managed identity of the access role holding the command's permission, and each role's
actions, notActions, dataActions and notDataActions come from the vendored built-in role
definitions (providers/catalog/iam/azure_roles.json). An assignment covers its scope and
everything under it (ARM scope inheritance); a data action with an ABAC condition is allowed
only where the condition's container name and blob path clauses admit the blob (the
condition forms providers/azure/identity.py writes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from mlopskit.modules.graph import Graph
from mlopskit.providers.azure.permissions import CALLS, DEPLOY_TYPES
from tests.conftest import ROOT

ROLES: dict[str, dict[str, Any]] = {r["id"]: r for r in json.loads(
    (ROOT / "providers" / "catalog" / "iam" / "azure_roles.json").read_text())["roles"].values()}


@dataclass(frozen=True)
class Made:
    operation: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Held:
    """One role assignment: its scope, the role's definition and its condition."""

    scope: str
    role: dict[str, Any]
    condition: str | None


def _one(graph: Graph, type_: str) -> str:
    (found,) = [r.outputs["id"] for r in graph.of_type(type_)]
    return str(found)


def places(graph: Graph) -> dict[str, str]:
    ml = "azure-native:machinelearningservices:"
    return {"workspace": _one(graph, f"{ml}Workspace"), "registry": _one(graph, f"{ml}Registry"),
            "storage": _one(graph, "azure-native:storage:StorageAccount"),
            "resource_group": _one(graph, "azure-native:resources:ResourceGroup"),
            "backup_vault": next(iter([str(r.outputs["id"]) for r in graph.of_type("azure-native:dataprotection:BackupVault")]), "")}


def _blob(storage: str, container: str, path: str) -> str:
    return f"{storage}/blobServices/default/containers/{container}/blobs/{path}"


def _datastore_path(value: str) -> tuple[str, str]:
    # azureml://datastores/artifacts/paths/<folder>: the artifacts datastore is the artifacts container.
    return "artifacts", value.split("/paths/", 1)[1]


def resource(made: Made, on: str, where: dict[str, str]) -> str:
    if on == "input":
        return _blob(where["storage"], *_datastore_path(made.params["input_path"]))
    if on == "output":
        return _blob(where["storage"], *_datastore_path(made.params["output_path"]))
    if on == "container":
        return _blob(where["storage"], made.params["container"], made.params.get("prefix") or "")
    return where[on]


def holdings(graph: Graph, role_name: str) -> list[Held]:
    identity = next(r for r in graph.of_type("azure-native:managedidentity:UserAssignedIdentity")
                    if r.inputs.get("resourceName") == f"id-{graph.stack}-role-{role_name}")
    return [Held(str(a.inputs["scope"]), ROLES.get(str(a.inputs["roleDefinitionId"]).rsplit("/", 1)[-1], {}),
                 a.inputs.get("condition"))
            for a in graph.of_type("azure-native:authorization:RoleAssignment")
            if a.inputs.get("principalId") == identity.outputs["principalId"]]


def _matches(name: str, patterns: list[str]) -> bool:
    return any(fnmatchcase(name.lower(), p.lower()) for p in patterns)


def condition_admits(condition: str | None, blob: str) -> bool:
    if condition is None:
        return True
    container, _, path = blob.split("/containers/", 1)[1].partition("/blobs/")
    equals = re.findall(r"containers:name\] StringEquals '([^']+)'", condition)
    starts = re.findall(r"containers:name\] StringStartsWith '([^']+)'", condition)
    others = re.findall(r"containers:name\] StringNotEquals '([^']+)'", condition)
    paths = re.findall(r"blobs:path\] StringStartsWith '([^']+)'", condition)
    if any(container != c for c in others):
        return True
    if not (container in equals or any(container.startswith(p) for p in starts)):
        return False
    return not paths or any(path.startswith(p) for p in paths)


def allowed(held: list[Held], name: str, kind: str, target: str) -> bool:
    plural = "actions" if kind == "action" else "dataActions"
    negative = "notActions" if kind == "action" else "notDataActions"
    return any(target.lower().startswith(h.scope.lower()) and _matches(name, h.role.get(plural, []))
               and not _matches(name, h.role.get(negative, []))
               and (kind == "action" or condition_admits(h.condition, target)) for h in held)


def violations(graph: Graph, role_name: str, calls: list[Made]) -> list[str]:
    held, where = holdings(graph, role_name), places(graph)
    found = []
    for made in calls:
        row = CALLS.get(made.operation)
        if row is None:
            found.append(f"azureml.{made.operation}: not in providers/azure/permissions.py CALLS")
            continue
        for name, kind, on in row:
            target = resource(made, on, where)
            if not allowed(held, name, kind, target):
                found.append(f"azureml.{made.operation}: {name} on {on} {target.rsplit('/providers/', 1)[-1]}")
    return sorted(set(found))


def unmapped_types(graph: Graph) -> list[str]:
    """Recorded types with no row in DEPLOY_TYPES (what the deploying identity needs for them)."""
    from tests.fidelity.ordering import type_key

    return sorted({type_key(r) for r in graph if not r.type.startswith(("mlopskit:", "pulumi:providers:"))
                   and type_key(r) not in DEPLOY_TYPES})
