"""An endpoint: a KServe ``InferenceService`` (serving.kserve.io/v1beta1) as a custom resource.

The predictor holds the replica range and the scaling target (KServe creates the autoscaler), the
rollout's canary share (``canaryTrafficPercent``: KServe keeps the previous revision for the rest
of the traffic), the request logger that captures data, and a restricted, sized pod. An MLflow
model is served by KServe's MLflow runtime (MLServer, protocol v2) from the version's storage URI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.providers.kubernetes.context import (
    GPU_NODE_LABEL,
    GPU_RESOURCE,
    RUN_AS_USER,
    KubernetesContext,
    PodSize,
    child,
)

TYPE = "mlopskit:kubernetes:Endpoint"
API_VERSION = "serving.kserve.io/v1beta1"


@dataclass(frozen=True)
class EndpointArgs:
    """Inputs of the Endpoint component."""

    endpoint_name: str
    size: PodSize
    min_replicas: int
    max_replicas: int
    target_rps: int  # the spec's targetInvocationsPerInstance, as requests per second per replica
    canary_percent: int | None  # None: every new revision takes all traffic at once
    model_format: str | None
    storage_uri: str | None  # the model version's artifacts; None with a custom image
    image: str | None  # an artifact model's own serving container
    capture_url: str | None  # where the request logger posts (None: no capture)
    service_account: str
    pull_secret: str | None
    awaiting_model: bool = False  # a registry package with no approved version: no InferenceService yet


def _amounts(size: PodSize) -> dict[str, dict[str, str]]:
    return {"requests": size.amounts(), "limits": size.amounts()}


_CONTAINER_SECURITY = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "runAsNonRoot": True,
                       "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}


def predictor(args: EndpointArgs) -> dict[str, Any]:
    """The predictor spec (camelCase, as the CRD's schema names the fields)."""
    spec: dict[str, Any] = {
        "minReplicas": args.min_replicas, "maxReplicas": args.max_replicas,
        "scaleMetric": "rps", "scaleTarget": args.target_rps, "serviceAccountName": args.service_account,
        "automountServiceAccountToken": False,
        "securityContext": {"runAsNonRoot": True, "runAsUser": RUN_AS_USER, "seccompProfile": {"type": "RuntimeDefault"}},
    }
    if args.canary_percent is not None:
        spec["canaryTrafficPercent"] = args.canary_percent
    if args.capture_url:
        spec["logger"] = {"mode": "all", "url": args.capture_url}
    # The pull secret rides on the ServiceAccount (providers/kubernetes/identity.py): the pods of the
    # predictor get it from there.
    if args.size.gpus and args.size.gpu_type:
        spec["nodeSelector"] = {GPU_NODE_LABEL: args.size.gpu_type}
        spec["tolerations"] = [{"key": GPU_RESOURCE, "operator": "Exists", "effect": "NoSchedule"}]
    if args.image is not None:
        spec["containers"] = [{"name": "kserve-container", "image": args.image, "resources": _amounts(args.size),
                               "securityContext": _CONTAINER_SECURITY}]
    else:
        spec["model"] = {"modelFormat": {"name": args.model_format or "mlflow"}, "protocolVersion": "v2",
                         "storageUri": args.storage_uri, "resources": _amounts(args.size),
                         "securityContext": _CONTAINER_SECURITY}
    return spec


class Endpoint(pulumi.ComponentResource):
    """One endpoint's InferenceService."""

    def __init__(self, name: str, args: EndpointArgs, ctx: KubernetesContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("endpoint"), opts)
        self.service = None if args.awaiting_model else k8s.apiextensions.CustomResource(
            f"{name}-isvc", api_version=API_VERSION, kind="InferenceService",
            metadata=ctx.meta(args.endpoint_name, "serving"), spec={"predictor": predictor(args)}, opts=child(self))
        self.register_outputs({"inferenceService": args.endpoint_name})
