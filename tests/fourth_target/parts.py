"""The fourth target's facts, cost handlers, feature table and diagram map."""

from __future__ import annotations

from decimal import Decimal

from mlopskit.modules.cost import HOURS_PER_MONTH, CostComponent, CostContext, Handler, PriceKey
from mlopskit.modules.diagram import DiagramMap
from mlopskit.modules.facts import Fact
from mlopskit.modules.features import FEATURES as FEATURE_KEYS, FeatureTable
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.stack import Stack
from mlopskit.providers.facts_index import FactsIndex
from tests.fourth_target import build as b
from tests.fourth_target.target import NAME

# ---------------------------------------------------------------- facts

JURISDICTIONS = {"north-1": "eu", "south-1": "br"}  # the fictional regions' jurisdictions


class FourthFacts(FactsIndex):
    def __init__(self, graph: Graph, stack: Stack) -> None:
        super().__init__(graph, stack)
        placement = stack.placement.for_cloud(NAME)
        self.region = placement.primary_region if placement else None

    def region_of(self, resource: RecordedResource, hint: str | None) -> str | None:
        return hint or self.region

    @staticmethod
    def jurisdiction(region: str | None) -> str | None:
        return JURISDICTIONS.get(region or "")




def _storage(index: FourthFacts) -> list[Fact]:
    out = [index.fact("bucket", r, cmk=r.inputs["cmk"], public=r.inputs["public"], versioning=r.inputs["versioning"],
                      retention_days=r.inputs["retentionDays"], access_logging=r.inputs["accessLogging"],
                      tls_only=r.inputs["tlsOnly"], purpose=r.inputs["purpose"]) for r in index.of(b.BUCKET)]
    out += [index.fact("key", r, rotation_days=r.inputs["rotationDays"], deletion_protection=True,
                       deletion_window_days=r.inputs["deletionWindowDays"], public=False) for r in index.of(b.KEY)]
    out += [index.fact("container_registry", r, cmk=r.inputs["cmk"], public=r.inputs["public"],
                       scan_on_push=r.inputs["scanOnPush"], immutable_tags=r.inputs["immutableTags"])
            for r in index.of(b.CONTAINER_REGISTRY)]
    out += [index.fact("model_registry", r, cmk=r.inputs["cmk"], public=False) for r in index.of(b.MODEL_REGISTRY)]
    return out


def _workloads(index: FourthFacts) -> list[Fact]:
    alarms = index.grouped(b.ALARM, "endpointName")
    out = [index.fact("endpoint", r, cmk=r.inputs["cmk"], public=False, private=r.inputs["private"],
                      network_isolation=r.inputs["networkIsolation"], auth_required=True, min_instances=r.inputs["minInstances"],
                      max_instances=r.inputs["maxInstances"], instance_type=r.inputs["instanceType"],
                      gpu_count=r.inputs["gpuCount"], captures_data=r.inputs["captureData"],
                      alarms=len(alarms.get(r.inputs["endpointName"], [])), auto_rollback=r.inputs["autoRollback"], audit_logging=True)
           for r in index.of(b.ENDPOINT)]
    out += [index.fact("training", r, cmk=r.inputs["cmk"], private=r.inputs["private"],
                       instance_type=r.inputs["instanceType"], max_instances=r.inputs["instanceCount"],
                       max_runtime_minutes=r.inputs["maxRuntimeMinutes"], scale_to_zero=True)
            for r in index.of(b.TRAINING_JOB)]
    out += [index.fact("batch", r, instance_type=r.inputs["instanceType"], max_instances=r.inputs["instanceCount"],
                       max_runtime_minutes=r.inputs["maxRuntimeMinutes"]) for r in index.of(b.BATCH_JOB)]
    out += [index.fact("alarm", r, labels=False, notifies=bool(r.inputs["notify"]), endpoint=r.inputs["endpointName"])
            for r in index.of(b.ALARM)]
    return out


def _platform(index: FourthFacts) -> list[Fact]:
    out = [index.fact("network", r, private=r.inputs["private"]) for r in index.of(b.NETWORK)]
    out += [index.fact("identity", r, labels=False, trust=r.inputs["trust"]) for r in index.of(b.IDENTITY)]
    out += [index.fact("audit", r, labels=False, data_events=r.inputs["dataEvents"], covers=r.inputs["covers"], cmk=True)
            for r in index.of(b.TRAIL)]
    out += [index.fact("backup", r, retention_days=r.inputs["retentionDays"], cross_region=r.inputs["crossRegion"],
                       cmk=r.inputs["cmk"]) for r in index.of(b.VAULT)]
    out += [index.fact("budget", r, labels=False, limit_usd=r.inputs["limitUsd"], alert_thresholds=r.inputs["thresholds"])
            for r in index.of(b.BUDGET)]
    return out


