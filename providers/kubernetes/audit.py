"""Audit on a cluster: the API server's audit policy is the cluster operator's, never a namespace's.

The component records nothing; facts leave audit unknown (never a pass) and the feature table
says so.
"""

from __future__ import annotations

import pulumi

from mlopskit.providers.kubernetes.context import KubernetesContext

TYPE = "mlopskit:kubernetes:Audit"


class Audit(pulumi.ComponentResource):
    """Nothing a namespace can create."""

    def __init__(self, name: str, ctx: KubernetesContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("audit"), opts)
        self.register_outputs({})
