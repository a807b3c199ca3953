"""Edge specs for the GCP and Azure fidelity gates: maximum names, extreme allowed values.

Each is the fully specified bundled example pushed to the spec's limits, so a name that
only fits at its usual length, or a value only right in the middle of its range, shows up.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph
from mlopskit.modules.stack import Stack
from tests.conftest import EXAMPLE_SPECS, STACKS
from tests.specs import baseline

MAX_STACK_NAME = "edge-stack-name-max-2468"  # 24 characters, the spec's maximum
MAX_ITEM_NAME = "e-name-of-24-characters1"  # 24 characters: endpoints, training jobs


def _sized(name: str, length: int) -> str:
    assert len(name) == length, (name, len(name))
    return name


def max_names() -> dict[str, Any]:
    """Longest stack, endpoint, training and role names; linear rollout in 1% steps."""
    data = baseline("credit-risk.yaml")
    data["metadata"]["name"] = _sized(MAX_STACK_NAME, 24)
    data["metadata"]["costCenter"] = "c" * 63
    data["training"][0].update(name=_sized("t-name-of-24-characters1", 24), maxRuntimeMinutes=40320)
    data["training"][0]["compute"] = {"instanceType": {"gcp": "n1-standard-16", "aws": "ml.g4dn.12xlarge",
                                                       "azure": "Standard_NC4as_T4_v3"},
                                      "gpu": {"type": "T4", "count": 2}, "count": 64, "spot": True,
                                      "cpu": 16, "memoryGiB": 60}  # a cluster's pod: n1-standard-16's size
    scoring, challenger = data["endpoints"]
    scoring.update(name=_sized(MAX_ITEM_NAME, 24))
    scoring["compute"] = {"instanceType": {"gcp": "n1-standard-4", "aws": "ml.m5.xlarge", "azure": "Standard_D4s_v3"},
                          "cpu": 4, "memoryGiB": 16}  # a cluster's pod: ml.m5.xlarge's size
    scoring["deployment"] = {"strategy": "linear", "linearStepPercent": 1, "waitMinutes": 1440, "autoRollback": True}
    scoring["autoscaling"] = {"minInstances": 100, "maxInstances": 100, "targetInvocationsPerInstance": 100000}
    scoring["dataCapture"] = {"enabled": True, "samplingPercent": 100}
    challenger.update(name=_sized("c-name-of-24-characters1", 24))
    challenger["deployment"] = {"strategy": "shadow", "mirrorPercent": 50, "autoRollback": True}
    data["access"]["roles"][0]["name"] = _sized("r-name-of-24-characters1", 24)
    # Experiment tracking and its grants (TensorBoard and metadata store; Azure: roles only).
    data["experiments"] = {"size": "large"}
    data["access"]["roles"][0]["permissions"] += ["experiments.read", "experiments.write"]
    return data


def extreme_values() -> dict[str, Any]:
    """Top of every range: retention, rotation, five thresholds, canary; backups out of the pair."""
    data = baseline("credit-risk.yaml")
    data["compliance"]["retentionDays"] = 3650
    data["encryption"]["keyRotationDays"] = 2560
    data["storage"]["artifacts"]["retentionDays"] = 3650
    data["budget"] = {"monthlyLimitUsd": 1_000_000.55, "alertThresholdsPercent": [10, 25, 50, 80, 100]}
    data["backups"].update(schedule="hourly", retentionDays=3650)
    data["placement"]["azure"] = {"location": "germanywestcentral", "backupLocation": "westeurope"}
    data["endpoints"][0]["deployment"] = {"strategy": "canary", "canaryPercent": 99, "waitMinutes": 0, "autoRollback": True}
    data["endpoints"][1]["deployment"] = {"strategy": "blue-green", "autoRollback": False}
    return data


EDGE_SPECS = {"max-names": max_names, "extreme-values": extreme_values}

# What the gates run on: every bundled example and every edge spec.
GATE_SPECS = [p.name for p in EXAMPLE_SPECS] + list(EDGE_SPECS)


@cache
def built(spec: str, cloud: str) -> tuple[Stack, Graph]:
    """(stack, mocked preview on ``cloud``) of a gate spec, built once per test session."""
    from mlopskit.engine import preview

    stack = parse_stack(EDGE_SPECS[spec]() if spec in EDGE_SPECS else baseline(spec), base_dir=STACKS)
    return stack, preview(stack, cloud)  # type: ignore[arg-type]
