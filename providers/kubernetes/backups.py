"""Backups: a Velero ``Schedule`` of the stack's namespace and its volumes.

The backup storage location is the operator's (``placement.kubernetes.backupLocation``, a Velero
BackupStorageLocation): whether it is in another region is declared, not checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.providers.kubernetes.context import KubernetesContext, child

TYPE = "mlopskit:kubernetes:Backups"
VELERO_NAMESPACE = "velero"  # Velero reads Schedules from its own namespace
CRONS = {"hourly": "0 * * * *", "daily": "0 1 * * *", "weekly": "0 1 * * 0"}


@dataclass(frozen=True)
class BackupsArgs:
    """Inputs of the Backups component."""

    schedule: str  # the spec's hourly | daily | weekly
    retention_days: int
    location: str | None
    protect: bool = False  # prod: deleting the Schedule stops the backups


class Backups(pulumi.ComponentResource):
    """The namespace's Velero schedule."""

    def __init__(self, name: str, args: BackupsArgs, ctx: KubernetesContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("backups"), opts)
        template: dict[str, object] = {"includedNamespaces": [ctx.namespace], "snapshotVolumes": True,
                                       "ttl": f"{args.retention_days * 24}h0m0s"}
        if args.location:
            template["storageLocation"] = args.location
        self.schedule = k8s.apiextensions.CustomResource(
            f"{name}-schedule", api_version="velero.io/v1", kind="Schedule",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=f"mlopskit-{ctx.namespace}", namespace=VELERO_NAMESPACE,
                                                labels=ctx.labels),
            spec={"schedule": CRONS.get(args.schedule, CRONS["daily"]), "template": template},
            opts=child(self, protect=args.protect))
        self.register_outputs({"schedule": f"mlopskit-{ctx.namespace}"})
