"""The model registry: the external MLflow tracking server the placement names (not created).

Approval, ``latest-approved`` and promotion go through MLflow's registry REST API
(providers/kubernetes/registry.py): a version is approved when it carries the alias ``approved``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from mlopskit.providers.kubernetes.context import KubernetesContext

TYPE = "mlopskit:kubernetes:ModelRegistry"


@dataclass(frozen=True)
class ModelRegistryArgs:
    """Inputs of the ModelRegistry component."""

    tracking_uri: str
    approval: str


class ModelRegistry(pulumi.ComponentResource):
    """The reference to the MLflow server."""

    def __init__(self, name: str, args: ModelRegistryArgs, ctx: KubernetesContext,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("model_registry"), opts)
        self.register_outputs({"trackingUri": args.tracking_uri, "approval": args.approval})
