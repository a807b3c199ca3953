"""Budget on a cluster: a ResourceQuota sized from the rate card, and a LimitRange.

A namespace cannot be billed, so the budget becomes a ceiling on what its pods may request:
the most vCPUs, memory and GPUs whose monthly cost at the rate card stays within
``budget.monthlyLimitUsd`` — but never less than what the stack itself requests at maximum
scale (the quota would refuse the stack's own pods). The LimitRange gives a container that
states no size a small default, so no pod escapes the quota unsized.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.providers.kubernetes.context import GPU_RESOURCE, KubernetesContext, child

TYPE = "mlopskit:kubernetes:Budget"


@dataclass(frozen=True)
class BudgetArgs:
    """Inputs of the Budget component."""

    limit_usd: float
    thresholds: list[int]
    cpu: int  # the quota's vCPUs
    memory_gib: int
    gpus: int


class Budget(pulumi.ComponentResource):
    """The namespace's quota and defaults."""

    def __init__(self, name: str, args: BudgetArgs, ctx: KubernetesContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("budget"), opts)
        hard = {"requests.cpu": str(args.cpu), "limits.cpu": str(args.cpu),
                "requests.memory": f"{args.memory_gib}Gi", "limits.memory": f"{args.memory_gib}Gi",
                f"requests.{GPU_RESOURCE}": str(args.gpus)}
        self.quota = k8s.core.v1.ResourceQuota(
            f"{name}-quota", metadata=ctx.meta("mlopskit-budget", **{"mlopskit.dev/limit-usd": f"{args.limit_usd:g}"}),
            spec=k8s.core.v1.ResourceQuotaSpecArgs(hard=hard), opts=child(self))
        self.limits = k8s.core.v1.LimitRange(
            f"{name}-limits", metadata=ctx.meta("mlopskit-defaults"), spec=k8s.core.v1.LimitRangeSpecArgs(limits=[
                k8s.core.v1.LimitRangeItemArgs(type="Container", default={"cpu": "500m", "memory": "512Mi"},
                                               default_request={"cpu": "250m", "memory": "256Mi"})]),
            opts=child(self))
        self.register_outputs({"cpu": args.cpu, "memoryGiB": args.memory_gib, "gpus": args.gpus})
