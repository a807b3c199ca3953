"""The Azure fidelity gate: 0 violations on every bundled and edge spec; each kind can fail.

Budget: one mocked preview per spec (cached for the module); the gate itself runs in
well under a second per graph.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from mlopskit.modules.graph import Graph
from mlopskit.modules.stack import Stack
from mlopskit.providers.azure.features import FEATURES
from tests.fidelity.azure import gate
from tests.fidelity.gcp.edge import GATE_SPECS, built

PROD, DEV = "credit-risk.yaml", "fraud-dev.yaml"
P = "credit-risk-prod"


@pytest.mark.parametrize("spec", GATE_SPECS)
def test_gate_finds_nothing(spec: str) -> None:
    stack, graph = _built(spec)
    assert [str(v) for v in gate.run_gate(graph, stack)] == []


def planted(graph: Graph, type_suffix: str, mutate: Callable[[dict[str, Any]], Any], name_part: str = "") -> Graph:
    """A copy of ``graph`` whose first resource of that type (and name part) has changed inputs."""
    resources, done = [], False
    for resource in graph:
        if not done and resource.type.endswith(type_suffix) and name_part in resource.name:
            inputs = copy.deepcopy(resource.inputs)
            mutate(inputs)
            resource, done = dataclasses.replace(resource, inputs=inputs), True
        resources.append(resource)
    assert done, type_suffix
    return dataclasses.replace(graph, resources=resources)


def _found(spec: str, graph: Graph) -> list[str]:
    return [str(v) for v in gate.run_gate(graph, _built(spec)[0])]


PLANTS: dict[str, tuple[str, str, Callable[[dict[str, Any]], Any], str, str]] = {
    "unknown property": (PROD, ":storage:StorageAccount", lambda i: i.update(httpsOnly=True), "",
                         "httpsOnly: unknown property of StorageAccountArgs"),
    "missing required input": (PROD, ":keyvault:Vault", lambda i: i.pop("properties"), "",
                               "properties: required by VaultArgs but missing"),
    "enum value": (PROD, ":keyvault:Vault", lambda i: i["properties"]["sku"].update(name="gold"), "",
                   "properties.sku.name: 'gold' is not one of the SDK's enum values"),
    "discriminator": (PROD, ":monitor:MetricAlert", lambda i: i["criteria"].update(odataType="Microsoft.Azure.Monitor.Nope"),
                      "", "criteria.odataType: 'Microsoft.Azure.Monitor.Nope' but"),
    "name length": (PROD, ":storage:StorageAccount", lambda i: i.update(accountName="a" * 25), "",
                    "accountName: 'aaaaaaaaaaaaaaaaaaaaaaaaa' breaks the StorageAccount name rule"),
    "traffic sum": (PROD, ":machinelearningservices:OnlineEndpoint",
                    lambda i: i["properties"].update(traffic={"blue": 90.0, "green": 20.0}), "scoring",
                    "properties.traffic: sums to 110, not 100"),
    "mirror above 50": (PROD, ":machinelearningservices:OnlineEndpoint",
                        lambda i: i["properties"].update(mirrorTraffic={"blue": 60.0}), "challenger",
                        "properties.mirrorTraffic.blue: 60% (Azure ML allows 0-50)"),
    "code asset property": (PROD, ":machinelearningservices:CodeVersion",
                            lambda i: i["properties"].update(codeUrl="x"), "", "properties.codeUrl: unknown property"),
    "model version property": (DEV, ":machinelearningservices:ModelVersion",
                               lambda i: i["properties"].update(path="x"), "", "properties.path: unknown property"),
    "datastore discriminator": (DEV, ":machinelearningservices:Datastore",
                                lambda i: i["properties"].update(datastoreType="Blob"), "",
                                "properties.datastoreType: 'Blob'"),
    "item 1: stale budget start": (PROD, ":consumption:Budget",
                                   lambda i: i["timePeriod"].update(startDate="2026-01-01T00:00:00Z"), "",
                                   "timePeriod.startDate: 2026-01-01T00:00:00Z: Azure wants the first of a month, not before"),
    "item 5: container without routes": (DEV, ":machinelearningservices:EnvironmentVersion",
                                         lambda i: i["properties"].pop("inferenceConfig"), "detector",
                                         "properties.inferenceConfig.livenessRoute: a custom serving container needs"),
    "item 5: no-code custom model": (PROD, ":machinelearningservices:OnlineDeployment",
                                     lambda i: i["tags"].update({"mlopskit-model-format": "custom"}), "",
                                     "Azure ML deploys that only for MLflow models (format 'custom')"),
    "item 8: zone group without its zone": (PROD, ":network:PrivateDnsZoneGroup",
                                            lambda i: i["privateDnsZoneConfigs"].pop(), "workspace",
                                            "missing the privatelink.notebooks.azure.net zone"),
    "item 10: versioned key": (PROD, ":machinelearningservices:Workspace",
                               lambda i: i["encryption"]["keyVaultProperties"].update(
                                   keyIdentifier=i["encryption"]["keyVaultProperties"]["keyIdentifier"] + "/0a1b2c3d4e5f"),
                               "", "encryption.keyVaultProperties.keyIdentifier"),
}


@pytest.mark.parametrize("kind", list(PLANTS))
def test_planted_violation_is_caught(kind: str) -> None:
    spec, type_suffix, mutate, name_part, expected = PLANTS[kind]
    found = _found(spec, planted(_built(spec)[1], type_suffix, mutate, name_part))
    assert any(expected in f for f in found), found


def test_endpoint_without_zone_group_is_caught() -> None:
    _, graph = _built(PROD)
    bare = dataclasses.replace(graph, resources=[r for r in graph if not r.type.endswith(":network:PrivateDnsZoneGroup")])
    # five of the stack's services, and the model registry's own storage and ACR in two regions (#26 row 6)
    assert sum("no DNS zone group" in f for f in _found(PROD, bare)) == 9


def test_budget_start_rule_counts_months_from_today() -> None:
    _, graph = _built(PROD)
    assert gate.check_budget_start(graph, today=date(2099, 1, 15))  # a start 70+ years back is stale
    assert not gate.check_budget_start(graph)


def test_paired_region_copy_must_be_said_and_not_called_native() -> None:
    stack, graph = _built("extreme-values")  # germanywestcentral -> germanynorth, backupLocation westeurope
    silent = dataclasses.replace(graph, warnings=[w for w in graph.warnings if w.path != "placement.azure.backupLocation"])
    assert any("and no warning says so" in str(v) for v in gate.run_gate(silent, stack))
    native = {**FEATURES, "backups.crossRegion": ("native", "geo-redundant")}
    assert any("declared native" in str(v) for v in gate.run_gate(graph, stack, declared=native))


def _built(spec: str) -> tuple[Stack, Graph]:
    return built(spec, "azure")
