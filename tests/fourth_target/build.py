"""The fourth target's build: one small component per abstraction, each with typed-enough children.

Resource types are ``fourth:<service>/<Name>:<Name>``; their inputs carry what facts and cost read.
"""

from __future__ import annotations

from typing import Any

import pulumi

from mlopskit.modules.stack import Stack
from mlopskit.providers.base import BatchPlan, BuildContext, EndpointPlan, StackBuild, TrainingPlan
from tests.fourth_target.target import NAME

KEY = f"{NAME}:kms/Key:Key"
BUCKET = f"{NAME}:storage/Bucket:Bucket"
NETWORK = f"{NAME}:network/Network:Network"
CONTAINER_REGISTRY = f"{NAME}:registry/Registry:Registry"
MODEL_REGISTRY = f"{NAME}:ml/ModelRegistry:ModelRegistry"
TRAINING_JOB = f"{NAME}:ml/TrainingJob:TrainingJob"
ENDPOINT = f"{NAME}:ml/Endpoint:Endpoint"
SCALING = f"{NAME}:ml/ScalingPolicy:ScalingPolicy"
BATCH_JOB = f"{NAME}:ml/BatchJob:BatchJob"
ALARM = f"{NAME}:monitoring/Alarm:Alarm"
VAULT = f"{NAME}:backup/Vault:Vault"
IDENTITY = f"{NAME}:iam/Identity:Identity"
TRAIL = f"{NAME}:audit/Trail:Trail"
BUDGET = f"{NAME}:billing/Budget:Budget"


