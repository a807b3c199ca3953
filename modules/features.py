"""The spec settings the comparison's feature table reports, and how a cloud can support one.

Every provider declares a ``FeatureTable`` with exactly these keys (tests check it); the build's
own warnings may downgrade a declared "native" for one spec, never upgrade anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from mlopskit.modules.batch import BatchJob
from mlopskit.modules.endpoint import Endpoint
from mlopskit.modules.stack import Stack
from mlopskit.modules.support import SUPPORT_LEVELS, Support
from mlopskit.modules.training import TrainingJob

__all__ = ["FEATURES", "SUPPORT_LEVELS", "FeatureTable", "Support", "feature_at", "setting_paths", "used_settings"]

# setting key -> (support, what the cloud does)
FeatureTable = Mapping[str, tuple[Support, str]]

FEATURES: tuple[str, ...] = (
    "deployment.strategy: canary/linear",
    "deployment.strategy: blue-green",
    "deployment.strategy: shadow",
    "deployment.autoRollback",
    "deployment.waitMinutes",
    "autoscaling",
    "model.sizeGiB",
    "streaming",
    "dataCapture",
    "monitoring.drift",
    "monitoring.quality",
    "monitoring.bias",
    "monitoring.explainability",
    "training.schedule",
    "training.compute.spot",
    "batch",
    "batch.schedule",
    "batch.maxRuntimeMinutes",
    "batch: private network",
    "experiments",
    "encryption.customerManagedKeys",
    "registry.containers.scanOnPush",
    "registry.containers.immutableTags",
    "backups.crossRegion",
    "network.private",
    "access.roles.principals",
)


def used_settings(stack: Stack) -> set[str]:
    """The feature keys a spec actually sets."""
    tables = [_stack_settings(stack), *map(_endpoint_settings, stack.endpoints), *map(_training_settings, stack.training),
              *(_batch_settings(job, stack) for job in stack.batch)]
    return {key for table in tables for key, used in table.items() if used}


def _endpoint_settings(ep: Endpoint) -> dict[str, bool]:
    strategy = ep.deployment.strategy
    stepwise = strategy in ("canary", "linear")
    return {
        "deployment.strategy: canary/linear" if stepwise else f"deployment.strategy: {strategy}": True,
        "deployment.autoRollback": bool(ep.deployment.auto_rollback),
        "deployment.waitMinutes": stepwise and bool(ep.deployment.wait_minutes),
        "autoscaling": ep.autoscaling.max_instances > ep.autoscaling.min_instances,
        "model.sizeGiB": ep.model.size_gib is not None,
        "streaming": ep.streaming,
        "dataCapture": bool(ep.data_capture.enabled),
        "monitoring.drift": ep.monitoring.drift is not None,
        "monitoring.quality": ep.monitoring.quality is not None,
        "monitoring.bias": ep.monitoring.bias is not None,
        "monitoring.explainability": ep.monitoring.explainability is not None,
    }


def _training_settings(job: TrainingJob) -> dict[str, bool]:
    return {"training.schedule": bool(job.schedule), "training.compute.spot": bool(job.compute.spot)}


def _batch_settings(job: BatchJob, stack: Stack) -> dict[str, bool]:
    # Every batch job has a runtime limit (60 minutes by default) and runs in the stack's
    # network: both are settings a cloud may not honour for batch.
    return {"batch": True, "batch.schedule": job.schedule is not None, "batch.maxRuntimeMinutes": True,
            "batch: private network": bool(stack.network.private)}


def _stack_settings(stack: Stack) -> dict[str, bool]:
    return {
        "experiments": stack.experiments is not None,
        "encryption.customerManagedKeys": bool(stack.encryption.customer_managed_keys),
        "registry.containers.scanOnPush": bool(stack.registry.containers.scan_on_push),
        "registry.containers.immutableTags": bool(stack.registry.containers.immutable_tags),
        "backups.crossRegion": stack.backups is not None and stack.backups.cross_region,
        "network.private": bool(stack.network.private),
        "access.roles.principals": any(role.principals for role in stack.access.roles),
    }


def setting_paths(stack: Stack) -> dict[str, list[str]]:
    """Each feature key the spec sets -> the spec fields that set it (``endpoints[1].deployment.strategy``).

    A cloud that cannot honour a setting warns at these fields (tests/test_parity.py).
    """
    paths: dict[str, list[str]] = {}
    per_item = [(f"endpoints[{i}]", _endpoint_settings(ep)) for i, ep in enumerate(stack.endpoints)]
    per_item += [(f"training[{i}]", _training_settings(job)) for i, job in enumerate(stack.training)]
    for i, job in enumerate(stack.batch):
        for key, used in _batch_settings(job, stack).items():
            if used:
                field = _BATCH_FIELDS[key]
                paths.setdefault(key, []).append(field if field == "network.private" else f"batch[{i}]{field}")
    for where, table in per_item:
        for key, used in table.items():
            if used:
                paths.setdefault(key, []).append(f"{where}.{_field(key)}")
    for key, used in _stack_settings(stack).items():
        if used and key != "access.roles.principals":
            paths[key] = [key]  # a stack-wide setting's key is its field
    principals = [f"access.roles[{i}].principals" for i, role in enumerate(stack.access.roles) if role.principals]
    if principals:
        paths["access.roles.principals"] = principals
    return paths


# A batch feature key -> the field it names below ``batch[i]`` (the stack's network for the last).
_BATCH_FIELDS = {"batch": "", "batch.schedule": ".schedule", "batch.maxRuntimeMinutes": ".maxRuntimeMinutes",
                 "batch: private network": "network.private"}


def _field(key: str) -> str:
    """The field below an endpoint or a training job that a feature key names."""
    return "deployment.strategy" if key.startswith("deployment.strategy") else key.removeprefix("training.")


_ITEM = re.compile(r"(endpoints|training|batch)\[(\d+)\](?:\.(.+))?")


def feature_at(stack: Stack, path: str) -> str | None:
    """The feature key a spec field is part of (``endpoints[1].deployment.strategy`` -> the key of
    that endpoint's strategy), or None: what a warning raised at ``path`` is about unless its call
    site says otherwise. Read from the path and the spec, never from a message.

    ``network.private`` is the stack's network; a warning about a batch job that cannot join it
    names ``batch: private network`` itself.
    """
    item = _ITEM.fullmatch(path)
    if item is None:
        if re.fullmatch(r"access\.roles\[\d+\]\.principals(\[\d+\])?", path):
            return "access.roles.principals"
        return path if path in FEATURES and path not in _BATCH_FIELDS else None
    section, index, field = item.group(1), int(item.group(2)), item.group(3)
    if section == "endpoints":
        if field == "deployment.strategy" and index < len(stack.endpoints):
            return next(k for k in _endpoint_settings(stack.endpoints[index]) if k.startswith("deployment.strategy"))
        key = field
    else:
        key = section if field is None else f"{section}.{field}"
    return key if key in FEATURES else None
