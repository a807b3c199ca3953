"""The provider as a whole: coverage of the abstractions, every bundled spec, wiring rules."""

from __future__ import annotations

import re

import pytest

from mlopskit.modules import load_stack
from mlopskit.modules.provider import ABSTRACTIONS
from mlopskit.providers import get_provider
from mlopskit.providers.azure import AzureProvider
from mlopskit.providers.azure.mocks import SUBSCRIPTION_ID
from tests.azure.helpers import DEV, PROD, all_of, graph_of
from tests.conftest import EXAMPLE_SPECS

TAG_KEYS = {"owner", "cost-center", "data-classification", "stack", "environment"}
# Resource types whose Azure API takes tags (the others are sub-resources or extensions).
UNTAGGED = {
    # Workspace assets carry their tags in properties.tags.
    "azure-native:machinelearningservices:CodeVersion",
    "azure-native:machinelearningservices:ModelVersion",
    "azure-native:machinelearningservices:Datastore",
    "azure-native:authorization:RoleAssignment",
    "azure-native:authorization:PolicyAssignment",
    "azure-native:storage:BlobServiceProperties",
    "azure-native:storage:BlobContainer",
    "azure-native:storage:ManagementPolicy",
    "azure-native:network:PrivateDnsZoneGroup",  # a sub-resource of the private endpoint: no tags
    "azure-native:monitor:DiagnosticSetting",
    "azure-native:consumption:Budget",
    "azure-native:dataprotection:BackupPolicy",
    "azure-native:machinelearningservices:Schedule",
    "azure-native:machinelearningservices:Job",
    "azure-native:machinelearningservices:EnvironmentVersion",
}
DATA_BEARING = {
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:Key",
    "azure-native:storage:StorageAccount",
    "azure-native:storage:BlobContainer",
    "azure-native:containerregistry:Registry",
    "azure-native:machinelearningservices:Registry",
    "azure-native:machinelearningservices:Workspace",
    "azure-native:dataprotection:BackupVault",
}


def test_get_provider_returns_azure() -> None:
    provider = get_provider("azure")
    assert isinstance(provider, AzureProvider)
    assert provider.cloud == "azure"


def test_every_abstraction_has_a_component() -> None:
    assert set(AzureProvider.components) == set(ABSTRACTIONS)
    for token in AzureProvider.components.values():
        assert re.fullmatch(r"mlopskit:azure:[A-Z][A-Za-z]+", token)


def test_every_component_type_is_built_for_the_full_spec() -> None:
    # The full spec has every component but batch inference, which the lifecycle example adds.
    types = {r.type for r in graph_of(PROD)} | {r.type for r in graph_of("lifecycle.yaml")}
    missing = [t for t in AzureProvider.components.values() if t not in types]
    assert missing == []


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=lambda p: p.name)
def test_every_bundled_spec_previews(spec) -> None:
    stack = load_stack(spec)
    assert AzureProvider().check(stack) == []
    graph = graph_of(spec.name)
    assert len(graph) > 30
    assert len({r.urn for r in graph}) == len(graph)


@pytest.mark.parametrize("spec", [PROD, DEV])
def test_custom_resources_use_the_explicit_provider_and_have_a_component_parent(spec: str) -> None:
    graph = graph_of(spec)
    provider = one_provider(graph)
    assert provider.inputs["location"] == "westeurope"
    for resource in graph:
        if resource.type.startswith("azure-native:"):
            assert resource.provider == provider.name, resource.name
            parent = graph.by_urn(resource.parent) if resource.parent else None
            assert parent is not None and parent.type.startswith("mlopskit:azure:"), resource.name


def one_provider(graph):  # type: ignore[no-untyped-def]
    providers = [r for r in graph if r.type == "pulumi:providers:azure-native"]
    assert len(providers) == 1
    return providers[0]


@pytest.mark.parametrize("spec", [PROD, DEV])
def test_every_taggable_resource_is_tagged(spec: str) -> None:
    graph = graph_of(spec)
    for resource in graph:
        if resource.type.startswith("azure-native:") and resource.type not in UNTAGGED:
            tags = resource.inputs.get("tags")
            assert tags and TAG_KEYS <= set(tags), resource.name


def test_tags_carry_metadata_and_labels() -> None:
    tags = one_rg(graph_of(PROD)).inputs["tags"]
    assert tags["owner"] == "ml-platform@example.com"
    assert tags["cost-center"] == "cc-1234"
    assert tags["data-classification"] == "confidential"
    assert tags["environment"] == "prod"
    assert tags["stack"] == "credit-risk-prod"
    assert tags["team"] == "risk"
    assert tags["compliance"] == "gdpr"