class Part(pulumi.ComponentResource):
    """A component of the fourth target (``mlopskit:fourth:<kind>``); its children are parented to it."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"mlopskit:{NAME}:{kind}", name, None, None)
        self.children: list[pulumi.CustomResource] = []

    def child(self, type_: str, name: str, inputs: dict[str, Any], protect: bool = False) -> pulumi.CustomResource:
        """A resource of this component; ``protect`` for data a prod stack must not lose to a mistaken delete."""
        resource = pulumi.CustomResource(type_, name, inputs, pulumi.ResourceOptions(parent=self, protect=protect))
        self.children.append(resource)
        return resource

    def done(self) -> Part:
        self.register_outputs({"names": [c._name for c in self.children]})
        return self


class FourthBuild(StackBuild):
    """Registers the stack on the fourth target."""

    cloud = NAME

    def start(self) -> BuildContext:
        self.ctx = BuildContext(self.stack)
        meta = self.stack.metadata
        self.labels = {**meta.labels, "owner": meta.owner, "cost-center": meta.cost_center,
                       "data-classification": meta.data_classification, "environment": meta.environment}
        self.protect = meta.environment == "prod"
        return self.ctx

    def foundation(self, endpoints: list[EndpointPlan]) -> None:
        stack, name = self.stack, self.ctx.name
        cmk = stack.encryption.customer_managed_keys
        keys = Part("Keys", name("keys"))
        if cmk:
            keys.child(KEY, name("key"), {"rotationDays": stack.encryption.key_rotation_days, "deletionWindowDays": 30,
                                          "tags": self.labels}, self.protect)
        keys.done()
        store = Part("ArtifactStore", name("artifacts"))
        store.child(BUCKET, name("artifacts", "bucket"), {
            "versioning": stack.storage.artifacts.versioning, "retentionDays": stack.storage.artifacts.retention_days,
            "cmk": cmk, "public": False, "tlsOnly": True, "accessLogging": True, "purpose": "artifacts",
            "tags": self.labels}, self.protect)
        store.done()
        network = Part("PrivateNetwork", name("network"))
        network.child(NETWORK, name("vpc"), {"private": stack.network.private, "tags": self.labels})
        network.done()
        registry = Part("ContainerRegistry", name("images"))
        registry.child(CONTAINER_REGISTRY, name("images", "registry"), {
            "scanOnPush": stack.registry.containers.scan_on_push,
            "immutableTags": stack.registry.containers.immutable_tags, "cmk": cmk, "public": False, "tags": self.labels}, self.protect)
        registry.done()
        models = Part("ModelRegistry", name("models"))
        models.child(MODEL_REGISTRY, name("models", "registry"), {"approval": stack.registry.models.approval,
                                                                   "cmk": cmk, "tags": self.labels}, self.protect)
        models.done()
        identity = Part("Identity", name("identity"))
        identity.child(IDENTITY, name("runtime"), {"trust": ["service:fourth-ml"]})
        identity.done()

    def training(self, plan: TrainingPlan) -> None:
        job = plan.job
        part = Part("Training", self.ctx.name(job.name))
        part.child(TRAINING_JOB, self.ctx.name(job.name, "job"), {
            "jobName": job.name, "instanceType": plan.instance.name, "instanceCount": job.compute.count,
            "spot": job.compute.spot, "maxRuntimeMinutes": job.max_runtime_minutes, "schedule": job.schedule,
            "private": self.stack.network.private, "cmk": self.stack.encryption.customer_managed_keys,
            "tags": self.labels})
        part.done()

    def endpoint(self, plan: EndpointPlan) -> None:
        spec, name = plan.spec, self.ctx.name
        # What parts.FEATURES declares unsupported is said, never dropped silently.
        unsupported = {"dataCapture": spec.data_capture.enabled, "monitoring.drift": spec.monitoring.drift,
                       "monitoring.quality": spec.monitoring.quality, "monitoring.bias": spec.monitoring.bias,
                       "monitoring.explainability": spec.monitoring.explainability}
        for field, given in unsupported.items():
            if given:
                self.ctx.warn(f"{plan.path}.{field}", "unsupported: not offered by Fourth ML; not built")
        part = Part("Endpoint", name(spec.name))
        part.child(ENDPOINT, name(spec.name, "endpoint"), {
            "endpointName": spec.name, "instanceType": plan.instance.name, "gpuCount": plan.instance.gpu_count,
            "minInstances": spec.autoscaling.min_instances, "maxInstances": spec.autoscaling.max_instances,
            "model": plan.model.reference if plan.model else None, "private": self.stack.network.private,
            "cmk": self.stack.encryption.customer_managed_keys, "captureData": bool(spec.data_capture.enabled),
            "autoRollback": bool(spec.deployment.auto_rollback), "networkIsolation": True,
            "tags": self.labels})
        part.done()
        scaling = Part("Autoscaling", name(spec.name, "scaling"))
        scaling.child(SCALING, name(spec.name, "scaling", "policy"), {
            "endpointName": spec.name, "minInstances": spec.autoscaling.min_instances,
            "maxInstances": spec.autoscaling.max_instances})
        scaling.done()
        monitoring = Part("Monitoring", name(spec.name, "monitoring"))
        alarms = spec.monitoring.alarms
        for metric, threshold in (("latency-p99", alarms.latency_p99_ms), ("error-rate", alarms.error_rate_percent)):
            if threshold is not None:
                monitoring.child(ALARM, name(spec.name, metric), {
                    "endpointName": spec.name, "metric": metric, "threshold": threshold,
                    "notify": list(spec.monitoring.notify)})
        monitoring.done()

    def batch(self, plan: BatchPlan) -> None:
        job = plan.job
        part = Part("Batch", self.ctx.name(job.name))
        part.child(BATCH_JOB, self.ctx.name(job.name, "batch"), {
            "jobName": job.name, "instanceType": plan.instance.name, "instanceCount": job.compute.count,
            "maxRuntimeMinutes": job.max_runtime_minutes, "schedule": job.schedule,
            "model": plan.model.reference if plan.model else None, "tags": self.labels})
        part.done()

    def finish(self) -> None:
        stack, name = self.stack, self.ctx.name
        backups = Part("Backups", name("backups"))
        if stack.backups is not None:
            backups.child(VAULT, name("vault"), {"retentionDays": stack.backups.retention_days,
                                                 "crossRegion": stack.backups.cross_region,
                                                 "cmk": stack.encryption.customer_managed_keys, "tags": self.labels},
                          self.protect)
        backups.done()
        audit = Part("Audit", name("audit"))
        audit.child(TRAIL, name("trail"), {"dataEvents": True, "covers": ["storage", "endpoints", "ml", "keys", "registry"]})
        audit.done()
        budget = Part("Budget", name("budget"))
        if stack.budget is not None:
            budget.child(BUDGET, name("budget", "limit"), {"limitUsd": stack.budget.monthly_limit_usd,
                                                          "thresholds": list(stack.budget.alert_thresholds_percent)})
        budget.done()
        self.outputs["region"] = _region(stack)


def _region(stack: Stack) -> str:
    placement = stack.placement.for_cloud(NAME)
    return placement.primary_region if placement else ""
