"""Container registry, Azure ML model registry, and resolving approved model versions."""

from __future__ import annotations

from contextlib import contextmanager

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.providers.azure import AzureProvider
from mlopskit.providers.azure.model_registry import AzureModelRegistry, InMemoryModelClient, live_registry
from mlopskit.providers.base import MISSING_MODEL
from tests.azure.helpers import DEV, PROD, all_of, graph_of, graph_with, one, warned
from tests.conftest import STACKS
from tests.specs import baseline


def test_container_registry_is_premium_private_without_admin_user() -> None:
    graph = graph_of(PROD)
    acr = one(graph, ":containerregistry:Registry").inputs
    assert acr["adminUserEnabled"] is False
    assert acr["anonymousPullEnabled"] is False
    assert acr["sku"]["name"] == "Premium"
    assert acr["publicNetworkAccess"] == "Disabled"
    key = one(graph, ":keyvault:Key")
    assert acr["encryption"]["status"] == "enabled"
    assert acr["encryption"]["keyVaultProperties"]["keyIdentifier"] == key.outputs["keyUri"]


def test_container_registry_replicates_to_the_backup_location() -> None:
    replica = one(graph_of(PROD), ":containerregistry:Replication").inputs
    assert replica["location"] == "northeurope"
    assert all_of(graph_of(DEV), ":containerregistry:Replication") == []


def test_public_registry_without_cmk_is_standard() -> None:
    graph = graph_with(DEV, network={"private": False}, encryption={"customerManagedKeys": False})
    assert one(graph, ":containerregistry:Registry").inputs["sku"]["name"] == "Standard"


def test_scan_and_immutable_tags_are_reported() -> None:
    graph = graph_of(PROD)
    assert "Defender for Containers" in warned(graph, "registry.containers.scanOnPush")[0]
    assert warned(graph, "registry.containers.immutableTags")
    quiet = graph_with(PROD, registry__containers={"scanOnPush": False, "immutableTags": False})
    assert warned(quiet, "registry.containers.scanOnPush") == []
    assert warned(quiet, "registry.containers.immutableTags") == []


def test_model_registry_records_approval_and_replicates_models() -> None:
    registry = one(graph_of(PROD), ":machinelearningservices:Registry").inputs
    assert registry["tags"]["mlopskit-model-approval"] == "manual"
    assert [r["location"] for r in registry["regionDetails"]] == ["westeurope", "northeurope"]
    assert registry["publicNetworkAccess"] == "Disabled"
    automatic = one(graph_with(PROD, registry__models__approval="automatic"), ":machinelearningservices:Registry")
    assert automatic.inputs["tags"]["mlopskit-model-approval"] == "automatic"
    assert [r["location"] for r in one(graph_of(DEV), ":machinelearningservices:Registry").inputs["regionDetails"]] == ["westeurope"]


def test_model_registry_cmk_is_reported() -> None:
    assert "Microsoft-managed" in warned(graph_of(PROD), "encryption.customerManagedKeys")[0]


def _registry(approval: str = "manual") -> tuple[AzureModelRegistry, InMemoryModelClient]:
    client = InMemoryModelClient()
    return AzureModelRegistry(client, "mlr-test", approval), client


def test_latest_approved_is_the_highest_approved_version() -> None:
    registry, client = _registry()
    client.register("credit-risk", 3, approved=True)
    client.register("credit-risk", 5, approved=True)
    client.register("credit-risk", 6, approved=False)
    resolved = registry.resolve("credit-risk", "latest-approved")
    assert resolved is not None and resolved.version == 5
    assert resolved.reference == "azureml://registries/mlr-test/models/credit-risk/versions/5"


def test_no_approved_version_resolves_to_none() -> None:
    registry, client = _registry()
    client.register("credit-risk", 6, approved=False)
    assert registry.resolve("credit-risk", "latest-approved") is None
    assert registry.resolve("unknown", "latest-approved") is None


def test_automatic_approval_accepts_any_version() -> None:
    registry, client = _registry("automatic")
    client.register("credit-risk", 6, approved=False)
    resolved = registry.resolve("credit-risk", "latest-approved")
    assert resolved is not None and resolved.version == 6


def test_pinned_versions_must_exist() -> None:
    registry, client = _registry()
    client.register("credit-risk", 7)
    assert registry.resolve("credit-risk", 7) is not None
    assert registry.resolve("credit-risk", 8) is None


def test_offline_registry_is_the_live_class_seeded_with_every_package() -> None:
    stack = parse_stack(baseline(PROD), base_dir=STACKS)
    provider = AzureProvider()
    with provider.offline_registry(stack) as registry:
        assert type(registry) is type(provider.registry(stack))
        assert registry.resolve("credit-risk", "latest-approved") is not None
        assert registry.resolve("credit-risk", 7) is not None


def test_live_registry_imports_the_azure_sdk_lazily() -> None:
    registry = live_registry(parse_stack(baseline(PROD), base_dir=STACKS))
    assert registry.registry_name == "mlr-credit-risk-prod"
    assert registry.client._client is None  # type: ignore[attr-defined]


class _EmptyRegistryProvider(AzureProvider):
    @contextmanager
    def offline_registry(self, stack):  # type: ignore[no-untyped-def, override]
        yield AzureModelRegistry(InMemoryModelClient(), "mlr-empty", "manual", offline=True)


def test_without_an_approved_version_the_deployment_is_skipped_and_said_so() -> None:
    graph = preview(parse_stack(baseline(PROD), base_dir=STACKS), "azure", provider=_EmptyRegistryProvider())
    messages = warned(graph, "endpoints[0].model.version")
    assert messages == [MISSING_MODEL.format(package="credit-risk", wanted="approved version", endpoint="scoring")]
    assert all_of(graph, ":machinelearningservices:OnlineDeployment") == []
    # Everything else is still built: both endpoints, the workspace, storage, alerts.
    assert len(all_of(graph, ":machinelearningservices:OnlineEndpoint")) == 2
    assert all_of(graph, ":machinelearningservices:Workspace")
    assert all_of(graph, ":monitor:ScheduledQueryRule")
    assert one(graph, ":machinelearningservices:OnlineEndpoint", "scoring").inputs["properties"]["traffic"] == {}


def test_private_workspace_reaches_the_model_registry_and_package_feeds() -> None:
    graph = graph_of(PROD)
    network = one(graph, ":machinelearningservices:Workspace").inputs["managedNetwork"]
    registry = one(graph, ":machinelearningservices:Registry")
    assert network["isolationMode"] == "AllowOnlyApprovedOutbound"
    rule = network["outboundRules"]["model-registry"]
    assert rule["destination"]["serviceResourceId"] == registry.outputs["id"]
    assert rule["destination"]["subresourceTarget"] == "amlregistry"
    assert network["outboundRules"]["feed-pypi-org"]["destination"] == "pypi.org"
    # fraud-dev trains from its own image: no package feed is opened.
    dev_rules = one(graph_of(DEV), ":machinelearningservices:Workspace").inputs["managedNetwork"]["outboundRules"]
    assert set(dev_rules) == {"model-registry"}
