"""The spec settings the comparison's feature table reports, and how a cloud can support one.

Every provider declares a ``FeatureTable`` with exactly these keys (tests check it); the build's
own warnings may downgrade a declared "native" for one spec, never upgrade anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from modules.stack import Stack

# How a cloud realises a spec setting.
Support = Literal["native", "emulated", "unsupported"]
SUPPORT_LEVELS: tuple[Support, ...] = ("native", "emulated", "unsupported")

# setting key -> (support, what the cloud does)
FeatureTable = Mapping[str, tuple[Support, str]]

FEATURES: tuple[str, ...] = (
    "deployment.strategy: canary/linear",
    "deployment.strategy: blue-green",
    "deployment.strategy: shadow",
    "deployment.autoRollback",
    "deployment.waitMinutes",
    "autoscaling",
    "dataCapture",
    "monitoring.drift",
    "training.schedule",
    "training.compute.spot",
    "encryption.customerManagedKeys",
    "registry.containers.scanOnPush",
    "registry.containers.immutableTags",
    "backups.crossRegion",
    "network.private",
    "access.roles.principals",
)


def used_settings(stack: Stack) -> set[str]:
    """The feature keys a spec actually sets."""
    used: set[str] = set()
    for ep in stack.endpoints:
        strategy = ep.deployment.strategy
        used.add("deployment.strategy: canary/linear" if strategy in ("canary", "linear") else f"deployment.strategy: {strategy}")
        if ep.deployment.auto_rollback:
            used.add("deployment.autoRollback")
        if strategy in ("canary", "linear") and ep.deployment.wait_minutes:
            used.add("deployment.waitMinutes")
        if ep.autoscaling.max_instances > ep.autoscaling.min_instances:
            used.add("autoscaling")
        if ep.data_capture.enabled:
            used.add("dataCapture")
        if ep.monitoring.drift is not None:
            used.add("monitoring.drift")
    for job in stack.training:
        if job.schedule:
            used.add("training.schedule")
        if job.compute.spot:
            used.add("training.compute.spot")
    if stack.encryption.customer_managed_keys:
        used.add("encryption.customerManagedKeys")
    if stack.registry.containers.scan_on_push:
        used.add("registry.containers.scanOnPush")
    if stack.registry.containers.immutable_tags:
        used.add("registry.containers.immutableTags")
    if stack.backups is not None and stack.backups.cross_region:
        used.add("backups.crossRegion")
    if stack.network.private:
        used.add("network.private")
    if any(role.principals for role in stack.access.roles):
        used.add("access.roles.principals")
    return used
