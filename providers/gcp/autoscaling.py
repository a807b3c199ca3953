"""Autoscaling and rollout: the deployed model on a Vertex endpoint.

Vertex scales a deployed model between min and max replicas on a target metric; the
spec's ``targetInvocationsPerInstance`` maps to the request-count metric. The same
dynamic resource holds the traffic split, so the rollout strategy's steps and the
alarms that stop it are recorded in its inputs for the day-2 tooling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from mlopskit.providers.gcp.context import GcpContext, child
from mlopskit.providers.gcp.vertex import DeployedModel

TYPE = "mlopskit:gcp:Autoscaling"


@dataclass
class AutoscalingArgs:
    """Inputs of the Autoscaling component (one endpoint's deployed model)."""

    prefix: str
    endpoint_name: str  # spec name
    region: str
    endpoint: pulumi.Input[str]  # Vertex endpoint resource name
    model: pulumi.Input[str]  # model version reference
    machine_type: str
    accelerator_type: str | None
    accelerator_count: int
    min_replicas: int
    max_replicas: int
    target_requests: int
    service_account: pulumi.Input[str]
    strategy: str
    traffic_steps: list[int]
    wait_minutes: int
    auto_rollback: bool
    rollback_alert_policies: list[str] = field(default_factory=list)
    approval: str = "manual"


class Autoscaling(pulumi.ComponentResource):
    """The deployed model with its replica range, scaling target and traffic split."""

    def __init__(self, name: str, args: AutoscalingArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("autoscaling"), opts)
        self.deployment = DeployedModel(
            f"{args.prefix}-{args.endpoint_name}-deployment",
            {
                "region": args.region,
                "endpoint": args.endpoint,
                "model": args.model,
                "displayName": f"{args.prefix}-{args.endpoint_name}",
                "machineType": args.machine_type,
                "acceleratorType": args.accelerator_type,
                "acceleratorCount": args.accelerator_count,
                "minReplicaCount": args.min_replicas,
                "maxReplicaCount": args.max_replicas,
                "targetRequestsPerReplica": args.target_requests,
                "serviceAccount": args.service_account,
                "strategy": args.strategy,
                "trafficSteps": args.traffic_steps,
                "waitMinutes": args.wait_minutes,
                "autoRollback": args.auto_rollback,
                "rollbackAlertPolicies": args.rollback_alert_policies,
                "approval": args.approval,
            },
            opts=child(self),
        )
        self.register_outputs({
            "deployedModelId": self.deployment.deployedModelId,
            "trafficSplit": self.deployment.trafficSplit,
        })
