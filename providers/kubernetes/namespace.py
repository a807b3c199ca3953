"""The namespace the stack owns, with Pod Security admission enforcing the "restricted" profile."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.providers.kubernetes.context import KubernetesContext, child

TYPE = "mlopskit:kubernetes:Namespace"
#: Pod Security admission labels: the API server itself then refuses a pod that is not "restricted",
#: whatever created it (kubernetes.io/docs/concepts/security/pod-security-admission).
POD_SECURITY = {"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/audit": "restricted",
                "pod-security.kubernetes.io/warn": "restricted"}


@dataclass(frozen=True)
class NamespaceArgs:
    """Inputs of the Namespace component."""

    protect: bool  # prod: deleting the namespace deletes everything in it


class Namespace(pulumi.ComponentResource):
    """The stack's namespace."""

    def __init__(self, name: str, args: NamespaceArgs, ctx: KubernetesContext,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("namespace"), opts)
        self.namespace = k8s.core.v1.Namespace(
            f"{name}-ns", metadata=k8s.meta.v1.ObjectMetaArgs(name=ctx.namespace, labels={**ctx.labels, **POD_SECURITY}),
            opts=child(self, protect=args.protect))
        self.register_outputs({"namespace": ctx.namespace})
