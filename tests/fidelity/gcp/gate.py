"""The GCP fidelity gate: what `pulumi up` on Google Cloud would refuse, found offline.

Every recorded pulumi-gcp resource is held to the installed SDK's Args classes; every
Vertex dynamic resource is replayed against strict aiplatform_v1 stand-ins (see
``vertex_check``); custom job bodies are parsed as ``CustomJob`` protos; rollout steps are
checked; and the rules behind issue 12 (items 2, 4, 6, 7, 11) are checked on the graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pulumi_gcp

from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.stack import Stack
from tests.fidelity.args_check import Violation, check_resource
from tests.fidelity.gcp.vertex_check import check_custom_jobs, replay

# Vertex UploadModelRequest.model_id: up to 63 of [a-z0-9_-], not starting with a digit or hyphen.
MODEL_ID = re.compile(r"^[a-z_][a-z0-9_-]{0,62}$")
BILLING_ACCOUNT = re.compile(r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$")
# Compute Engine attaches GPUs to N1 machines only on request; accelerator-optimized
# families (a2, a3, g2, ...) come with theirs (cloud.google.com/compute/docs/gpus).
GPU_OPTIONAL_FAMILIES = ("n1-",)
VERTEX_PSC_SERVICE_CLASS = "gcp-vertexai"
# The API each recorded resource type calls (type-token prefix -> service).
APIS: dict[str, str] = {
    "gcp:kms/": "cloudkms.googleapis.com",
    "gcp:storage/transferJob": "storagetransfer.googleapis.com",
    "gcp:storage/": "storage.googleapis.com",
    "gcp:artifactregistry/": "artifactregistry.googleapis.com",
    "gcp:vertex/": "aiplatform.googleapis.com",
    "gcp:bigquery/": "bigquery.googleapis.com",
    "gcp:cloudscheduler/": "cloudscheduler.googleapis.com",
    "gcp:monitoring/": "monitoring.googleapis.com",
    "gcp:billing/budget": "billingbudgets.googleapis.com",
    "gcp:compute/": "compute.googleapis.com",
    "gcp:servicenetworking/": "servicenetworking.googleapis.com",
    "gcp:networkconnectivity/": "networkconnectivity.googleapis.com",
    "gcp:serviceaccount/": "iam.googleapis.com",
    "gcp:logging/": "logging.googleapis.com",
    "pulumi-python:dynamic:Resource": "aiplatform.googleapis.com",
}


def _gcp(graph: Graph) -> list[RecordedResource]:
    return [r for r in graph if r.custom and r.type.startswith("gcp:")]


def _of(graph: Graph, type_: str) -> list[RecordedResource]:
    return [r for r in graph if r.type == type_]


def _dynamic(graph: Graph, kind: str) -> list[RecordedResource]:
    return [r for r in graph if r.type == "pulumi-python:dynamic:Resource" and r.inputs.get("kind") == kind]


def check_args(graph: Graph) -> list[Violation]:
    """Every recorded pulumi-gcp input against the installed SDK's Args classes."""
    return [v for r in _gcp(graph) for v in check_resource(pulumi_gcp, r.type, r.name, r.inputs)]


LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")


def check_labels(graph: Graph) -> list[Violation]:
    """GCP labels: keys and values of at most 63 lowercase letters, digits, ``_`` and ``-``."""
    found = []
    for resource in graph:
        # A notification channel's `labels` are its type's settings (email_address), not labels.
        if resource.type == "gcp:monitoring/notificationChannel:NotificationChannel":
            continue
        labels = resource.inputs.get("labels") if resource.custom else None
        for key, value in (labels or {}).items() if isinstance(labels, dict) else ():
            if not LABEL_KEY.match(str(key)) or not LABEL_VALUE.match(str(value)):
                found.append(Violation(resource.name, f"labels.{key}", f"{value!r}: GCP labels allow 63 of [a-z0-9_-]"))
    return found


def check_rollout_steps(graph: Graph) -> list[Violation]:
    """Traffic steps on the new model: within 0-100, never going back, ending at 100."""
    found = []
    for deployment in _dynamic(graph, "vertex-deployed-model"):
        steps = [float(s) for s in deployment.inputs.get("trafficSteps") or []]
        if not steps or steps[-1] != 100 or any(not 0 <= s <= 100 for s in steps) or steps != sorted(steps):
            found.append(Violation(deployment.name, "trafficSteps", f"{steps}: steps must rise within 0-100 and end at 100"))
    return found


def check_model_parents(graph: Graph) -> list[Violation]:
    """Item 2: every uploaded version names the parent model it belongs to (a valid model id)."""
    return [Violation(m.name, "modelId", f"{m.inputs.get('modelId')!r}: versions need one parent model id ({MODEL_ID.pattern})")
            for m in _dynamic(graph, "vertex-model") if not MODEL_ID.match(str(m.inputs.get("modelId") or ""))]


def check_billing_account(graph: Graph) -> list[Violation]:
    """Item 4: a budget's billing account is real, or a placeholder the build flags as offline-only."""
    found = []
    flagged = any(w.path == "budget" and w.message.startswith("offline preview only") for w in graph.warnings)
    for budget in _of(graph, "gcp:billing/budget:Budget"):
        account = str(budget.inputs.get("billingAccount", ""))
        if not BILLING_ACCOUNT.match(account):
            found.append(Violation(budget.name, "billingAccount", f"{account!r} is not a billing account id"))
        elif account == "000000-000000-000000" and not flagged:
            found.append(Violation(budget.name, "billingAccount", "placeholder account without the offline-preview warning"))
    return found


