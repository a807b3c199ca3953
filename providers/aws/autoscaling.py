"""Autoscaling: an Application Auto Scaling target and a target-tracking policy per endpoint.

SageMaker refuses an UpdateEndpoint that changes the instance type of a variant registered
as a scalable target ("Update endpoints that use auto scaling", SageMaker developer guide):
the target must be deregistered before the update and registered again after it. Pulumi
orders that through ``ScalingGeneration``: a state-only marker keyed to the instance type,
replaced delete-before-replace. The endpoint waits for the marker, and the target (and its
policy) is replaced with it, so on an instance-type change the engine deletes the policy and
the target, replaces the marker, updates the endpoint, then registers the target again.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import appautoscaling

from mlopskit.modules.endpoint import Autoscaling
from mlopskit.providers.aws.context import AwsContext

TYPE = "mlopskit:aws:EndpointAutoscaling"


@dataclass(frozen=True)
class EndpointAutoscalingArgs:
    """Scaling bounds and target for one variant of an endpoint."""

    autoscaling: Autoscaling
    endpoint_name: str
    variant: str
    endpoint: pulumi.Resource  # RegisterScalableTarget needs the endpoint to exist
    generation: pulumi.Resource  # scaling_generation(): replaced when the instance type changes


def scaling_generation(name: str, instance_type: str, parent: pulumi.Resource) -> pulumi.Stash:
    """The marker the endpoint depends on and the scaling target is replaced with (see above).

    ``pulumi:index:Stash`` keeps a value in the state only (no cloud call)."""
    return pulumi.Stash(name, input=instance_type, opts=pulumi.ResourceOptions(
        parent=parent, replacement_trigger=instance_type, delete_before_replace=True))


class EndpointAutoscaling(pulumi.ComponentResource):
    """Tracks invocations per instance between min and max instances."""

    def __init__(self, name: str, args: EndpointAutoscalingArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("autoscaling"), opts)
        scaling = args.autoscaling
        self.target = appautoscaling.Target(
            f"{name}-target",
            service_namespace="sagemaker",
            resource_id=f"endpoint/{args.endpoint_name}/variant/{args.variant}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=scaling.min_instances,
            max_capacity=scaling.max_instances,
            # Deregistered before the endpoint changes instance type, registered after it.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[args.endpoint, args.generation],
                                        replace_with=[args.generation],
                                        delete_before_replace=True),
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
            opts=pulumi.ResourceOptions(parent=self, replace_with=[self.target], delete_before_replace=True),
        )
        self.register_outputs({"resourceId": self.target.resource_id})
