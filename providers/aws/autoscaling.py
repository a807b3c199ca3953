"""Autoscaling: an Application Auto Scaling target and a target-tracking policy per endpoint."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import appautoscaling

from modules.endpoint import Autoscaling
from providers.aws.context import AwsContext

TYPE = "mlopskit:aws:EndpointAutoscaling"


@dataclass(frozen=True)
class EndpointAutoscalingArgs:
    """Scaling bounds and target for one variant of an endpoint."""

    autoscaling: Autoscaling
    endpoint_name: str
    variant: str


class EndpointAutoscaling(pulumi.ComponentResource):
    """Tracks invocations per instance between min and max instances."""

    def __init__(self, name: str, args: EndpointAutoscalingArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        scaling = args.autoscaling
        self.target = appautoscaling.Target(
            f"{name}-target",
            service_namespace="sagemaker",
            resource_id=f"endpoint/{args.endpoint_name}/variant/{args.variant}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=scaling.min_instances,
            max_capacity=scaling.max_instances,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.policy = appautoscaling.Policy(
            f"{name}-policy",
            name=f"{args.endpoint_name}-invocations",
            policy_type="TargetTrackingScaling",
            service_namespace=self.target.service_namespace,
            resource_id=self.target.resource_id,
            scalable_dimension=self.target.scalable_dimension,
            target_tracking_scaling_policy_configuration=appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=scaling.target_invocations_per_instance,
                predefined_metric_specification=appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="SageMakerVariantInvocationsPerInstance"),
                # Scale out fast on load, scale in slowly to avoid flapping.
                scale_out_cooldown=60,
                scale_in_cooldown=300,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"resourceId": self.target.resource_id})
