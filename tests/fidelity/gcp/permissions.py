"""The GCP permission-completeness gate: every call a day-2 command makes is granted.

A command's calls (recorded at the Gateway, with the bound method for calls whose target is
the object they are made on) are turned into (IAM permission, resource) pairs by
``providers.gcp.permissions.CALLS``; an unmapped call is a violation. The grants are read from
the RECORDED graph (what `pulumi up` would bind) for the service account of the access role
that holds the command's permission; each role's permissions come from the recorded custom
role or, for a predefined role, from the vendored role listing (providers/catalog/iam).
A grant on the project covers every resource in it; a grant on a bucket, endpoint or service
account covers that resource only. IAM conditions on the grants are not evaluated (the
access roles' grants carry none; tests/test_workload_folders.py holds the workloads' ones).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mlopskit.modules.graph import Graph
from mlopskit.providers.gcp.permissions import CALLS, DEPLOY_TYPES
from tests.conftest import ROOT

PREDEFINED: dict[str, list[str]] = json.loads((ROOT / "providers" / "catalog" / "iam" / "gcp_roles.json").read_text())["roles"]


@dataclass(frozen=True)
class Made:
    """One recorded call: the client kind, operation, keyword params and the bound method."""

    kind: str
    operation: str
    params: dict[str, Any]
    fn: Any


def _bucket_of(blob: Any) -> str:
    return str(getattr(blob, "bucket_name", None) or blob.bucket.name)


def _service_account(made: Made) -> str:
    body: Any = made.params.get("custom_job") or made.params.get("batch_prediction_job") or made.params.get("deployed_model")
    if made.operation == "create_custom_job":
        return str(body.job_spec.service_account)
    return str(getattr(body, "service_account", "") or "")


def _endpoint(made: Made) -> str:
    value = made.params.get("name") or made.params.get("endpoint")
    return str(getattr(value, "name", value))


def resource(made: Made, on: str) -> tuple[str, str] | None:
    """The resource a permission is checked on, as (kind, id); None: the call names none."""
    match on:
        case "project":
            return ("project", "")
        case "bucket":
            return ("bucket", str(made.params["bucket_or_name"]))
        case "object":
            return ("bucket", _bucket_of(made.fn.__self__))
        case "source-object":
            return ("bucket", _bucket_of(made.params["blob"]))
        case "destination-bucket":
            return ("bucket", str(made.params["destination_bucket"].name))
        case "endpoint":
            return ("endpoint", _endpoint(made).rsplit("/", 1)[-1])
        case "service-account":
            account = _service_account(made)
            return ("service-account", account) if account else None
    raise AssertionError(f"unknown resource kind {on}")


def needs(made: Made) -> list[tuple[str, tuple[str, str]]] | None:
    """(permission, resource) pairs the call needs; None when the call is not in the table."""
    row = CALLS.get((made.kind, made.operation))
    if row is None:
        return None
    return [(permission, where) for permission, on in row if (where := resource(made, on)) is not None]


def grants(graph: Graph, member: str) -> list[tuple[tuple[str, str], set[str]]]:
    """(resource, permissions) of every recorded grant to ``member``."""
    custom = {f"projects/{r.inputs['project']}/roles/{r.inputs['roleId']}": set(r.inputs["permissions"])
              for r in graph.of_type("gcp:projects/iAMCustomRole:IAMCustomRole")}
    scopes = {"gcp:projects/iAMMember:IAMMember": lambda i: ("project", ""),
              "gcp:storage/bucketIAMMember:BucketIAMMember": lambda i: ("bucket", i["bucket"]),
              "gcp:vertex/aiEndpointIamMember:AiEndpointIamMember": lambda i: ("endpoint", i["endpoint"]),
              "gcp:serviceaccount/iAMMember:IAMMember": lambda i: ("service-account", i["serviceAccountId"].rsplit("/", 1)[-1])}
    found = []
    for type_, scope in scopes.items():
        for r in graph.of_type(type_):
            if r.inputs.get("member") == member:
                role = r.inputs["role"]
                found.append((scope(r.inputs), custom.get(role) or set(PREDEFINED.get(role, ()))))
    return found


def granted(held: list[tuple[tuple[str, str], set[str]]], permission: str, where: tuple[str, str]) -> bool:
    return any(permission in permissions and (scope == ("project", "") or scope == where) for scope, permissions in held)


def violations(graph: Graph, member: str, calls: list[Made]) -> list[str]:
    """Each call that is unmapped, or needs a permission ``member`` does not hold on its resource."""
    held = grants(graph, member)
    found = []
    for made in calls:
        pairs = needs(made)
        if pairs is None:
            found.append(f"{made.kind}.{made.operation}: not in providers/gcp/permissions.py CALLS")
            continue
        found += [f"{made.kind}.{made.operation}: {permission} on {where[0]} {where[1]}".rstrip()
                  for permission, where in pairs if not granted(held, permission, where)]
    return sorted(set(found))


def unmapped_types(graph: Graph) -> list[str]:
    """Recorded types with no row in DEPLOY_TYPES (what the deploying identity needs for them)."""
    from tests.fidelity.ordering import type_key

    return sorted({type_key(r) for r in graph if not r.type.startswith(("mlopskit:", "pulumi:providers:"))
                   and type_key(r) not in DEPLOY_TYPES})