def facts(graph: Graph, stack: Stack) -> list[Fact]:
    return FourthFacts(graph, stack).collect([_storage, _workloads, _platform])


# ---------------------------------------------------------------- cost


def _count(recorded: object) -> Decimal:
    """A recorded count (the engine hands numbers back as floats) as an exact Decimal."""
    assert isinstance(recorded, (int, float)) and float(recorded).is_integer(), recorded
    return Decimal(int(recorded))


def _price(ctx: CostContext, service: str, sku: str) -> PriceKey:
    return PriceKey(NAME, service, sku, ctx.region)


def _endpoint(r: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    instance = r.inputs["instanceType"]
    low, high = _count(r.inputs["minInstances"]), _count(r.inputs["maxInstances"])
    return [CostComponent(f"Instance usage ({instance})", "hours", HOURS_PER_MONTH * low,
                          _price(ctx, "fourth-serving", instance), HOURS_PER_MONTH * high, hourly=True)]


def _training(r: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    runs = ctx.runs_per_month(r.inputs["schedule"])
    hours = (runs * _count(r.inputs["instanceCount"]) * Decimal(r.inputs["maxRuntimeMinutes"]) / 60) if runs is not None else None
    return [CostComponent(f"Training instance usage ({r.inputs['instanceType']})", "hours", hours,
                          _price(ctx, "fourth-training", r.inputs["instanceType"]),
                          usage_key=None if r.inputs["schedule"] else "training.unscheduledRunsPerMonth")]


def _batch(r: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    job = ctx.batch_job(r.inputs["jobName"])
    assert job is not None, "a recorded batch job comes from the spec"
    return ctx.batch_lines(job, "on-demand", r.inputs["instanceType"], _price(ctx, "fourth-serving", r.inputs["instanceType"]))


def _key(r: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [CostComponent("Customer-managed key", "months", Decimal(1), _price(ctx, "fourth-keys", "key"))]


def _bucket(r: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [CostComponent("Storage (standard)", "GB", ctx.usage.get("storage.artifactsGb"),
                          _price(ctx, "fourth-storage", "standard"), usage_key="storage.artifactsGb")]


COST: dict[str, Handler] = {b.ENDPOINT: _endpoint, b.TRAINING_JOB: _training, b.BATCH_JOB: _batch, b.KEY: _key,
                            b.BUCKET: _bucket}
FREE: dict[str, str] = {
    b.NETWORK: "the private network has no charge", b.CONTAINER_REGISTRY: "included with the account",
    b.MODEL_REGISTRY: "included with the account", b.SCALING: "no charge", b.ALARM: "included with the account",
    b.VAULT: "included with the account", b.IDENTITY: "no charge", b.TRAIL: "included with the account",
    b.BUDGET: "no charge",
}

# ---------------------------------------------------------------- features and diagram

_UNSUPPORTED = {"deployment.strategy: shadow", "streaming", "monitoring.drift", "monitoring.quality", "monitoring.bias",
                "monitoring.explainability", "experiments", "dataCapture", "training.tuning", "training.evaluation",
                "training.register: automatic approval"}
FEATURES: FeatureTable = {
    key: ("unsupported", "not offered by Fourth ML") if key in _UNSUPPORTED else ("native", "Fourth ML")
    for key in FEATURE_KEYS
}

_ROLES = {"Keys": "keys", "ArtifactStore": "artifacts", "PrivateNetwork": "network",
          "ContainerRegistry": "container_registry", "ModelRegistry": "model_registry", "Training": "training",
          "Endpoint": "endpoint", "Batch": "batch", "Autoscaling": "autoscaling", "Monitoring": "alarms",
          "Backups": "backups", "Identity": "identity", "Audit": "audit", "Budget": "budget"}
DIAGRAM: DiagramMap = {f"mlopskit:{NAME}:{kind}": (role, f"Fourth {kind}") for kind, role in _ROLES.items()}  # type: ignore[misc]
