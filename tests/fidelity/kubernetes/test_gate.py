"""The Kubernetes fidelity gate (validator.py): every bundled and edge spec records 0 problems, and a
planted violation of each kind is caught (a core object, each CRD, an unknown field, an unknown type)."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.providers.kubernetes import types as t
from tests.fidelity.gcp.edge import GATE_SPECS, built
from tests.fidelity.kubernetes.validator import CRD_FILES, gate, problems
from tests.fidelity.test_ordering import placed

CLOUD = "kubernetes"


@pytest.mark.parametrize("spec", GATE_SPECS)
def test_every_recorded_object_is_valid(spec: str) -> None:
    if not placed(spec, CLOUD):
        pytest.skip(f"{spec} is not placed on {CLOUD}")
    graph = built(spec, CLOUD)[1]
    assert {r.type for r in graph if r.custom} - {t.PROVIDER} <= set(t.CORE) | set(CRD_FILES)
    assert gate(graph) == []


def _one(type_: str) -> RecordedResource:
    return next(r for r in built("credit-risk.yaml", CLOUD)[1] if r.type == type_)


def _planted(type_: str, change: Any) -> list[str]:
    resource = _one(type_)
    inputs = copy.deepcopy(dict(resource.inputs))
    change(inputs)
    return problems(dataclasses.replace(resource, inputs=inputs))


def test_the_bundled_example_records_every_kind_checked() -> None:
    types = {r.type for r in built("credit-risk.yaml", CLOUD)[1]}
    assert set(CRD_FILES) <= types and {t.CRON_JOB, t.NETWORK_POLICY, t.ROLE, t.ROLE_BINDING} <= types


def test_a_misspelled_core_field_is_caught() -> None:
    found = _planted(t.CRON_JOB, lambda i: i["spec"]["jobTemplate"]["spec"].update(activeDeadline=60))
    assert any("activeDeadline" in p for p in found), found


def test_a_core_field_of_the_wrong_type_is_caught() -> None:
    found = _planted(t.NETWORK_POLICY, lambda i: i["spec"].update(policyTypes="Ingress"))
    assert found and all("policyTypes" in p for p in found), found


def test_a_value_outside_the_kserve_enum_is_caught() -> None:
    found = _planted(t.INFERENCE_SERVICE, lambda i: i["spec"]["predictor"].update(scaleMetric="qps"))
    assert any("'qps' is not one of" in p for p in found), found


def test_a_field_kserve_would_prune_is_caught() -> None:
    found = _planted(t.INFERENCE_SERVICE, lambda i: i["spec"]["predictor"].update(minReplica=2))
    assert found == [".spec.predictor.minReplica: unknown field (pruned by the API server)"]


def test_a_velero_schedule_without_its_schedule_is_caught() -> None:
    found = _planted(t.VELERO_SCHEDULE, lambda i: i["spec"].pop("schedule"))
    assert any("'schedule' is a required property" in p for p in found), found


def test_a_prometheus_rule_without_an_expression_is_caught() -> None:
    found = _planted(t.PROMETHEUS_RULE, lambda i: i["spec"]["groups"][0]["rules"][0].pop("expr"))
    assert any("'expr' is a required property" in p for p in found), found


def test_a_prometheus_rule_with_a_bad_duration_is_caught() -> None:
    found = _planted(t.PROMETHEUS_RULE, lambda i: i["spec"]["groups"][0]["rules"][0].update({"for": "5 minutes"}))
    assert any("does not match" in p for p in found), found


def test_bad_metadata_of_a_custom_resource_is_caught() -> None:
    found = _planted(t.VELERO_SCHEDULE, lambda i: i["metadata"].update(labels={"bad": 3}))
    assert found, found


def test_a_type_without_a_schema_is_caught() -> None:
    resource = dataclasses.replace(_one(t.CONFIG_MAP), type="kubernetes:example.com/v1:Widget")
    assert gate(Graph(CLOUD, "s", (resource,))) == [
        f"{resource.name} (kubernetes:example.com/v1:Widget): kubernetes:example.com/v1:Widget: "
        "no schema to validate it against"]
