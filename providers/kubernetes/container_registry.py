"""The container registry: an existing registry the stack pulls from, with an optional pull secret.

Scan on push and immutable tags are settings of the registry, which the stack does not own: a
warning at each field says so. The pull secret is referenced by name (it holds credentials: never
created or read by the kit).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from mlopskit.providers.kubernetes.context import KubernetesContext

TYPE = "mlopskit:kubernetes:ContainerRegistry"


@dataclass(frozen=True)
class ContainerRegistryArgs:
    """Inputs of the ContainerRegistry component."""

    registry: str
    pull_secret: str | None
    scan_on_push: bool
    immutable_tags: bool


class ContainerRegistry(pulumi.ComponentResource):
    """The reference to the registry (the ServiceAccounts carry the pull secret)."""

    def __init__(self, name: str, args: ContainerRegistryArgs, ctx: KubernetesContext,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("container_registry"), opts)
        for field, asked in (("registry.containers.scanOnPush", args.scan_on_push),
                             ("registry.containers.immutableTags", args.immutable_tags)):
            if asked:
                ctx.warn(field, f"declared: a setting of the registry {args.registry}, which the stack does not own; "
                         "the kit cannot check it from the cluster")
        self.register_outputs({"registry": args.registry, "pullSecret": args.pull_secret})
