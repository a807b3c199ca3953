"""Kubernetes: the slots of the typed topology (``modules.topology``) its resources fill."""

from __future__ import annotations

from collections.abc import Iterable

from mlopskit.modules.graph import Provenance, RecordedResource
from mlopskit.modules.topology import monitor_slot
from mlopskit.providers.kubernetes import types as t

# Resource type -> slots, whatever component built it. The InferenceService holds the predictor
# (deployment), its replica range (scaling) and the request logger (capture).
SLOTS: dict[str, tuple[str, ...]] = {
    t.INFERENCE_SERVICE: ("endpoint", "deployment", "scaling", "capture"),
    t.PROMETHEUS_RULE: ("alarm",),
    t.SERVICE_ACCOUNT: ("identity",),
    t.CONFIG_MAP: ("store",),
}


def slots(resource: RecordedResource, origin: Provenance) -> Iterable[str]:
    """The slots ``resource`` fills: a CronJob is a training or batch entry's job, or a monitor job."""
    if resource.type == t.CRON_JOB:
        if origin.role in ("training", "batch"):
            return ("job", "schedule") if not resource.inputs.get("spec", {}).get("suspend") else ("job",)
        if origin.role == "monitoring":
            signal = _env(resource).get("MONITOR_SIGNAL")
            return (monitor_slot(signal),) if signal else ()
    return SLOTS.get(resource.type, ())


def _env(resource: RecordedResource) -> dict[str, str]:
    """The env of a CronJob's container (the monitor job's signal is recorded there)."""
    pod = resource.inputs.get("spec", {}).get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec", {})
    containers = pod.get("containers") or [{}]
    return {e.get("name"): e.get("value") for e in containers[0].get("env") or []}