def _machines(graph: Graph) -> Iterable[tuple[RecordedResource, str, str, dict[str, Any]]]:
    """(resource, display name, path, machine spec) of every serving and training machine."""
    import json

    for deployment in _dynamic(graph, "vertex-deployed-model"):
        yield deployment, str(deployment.inputs.get("displayName")), "", deployment.inputs
    for job_spec in _of(graph, "gcp:storage/bucketObject:BucketObject"):
        if not str(job_spec.inputs.get("name", "")).endswith("custom-job.json"):
            continue
        content = job_spec.inputs.get("content")
        body = json.loads(content.get("value") if isinstance(content, dict) else content)
        for index, pool in enumerate(body["jobSpec"]["workerPoolSpecs"]):
            yield job_spec, body["displayName"], f"content.jobSpec.workerPoolSpecs[{index}].machineSpec.", pool["machineSpec"]


def check_requested_accelerators(graph: Graph, stack: Stack) -> list[Violation]:
    """Item 6: a GPU-optional machine type gets an accelerator only when the spec asks for one
    (a GPU section, or a model size the GPUs must hold: issue 18)."""
    wanted: dict[str, object] = {f"{stack.name}-{e.name}": e.compute.gpu or e.model.size_gib for e in stack.endpoints}
    wanted.update({f"{stack.name}-{t.name}": t.compute.gpu for t in stack.training})
    found = []
    for resource, display, path, machine in _machines(graph):
        machine_type = str(machine.get("machineType", ""))
        if machine.get("acceleratorType") and machine_type.startswith(GPU_OPTIONAL_FAMILIES) and wanted.get(display) is None:
            found.append(Violation(resource.name, f"{path}acceleratorType",
                                   f"{machine.get('acceleratorType')} on {machine_type} although the spec asks for no GPU"))
    return found


def check_private_endpoints(graph: Graph) -> list[Violation]:
    """Item 7: a PSC endpoint gets a consumer forwarding rule in the stack's VPC (PSC automation)."""
    networks = {n.outputs.get("id") or f"projects/{n.inputs.get('project')}/global/networks/{n.inputs.get('name')}"
                for n in _of(graph, "gcp:compute/network:Network")}
    policies = {p.inputs.get("network") for p in _of(graph, "gcp:networkconnectivity/serviceConnectionPolicy:ServiceConnectionPolicy")
                if p.inputs.get("serviceClass") == VERTEX_PSC_SERVICE_CLASS}
    found = []
    for endpoint in _of(graph, "gcp:vertex/aiEndpoint:AiEndpoint"):
        psc = endpoint.inputs.get("privateServiceConnectConfig") or {}
        if not psc.get("enablePrivateServiceConnect"):
            continue
        automations = psc.get("pscAutomationConfigs") or []
        if not automations:
            found.append(Violation(endpoint.name, "privateServiceConnectConfig.pscAutomationConfigs",
                                   "a PSC endpoint without a consumer forwarding rule is unreachable from the VPC"))
        for index, automation in enumerate(automations):
            network = automation.get("network")
            if network not in networks:
                found.append(Violation(endpoint.name, f"privateServiceConnectConfig.pscAutomationConfigs[{index}].network",
                                       f"{network!r} is not the stack's VPC"))
            elif network not in policies:
                found.append(Violation(endpoint.name, f"privateServiceConnectConfig.pscAutomationConfigs[{index}].network",
                                       f"no {VERTEX_PSC_SERVICE_CLASS} service connection policy on {network}"))
    return found


def check_retention_overwrites(graph: Graph) -> list[Violation]:
    """Item 11: a transfer into a bucket under a retention policy never overwrites (GCS refuses per object)."""
    retained = {b.inputs.get("name") for b in _of(graph, "gcp:storage/bucket:Bucket") if b.inputs.get("retentionPolicy")}
    found = []
    for job in _of(graph, "gcp:storage/transferJob:TransferJob"):
        spec = job.inputs.get("transferSpec") or {}
        sink = (spec.get("gcsDataSink") or {}).get("bucketName")
        overwrite = (spec.get("transferOptions") or {}).get("overwriteWhen", "DIFFERENT")
        if sink in retained and overwrite != "NEVER":
            found.append(Violation(job.name, "transferSpec.transferOptions.overwriteWhen",
                                   f"{overwrite} into retention-locked bucket {sink}: overwrites fail per object"))
    return found


def check_enabled_apis(graph: Graph) -> list[Violation]:
    """Item 11: every API a recorded resource calls is enabled by the stack, and scanning has its API."""
    enabled = {s.inputs.get("service") for s in _of(graph, "gcp:projects/service:Service")}
    needed: dict[str, str] = {}
    for resource in graph:
        for prefix, api in APIS.items():
            if resource.custom and resource.type.startswith(prefix):
                needed.setdefault(api, resource.name)
                break
    for repository in _of(graph, "gcp:artifactregistry/repository:Repository"):
        if (repository.inputs.get("vulnerabilityScanningConfig") or {}).get("enablementConfig") == "INHERITED":
            needed.setdefault("containerscanning.googleapis.com", repository.name)
    return [Violation(resource, "service", f"calls {api}, which the stack does not enable")
            for api, resource in sorted(needed.items()) if api not in enabled]


def run_gate(graph: Graph, stack: Stack) -> list[Violation]:
    """Every GCP check over one recorded graph."""
    checks: Iterable[Callable[[], list[Violation]]] = (
        lambda: check_args(graph), lambda: check_labels(graph), lambda: replay(graph), lambda: check_custom_jobs(graph),
        lambda: check_rollout_steps(graph), lambda: check_model_parents(graph), lambda: check_billing_account(graph),
        lambda: check_requested_accelerators(graph, stack), lambda: check_private_endpoints(graph),
        lambda: check_retention_overwrites(graph), lambda: check_enabled_apis(graph),
    )
    return [v for check in checks for v in check()]


__all__ = ["Violation", "run_gate"]
