"""Physical names: deterministic, within Azure's limits, and stable when the spec grows."""

from __future__ import annotations

import re

import pytest

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph
from mlopskit.providers.azure import names
from mlopskit.providers.azure.names import LIMITS
from tests.azure.helpers import PROD, all_of, graph_of, graph_with
from tests.conftest import STACKS
from tests.specs import baseline

LONGEST_NAME = "abcdefghij-klmnopqrstuvw"  # 24 characters: the longest metadata.name
LONGEST_COMPONENT = "x" * 12 + "-" + "y" * 11  # 24 characters: the longest component name

# (resource type suffix, input holding its physical name, limit key)
NAMED = [
    (":storage:StorageAccount", "accountName", "storage_account"),
    (":keyvault:Vault", "vaultName", "key_vault"),
    (":containerregistry:Registry", "registryName", "container_registry"),
    (":machinelearningservices:Workspace", "workspaceName", "workspace"),
    (":machinelearningservices:Registry", "registryName", "ml_registry"),
    (":machinelearningservices:OnlineEndpoint", "endpointName", "online_endpoint"),
    (":machinelearningservices:OnlineDeployment", "deploymentName", "online_deployment"),
    (":machinelearningservices:Compute", "computeName", "compute"),
    (":dataprotection:BackupVault", "vaultName", "backup_vault"),
    (":monitor:ActionGroup", "groupShortName", "action_group_short"),
    (":operationalinsights:Workspace", "workspaceName", "log_analytics"),
    (":resources:ResourceGroup", "resourceGroupName", "resource_group"),
]


def _long_graph() -> Graph:
    return graph_with(
        PROD,
        metadata__name=LONGEST_NAME,
        metadata__environment="staging",
        **{"endpoints[0].name": LONGEST_COMPONENT, "training[0].name": LONGEST_COMPONENT},
    )


@pytest.fixture(scope="module")
def long_graph() -> Graph:
    return _long_graph()


@pytest.mark.parametrize(("type_suffix", "field", "limit"), NAMED, ids=[n[2] for n in NAMED])
def test_names_fit_azure_limits_for_the_longest_spec_names(long_graph: Graph, type_suffix: str, field: str, limit: str) -> None:
    low, high, pattern = LIMITS[limit]
    resources = all_of(long_graph, type_suffix) + all_of(graph_of(PROD), type_suffix)
    assert resources, type_suffix
    for resource in resources:
        value = resource.inputs[field]
        assert low <= len(value) <= high, (limit, value)
        assert re.match(pattern, value), (limit, value)


def test_names_are_deterministic() -> None:
    first = {(r.type, r.name): r.inputs for r in graph_of(PROD)}
    # A fresh, uncached run of the same spec.
    second = {(r.type, r.name): r.inputs for r in preview(parse_stack(baseline(PROD), base_dir=STACKS), "azure")}
    assert first.keys() == second.keys()
    for key, inputs in first.items():
        for field in ("accountName", "vaultName", "registryName", "endpointName", "roleAssignmentName", "workspaceName"):
            assert inputs.get(field) == second[key].get(field), (key, field)


def test_adding_an_endpoint_renames_nothing_else() -> None:
    data_graph = graph_of(PROD)
    extra = baseline(PROD)["endpoints"][1] | {"name": "another"}
    grown = graph_with(PROD, endpoints=[*baseline(PROD)["endpoints"], extra])
    before = {r.urn for r in data_graph}
    after = {r.urn for r in grown}
    assert before <= after
    physical = lambda g: {r.urn: r.inputs.get("endpointName") or r.inputs.get("accountName") for r in g}  # noqa: E731
    old, new = physical(data_graph), physical(grown)
    assert all(new[urn] == name for urn, name in old.items())


def test_globally_unique_names_differ_between_stacks() -> None:
    for make in (names.storage_account, names.key_vault, names.container_registry):
        assert make("credit-risk-prod") != make("credit-risk-dev")
    assert names.online_endpoint("a-prod", "scoring") != names.online_endpoint("b-prod", "scoring")


def test_long_names_that_share_a_prefix_stay_distinct() -> None:
    a = names.online_endpoint(LONGEST_NAME + "-staging", LONGEST_COMPONENT)
    b = names.online_endpoint(LONGEST_NAME + "-staging", LONGEST_COMPONENT[:-1] + "z")
    assert a != b and len(a) <= 32 and len(b) <= 32
    assert names.compute("train-" + "q" * 18) != names.compute("train-" + "q" * 17 + "r")
