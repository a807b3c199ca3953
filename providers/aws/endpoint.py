"""Real-time endpoint: Model + EndpointConfiguration (data capture) + Endpoint whose updates
are blue/green with the spec's traffic shifting and roll back automatically on the
endpoint's own alarms.

``deployment.strategy: shadow`` means, on every cloud: during a rollout the candidate
version receives a mirrored ``mirrorPercent`` of live traffic (`mlopskit rollout` adds it
as a SageMaker shadow variant, providers/aws/ops.py); at steady state one version serves
and there is no shadow capacity, so the endpoint configuration has no shadow variant.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi
from pulumi_aws import sagemaker

from modules.endpoint import Deployment, Endpoint as EndpointSpec
from modules.errors import SpecIssue
from modules.naming import compact
from modules.provider import ResolvedModel
from providers.aws.autoscaling import EndpointAutoscaling, EndpointAutoscalingArgs, scaling_generation
from providers.aws.context import AwsContext, built
from providers.aws.monitoring import VARIANT, DriftMonitor, DriftMonitorArgs, EndpointMonitoring, EndpointMonitoringArgs

TYPE = "mlopskit:aws:Endpoint"
MAX_WAIT_SECONDS = 3600  # SageMaker's limit on one traffic-shift wait interval (TrafficRoutingConfig)
# BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds: min 600, max 28800 in the API model.
_TIMEOUT_RANGE = (600, 28800)
# The kit's allowance for provisioning the new fleet before the first traffic shift (an
# estimate, not an AWS figure: large GPU fleets may take longer).
_PROVISIONING_MARGIN = 1800
# TrafficRoutingConfig: "CanarySize ... less than or equal to 50%", "LinearStepSize ... 10-50%"
# of the variant's capacity (SageMaker API reference; the model itself only says min 1).
MAX_CANARY_PERCENT = 50
LINEAR_STEP_RANGE = (10, 50)
NAME_MAX = 63  # ModelName / EndpointConfigName: at most 63 characters
AlarmName = TypeVar("AlarmName")  # a name (day-2) or pulumi.Input[str] (provider)


@dataclass(frozen=True)
class EndpointArgs:
    """The spec endpoint with what the provider resolved for it."""

    endpoint: EndpointSpec
    endpoint_name: str
    instance_type: str
    local_storage: bool  # NVMe instance store: SageMaker refuses a KMS key for such volumes
    model: ResolvedModel | None  # None for source: artifact
    monitor_image: str | None


def _wait_intervals(deployment: Deployment) -> int:
    """How many ``WaitIntervalInSeconds`` periods a rollout of ``deployment`` waits through."""
    if deployment.strategy == "canary":
        return 2  # after the canary, and after the rest of the fleet has shifted
    if deployment.strategy == "linear":
        # "For each step, there is a baking period" (SageMaker guide, linear traffic shifting).
        return math.ceil(100 / deployment.linear_step_percent)
    return 1 if deployment.strategy == "blue-green" else 0  # blue-green bakes once; the others never wait


def _termination_wait(deployment: Deployment) -> int:
    """Blue-green keeps the old fleet for the wait period after the shift; the others do not."""
    return min(deployment.wait_minutes * 60, MAX_WAIT_SECONDS) if deployment.strategy == "blue-green" else 0


def rollout_timeout(deployment: Deployment) -> int:
    """``MaximumExecutionTimeoutInSeconds`` the rollout needs: botocore's documentation of
    BlueGreenUpdatePolicy says "the timeout value should be larger than the total waiting
    time specified in TerminationWaitInSeconds and WaitIntervalInSeconds", so every wait
    plus the termination wait plus ``_PROVISIONING_MARGIN`` (at least the API's minimum).
    May exceed the API's maximum: `deployment_issues` refuses such a spec."""
    waits = _wait_intervals(deployment) * deployment.wait_minutes * 60 + _termination_wait(deployment)
    return max(_TIMEOUT_RANGE[0], waits + _PROVISIONING_MARGIN)


def deployment_request(deployment: Deployment, alarm_names: Sequence[AlarmName]) -> dict[str, Any]:
    """SageMaker's ``DeploymentConfig`` (the UpdateEndpoint API's shape) for the spec's strategy.

    Blue/green for every strategy: the old fleet keeps serving until the new one has
    taken its traffic and the alarms stayed quiet, which is what makes rollback safe.
    `pulumi up` (through `deployment_config`) and `mlopskit rollout` (providers/aws/ops.py)
    both send this, so an endpoint updates the same way whichever one moves it.
    """
    wait = deployment.wait_minutes * 60
    size = lambda percent: {"Type": "CAPACITY_PERCENT", "Value": percent}  # noqa: E731
    routing: dict[str, Any]
    if deployment.strategy == "canary":
        routing = {"Type": "CANARY", "WaitIntervalInSeconds": wait, "CanarySize": size(deployment.canary_percent)}
    elif deployment.strategy == "linear":
        routing = {"Type": "LINEAR", "WaitIntervalInSeconds": wait,
                   "LinearStepSize": size(deployment.linear_step_percent)}
    else:
        # all-at-once, blue-green and shadow shift all traffic at once; blue-green keeps
        # the old fleet for the wait period (bake time) so a rollback is instant.
        bake = wait if deployment.strategy == "blue-green" else 0
        routing = {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": bake}
    request: dict[str, Any] = {"BlueGreenUpdatePolicy": {
        "TrafficRoutingConfiguration": routing,
        "TerminationWaitInSeconds": _termination_wait(deployment),
        # Capped for a spec `validate` would refuse anyway, so the request itself stays valid.
        "MaximumExecutionTimeoutInSeconds": min(_TIMEOUT_RANGE[1], rollout_timeout(deployment)),
    }}
    if deployment.auto_rollback and alarm_names:
        request["AutoRollbackConfiguration"] = {"Alarms": [{"AlarmName": name} for name in alarm_names]}
    return request


def deployment_issues(path: str, deployment: Deployment) -> list[SpecIssue]:
    """Spec values SageMaker's deployment guardrails refuse (the spec allows 1-99%, and waits
    a single deployment cannot fit)."""
    issues = []
    if deployment.strategy == "canary" and deployment.canary_percent > MAX_CANARY_PERCENT:
        issues.append(SpecIssue(f"{path}.canaryPercent", f"SageMaker canaries take at most {MAX_CANARY_PERCENT}% of the "
                                                         f"new fleet ({deployment.canary_percent} > {MAX_CANARY_PERCENT})"))
    low, high = LINEAR_STEP_RANGE
    if deployment.strategy == "linear" and not low <= deployment.linear_step_percent <= high:
        issues.append(SpecIssue(f"{path}.linearStepPercent", f"SageMaker linear steps are {low}-{high}% of the new fleet "
                                                             f"(got {deployment.linear_step_percent})"))
    elif rollout_timeout(deployment) > _TIMEOUT_RANGE[1]:
        issues.append(SpecIssue(f"{path}.waitMinutes", f"this {deployment.strategy} rollout needs "
                                                       f"{rollout_timeout(deployment)} s (waits, termination wait and "
                                                       f"{_PROVISIONING_MARGIN} s to provision) but a SageMaker deployment "
                                                       f"times out after at most {_TIMEOUT_RANGE[1]} s: shorten the wait"))
    return issues


def content_name(base: str, content: pulumi.Input[object]) -> pulumi.Output[str]:
    """``<base>-<digest>`` within 63 characters, the digest taken over everything that forces a
    replacement. Immutable SageMaker models and configs get a new name exactly when they are
    replaced, so Pulumi can create the new one before deleting the old (create-before-delete),
    and the same spec always yields the same name."""
    digest = lambda value: hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:8]  # noqa: E731
    head = compact(base, NAME_MAX - 9)
    return pulumi.Output.from_input(content).apply(lambda value: f"{head}-{digest(value)}")


def deployment_config(deployment: Deployment, alarm_names: list[pulumi.Input[str]]) -> sagemaker.EndpointDeploymentConfigArgs:
    """`deployment_request` as the provider's typed Args (alarm names may be Outputs)."""
    request = deployment_request(deployment, alarm_names)
    policy = request["BlueGreenUpdatePolicy"]
    routing = policy["TrafficRoutingConfiguration"]
    canary, linear = routing.get("CanarySize"), routing.get("LinearStepSize")
    rollback = request.get("AutoRollbackConfiguration")
    return sagemaker.EndpointDeploymentConfigArgs(
        blue_green_update_policy=sagemaker.EndpointDeploymentConfigBlueGreenUpdatePolicyArgs(
            traffic_routing_configuration=sagemaker.EndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfigurationArgs(
                type=routing["Type"], wait_interval_in_seconds=routing["WaitIntervalInSeconds"],
                canary_size=sagemaker.EndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfigurationCanarySizeArgs(
                    type=canary["Type"], value=canary["Value"]) if canary else None,
                linear_step_size=sagemaker.EndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfigurationLinearStepSizeArgs(
                    type=linear["Type"], value=linear["Value"]) if linear else None,
            ),
            termination_wait_in_seconds=policy["TerminationWaitInSeconds"],
            maximum_execution_timeout_in_seconds=policy["MaximumExecutionTimeoutInSeconds"],
        ),
        auto_rollback_configuration=sagemaker.EndpointDeploymentConfigAutoRollbackConfigurationArgs(
            alarms=[sagemaker.EndpointDeploymentConfigAutoRollbackConfigurationAlarmArgs(alarm_name=a["AlarmName"])
                    for a in rollback["Alarms"]],
        ) if rollback else None,
    )


class Endpoint(pulumi.ComponentResource):
    """One spec endpoint on SageMaker, with its monitoring and autoscaling children."""

    def __init__(self, name: str, args: EndpointArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        spec = args.endpoint
        child = pulumi.ResourceOptions(parent=self)
        self.monitoring = EndpointMonitoring(
            f"{name}-monitoring", EndpointMonitoringArgs(spec, args.endpoint_name), ctx, child)
        if args.model is not None:
            container = sagemaker.ModelPrimaryContainerArgs(model_package_name=args.model.reference)
        else:
            container = sagemaker.ModelPrimaryContainerArgs(image=spec.model.image, model_data_url=spec.model.artifact_uri)
        reference = (args.model.reference,) if args.model is not None else (spec.model.image, spec.model.artifact_uri)
        # Named from their content (not Pulumi's auto-naming, which appends 8 characters to
        # a logical name that can reach 70): see content_name.
        self.model = sagemaker.Model(
            f"{name}-model",
            name=content_name(f"{args.endpoint_name}-model", {
                "role": ctx.roles["inference"], "model": list(reference),
                "subnets": ctx.subnet_ids, "securityGroups": ctx.security_group_ids}),
            execution_role_arn=ctx.roles["inference"],
            primary_container=container,
            enable_network_isolation=True,
            vpc_config=sagemaker.ModelVpcConfigArgs(subnets=ctx.subnet_ids, security_group_ids=ctx.security_group_ids)
            if ctx.subnet_ids else None,
            opts=child,
        )
        capture = spec.data_capture
        self.config = sagemaker.EndpointConfiguration(
            f"{name}-config",
            name=content_name(f"{args.endpoint_name}-config", {
                "model": self.model.name, "instanceType": args.instance_type,
                "instances": spec.autoscaling.min_instances, "key": ctx.key_arn if not args.local_storage else None,
                "capture": [capture.enabled, capture.sampling_percent, ctx.bucket_name]}),
            production_variants=[sagemaker.EndpointConfigurationProductionVariantArgs(
                variant_name=VARIANT, model_name=self.model.name, instance_type=args.instance_type,
                initial_instance_count=spec.autoscaling.min_instances, initial_variant_weight=1.0)],
            kms_key_arn=ctx.key_arn if not args.local_storage else None,
            data_capture_config=sagemaker.EndpointConfigurationDataCaptureConfigArgs(
                enable_capture=True,
                initial_sampling_percentage=capture.sampling_percent,
                destination_s3_uri=pulumi.Output.concat("s3://", built(ctx.bucket_name, "bucket_name"), f"/data-capture/{spec.name}"),
                kms_key_id=ctx.key_arn,
                capture_options=[
                    sagemaker.EndpointConfigurationDataCaptureConfigCaptureOptionArgs(capture_mode="Input"),
                    sagemaker.EndpointConfigurationDataCaptureConfigCaptureOptionArgs(capture_mode="Output"),
                ],
            ) if capture.enabled else None,
            opts=child,
        )
        generation = scaling_generation(f"{name}-scaling-generation", args.instance_type, self)
        self.endpoint = sagemaker.Endpoint(
            f"{name}-endpoint",
            name=args.endpoint_name,
            endpoint_config_name=self.config.name,
            deployment_config=deployment_config(spec.deployment, [a.name for a in self.monitoring.alarms]),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[generation]),
        )
        after_endpoint = pulumi.ResourceOptions(parent=self, depends_on=[self.endpoint])
        self.autoscaling = EndpointAutoscaling(
            f"{name}-autoscaling",
            EndpointAutoscalingArgs(spec.autoscaling, args.endpoint_name, VARIANT, self.endpoint, generation),
            ctx,
            after_endpoint,
        )
        self.drift = None
        if spec.monitoring.drift is not None and args.monitor_image is not None:
            self.drift = DriftMonitor(f"{name}-drift", DriftMonitorArgs(spec, args.endpoint_name, args.monitor_image),
                                      ctx, after_endpoint)
        self.register_outputs({"endpointName": self.endpoint.name, "alarms": [a.name for a in self.monitoring.alarms]})
