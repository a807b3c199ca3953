"""What a real Azure deploy needs beyond valid inputs (issue 12: items 1, 5, 8, 9, 10)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mlopskit.engine import _RecordingMonitor, preview
from mlopskit.modules import parse_stack
from mlopskit.providers.azure import AzureProvider
from mlopskit.providers.azure.budget import month_start
from mlopskit.providers.azure.features import FEATURES
from tests.azure.helpers import DEV, PROD, all_of, graph_of, graph_with, one
from tests.conftest import STACKS
from tests.specs import baseline, change

# -- item 1: the budget starts on the first of the current month, and stays put ----------

def test_budget_start_is_the_first_of_the_current_month() -> None:
    assert month_start(date(2027, 3, 17)) == "2027-03-01T00:00:00Z"
    budget = one(graph_of(PROD), ":consumption:Budget")
    assert budget.inputs["timePeriod"]["startDate"] == month_start()


def test_budget_start_is_ignored_on_later_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    # The recorded graph does not keep resource options: watch the registration itself.
    seen: dict[str, list[str]] = {}
    register = _RecordingMonitor.RegisterResource

    def spy(self: _RecordingMonitor, request: Any) -> Any:
        if request.type == "azure-native:consumption:Budget":
            seen[request.name] = list(request.ignoreChanges)
        return register(self, request)

    monkeypatch.setattr(_RecordingMonitor, "RegisterResource", spy)
    preview(parse_stack(baseline(DEV), base_dir=STACKS), "azure")
    assert list(seen.values()) == [["timePeriod"]]


# -- item 5: a custom serving container declares its routes -------------------------------

def test_custom_container_environment_declares_liveness_readiness_and_scoring_routes() -> None:
    environment = one(graph_of(DEV), ":machinelearningservices:EnvironmentVersion", "detector")
    config = environment.inputs["properties"]["inferenceConfig"]
    assert config == {
        "livenessRoute": {"path": "/ping", "port": 8080},
        "readinessRoute": {"path": "/ping", "port": 8080},
        "scoringRoute": {"path": "/invocations", "port": 8080},
    }


# -- item 8: private endpoints resolve inside the VNet ------------------------------------

def test_every_private_endpoint_has_a_zone_group_in_linked_privatelink_zones() -> None:
    graph = graph_of(PROD)
    zones = {z.inputs["privateZoneName"]: z for z in all_of(graph, ":privatedns:PrivateZone")}
    assert set(zones) == {"privatelink.vaultcore.azure.net", "privatelink.blob.core.windows.net", "privatelink.azurecr.io",
                          "privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"}
    links = {link.inputs["privateZoneName"] for link in all_of(graph, ":privatedns:VirtualNetworkLink")
             if link.inputs["registrationEnabled"] is False}
    assert links == set(zones)
    groups = {g.inputs["privateEndpointName"]: g for g in all_of(graph, ":network:PrivateDnsZoneGroup")}
    endpoints = {pe.inputs["privateEndpointName"] for pe in all_of(graph, ":network:PrivateEndpoint")}
    # vault, blob, registry, workspace, models, and the model registry's own storage and ACR in its
    # two regions (issue 26 row 6)
    assert set(groups) == endpoints and len(endpoints) == 9
    workspace_zones = {c["privateDnsZoneId"].rsplit("/", 1)[-1]
                       for c in groups["pe-credit-risk-prod-workspace"].inputs["privateDnsZoneConfigs"]}
    assert workspace_zones == {"privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"}


def test_a_public_stack_has_no_private_dns() -> None:
    data = change(baseline(DEV), "network", {"private": False})
    graph = preview(parse_stack(data, base_dir=STACKS), "azure")
    assert not all_of(graph, ":privatedns:PrivateZone") and not all_of(graph, ":network:PrivateDnsZoneGroup")


# -- item 9: geo-redundant copies go to the paired region, and the kit says so -------------

def test_backup_copies_outside_allowed_regions_are_rejected() -> None:
    data = baseline(PROD)
    data["placement"]["azure"] = {"location": "germanywestcentral", "backupLocation": "westeurope"}
    data["compliance"]["allowedRegions"] = ["germanywestcentral", "westeurope"]
    issues = [str(i) for i in AzureProvider().check(parse_stack(data, base_dir=STACKS))]
    assert any(i.startswith("backups.crossRegion: geo-redundant artifact copies go to germanywestcentral's paired region "
                            "germanynorth (not backupLocation)") for i in issues), issues


def test_backup_copies_to_an_allowed_pair_pass_the_check() -> None:
    data = baseline(PROD)
    data["compliance"]["allowedRegions"] = ["westeurope", "northeurope"]
    assert not [i for i in AzureProvider().check(parse_stack(data, base_dir=STACKS)) if i.path == "backups.crossRegion"]


def test_the_comparison_does_not_call_cross_region_backups_native() -> None:
    support, note = FEATURES["backups.crossRegion"]
    assert support == "emulated" and "paired region" in note


# -- item 10: the workspace follows key rotation -------------------------------------------

def test_workspace_encryption_uses_the_versionless_key_uri() -> None:
    graph = graph_of(PROD)
    key = one(graph, ":keyvault:Key")
    workspace = one(graph, ":machinelearningservices:Workspace")
    identifier = workspace.inputs["encryption"]["keyVaultProperties"]["keyIdentifier"]
    assert identifier == key.outputs["keyUri"] and identifier.endswith("/keys/cmk")


def test_registry_cmk_behind_a_private_vault_is_flagged() -> None:
    # Item 5 (ACR): confirmed that CMK is set only at creation with a user-assigned
    # identity; the firewall needs the system-assigned one. Not solved: said before deploy.
    messages = [w.message for w in graph_of(PROD).warnings if w.path == "encryption.customerManagedKeys"]
    assert any("system-assigned identity" in m and "az acr encryption rotate-key" in m for m in messages)
    public = preview(parse_stack(change(baseline(PROD), "network", {"private": False}), base_dir=STACKS), "azure")
    assert not any("system-assigned" in w.message for w in public.warnings)


def test_a_non_mlflow_registry_model_is_not_deployed_without_code() -> None:
    from mlopskit.providers.azure import model_registry

    seeded = model_registry.seeded_registry

    def custom_models(stack):  # type: ignore[no-untyped-def]
        with seeded(stack) as registry:
            for versions in registry.client.models.values():  # type: ignore[attr-defined]
                for version in versions:
                    version["type"] = "custom_model"
            yield registry

    from contextlib import contextmanager

    provider = AzureProvider()
    provider.offline_registry = contextmanager(custom_models)  # type: ignore[method-assign]
    graph = preview(parse_stack(baseline(PROD), base_dir=STACKS), "azure", provider)
    assert not all_of(graph, ":machinelearningservices:OnlineDeployment")
    message = [w.message for w in graph.warnings if w.path == "endpoints[0].model.package"][0]
    assert "a custom model" in message and "only in MLflow format" in message


def test_row10_mlflow_no_code_endpoints_get_the_package_feeds() -> None:
    # Issue 26 row 10, confirmed by how-to-deploy-mlflow-models: "Before you can deploy MLflow models
    # to online endpoints without egress connectivity, you have to package the models (preview). By
    # using model packaging, you can avoid the need for an internet connection, which Azure Machine
    # Learning would otherwise require to dynamically install necessary Python packages for the MLflow
    # models." A registry model on Azure is served that way, so its workspace allows the feeds.
    from mlopskit.engine import preview
    from mlopskit.modules import parse_stack
    from mlopskit.providers.azure.workspace import PACKAGE_FEEDS
    from tests.conftest import STACKS
    from tests.specs import baseline

    data = baseline("credit-risk.yaml")
    for job in data["training"]:
        job["image"] = {"repository": "train", "tag": "1.0.0"}  # no framework: feeds only for the endpoints
    graph = preview(parse_stack(data, base_dir=STACKS), "azure")
    workspace = next(r for r in graph if r.type == "azure-native:machinelearningservices:Workspace")
    rules = workspace.inputs["managedNetwork"]["outboundRules"]
    assert {r["destination"] for r in rules.values() if r["type"] == "FQDN"} == set(PACKAGE_FEEDS)


# -- issue 26 row 5: Azure Cosmos DB may use the workspace's customer-managed key -------------

def test_row5_cosmos_db_holds_the_key_role_the_cosmos_page_asks_for() -> None:
    from mlopskit.providers.azure.first_party import PLACEHOLDER
    from mlopskit.providers.azure.roles import ROLES

    graph = graph_of(PROD)
    grant = one(graph, ":authorization:RoleAssignment", "cmk-cosmosdb-encryption-user")
    key = one(graph, ":keyvault:Key", "keys-cmk")
    assert grant.inputs["scope"] == key.outputs["id"]  # the key, not the vault
    assert grant.inputs["roleDefinitionId"].endswith(ROLES["Key Vault Crypto Service Encryption User"])
    assert grant.inputs["principalId"] == PLACEHOLDER and grant.inputs["principalType"] == "ServicePrincipal"
    (warning,) = [w.message for w in graph.warnings if "Cosmos" in w.message]
    assert warning.startswith("offline preview only") and "mlopskit:azureCosmosDbPrincipalId" in warning


def test_row5_the_role_holds_get_wrap_and_unwrap_in_the_vendored_definition() -> None:
    # The page's access policy (Get, Wrap Key, Unwrap Key) as data actions of the built-in role.
    import json
    from pathlib import Path

    from mlopskit.providers.azure.first_party import __file__ as first_party

    roles = json.loads((Path(first_party).parent.parent / "catalog" / "iam" / "azure_roles.json").read_text())["roles"]
    assert set(roles["Key Vault Crypto Service Encryption User"]["dataActions"]) >= {
        "Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/wrap/action",
        "Microsoft.KeyVault/vaults/keys/unwrap/action"}


def test_row5_a_stack_without_cmk_grants_cosmos_db_nothing() -> None:
    graph = graph_with(PROD, encryption__customerManagedKeys=False)
    assert not [r for r in graph if "cosmosdb" in r.name] and not [w for w in graph.warnings if "Cosmos" in w.message]


@pytest.mark.parametrize("configured, message", [
    (None, "encryption.customerManagedKeys: a workspace with a customer-managed key needs Azure Cosmos DB's access to the "
           "key: set Pulumi config mlopskit:azureCosmosDbPrincipalId"),
    ("cosmos", "Pulumi config mlopskit:azureCosmosDbPrincipalId: 'cosmos' is not an object id"),
    ("a232010e-820c-4083-83bb-3ace5fc29d0b", "is Azure Cosmos DB's application id"),
])
def test_row5_a_real_deploy_needs_the_tenants_object_id(configured: str | None, message: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from mlopskit.modules.errors import SpecError
    from mlopskit.providers.azure.first_party import cosmos_db_principal

    monkeypatch.setattr("pulumi.Config.get", lambda self, key: configured)
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        cosmos_db_principal(offline=False)


def test_row5_the_configured_object_id_is_granted(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlopskit.providers.azure.first_party import cosmos_db_principal

    monkeypatch.setattr("pulumi.Config.get", lambda self, key: "11111111-2222-3333-4444-555555555555")
    principal = cosmos_db_principal(offline=False)
    assert (principal.object_id, principal.placeholder) == ("11111111-2222-3333-4444-555555555555", False)


def test_row5_cli_preview_with_a_malformed_object_id_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from pulumi.runtime.config import CONFIG

    from mlopskit.cli import main

    saved = dict(CONFIG.get())
    CONFIG.get()["mlopskit:azureCosmosDbPrincipalId"] = "cosmos"
    try:
        assert main(["preview", str(STACKS / "credit-risk.yaml"), "--provider", "azure"]) == 2
    finally:
        CONFIG.get().clear()
        CONFIG.get().update(saved)
    err = capsys.readouterr().err
    assert "encryption.customerManagedKeys: Pulumi config mlopskit:azureCosmosDbPrincipalId: 'cosmos' is not an object id" in err


# -- issue 26 row 6: the private registry's own storage and ACR are reached privately ---------

def test_row6_the_registrys_storage_and_acr_get_private_endpoints_in_every_region() -> None:
    graph = graph_of(PROD)
    registry = one(graph, ":machinelearningservices:Registry")
    managed = {(detail["storageAccountDetails"][0]["systemCreatedStorageAccount"]["armResourceId"]["resourceId"], "blob")
               for detail in registry.outputs["regionDetails"]}
    managed |= {(detail["acrDetails"][0]["systemCreatedAcrAccount"]["armResourceId"]["resourceId"], "registry")
                for detail in registry.outputs["regionDetails"]}
    assert len(registry.inputs["regionDetails"]) == 2 and len(managed) == 4  # credit-risk replicates models
    linked = {(c["privateLinkServiceId"], c["groupIds"][0]) for pe in all_of(graph, ":network:PrivateEndpoint")
              for c in pe.inputs["privateLinkServiceConnections"]}
    assert managed <= linked
    subnets = {pe.inputs["subnet"]["id"] for pe in all_of(graph, ":network:PrivateEndpoint")}
    assert len(subnets) == 1  # "in the same subnet as the private endpoint of the AML workspace"


def test_row6_a_public_stack_adds_no_registry_endpoints() -> None:
    assert not all_of(graph_with(PROD, network__private=False), ":network:PrivateEndpoint")
