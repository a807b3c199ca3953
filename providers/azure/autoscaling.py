"""Autoscaling of an online deployment with an Azure Monitor autoscale setting."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import monitor

from mlopskit.modules.endpoint import Autoscaling as AutoscalingSpec
from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.monitoring import ENDPOINT_NAMESPACE

TYPE = "mlopskit:azure:Autoscaling"
# Scale in below half the target so the rule pair cannot flap around one value.
_SCALE_IN_RATIO = 0.5


@dataclass(frozen=True)
class AutoscalingArgs:
    """The deployment to scale, its endpoint (where request metrics live), and the range."""

    spec: AutoscalingSpec
    endpoint_name: str
    endpoint_id: pulumi.Input[str]
    deployment_name: str
    deployment_id: pulumi.Input[str]
    notify: tuple[str, ...] = ()


class Autoscaling(pulumi.ComponentResource):
    """Min/max instances and a target of requests per minute per instance."""

    def __init__(self, name: str, args: AutoscalingArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("autoscaling"), opts)
        spec = args.spec
        target = spec.target_invocations_per_instance

        def rule(direction: str, operator: str, threshold: float) -> monitor.ScaleRuleArgs:
            return monitor.ScaleRuleArgs(
                metric_trigger=monitor.MetricTriggerArgs(
                    # Requests are published per endpoint with a deployment dimension;
                    # dividing by the deployment's instance count gives per-instance load.
                    metric_name="RequestsPerMinute",
                    metric_namespace=ENDPOINT_NAMESPACE,
                    metric_resource_uri=args.endpoint_id,
                    dimensions=[monitor.ScaleRuleMetricDimensionArgs(
                        dimension_name="deployment", operator="Equals", values=[args.deployment_name],
                    )],
                    divide_per_instance=True,
                    operator=operator,
                    statistic="Average",
                    threshold=threshold,
                    time_aggregation="Average",
                    time_grain="PT1M",
                    time_window="PT5M",
                ),
                scale_action=monitor.ScaleActionArgs(direction=direction, type="ChangeCount", value="1", cooldown="PT5M"),
            )

        self.setting = monitor.AutoscaleSetting(
            f"{name}-autoscale",
            autoscale_setting_name=f"{args.endpoint_name}-{args.deployment_name}-autoscale",
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            enabled=True,
            target_resource_uri=args.deployment_id,
            profiles=[monitor.AutoscaleProfileArgs(
                name="requests-per-instance",
                capacity=monitor.ScaleCapacityArgs(
                    minimum=str(spec.min_instances),
                    maximum=str(spec.max_instances),
                    default=str(spec.min_instances),
                ),
                rules=[
                    rule("Increase", "GreaterThan", target),
                    rule("Decrease", "LessThan", target * _SCALE_IN_RATIO),
                ],
            )],
            notifications=[monitor.AutoscaleNotificationArgs(
                operation="Scale",
                email=monitor.EmailNotificationArgs(custom_emails=list(args.notify)),
            )] if args.notify else None,
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"autoscaleSettingId": self.setting.id})
