"""Real-time endpoint: Model + EndpointConfiguration (data capture) + Endpoint whose updates
are blue/green with the spec's traffic shifting and roll back automatically on the
endpoint's own alarms.

``deployment.strategy: shadow`` means, on every cloud: during a rollout the candidate
version receives a mirrored ``mirrorPercent`` of live traffic (`mlopskit rollout` adds it
as a SageMaker shadow variant, providers/aws/ops.py); at steady state one version serves
and there is no shadow capacity, so the endpoint configuration has no shadow variant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi
from pulumi_aws import sagemaker

from mlopskit.modules.endpoint import Deployment, Endpoint as EndpointSpec
from mlopskit.modules.provider import ResolvedModel
from mlopskit.providers.aws.autoscaling import scaling_generation
from mlopskit.providers.aws.context import AwsContext, built
from mlopskit.providers.aws.limits import TIMEOUT_RANGE, rollout_timeout, termination_wait
from mlopskit.providers.aws.monitoring import VARIANT
from mlopskit.providers.aws.names import content_name

TYPE = "mlopskit:aws:Endpoint"
AlarmName = TypeVar("AlarmName")  # a name (day-2) or pulumi.Input[str] (provider)


@dataclass(frozen=True)
class EndpointArgs:
    """The spec endpoint with what the provider resolved for it."""

    endpoint: EndpointSpec
    endpoint_name: str
    instance_type: str
    local_storage: bool  # NVMe instance store: SageMaker refuses a KMS key for such volumes
    model: ResolvedModel | None  # None for source: artifact
    image_uri: pulumi.Input[str] | None  # source: artifact, resolved to where AWS pulls it
    serves: bool  # False: a registry package with no approved version yet, nothing to serve
    alarm_names: list[pulumi.Input[str]]  # the endpoint's monitoring alarms, for auto-rollback


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
        "TerminationWaitInSeconds": termination_wait(deployment),
        # Capped for a spec `validate` would refuse anyway, so the request itself stays valid.
        "MaximumExecutionTimeoutInSeconds": min(TIMEOUT_RANGE[1], rollout_timeout(deployment)),
    }}
    if deployment.auto_rollback and alarm_names:
        request["AutoRollbackConfiguration"] = {"Alarms": [{"AlarmName": name} for name in alarm_names]}
    return request


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
    """One spec endpoint on SageMaker: model, endpoint configuration and endpoint. Its
    monitoring and autoscaling are components beside it (providers/aws/build.py)."""

    model: sagemaker.Model | None
    config: sagemaker.EndpointConfiguration | None
    endpoint: sagemaker.Endpoint | None
    generation: pulumi.Stash | None

    def __init__(self, name: str, args: EndpointArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("endpoint"), opts)
        self.model = self.config = self.endpoint = self.generation = None
        if not args.serves:
            # A SageMaker endpoint cannot exist without a model (every production variant
            # of CreateEndpointConfig names one), so nothing is registered until a version
            # is approved; the build has said so (providers.base.MISSING_MODEL).
            self.register_outputs({})
            return
        spec = args.endpoint
        child = pulumi.ResourceOptions(parent=self)
        if args.model is not None:
            container = sagemaker.ModelPrimaryContainerArgs(model_package_name=args.model.reference)
        elif spec.model.artifact_prefix is not None:
            # artifactPath is a directory in the stack's bucket: SageMaker loads it
            # uncompressed (S3Prefix + CompressionType None), as Vertex AI and Azure ML do.
            container = sagemaker.ModelPrimaryContainerArgs(
                image=args.image_uri,
                model_data_source=sagemaker.ModelPrimaryContainerModelDataSourceArgs(s3_data_sources=[
                    sagemaker.ModelPrimaryContainerModelDataSourceS3DataSourceArgs(
                        s3_uri=pulumi.Output.concat("s3://", built(ctx.bucket_name, "bucket_name"), "/",
                                                    spec.model.artifact_prefix or ""),
                        s3_data_type="S3Prefix", compression_type="None"),
                ]),
            )
        else:
            container = sagemaker.ModelPrimaryContainerArgs(image=args.image_uri, model_data_url=spec.model.artifact_uri)
        reference = ((args.model.reference,) if args.model is not None
                     else (args.image_uri, spec.model.artifact_uri or spec.model.artifact_prefix))
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
                # Only when set, so configs of specs without a model size keep their names.
                **({"startup": spec.model.startup_seconds} if spec.model.startup_seconds else {}),
                "instances": spec.autoscaling.min_instances, "key": ctx.key_arn if not args.local_storage else None,
                "capture": [capture.enabled, capture.sampling_percent, ctx.bucket_name]}),
            production_variants=[sagemaker.EndpointConfigurationProductionVariantArgs(
                variant_name=VARIANT, model_name=self.model.name, instance_type=args.instance_type,
                initial_instance_count=spec.autoscaling.min_instances, initial_variant_weight=1.0,
                # A large model (model.sizeGiB) gets longer to download and to pass its first
                # ping (both 60-3600 s; SageMaker's defaults are shorter than a 13B model needs).
                container_startup_health_check_timeout_in_seconds=spec.model.startup_seconds,
                model_data_download_timeout_in_seconds=spec.model.startup_seconds)],
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
        # The endpoint's autoscaling (beside it) is replaced with this marker (providers/aws/autoscaling.py).
        self.generation = generation = scaling_generation(f"{name}-scaling-generation", args.instance_type, self)
        self.endpoint = sagemaker.Endpoint(
            f"{name}-endpoint",
            name=args.endpoint_name,
            endpoint_config_name=self.config.name,
            deployment_config=deployment_config(spec.deployment, args.alarm_names),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[generation]),
        )
        self.register_outputs({"endpointName": self.endpoint.name, "alarms": args.alarm_names})
