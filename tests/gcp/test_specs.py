"""Every bundled spec previews on GCP, and every spec field reaches an input or a warning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mlopskit.engine import preview
from mlopskit.modules import load_stack
from mlopskit.modules.graph import Graph
from mlopskit.providers import get_provider
from tests.conftest import EXAMPLE_SPECS, STACKS
from tests.gcp.conftest import gcp_preview

PREFIX = "credit-risk-prod"


@pytest.mark.parametrize("path", EXAMPLE_SPECS, ids=lambda p: p.name)
def test_every_spec_previews_on_gcp(path) -> None:  # type: ignore[no-untyped-def]
    stack = load_stack(path)
    assert get_provider("gcp").check(stack) == []
    graph = preview(stack, "gcp")
    assert len(graph) > 20
    for resource in graph:
        if resource.type.startswith("gcp:") and resource.parent is None:
            pytest.fail(f"{resource.name} has no component parent")


def test_check_reports_gpus_gcp_cannot_offer() -> None:
    from mlopskit.modules import parse_stack
    from tests.specs import baseline, change

    data = change(baseline(), "endpoints[1].compute", {"cpu": 4, "memoryGiB": 16, "gpu": {"type": "A10G", "count": 1}})
    issues = get_provider("gcp").check(parse_stack(data, base_dir=STACKS))
    assert [i.path for i in issues] == ["endpoints[1].compute.gpu.type"]


def test_check_reports_regions_outside_the_allowed_list() -> None:
    from mlopskit.modules import parse_stack
    from tests.specs import baseline, change

    data = change(baseline(), "compliance.allowedRegions", ["europe-west4"])
    issues = get_provider("gcp").check(parse_stack(data, base_dir=STACKS))
    assert [i.path for i in issues] == ["placement.gcp.backupRegion"]


def _inputs(graph: Graph, name: str) -> dict[str, Any]:
    return graph.named(name).inputs


def _labels(graph: Graph) -> dict[str, str]:
    import json

    raw = graph.of_type("pulumi:providers:gcp")[0].inputs["defaultLabels"]
    return json.loads(raw) if isinstance(raw, str) else raw


def _warned(path: str) -> Callable[[Graph], bool]:
    return lambda g: any(w.path.startswith(path) for w in g.warnings)


# spec field -> (changed value, probe that sees the change in the graph)
FIELDS: dict[str, tuple[Any, Callable[[Graph], Any]]] = {
    "metadata.owner": ("someone@acme.org", lambda g: _labels(g)["owner"]),
    "metadata.costCenter": ("cc-9", lambda g: _labels(g)["cost-center"]),
    "metadata.dataClassification": ("restricted", lambda g: _labels(g)["data-classification"]),
    "metadata.labels": ({"team": "fraud"}, lambda g: _labels(g)["team"]),
    "compliance.frameworks": (["lgpd"], lambda g: _labels(g)["compliance"]),
    "compliance.retentionDays": (400, lambda g: _inputs(g, f"{PREFIX}-audit-log-retention")["retentionDays"]),
    "budget.monthlyLimitUsd": (100, lambda g: _inputs(g, f"{PREFIX}-budget-monthly")["amount"]),
    "budget.alertThresholdsPercent": ([90], lambda g: _inputs(g, f"{PREFIX}-budget-monthly")["thresholdRules"]),
    "placement.gcp.region": ("europe-west3", lambda g: _inputs(g, f"{PREFIX}-artifacts-bucket")["location"]),
    "placement.gcp.backupRegion": ("europe-north1", lambda g: _inputs(g, f"{PREFIX}-backups-bucket")["location"]),
    "network.private": (False, lambda g: len(g.of_type("gcp:compute/network:Network"))),
    "encryption.customerManagedKeys": (False, lambda g: len(g.of_type("gcp:kms/cryptoKey:CryptoKey"))),
    "encryption.keyProtectionLevel": ("hsm", lambda g: _inputs(g, f"{PREFIX}-keys-europe-west4-key")["versionTemplate"]),
    "encryption.keyRotationDays": (180, lambda g: _inputs(g, f"{PREFIX}-keys-europe-west4-key")["rotationPeriod"]),
    "storage.artifacts.versioning": (False, lambda g: _inputs(g, f"{PREFIX}-artifacts-bucket")["versioning"]),
    "storage.artifacts.retentionDays": (30, lambda g: _inputs(g, f"{PREFIX}-artifacts-bucket")["lifecycleRules"]),
    "registry.models.approval": ("automatic", lambda g: _inputs(g, f"{PREFIX}-scoring-deployment")["approval"]),
    "registry.containers.scanOnPush": (False, lambda g: _inputs(g, f"{PREFIX}-images-repository")["vulnerabilityScanningConfig"]),
    "registry.containers.immutableTags": (False, lambda g: _inputs(g, f"{PREFIX}-images-repository")["dockerConfig"]),
    "training[0].image": ({"framework": "sklearn", "version": "1.0"}, lambda g: _inputs(g, f"{PREFIX}-train-xgb-job-spec")["content"]),
    "training[0].entrypoint": ("features.py", lambda g: _inputs(g, f"{PREFIX}-train-xgb-job-spec")["content"]),
    "training[0].compute": ({"cpu": 8, "memoryGiB": 32, "count": 3}, lambda g: _inputs(g, f"{PREFIX}-train-xgb-job-spec")["content"]),
    "training[0].maxRuntimeMinutes": (30, lambda g: _inputs(g, f"{PREFIX}-train-xgb-job-spec")["content"]),
    "training[0].hyperparameters": ({"eta": "0.1"}, lambda g: _inputs(g, f"{PREFIX}-train-xgb-job-spec")["content"]),
    "training[0].schedule": ("0 4 * * *", lambda g: _inputs(g, f"{PREFIX}-train-xgb-schedule")["schedule"]),
    "endpoints[0].model.version": (3, lambda g: _inputs(g, f"{PREFIX}-scoring-deployment")["model"]),
    "endpoints[0].compute": ({"instanceType": {"gcp": "n1-standard-8"}}, lambda g: _inputs(g, f"{PREFIX}-scoring-deployment")["machineType"]),
    "endpoints[0].autoscaling.minInstances": (3, lambda g: _inputs(g, f"{PREFIX}-scoring-deployment")["minReplicaCount"]),
    "endpoints[0].autoscaling.maxInstances": (9, lambda g: _inputs(g, f"{PREFIX}-scoring-deployment")["maxReplicaCount"]),
    "endpoints[0].autoscaling.targetInvocationsPerInstance": (50, lambda g: _inputs(g, f"{PREFIX}-scoring-deployment")["targetRequestsPerReplica"]),
    "endpoints[0].deployment.canaryPercent": (25, lambda g: _inputs(g, f"{PREFIX}-scoring-deployment")["trafficSteps"]),
    "endpoints[0].deployment.waitMinutes": (30, lambda g: _inputs(g, f"{PREFIX}-scoring-deployment")["waitMinutes"]),
    "endpoints[0].deployment.autoRollback": (False, lambda g: _inputs(g, f"{PREFIX}-scoring-deployment")["autoRollback"]),
    "endpoints[0].dataCapture.samplingPercent": (50, lambda g: _inputs(g, f"{PREFIX}-scoring-endpoint")["predictRequestResponseLoggingConfig"]),
    "endpoints[0].monitoring.engine": ("managed", lambda g: sorted(r.name for r in g.resources if r.name.endswith("-scoring-drift"))),
    # The kit's monitor job: its Cloud Scheduler cron (hourly at minute 5, daily at 00:05 UTC).
    "endpoints[0].monitoring.drift.schedule": ("hourly", lambda g: _inputs(g, f"{PREFIX}-scoring-monitor-schedule")["schedule"]),
    "endpoints[0].monitoring.alarms.latencyP99Ms": (900, lambda g: _inputs(g, f"{PREFIX}-scoring-alert-latency")["conditions"]),
    "endpoints[0].monitoring.alarms.errorRatePercent": (5, lambda g: _inputs(g, f"{PREFIX}-scoring-alert-errors")["conditions"]),
    "endpoints[0].monitoring.notify": (["x@example.com"], lambda g: sorted(r.name for r in g.of_type("gcp:monitoring/notificationChannel:NotificationChannel"))),
    "endpoints[1].deployment.mirrorPercent": (30, lambda g: [w.message for w in g.warnings if w.path == "endpoints[1].deployment.strategy"]),
    "backups.schedule": ("weekly", lambda g: _inputs(g, f"{PREFIX}-backups-artifacts")["schedule"]),
    "backups.retentionDays": (90, lambda g: _inputs(g, f"{PREFIX}-backups-bucket")["retentionPolicy"]),
    # The bucket stays where backupRegion put it (a location never changes): the preview says why.
    "backups.crossRegion": (False, lambda g: ([w.message for w in g.warnings if w.path == "backups.crossRegion"],
                                              _inputs(g, f"{PREFIX}-backups-bucket")["location"])),
    "backups.targets": (["artifacts"], lambda g: len(g.of_type("gcp:storage/transferJob:TransferJob"))),
    "access.roles[0].principals": (["group:other@example.com"], lambda g: sorted(str(r.inputs["member"]) for r in g if "IamMember" in r.type or "IAMMember" in r.type)),
    "access.roles[0].permissions": (["artifacts.write"], lambda g: sorted(str(r.inputs["role"]) for r in g if "IamMember" in r.type or "IAMMember" in r.type)),
}

# Fields whose only GCP effect is a warning (GCP cannot honour them natively).
WARNED = {"endpoints[1].deployment.strategy": _warned("endpoints[1].deployment.strategy"),
          "backups.targets[2]": _warned("backups.targets[2]")}


@pytest.fixture(scope="module")
def base() -> Graph:
    return gcp_preview()


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_each_spec_field_reaches_an_input(field: str, base: Graph) -> None:
    value, probe = FIELDS[field]
    changed = gcp_preview(**{field.replace(".", "__"): value})
    assert probe(changed) != probe(base), f"{field} changed nothing on GCP"


@pytest.mark.parametrize("field", sorted(WARNED))
def test_unsupported_fields_are_warned(field: str, base: Graph) -> None:
    assert WARNED[field](base)
