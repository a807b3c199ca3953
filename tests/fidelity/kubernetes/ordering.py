"""Kubernetes's ordering table: per recorded type, what must exist before its create.

- ``namespace``: a namespaced object's namespace (the API server refuses an object in a namespace
  that does not exist yet);
- ``service_account``: the ServiceAccount a pod template names (a Job's pods are refused until it
  exists; KServe's predictor Deployment likewise);
- ``default_deny``: the namespace's default-deny NetworkPolicy (a pod started before it runs
  unrestricted until the policy lands).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.providers.kubernetes import types as t
from tests.fidelity.ordering import Finder


def _meta(resource: RecordedResource) -> dict[str, Any]:
    return dict(resource.inputs.get("metadata") or {})


def namespace(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    wanted = _meta(resource).get("namespace")
    for ns in graph.of_type(t.NAMESPACE):
        if wanted and _meta(ns).get("name") == wanted:
            yield ns, f"the namespace {wanted} it is created in"


def _pod_account(resource: RecordedResource) -> str | None:
    spec = dict(resource.inputs.get("spec") or {})
    if resource.type == t.CRON_JOB:
        pod = spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec", {})
        return pod.get("serviceAccountName")
    return spec.get("predictor", {}).get("serviceAccountName")


def service_account(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    wanted = _pod_account(resource)
    for account in graph.of_type(t.SERVICE_ACCOUNT):
        if wanted and _meta(account).get("name") == wanted:
            yield account, f"the ServiceAccount {wanted} its pods run as"


def default_deny(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    for policy in graph.of_type(t.NETWORK_POLICY):
        if _meta(policy).get("name") == "default-deny":
            yield policy, "the default-deny NetworkPolicy its pods must start under"


PODS: tuple[Finder, ...] = (service_account, default_deny)
ALWAYS: tuple[Finder, ...] = (namespace,)
TABLE: dict[str, tuple[Finder, ...]] = {
    t.NAMESPACE: (), t.CONFIG_MAP: (), t.SERVICE_ACCOUNT: (), t.RESOURCE_QUOTA: (), t.LIMIT_RANGE: (), t.ROLE: (),
    t.ROLE_BINDING: (), t.NETWORK_POLICY: (), t.PROMETHEUS_RULE: (),
    # In Velero's own namespace, which the operator installed (not the stack's).
    t.VELERO_SCHEDULE: (),
    t.CRON_JOB: PODS, t.INFERENCE_SERVICE: PODS,
}
