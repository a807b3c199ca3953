"""Autoscaling on a cluster: KServe scales the predictor itself.

The replica range and the requests-per-second target are fields of the InferenceService's
predictor (providers/kubernetes/endpoint.py), from which KServe creates the autoscaler (Knative's
KPA, or an HPA in raw deployment mode). So this component records no object of its own: creating
an HPA beside KServe's would fight it over the same Deployment.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from mlopskit.providers.kubernetes.context import KubernetesContext

TYPE = "mlopskit:kubernetes:Autoscaling"


@dataclass(frozen=True)
class AutoscalingArgs:
    """Inputs of the Autoscaling component."""

    endpoint_name: str
    min_replicas: int
    max_replicas: int


class Autoscaling(pulumi.ComponentResource):
    """The scaling of one endpoint (held by its InferenceService)."""

    def __init__(self, name: str, args: AutoscalingArgs, ctx: KubernetesContext,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("autoscaling"), opts)
        self.register_outputs({"endpoint": args.endpoint_name, "minReplicas": args.min_replicas,
                               "maxReplicas": args.max_replicas})
