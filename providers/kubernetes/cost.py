"""Kubernetes resource types -> cost components, priced from the rate card.

A pod is charged for its requests (equal to its limits: the kit's pods are Guaranteed QoS):
vCPU-hours, GiB-hours and GPU-hours by GPU model, x replicas x hours, up to maximum autoscaling
for an endpoint, x runs x maximum runtime for a job (the same rule the other targets use). The
rate card is ``placement.kubernetes.rateCard`` when given (``declared`` lines), else the default
of providers/catalog/prices/kubernetes.csv for the declared region (providers/kubernetes/ratecard.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mlopskit.modules.cost import HOURS_PER_MONTH, CostComponent, CostContext, Handler, PriceKey
from mlopskit.modules.facts import plain
from mlopskit.modules.graph import RecordedResource
from mlopskit.providers.kubernetes import types as t
from mlopskit.providers.kubernetes.context import GPU_NODE_LABEL, GPU_RESOURCE
from mlopskit.providers.kubernetes.ratecard import MEMORY, SERVICE, VCPU, gpu_sku
from mlopskit.providers.kubernetes.target import NAME, KubernetesPlacement, RateCard


def _rate_card(ctx: CostContext) -> RateCard | None:
    placement = ctx.stack.placement.of(NAME, KubernetesPlacement)
    return placement.rate_card if placement else None


def _line(ctx: CostContext, what: str, sku: str, unit: str, quantity: Decimal | None, high: Decimal | None,
          usage_key: str | None = None) -> CostComponent:
    card = _rate_card(ctx)
    declared: Decimal | None = None
    service = SERVICE
    if card is not None:
        # The spec's card is the only source then: a rate it does not give is "price not found",
        # under a service no catalog row has (never the default's figure mixed in silently).
        service = "declared-rate-card"
        rate = {VCPU: card.vcpu_hour_usd, MEMORY: card.gib_hour_usd}.get(sku)
        if rate is None and sku.startswith("gpu-"):
            rate = card.gpu_hour_usd.get(sku.removeprefix("gpu-"))  # type: ignore[call-overload]
        declared = Decimal(str(rate)) if rate is not None else None
    return CostComponent(what, unit, quantity, PriceKey(NAME, service, sku, ctx.region), high, hourly=True,
                         usage_key=usage_key, declared_usd=declared)


def _pod_size(container: dict[str, Any], selector: dict[str, str] | None) -> tuple[Decimal, Decimal, int, str | None]:
    """vCPUs, GiB, GPUs and GPU model a container requests."""
    requests = (container.get("resources") or {}).get("requests") or {}
    memory = str(requests.get("memory", "0Mi"))
    gib = Decimal(memory.removesuffix("Mi")) / 1024 if memory.endswith("Mi") else Decimal(0)
    gpus = int(requests.get(GPU_RESOURCE, 0))
    return Decimal(str(requests.get("cpu", 0))), gib, gpus, (selector or {}).get(GPU_NODE_LABEL) if gpus else None


def _lines(ctx: CostContext, label: str, size: tuple[Decimal, Decimal, int, str | None], low: Decimal | None,
           high: Decimal | None, usage_key: str | None = None) -> list[CostComponent]:
    """The three lines of ``low`` (up to ``high``) pod-hours of one size."""
    cpu, gib, gpus, model = size

    def times(per_pod: Decimal, hours: Decimal | None) -> Decimal | None:
        return per_pod * hours if hours is not None else None

    lines = [_line(ctx, f"{label} vCPU ({cpu} per pod)", VCPU, "vCPU-hours", times(cpu, low), times(cpu, high), usage_key),
             _line(ctx, f"{label} memory ({gib:g} GiB per pod)", MEMORY, "GiB-hours", times(gib, low), times(gib, high),
                   usage_key)]
    if gpus:
        lines.append(_line(ctx, f"{label} GPU ({gpus}x {model} per pod)", gpu_sku(str(model)), "GPU-hours",
                           times(Decimal(gpus), low), times(Decimal(gpus), high), usage_key))
    return lines


def inference_service(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """minReplicas x 730 h, up to maxReplicas."""
    predictor = (plain(resource.inputs.get("spec")) or {}).get("predictor", {})
    container = predictor.get("model") or (predictor.get("containers") or [{}])[0]
    low, high = Decimal(int(predictor.get("minReplicas", 1))), Decimal(int(predictor.get("maxReplicas", 1)))
    return _lines(ctx, "Serving", _pod_size(container, predictor.get("nodeSelector")), low * HOURS_PER_MONTH,
                  high * HOURS_PER_MONTH)


def cron_job(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """Pods x max runtime x runs per month (a suspended CronJob: the usage default's runs)."""
    spec = plain(resource.inputs.get("spec")) or {}
    job = spec.get("jobTemplate", {}).get("spec", {})
    pod = job.get("template", {}).get("spec", {})
    batch = ctx.batch_of(resource) is not None
    unscheduled = "batch.unscheduledRunsPerMonth" if batch else "training.unscheduledRunsPerMonth"
    runs = ctx.runs_per_month(None if spec.get("suspend") else spec.get("schedule"), unscheduled)
    hours = (runs * int(job.get("parallelism", 1)) * Decimal(int(job.get("activeDeadlineSeconds", 0))) / 3600
             if runs is not None else None)
    label = "Batch" if batch else "Training" if ctx.training_of(resource) is not None else "Monitor job"
    return _lines(ctx, label, _pod_size((pod.get("containers") or [{}])[0], pod.get("nodeSelector")), hours, None,
                  unscheduled if spec.get("suspend") else None)


COMPONENTS: dict[str, Handler] = {t.INFERENCE_SERVICE: inference_service, t.CRON_JOB: cron_job}
# Why an object that is only stored in the API server costs nothing: the one wording (the cost table,
# the Infracost JSON and the comparison print it), long enough to say why (tests/cost/test_coverage.py).
API_OBJECT = "an API object: no charge of its own"
FREE: dict[str, str] = {
    t.NAMESPACE: "a namespace has no charge", t.CONFIG_MAP: "a reference to the external bucket and MLflow server",
    t.SERVICE_ACCOUNT: API_OBJECT, t.ROLE: API_OBJECT, t.ROLE_BINDING: API_OBJECT,
    t.NETWORK_POLICY: "enforced by the cluster's network plugin", t.RESOURCE_QUOTA: API_OBJECT, t.LIMIT_RANGE: API_OBJECT,
    t.PROMETHEUS_RULE: "evaluated by the cluster's Prometheus (the operator's, outside the stack's pods)",
    t.VELERO_SCHEDULE: "Velero runs in its own namespace; the backup location's storage is the operator's "
                       "(placement.kubernetes.backupLocation), billed outside the cluster",
}
