"""Azure: the slots of the typed topology (``modules.topology``) its resources fill."""

from __future__ import annotations

from collections.abc import Iterable

from mlopskit.modules.graph import Provenance, RecordedResource
from mlopskit.modules.monitor_job import SIGNALS_TAG, signals_of
from mlopskit.modules.topology import monitor_slot

ML = "azure-native:machinelearningservices"
SCHEDULE = f"{ML}:Schedule"
COMPUTE = f"{ML}:Compute"

# Resource type -> slots, whatever component built it.
SLOTS: dict[str, tuple[str, ...]] = {
    f"{ML}:OnlineEndpoint": ("endpoint",),
    # A deployment holds the instance type, its fixed capacity and the data collector (capture).
    f"{ML}:OnlineDeployment": ("deployment", "capture"),
    "azure-native:monitor:AutoscaleSetting": ("scaling",),
    "azure-native:monitor:MetricAlert": ("alarm",),
    "azure-native:monitor:ScheduledQueryRule": ("alarm",),
    f"{ML}:BatchDeployment": ("job",),
    "azure-native:storage:StorageAccount": ("store",),
    "azure-native:keyvault:Key": ("key",),
    "azure-native:managedidentity:UserAssignedIdentity": ("identity",),
}
# An Azure ML monitor signal type -> the spec's monitoring section it realises.
SIGNAL_OF: dict[str, str] = {
    "DataDrift": "drift", "PredictionDrift": "drift", "FeatureAttributionDrift": "explainability",
    "ModelPerformance": "quality",
}


def _signals(schedule: RecordedResource) -> list[str]:
    """The spec sections a monitor schedule computes, from the signal types it records."""
    action = (schedule.inputs.get("properties") or {}).get("action") or {}
    if action.get("actionType") != "CreateMonitor":
        return []
    found = (action.get("monitorDefinition") or {}).get("signals") or {}
    return sorted({SIGNAL_OF[s["signalType"]] for s in found.values() if s.get("signalType") in SIGNAL_OF})


def _kit_monitor_slots(resource: RecordedResource) -> Iterable[str]:
    """The kit monitor job's schedule is a monitor of each section its job's tag names; its alerts
    watch the monitor's results (not the endpoint's traffic); its cluster runs only that job."""
    if resource.type == SCHEDULE:
        definition = ((resource.inputs.get("properties") or {}).get("action") or {}).get("jobDefinition") or {}
        return [monitor_slot(s) for s in signals_of((definition.get("tags") or {}).get(SIGNALS_TAG))]
    if resource.type == "azure-native:monitor:MetricAlert":
        return ("monitor_alarm",)
    return ()


def slots(resource: RecordedResource, origin: Provenance) -> Iterable[str]:
    """The slots ``resource`` fills: a schedule is a monitor (by its signals) or a job's schedule;
    a compute cluster is a training job's, or the cluster a batch deployment runs on."""
    if origin.role == "monitor":
        return _kit_monitor_slots(resource)
    if resource.type == SCHEDULE:
        signals = _signals(resource)
        return [monitor_slot(s) for s in signals] if signals else ["schedule"]
    if resource.type == COMPUTE:
        return ("job",) if origin.role == "training" else ("cluster",)
    return SLOTS.get(resource.type, ())
