"""Key Vault + CMK with rotation, and the artifact storage account."""

from __future__ import annotations

from tests.azure.helpers import DEV, PROD, all_of, graph_of, graph_with, one


def test_vault_has_purge_protection_soft_delete_and_rbac() -> None:
    props = one(graph_of(PROD), ":keyvault:Vault").inputs["properties"]
    assert props["enablePurgeProtection"] is True
    assert props["enableSoftDelete"] is True
    assert props["softDeleteRetentionInDays"] == 90
    assert props["enableRbacAuthorization"] is True
    assert props["publicNetworkAccess"] == "Disabled"
    assert props["networkAcls"]["defaultAction"] == "Deny"
    assert props["sku"]["name"] == "premium"  # confidential data: HSM-backed keys


def test_key_rotates_on_the_spec_period() -> None:
    key = one(graph_of(PROD), ":keyvault:Key")
    policy = key.inputs["properties"]["rotationPolicy"]
    rotate = [a for a in policy["lifetimeActions"] if a["action"]["type"] == "rotate"]
    assert rotate[0]["trigger"]["timeAfterCreate"] == "P90D"
    assert key.inputs["properties"]["kty"] == "RSA-HSM"
    longer = one(graph_with(PROD, encryption__keyRotationDays=180), ":keyvault:Key")
    rotate = [a for a in longer.inputs["properties"]["rotationPolicy"]["lifetimeActions"] if a["action"]["type"] == "rotate"]
    assert rotate[0]["trigger"]["timeAfterCreate"] == "P180D"


def test_encryption_identity_is_granted_on_the_key_only() -> None:
    graph = graph_of(PROD)
    key = one(graph, ":keyvault:Key")
    grant = one(graph, ":authorization:RoleAssignment", "keys-cmk-encryption-user")
    assert grant.inputs["scope"] == key.outputs["id"]
    assert grant.inputs["roleDefinitionId"].endswith("e147488a-f6f5-4113-8e2d-b22465e65bf6")


def test_storage_account_is_hardened() -> None:
    account = one(graph_of(PROD), ":storage:StorageAccount").inputs
    assert account["allowBlobPublicAccess"] is False
    assert account["allowSharedKeyAccess"] is False
    assert account["minimumTlsVersion"] == "TLS1_2"
    assert account["enableHttpsTrafficOnly"] is True
    assert account["publicNetworkAccess"] == "Disabled"
    assert account["networkRuleSet"]["defaultAction"] == "Deny"
    assert account["encryption"]["requireInfrastructureEncryption"] is True


def test_storage_uses_the_cmk() -> None:
    graph = graph_of(PROD)
    encryption = one(graph, ":storage:StorageAccount").inputs["encryption"]
    vault = one(graph, ":keyvault:Vault")
    assert encryption["keySource"] == "Microsoft.Keyvault"
    assert encryption["keyVaultProperties"] == {"keyName": "cmk", "keyVaultUri": vault.outputs["properties"]["vaultUri"]}
    identity = one(graph, ":managedidentity:UserAssignedIdentity", "identity-encryption")
    assert encryption["encryptionIdentity"]["encryptionUserAssignedIdentity"] == identity.outputs["id"]


def test_without_cmk_there_is_no_key_and_microsoft_managed_encryption() -> None:
    graph = graph_with(PROD, encryption__customerManagedKeys=False)
    assert all_of(graph, ":keyvault:Key") == []
    assert one(graph, ":storage:StorageAccount").inputs["encryption"]["keySource"] == "Microsoft.Storage"
    assert "encryption" not in one(graph, ":machinelearningservices:Workspace").inputs
    assert "encryption" not in one(graph, ":containerregistry:Registry").inputs


def test_public_network_when_not_private() -> None:
    graph = graph_with(PROD, network__private=False)
    account = one(graph, ":storage:StorageAccount").inputs
    assert account["publicNetworkAccess"] == "Enabled"
    assert account["networkRuleSet"]["defaultAction"] == "Allow"
    assert one(graph, ":keyvault:Vault").inputs["properties"]["publicNetworkAccess"] == "Enabled"
    assert all_of(graph, ":network:PrivateEndpoint") == []


def test_blob_versioning_soft_delete_and_noncurrent_retention() -> None:
    graph = graph_of(PROD)
    service = one(graph, ":storage:BlobServiceProperties").inputs
    assert service["isVersioningEnabled"] is True
    assert service["deleteRetentionPolicy"] == {"enabled": True, "days": 365}
    assert service["containerDeleteRetentionPolicy"]["enabled"] is True
    rule = one(graph, ":storage:ManagementPolicy").inputs["policy"]["rules"][0]
    assert rule["definition"]["actions"]["version"]["delete"]["daysAfterCreationGreaterThan"] == 365
    container = one(graph, ":storage:BlobContainer").inputs
    assert container["publicAccess"] == "None"


def test_retention_and_versioning_follow_the_spec() -> None:
    graph = graph_with(PROD, storage__artifacts={"versioning": False, "retentionDays": 30})
    service = one(graph, ":storage:BlobServiceProperties").inputs
    assert service["isVersioningEnabled"] is False
    assert service["deleteRetentionPolicy"]["days"] == 30
    assert all_of(graph, ":storage:ManagementPolicy") == []


def test_storage_redundancy_follows_cross_region_backups() -> None:
    assert one(graph_of(PROD), ":storage:StorageAccount").inputs["sku"]["name"] == "Standard_RAGZRS"
    assert one(graph_of(DEV), ":storage:StorageAccount").inputs["sku"]["name"] == "Standard_ZRS"


def test_private_endpoints_for_data_plane_services() -> None:
    graph = graph_of(PROD)
    groups = sorted(
        pe.inputs["privateLinkServiceConnections"][0]["groupIds"][0] for pe in all_of(graph, ":network:PrivateEndpoint")
    )
    # The model registry's own storage account and ACR in its two regions too (issue 26 row 6).
    assert groups == ["amlregistry", "amlworkspace", "blob", "blob", "blob", "registry", "registry", "registry", "vault"]
