"""AWS: the slots of the typed topology (``modules.topology``) its resource types fill."""

from __future__ import annotations

from collections.abc import Iterable

from mlopskit.modules.graph import Provenance, RecordedResource
from mlopskit.modules.monitor_job import SIGNALS_TAG, signals_of
from mlopskit.modules.topology import SIGNALS, monitor_slot

# Resource type -> slot, whatever component built it.
SLOTS: dict[str, str] = {
    "aws:sagemaker/endpoint:Endpoint": "endpoint",
    # The configuration holds the production variants and the data capture settings.
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": "deployment",
    "aws:sagemaker/model:Model": "model",
    "aws:appautoscaling/target:Target": "scaling",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "alarm",
    "aws:scheduler/schedule:Schedule": "schedule",
    "aws:sagemaker/pipeline:Pipeline": "pipeline",
    "aws:s3/bucket:Bucket": "store",
    "aws:kms/key:Key": "key",
    "aws:iam/role:Role": "identity",
}
# What a monitor component registers for its signal: the job definition and its schedule.
MONITOR_TYPES = frozenset({
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
    "aws:cloudcontrol/resource:Resource",  # the quality, bias and explainability job definitions
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule",
})


def slot_of(resource: RecordedResource) -> str | None:
    return SLOTS.get(resource.type)


def slots(resource: RecordedResource, origin: Provenance) -> Iterable[str]:
    """The slots ``resource`` fills: a pipeline is its training or batch entry's job too; the kit
    monitor job's pipeline and schedule are a monitor of every section its pipeline's tag names."""
    if origin.role in SIGNALS and resource.type in MONITOR_TYPES:
        return (monitor_slot(origin.role),)
    if origin.role == "monitor":
        return _kit_monitor_slots(resource)
    if origin.role in SIGNALS and slot_of(resource) == "alarm":
        # An alarm on a monitor's results (quality, bias): the monitor's, not the endpoint's traffic alarms.
        return ("monitor_alarm",)
    slot = slot_of(resource)
    if slot is None:
        return ()
    if slot == "deployment":
        return ("deployment", "capture")
    if slot == "pipeline":
        return ("pipeline", "job")
    return (slot,)


#: The kit monitor job's scheduled pipeline: tagged with the sections it computes.
KIT_PIPELINE = "aws:sagemaker/pipeline:Pipeline"


def _kit_monitor_slots(resource: RecordedResource) -> Iterable[str]:
    if resource.type == KIT_PIPELINE:
        tags = resource.inputs.get("tags") or {}
        return [monitor_slot(s) for s in signals_of(tags.get(SIGNALS_TAG))]
    if resource.type == "aws:scheduler/schedule:Schedule":
        return ("schedule",)
    if slot_of(resource) == "alarm":
        return ("monitor_alarm",)
    return ()
