"""Which spec field a finding comes from: the path SARIF points at and the JSON report names.

A rule names a normalized fact key (``cmk``, ``region``) or, for stack rules, a spec path
(``access.roles[0].permissions``). ``Locator`` turns the first into the spec field that decides
it (``encryption.customerManagedKeys``), using where the resource came from: the spec entry and
role its component recorded when it was built (``modules.graph.Provenance``), read through the
target's topology (``Provider.topology``). An entry's components point at the entry
(``endpoints[0]``, its ``.autoscaling`` or ``.monitoring``); a stack-wide component at the
section its role realises. Nothing is matched by name. ``tests/policies/test_sarif_locations.py``
checks every resource of the weakened example on every cloud finds its entry.

No cloud names here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property

from mlopskit.modules.facts import Fact
from mlopskit.modules.graph import STACK_ENTRY, Graph
from mlopskit.modules.stack import Stack
from mlopskit.providers import get_provider

# The spec section each abstraction of ``modules.provider.ABSTRACTIONS`` comes from.
SECTION_OF: dict[str, str] = {
    "keys": "encryption", "storage": "storage", "network": "network",
    "container_registry": "registry.containers", "model_registry": "registry.models",
    "training": "training", "endpoint": "endpoints", "batch": "batch", "autoscaling": "endpoints", "monitoring": "endpoints",
    "backups": "backups", "identity": "access", "audit": "compliance", "budget": "budget",
    "experiments": "experiments",
}
# The part of a list entry a component's role realises (any other role: the entry itself).
ENTRY_PART: dict[str, str] = {"autoscaling": ".autoscaling", "monitoring": ".monitoring"}
# The spec field deciding a fact key, per fact kind ("*": any kind); "{entry}" is the resource's
# list entry (``endpoints[0]``). A key not listed points at the spec section that built the resource.
CAUSE: dict[tuple[str, str], str] = {
    ("*", "cmk"): "encryption.customerManagedKeys",
    ("*", "capture_cmk"): "encryption.customerManagedKeys",
    ("key", "rotation_days"): "encryption.keyRotationDays",
    ("*", "public"): "network.private",
    ("*", "private"): "network.private",
    ("*", "network_isolation"): "network.private",
    ("*", "protect"): "metadata.environment",
    ("*", "labels"): "metadata.labels",
    ("bucket", "versioning"): "storage.artifacts.versioning",
    ("bucket", "retention_days"): "storage.artifacts.retentionDays",
    ("container_registry", "scan_on_push"): "registry.containers.scanOnPush",
    ("container_registry", "immutable_tags"): "registry.containers.immutableTags",
    ("endpoint", "min_instances"): "{entry}.autoscaling.minInstances",
    ("endpoint", "max_instances"): "{entry}.autoscaling.maxInstances",
    ("endpoint", "instance_type"): "{entry}.compute",
    ("endpoint", "gpu_count"): "{entry}.compute.gpu",
    ("endpoint", "captures_data"): "{entry}.dataCapture.enabled",
    ("endpoint", "sampling_percent"): "{entry}.dataCapture.samplingPercent",
    ("endpoint", "auto_rollback"): "{entry}.deployment.autoRollback",
    ("endpoint", "alarms"): "{entry}.monitoring.alarms",
    ("endpoint", "quality_monitored"): "{entry}.monitoring.quality",
    ("endpoint", "bias_monitored"): "{entry}.monitoring.bias",
    ("endpoint", "explainability_monitored"): "{entry}.monitoring.explainability",
    ("endpoint", "drift_monitored"): "{entry}.monitoring.drift",
    ("training", "instance_type"): "{entry}.compute",
    ("training", "gpu_count"): "{entry}.compute.gpu",
    ("training", "max_instances"): "{entry}.compute.count",
    ("training", "scale_to_zero"): "{entry}.compute",
    ("training", "max_runtime_minutes"): "{entry}.maxRuntimeMinutes",
    ("batch", "instance_type"): "{entry}.compute",
    ("batch", "gpu_count"): "{entry}.compute.gpu",
    ("batch", "max_instances"): "{entry}.compute.count",
    ("batch", "max_runtime_minutes"): "{entry}.maxRuntimeMinutes",
    ("backup", "retention_days"): "backups.retentionDays",
    ("backup", "cross_region"): "backups.crossRegion",
    ("log_store", "retention_days"): "compliance.retentionDays",
    ("budget", "limit_usd"): "budget.monthlyLimitUsd",
}
ROOT_FIELD = "metadata"  # where a finding points when nothing more precise is written in the spec
_SEGMENT = re.compile(r"\.|(?=\[)")


def parent_path(path: str) -> str:
    """``a.b[0].c`` -> ``a.b[0]`` -> ``a.b`` -> ``a`` -> ``""``."""
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def nearest_written(path: str, lines: Mapping[str, int]) -> str | None:
    """``path`` or its closest ancestor that the spec file spells out (None: not even its section)."""
    while path:
        if path in lines:
            return path
        path = parent_path(path)
    return None


class Locator:
    """Spec paths of findings on one recorded graph (each resource's origin resolved once)."""

    def __init__(self, graph: Graph, stack: Stack) -> None:
        self.graph = graph
        self.stack = stack
        self.topology = get_provider(graph.provider).topology(graph, stack)
        self._origins: dict[str, str] = {}

    @cached_property
    def _top_fields(self) -> frozenset[str]:
        return frozenset(field.alias or name for name, field in Stack.model_fields.items())

    def origin(self, urn: str) -> str:
        """The spec entry or section that produced the resource ``urn`` (``endpoints[0].autoscaling``)."""
        if urn not in self._origins:
            self._origins[urn] = self._origin(urn)
        return self._origins[urn]

    def _origin(self, urn: str) -> str:
        provenance = self.topology.origin(urn)
        if provenance is None:  # the cloud's provider resources: no component built them
            return ROOT_FIELD
        if provenance.entry != STACK_ENTRY:
            return provenance.entry + ENTRY_PART.get(provenance.role, "")
        return SECTION_OF.get(provenance.role, ROOT_FIELD)

    def cause(self, fact: Fact | None, path: str | None) -> str:
        """The spec field that decides a finding about ``fact`` on ``path`` (a fact key or a spec path)."""
        if path and _SEGMENT.split(path, maxsplit=1)[0] in self._top_fields:
            return path  # a stack rule already names the spec field
        if fact is None:
            return ROOT_FIELD
        origin = self.origin(fact.resource_urn)
        key = (path or "").split(".", 1)[0]
        if key == "region":
            placement = self.stack.placement.for_cloud(self.graph.provider)
            if placement is None:
                return "placement"
            backup = placement.backup_region is not None and fact.region == placement.backup_region
            return f"placement.{self.graph.provider}.{placement.backup_field if backup else placement.primary_field}"
        template = CAUSE.get((fact.kind, key)) or CAUSE.get(("*", key))
        if template is None:
            return origin
        if "{entry}" in template:
            entry = re.match(r"^[a-z.]+\[\d+\]", origin)
            return template.format(entry=entry.group(0)) if entry else origin
        return template


def written(cause: str, origin: str | None, lines: Mapping[str, int]) -> str:
    """Where in the spec file a finding points: its cause or the nearest ancestor written there,
    else the entry or section that built the resource, else ``metadata`` (a default applied)."""
    return nearest_written(cause, lines) or (nearest_written(origin, lines) if origin else None) or ROOT_FIELD
