"""Google Cloud: the slots of the typed topology (``modules.topology``) its resources fill."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from mlopskit.modules.facts import plain
from mlopskit.modules.graph import Provenance, RecordedResource
from mlopskit.modules.monitor_job import SIGNALS_TAG, signals_of
from mlopskit.modules.topology import monitor_slot

DYNAMIC = "pulumi-python:dynamic:Resource"
BUCKET_OBJECT = "gcp:storage/bucketObject:BucketObject"

# Resource type -> slots, whatever component built it.
SLOTS: dict[str, tuple[str, ...]] = {
    # The endpoint holds the request-response logging (capture) configuration.
    "gcp:vertex/aiEndpoint:AiEndpoint": ("endpoint", "capture"),
    "gcp:bigquery/dataset:Dataset": ("capture_store",),
    "gcp:monitoring/alertPolicy:AlertPolicy": ("alarm",),
    "gcp:cloudscheduler/job:Job": ("schedule",),
    "gcp:storage/bucket:Bucket": ("store",),
    "gcp:kms/cryptoKey:CryptoKey": ("key",),
    "gcp:serviceaccount/account:Account": ("identity",),
}
# Dynamic resources (providers/gcp/vertex.py) by the ``kind`` they record.
DYNAMIC_SLOTS: dict[str, tuple[str, ...]] = {
    # The deployed model carries the machine, accelerators and the replica bounds autoscaling keeps.
    "vertex-deployed-model": ("deployment", "scaling"),
}


def _content(resource: RecordedResource) -> dict[str, Any]:
    try:
        found = json.loads(plain(resource.inputs.get("content")) or "{}")
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _job_body(resource: RecordedResource, origin: Provenance) -> bool:
    """A stored job body: a CustomJob (``jobSpec``) of a training entry, a BatchPredictionJob
    (``inputConfig``) of a batch entry; the code archives beside them are not."""
    key = {"training": "jobSpec", "batch": "inputConfig"}.get(origin.role)
    return key is not None and key in _content(resource)


def slots(resource: RecordedResource, origin: Provenance) -> Iterable[str]:
    """The slots ``resource`` fills."""
    if resource.type == DYNAMIC:
        kind = plain(resource.inputs.get("kind"))
        if kind == "vertex-model-monitoring-job":
            # The kit's Vertex monitoring job watches prediction drift only (providers/gcp/vertex.py):
            # its drift threshold says so; the other signals are not built on Vertex AI.
            return (monitor_slot("drift"),) if resource.inputs.get("driftThreshold") is not None else ()
        return DYNAMIC_SLOTS.get(str(kind), ())
    if origin.role == "monitor":
        return _kit_monitor_slots(resource)
    if resource.type == BUCKET_OBJECT:
        return ("job",) if _job_body(resource, origin) else ()
    return SLOTS.get(resource.type, ())


def kit_monitor_body(resource: RecordedResource) -> dict[str, Any]:
    """The CustomJob body a kit monitor job's stored object holds (empty for its settings object)."""
    found = _content(resource) if resource.type == BUCKET_OBJECT else {}
    return found if "jobSpec" in found else {}


def _kit_monitor_slots(resource: RecordedResource) -> Iterable[str]:
    """The kit monitor job (providers/gcp/monitor_job.py): its stored CustomJob is a monitor of
    every section its label names, its Cloud Scheduler job the schedule, its policies monitor alarms."""
    body = kit_monitor_body(resource)
    if body:
        return [monitor_slot(s) for s in signals_of((body.get("labels") or {}).get(SIGNALS_TAG))]
    if resource.type == "gcp:monitoring/alertPolicy:AlertPolicy":
        return ("monitor_alarm",)
    return SLOTS.get(resource.type, ()) if resource.type == "gcp:cloudscheduler/job:Job" else ()
