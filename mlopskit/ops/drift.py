"""Desired endpoint state from the spec against the live state: the `status` report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mlopskit.modules.day2.backend import LiveEndpoint
from mlopskit.modules.endpoint import Endpoint

FindingStatus = Literal["ok", "drift", "unknown"]


@dataclass(frozen=True)
class Finding:
    """One compared fact: ``endpoints.scoring.autoscaling.maxInstances`` desired 6, live 4."""

    endpoint: str
    field: str
    desired: Any
    live: Any
    status: FindingStatus

    def as_dict(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "field": self.field, "desired": self.desired, "live": self.live,
                "status": self.status}


def _finding(endpoint: str, field: str, desired: Any, live: Any, ok: bool | None = None) -> Finding:
    if live is None:
        return Finding(endpoint, field, desired, None, "unknown")
    same = (desired == live) if ok is None else ok
    return Finding(endpoint, field, desired, live, "ok" if same else "drift")


def compare(spec: Endpoint, live: LiveEndpoint | None) -> list[Finding]:
    """Instance counts, autoscaling bounds, traffic weights and data capture."""
    name = spec.name
    if live is None:
        return [Finding(name, "endpoint", "deployed", "missing", "drift")]
    scaling = spec.autoscaling
    serving = [v for v in live.variants if not v.shadow]
    findings = [
        _finding(name, "autoscaling.minInstances", scaling.min_instances, live.min_instances),
        _finding(name, "autoscaling.maxInstances", scaling.max_instances, live.max_instances),
    ]
    for variant in serving if live.instance_counts else []:
        count = variant.instances
        findings.append(_finding(name, f"variants.{variant.name}.instances",
                                 f"{scaling.min_instances}-{scaling.max_instances}", count,
                                 None if count is None else scaling.min_instances <= count <= scaling.max_instances))
    # Outside a rollout one version serves everything; a split means a rollout never finished.
    weights = {v.name: round(v.weight_percent, 2) for v in serving}
    desired_weights = "one variant at 100%"
    findings.append(_finding(name, "traffic", desired_weights, weights,
                             len(serving) >= 1 and sorted(weights.values())[-1] == 100 and sum(weights.values()) == 100))
    shadows = [v for v in live.variants if v.shadow]
    if spec.deployment.strategy == "shadow":
        mirrored = shadows[0].mirror_percent if shadows else 0
        findings.append(_finding(name, "deployment.mirrorPercent", spec.deployment.mirror_percent, mirrored))
    capture = spec.data_capture
    findings.append(_finding(name, "dataCapture.enabled", capture.enabled, live.capture_enabled))
    if capture.enabled and live.capture_enabled:
        findings.append(_finding(name, "dataCapture.samplingPercent", capture.sampling_percent,
                                 None if live.capture_percent is None else round(live.capture_percent)))
    return findings