def one_rg(graph):  # type: ignore[no-untyped-def]
    groups = all_of(graph, ":resources:ResourceGroup")
    assert len(groups) == 1
    return groups[0]


def test_data_bearing_resources_are_protected_in_prod() -> None:
    graph = graph_of(PROD)
    found = {r.type for r in graph if r.type in DATA_BEARING}
    assert found == DATA_BEARING
    for resource in graph:
        if resource.type in DATA_BEARING:
            assert resource.protect, resource.name


def test_nothing_is_protected_in_dev() -> None:
    assert [r.name for r in graph_of(DEV) if r.protect] == []


def test_client_config_invoke_feeds_tenant_and_role_definitions() -> None:
    graph = graph_of(PROD)
    vault = all_of(graph, ":keyvault:Vault")[0]
    assert vault.inputs["properties"]["tenantId"] == "11111111-1111-1111-1111-111111111111"
    for assignment in all_of(graph, ":authorization:RoleAssignment"):
        assert assignment.inputs["roleDefinitionId"].startswith(
            f"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/"
        )


def test_mocked_ids_look_like_arm_ids() -> None:
    graph = graph_of(PROD)
    vault = all_of(graph, ":keyvault:Vault")[0]
    assert vault.outputs["id"] == (
        f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg-credit-risk-prod/providers/Microsoft.KeyVault/vaults/"
        + vault.inputs["vaultName"]
    )
    identity = all_of(graph, ":managedidentity:UserAssignedIdentity")[0]
    assert re.fullmatch(r"[0-9a-f-]{36}", identity.outputs["principalId"])
    key = all_of(graph, ":keyvault:Key")[0]
    assert key.outputs["keyUri"].startswith(f"https://{vault.inputs['vaultName']}.vault.azure.net/keys/")


# Which component each resource type belongs to (the abstraction that owns it).
OWNERS = {
    "azure-native:resources:ResourceGroup": "mlopskit:azure:Foundation",
    "azure-native:keyvault:Vault": "mlopskit:azure:Keys",
    "azure-native:keyvault:Key": "mlopskit:azure:Keys",
    "azure-native:storage:StorageAccount": "mlopskit:azure:Storage",
    "azure-native:storage:BlobServiceProperties": "mlopskit:azure:Storage",
    "azure-native:containerregistry:Registry": "mlopskit:azure:ContainerRegistry",
    "azure-native:machinelearningservices:Registry": "mlopskit:azure:ModelRegistry",
    "azure-native:machinelearningservices:Workspace": "mlopskit:azure:Workspace",
    "azure-native:network:PrivateEndpoint": "mlopskit:azure:Network",
    # The kit monitor job has its own cluster and alerts (providers/azure/monitor_job.py).
    "azure-native:machinelearningservices:Compute": ("mlopskit:azure:Training", "mlopskit:azure:MonitorJob"),
    "azure-native:machinelearningservices:OnlineEndpoint": "mlopskit:azure:Endpoint",
    "azure-native:machinelearningservices:OnlineDeployment": "mlopskit:azure:Endpoint",
    "azure-native:monitor:AutoscaleSetting": "mlopskit:azure:Autoscaling",
    "azure-native:operationalinsights:Workspace": "mlopskit:azure:Monitoring",
    "azure-native:applicationinsights:Component": "mlopskit:azure:Monitoring",
    "azure-native:monitor:MetricAlert": ("mlopskit:azure:EndpointMonitoring", "mlopskit:azure:MonitorJob"),
    "azure-native:monitor:ActionGroup": "mlopskit:azure:EndpointMonitoring",
    "azure-native:dataprotection:BackupVault": "mlopskit:azure:Backups",
    "azure-native:managedidentity:UserAssignedIdentity": "mlopskit:azure:Identity",
    "azure-native:monitor:DiagnosticSetting": "mlopskit:azure:Audit",
    "azure-native:consumption:Budget": "mlopskit:azure:Budget",
}


@pytest.mark.parametrize(("type_", "owner"), sorted(OWNERS.items()))
def test_resources_belong_to_their_abstraction(type_: str, owner: str | tuple[str, ...]) -> None:
    graph = graph_of(PROD)
    resources = graph.of_type(type_)
    assert resources, type_
    for resource in resources:
        owners = owner if isinstance(owner, tuple) else (owner,)
        assert graph.by_urn(resource.parent).type in owners, resource.name  # type: ignore[arg-type]
        assert resource.name.startswith("credit-risk-prod-"), resource.name
