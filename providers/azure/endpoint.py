"""Managed online endpoint + deployments: traffic split for rollouts, mirror traffic for shadow.

Azure ML shifts traffic between deployments of one endpoint but never on its own: there is
no built-in bake time, step schedule or automatic rollback. The endpoint therefore carries
the whole rollout plan in its tags (and the stack outputs), so day-2 tooling can step the
traffic, watch the alert rules and roll back; the provider warns about each such field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from mlopskit.modules.endpoint import Endpoint
from mlopskit.providers.azure import images
from mlopskit.providers.azure.context import AzureContext

TYPE = "mlopskit:azure:Endpoint"
LIVE, NEXT = "blue", "green"
# A streamed response (endpoints[].streaming) stays open while the model generates: the scoring
# timeout (5 s by default) is raised to 180 s, the largest a managed online deployment accepts: the
# managed online deployment YAML reference says of request_timeout_ms "the maximum value allowed is
# 180000 milliseconds".
STREAMING_TIMEOUT = "PT180S"
# A custom serving container must tell Azure ML where its liveness, readiness and scoring
# routes are (environment inferenceConfig; learn.microsoft.com azure/machine-learning
# how-to-deploy-custom-container). The kit's serving images follow one convention on every
# cloud, SageMaker's fixed one: port 8080, GET /ping for health, POST /invocations to score.
SERVING_PORT, HEALTH_ROUTE, SCORING_ROUTE = 8080, "/ping", "/invocations"


@dataclass(frozen=True)
class ServedModel:
    """What one deployment serves: a registry model reference and/or a serving image."""

    model: pulumi.Input[str] | None  # registry reference, model version id or https URI; None: in the image
    image: str | None = None  # custom serving image (artifact sources)
    version: int | None = None
    # "mlflow" (served without environment or scoring code) or "custom" (served by `image`).
    model_format: str = "custom"


def rollout_steps(endpoint: Endpoint) -> list[int]:
    """Percent of live traffic on the new deployment after each step."""
    d = endpoint.deployment
    if d.strategy == "canary":
        return [d.canary_percent, 100]
    if d.strategy == "linear":
        steps = list(range(d.linear_step_percent, 100, d.linear_step_percent))
        return [*steps, 100]
    if d.strategy == "blue-green":
        return [0, 100]  # green takes no live traffic until it is switched over at once
    if d.strategy == "shadow":
        return [0]  # the shadow only receives a mirrored copy of mirrorPercent
    return [100]


def traffic_for(endpoint: Endpoint, has_candidate: bool) -> tuple[dict[str, int], dict[str, int]]:
    """(traffic, mirror traffic) for the first step of the rollout; 100% live without a candidate."""
    if not has_candidate:
        return {LIVE: 100}, {}
    d = endpoint.deployment
    if d.strategy == "shadow":
        return {LIVE: 100, NEXT: 0}, {NEXT: d.mirror_percent}
    first = rollout_steps(endpoint)[0]
    return {LIVE: 100 - first, NEXT: first}, {}


@dataclass(frozen=True)
class EndpointArgs:
    """One spec endpoint, its VM size, and the model(s) to serve."""

    endpoint: Endpoint
    path: str
    endpoint_name: str  # physical, 3-32 chars
    vm_size: str
    private: bool
    workspace_name: pulumi.Input[str]
    identity_id: pulumi.Input[str]
    current: ServedModel | None  # None: nothing deployable yet (no approved version)
    candidate: ServedModel | None = None  # a second model rolled out next to `current`


class OnlineEndpoint(pulumi.ComponentResource):
    """The endpoint (Entra ID auth, private when asked) and up to two deployments."""

    def __init__(self, name: str, args: EndpointArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("endpoint"), opts)
        spec = args.endpoint
        d = spec.deployment
        slots = {LIVE: args.current, NEXT: args.candidate if args.current else None}
        models = {slot: m for slot, m in slots.items() if m is not None}
        traffic, mirror = traffic_for(spec, NEXT in models) if models else ({}, {})
        self.rollout: dict[str, Any] = {
            "strategy": d.strategy,
            "steps": rollout_steps(spec),
            "waitMinutes": d.wait_minutes,
            "autoRollback": d.auto_rollback,
            "liveSlot": LIVE,
            "nextSlot": NEXT,
            "mirrorPercent": d.mirror_percent if d.strategy == "shadow" else None,
        }
        rollout_tags = {
            "mlopskit-strategy": d.strategy,
            "mlopskit-rollout-steps": ",".join(str(s) for s in self.rollout["steps"]),
            "mlopskit-wait-minutes": str(d.wait_minutes),
            "mlopskit-auto-rollback": str(d.auto_rollback).lower(),
            "mlopskit-live-slot": LIVE,
            "mlopskit-next-slot": NEXT,
        }
        if d.strategy == "shadow":
            rollout_tags["mlopskit-mirror-percent"] = str(d.mirror_percent)
        if d.strategy == "canary":
            rollout_tags["mlopskit-canary-percent"] = str(d.canary_percent)
        if d.strategy == "linear":
            rollout_tags["mlopskit-linear-step-percent"] = str(d.linear_step_percent)
        # The traffic map names the deployments created below. ARM validates it against the
        # deployments that exist, so on the very first `up` the endpoint is created before
        # its deployments and Azure may reject the map; a second `up` converges (the
        # azure-native API has no separate traffic resource to order after the deployments).
        self.endpoint = ml.OnlineEndpoint(
            f"{name}-endpoint",
            endpoint_name=args.endpoint_name,
            workspace_name=args.workspace_name,
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            identity=ml.ManagedServiceIdentityArgs(type="UserAssigned", user_assigned_identities=[args.identity_id]),
            properties=ml.OnlineEndpointPropertiesArgs(
                # Entra ID tokens only: no long-lived endpoint keys to leak.
                auth_mode="AADToken",
                public_network_access="Disabled" if args.private else "Enabled",
                traffic=traffic,
                mirror_traffic=mirror or None,
                description=f"mlopskit {ctx.prefix} {spec.name}",
            ),
            tags={**ctx.tags, **rollout_tags},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.environments: dict[str, ml.EnvironmentVersion] = {}  # image -> environment
        self.deployments: dict[str, ml.OnlineDeployment] = {}
        for slot, served in models.items():
            self.deployments[slot] = self._deployment(name, slot, served, args, ctx)
        self.register_outputs({
            "endpointId": self.endpoint.id,
            "deployments": {slot: dep.id for slot, dep in self.deployments.items()},
            "rollout": self.rollout,
        })

    @staticmethod
    def _probe(spec: Endpoint) -> ml.ProbeSettingsArgs | None:
        """Liveness and readiness wait ``model.startup_seconds`` before the first probe (Azure's
        default is 10 s); None without a model size (Azure's defaults)."""
        seconds = spec.model.startup_seconds
        return ml.ProbeSettingsArgs(initial_delay=f"PT{seconds}S") if seconds else None

    def _deployment(self, name: str, slot: str, served: ServedModel, args: EndpointArgs, ctx: AzureContext) -> ml.OnlineDeployment:
        spec = args.endpoint
        environment_id = None
        if served.image is not None and served.image in self.environments:
            environment_id = self.environments[served.image].id
        elif served.image is not None:
            # One environment per image: two slots on the same image share it (an
            # environment version is one ARM resource and cannot be declared twice).
            env = ml.EnvironmentVersion(
                f"{name}-{slot}-environment",
                name=f"{spec.name}-serving-env",
                version=images.environment_version(served.image, None),
                workspace_name=args.workspace_name,
                resource_group_name=ctx.resource_group_name,
                properties=ml.EnvironmentVersionPropertiesArgs(
                    image=served.image,
                    os_type="Linux",
                    inference_config=ml.InferenceContainerPropertiesArgs(
                        liveness_route=ml.RouteArgs(path=HEALTH_ROUTE, port=SERVING_PORT),
                        readiness_route=ml.RouteArgs(path=HEALTH_ROUTE, port=SERVING_PORT),
                        scoring_route=ml.RouteArgs(path=SCORING_ROUTE, port=SERVING_PORT),
                    ),
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.environments[served.image] = env
            environment_id = env.id
        capture = spec.data_capture
        collector = None
        if capture.enabled:
            rate = capture.sampling_percent / 100
            collector = ml.DataCollectorArgs(
                collections={
                    stream: ml.CollectionArgs(data_collection_mode="Enabled", sampling_rate=rate)
                    for stream in ("model_inputs", "model_outputs")
                },
                rolling_rate="Hour",
            )
        return ml.OnlineDeployment(
            f"{name}-{slot}",
            deployment_name=slot,
            endpoint_name=self.endpoint.name,
            workspace_name=args.workspace_name,
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            # Initial instance count; the autoscale setting moves it within min/max.
            sku=ml.SkuArgs(name="Default", capacity=spec.autoscaling.min_instances),
            properties=ml.ManagedOnlineDeploymentArgs(
                endpoint_compute_type="Managed",
                instance_type=args.vm_size,
                model=served.model,
                environment_id=environment_id,
                app_insights_enabled=True,
                egress_public_network_access="Disabled" if args.private else "Enabled",
                # Manual scale settings: monitor.AutoscaleSetting owns the instance count.
                scale_settings=ml.DefaultScaleSettingsArgs(scale_type="Default"),
                # A large model (model.sizeGiB) loads for minutes before its probes can pass.
                liveness_probe=self._probe(spec), readiness_probe=self._probe(spec),
                request_settings=ml.OnlineRequestSettingsArgs(request_timeout=STREAMING_TIMEOUT) if spec.streaming else None,
                data_collector=collector,
                description=f"{spec.name} {slot}" + (f" v{served.version}" if served.version else ""),
            ),
            # What the deployment serves decides how Azure runs it: recorded for checks.
            tags={**ctx.tags, "mlopskit-model-format": served.model_format},
            opts=pulumi.ResourceOptions(parent=self),
        )
