"""Edge specs for the AWS fidelity gate: the longest names and the most extreme values the
spec accepts, so every generated name and number meets the API's limits at its worst."""

from __future__ import annotations

import copy
from typing import Any

from tests.specs import baseline

LONGEST = 24  # metadata.name and every other spec name: ^[a-z][a-z0-9-]{1,23}$


def _name(stem: str) -> str:
    """A name of the maximum length starting with ``stem``."""
    return (stem + "-" + "x" * LONGEST)[:LONGEST]


def longest_names() -> dict[str, Any]:
    """credit-risk with every name at its maximum and the longest environment."""
    data = baseline("credit-risk.yaml")
    data["metadata"]["name"] = _name("credit-risk")
    data["metadata"]["environment"] = "staging"
    data["training"][0]["name"] = _name("train-xgb")
    for index, endpoint in enumerate(data["endpoints"]):
        endpoint["name"] = _name(f"endpoint{index}")
    for index, role in enumerate(data["access"]["roles"]):
        role["name"] = _name(f"role{index}")
    # Experiment tracking (the tracking server's name at the longest stack name) and its grants.
    data["experiments"] = {"size": "large"}
    data["access"]["roles"][0]["permissions"] += ["experiments.read", "experiments.write"]
    return data


def extreme_values() -> dict[str, Any]:
    """Longest names plus the largest counts, percentages and durations AWS accepts."""
    data = longest_names()
    job = data["training"][0]
    job["compute"] = {"cpu": 4, "memoryGiB": 16, "count": 64, "spot": True}
    job["maxRuntimeMinutes"] = 28 * 24 * 60  # SageMaker's MaxRuntimeInSeconds limit
    scoring, challenger = data["endpoints"]
    scoring["autoscaling"] = {"minInstances": 100, "maxInstances": 100, "targetInvocationsPerInstance": 100000}
    # Ten 45-minute steps plus the kit's 30 minutes to provision fill SageMaker's 28,800 s
    # deployment timeout exactly (60-minute steps cannot fit: `validate` refuses them).
    scoring["deployment"] = {"strategy": "linear", "linearStepPercent": 10, "waitMinutes": 45, "autoRollback": True}
    scoring["dataCapture"] = {"enabled": True, "samplingPercent": 100}
    scoring["monitoring"]["alarms"] = {"latencyP99Ms": 600000, "errorRatePercent": 100}
    challenger["deployment"] = {"strategy": "canary", "canaryPercent": 50, "waitMinutes": 60, "autoRollback": True}
    challenger["monitoring"]["drift"] = {"schedule": "hourly"}
    # Clarify jobs at the longest names, their baselines inside the drift job's output folder
    # (monitoring/<endpoint>/: the monitoring role's Deny on them is linted too) and their labels at
    # the longest folder a ground truth may have (never one of the kit's own folders).
    folder = f"monitoring/{challenger['name']}/"
    features = ["f" * 64, "age"]
    challenger["monitoring"]["bias"] = {
        "baseline": f"{folder}baseline/bias/", "groundTruth": f"labels/{challenger['name']}/", "label": "outcome",
        "features": features, "facets": ["age"], "thresholds": {"DI": 0.8, "DPPL": 0.1}, "schedule": "hourly"}
    challenger["monitoring"]["explainability"] = {
        "baseline": f"{folder}baseline/explainability/", "label": "outcome", "features": features, "schedule": "hourly"}
    challenger["dataCapture"] = {"enabled": True, "samplingPercent": 1}
    data["backups"]["retentionDays"] = 3650
    data["compliance"]["retentionDays"] = 3650
    data["access"]["roles"][1]["principals"] = ["serviceAccount:" + "r" * 64]
    return copy.deepcopy(data)


def managed_monitoring() -> dict[str, Any]:
    """The extreme values with SageMaker's own monitoring (monitoring.engine: managed, an opt-in
    since issue 25): its job definitions and schedules are checked at their extremes too."""
    data = extreme_values()
    challenger = data["endpoints"][1]
    challenger["monitoring"]["engine"] = "managed"
    challenger["monitoring"]["quality"] = {
        "groundTruth": challenger["monitoring"]["bias"]["groundTruth"], "problemType": "binary-classification",
        "thresholds": {"accuracy": 0.85, "auc": 0.8}, "schedule": "hourly"}
    return data
