"""Mocked Azure Resource Manager answers: ids, names and computed properties as ARM returns them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
TENANT_ID = "11111111-1111-1111-1111-111111111111"
CLIENT_OBJECT_ID = "22222222-2222-2222-2222-222222222222"
_NS = uuid.UUID("0e4a1c4e-9d1b-4e5e-8f0a-5c1f7d3b2a10")

# type token -> (ARM path below the resource group, input holding the resource's name)
_PATHS: dict[str, tuple[str, str]] = {
    "azure-native:keyvault:Vault": ("Microsoft.KeyVault/vaults/{vaultName}", "vaultName"),
    "azure-native:keyvault:Key": ("Microsoft.KeyVault/vaults/{vaultName}/keys/{keyName}", "keyName"),
    "azure-native:storage:StorageAccount": ("Microsoft.Storage/storageAccounts/{accountName}", "accountName"),
    "azure-native:storage:BlobServiceProperties": ("Microsoft.Storage/storageAccounts/{accountName}/blobServices/default", "blobServicesName"),
    "azure-native:storage:BlobContainer": (
        "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}", "containerName",
    ),
    "azure-native:storage:ManagementPolicy": ("Microsoft.Storage/storageAccounts/{accountName}/managementPolicies/default", "managementPolicyName"),
    "azure-native:containerregistry:Registry": ("Microsoft.ContainerRegistry/registries/{registryName}", "registryName"),
    "azure-native:containerregistry:Replication": (
        "Microsoft.ContainerRegistry/registries/{registryName}/replications/{replicationName}", "replicationName",
    ),
    "azure-native:operationalinsights:Workspace": ("Microsoft.OperationalInsights/workspaces/{workspaceName}", "workspaceName"),
    "azure-native:applicationinsights:Component": ("Microsoft.Insights/components/{resourceName}", "resourceName"),
    "azure-native:managedidentity:UserAssignedIdentity": (
        "Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}", "resourceName",
    ),
    "azure-native:machinelearningservices:Workspace": ("Microsoft.MachineLearningServices/workspaces/{workspaceName}", "workspaceName"),
    "azure-native:machinelearningservices:Registry": ("Microsoft.MachineLearningServices/registries/{registryName}", "registryName"),
    "azure-native:machinelearningservices:Compute": (
        "Microsoft.MachineLearningServices/workspaces/{workspaceName}/computes/{computeName}", "computeName",
    ),
    "azure-native:machinelearningservices:OnlineEndpoint": (
        "Microsoft.MachineLearningServices/workspaces/{workspaceName}/onlineEndpoints/{endpointName}", "endpointName",
    ),
    "azure-native:machinelearningservices:OnlineDeployment": (
        "Microsoft.MachineLearningServices/workspaces/{workspaceName}/onlineEndpoints/{endpointName}/deployments/{deploymentName}",
        "deploymentName",
    ),
    "azure-native:machinelearningservices:Schedule": (
        "Microsoft.MachineLearningServices/workspaces/{workspaceName}/schedules/{name}", "name",
    ),
    "azure-native:machinelearningservices:Job": ("Microsoft.MachineLearningServices/workspaces/{workspaceName}/jobs/{id}", "id"),
    "azure-native:machinelearningservices:EnvironmentVersion": (
        "Microsoft.MachineLearningServices/workspaces/{workspaceName}/environments/{name}/versions/{version}", "name",
    ),
    "azure-native:machinelearningservices:CodeVersion": (
        "Microsoft.MachineLearningServices/workspaces/{workspaceName}/codes/{name}/versions/{version}", "name",
    ),
    "azure-native:machinelearningservices:ModelVersion": (
        "Microsoft.MachineLearningServices/workspaces/{workspaceName}/models/{name}/versions/{version}", "name",
    ),
    "azure-native:machinelearningservices:Datastore": (
        "Microsoft.MachineLearningServices/workspaces/{workspaceName}/datastores/{name}", "name",
    ),
    "azure-native:monitor:ActionGroup": ("Microsoft.Insights/actionGroups/{actionGroupName}", "actionGroupName"),
    "azure-native:monitor:MetricAlert": ("Microsoft.Insights/metricAlerts/{ruleName}", "ruleName"),
    "azure-native:monitor:ScheduledQueryRule": ("Microsoft.Insights/scheduledQueryRules/{ruleName}", "ruleName"),
    "azure-native:monitor:AutoscaleSetting": ("Microsoft.Insights/autoscalesettings/{autoscaleSettingName}", "autoscaleSettingName"),
    "azure-native:dataprotection:BackupVault": ("Microsoft.DataProtection/backupVaults/{vaultName}", "vaultName"),
    "azure-native:dataprotection:BackupPolicy": (
        "Microsoft.DataProtection/backupVaults/{vaultName}/backupPolicies/{backupPolicyName}", "backupPolicyName",
    ),
    "azure-native:dataprotection:BackupInstance": (
        "Microsoft.DataProtection/backupVaults/{vaultName}/backupInstances/{backupInstanceName}", "backupInstanceName",
    ),
    "azure-native:network:VirtualNetwork": ("Microsoft.Network/virtualNetworks/{virtualNetworkName}", "virtualNetworkName"),
    "azure-native:network:PrivateEndpoint": ("Microsoft.Network/privateEndpoints/{privateEndpointName}", "privateEndpointName"),
    "azure-native:network:PrivateDnsZoneGroup": (
        "Microsoft.Network/privateEndpoints/{privateEndpointName}/privateDnsZoneGroups/{privateDnsZoneGroupName}",
        "privateDnsZoneGroupName",
    ),
    "azure-native:privatedns:PrivateZone": ("Microsoft.Network/privateDnsZones/{privateZoneName}", "privateZoneName"),
    "azure-native:privatedns:VirtualNetworkLink": (
        "Microsoft.Network/privateDnsZones/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}", "virtualNetworkLinkName",
    ),
}


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "/".join(parts)))


class _Default(dict):  # str.format_map with missing keys left visible
    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def resource_group_id(name: str) -> str:
    return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{name}"


def _identities_as_map(value: Any) -> Any:
    """ARM takes user-assigned identities as a list of ids and returns them as a map
    id -> {principalId, clientId}; the SDK's output types expect the map."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "userAssignedIdentities" and isinstance(item, list):
                out[key] = {i: {"principalId": _guid("principal", i), "clientId": _guid("client", i)} for i in item}
            else:
                out[key] = _identities_as_map(item)
        return out
    if isinstance(value, list):
        return [_identities_as_map(v) for v in value]
    return value


def mock_resource(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, outputs) for a resource, shaped like ARM's response."""
    rid, outputs = _mock_resource(type_, name, inputs)
    reshaped = {k: _identities_as_map(v) for k, v in inputs.items() if k not in outputs and _has_identity_list(v)}
    return rid, {**reshaped, **{k: _identities_as_map(v) for k, v in outputs.items()}}


def _has_identity_list(value: Any) -> bool:
    return "userAssignedIdentities" in repr(value)


# Resources ARM places under another resource's scope, not a resource group:
# type token -> (id over the inputs, input holding the name ARM returns; None: only the id)
_SCOPED: dict[str, tuple[str, str | None]] = {
    "azure-native:authorization:RoleAssignment": (
        "{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}", "roleAssignmentName",
    ),
    "azure-native:authorization:PolicyAssignment": (
        "{scope}/providers/Microsoft.Authorization/policyAssignments/{policyAssignmentName}", "policyAssignmentName",
    ),
    "azure-native:monitor:DiagnosticSetting": ("{resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}", None),
    "azure-native:consumption:Budget": ("{scope}/providers/Microsoft.Consumption/budgets/{budgetName}", "budgetName"),
}


def _mock_resource(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if type_ == "azure-native:resources:ResourceGroup":
        rg = inputs.get("resourceGroupName", name)
        return resource_group_id(rg), {"name": rg, "id": resource_group_id(rg)}
    if type_ in _SCOPED:
        template, name_key = _SCOPED[type_]
        rid = template.format_map(inputs)
        return rid, ({"name": inputs[name_key], "id": rid} if name_key else {"id": rid})
    path, name_key = _PATHS.get(type_, (f"{type_.split(':')[1]}/{{name}}", "name"))
    values = _Default({k: v for k, v in inputs.items() if isinstance(v, (str, int, float))})
    values.setdefault(name_key, name)
    physical = str(values[name_key])
    rid = f"{resource_group_id(str(inputs.get('resourceGroupName', 'rg')))}/providers/{path.format_map(values)}"
    computed = _COMPUTED.get(type_.split(":", 1)[1])
    return rid, {"name": physical, "id": rid, **(computed(physical, rid, inputs) if computed else {})}


def _principal(physical: str, rid: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"identity": {**inputs.get("identity", {}), "principalId": _guid("principal", rid), "tenantId": TENANT_ID}}


def _key(physical: str, rid: str, inputs: dict[str, Any]) -> dict[str, Any]:
    base = f"https://{inputs.get('vaultName')}.vault.azure.net/keys/{physical}"
    return {"keyUri": base, "keyUriWithVersion": f"{base}/{_guid('version', rid).replace('-', '')}"}


def _ml_registry(physical: str, rid: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """The identity, and the storage account and ACR Azure ML creates per region in the registry's
    managed resource group ``azureml-rg-<registry>_<GUID>`` (how-to-registry-network-isolation)."""
    group = resource_group_id(f"azureml-rg-{physical}_{_guid('managed', rid)}")
    details = []
    for region in inputs.get("regionDetails", []):
        suffix = _guid("store", rid, str(region.get("location"))).replace("-", "")[:12]
        storage = f"{group}/providers/Microsoft.Storage/storageAccounts/st{suffix}"
        acr = f"{group}/providers/Microsoft.ContainerRegistry/registries/cr{suffix}"
        details.append({**region,
                        "storageAccountDetails": [{"systemCreatedStorageAccount": {
                            **sa.get("systemCreatedStorageAccount", {}), "armResourceId": {"resourceId": storage}}}
                            for sa in region.get("storageAccountDetails", [])],
                        "acrDetails": [{"systemCreatedAcrAccount": {
                            **a.get("systemCreatedAcrAccount", {}), "armResourceId": {"resourceId": acr}}}
                            for a in region.get("acrDetails", [])]})
    return {**_principal(physical, rid, inputs), "regionDetails": details}


def _scoring(physical: str, rid: str, inputs: dict[str, Any]) -> dict[str, Any]:
    region = inputs.get("location", "westeurope")
    return {"properties": {**inputs.get("properties", {}), "scoringUri": f"https://{physical}.{region}.inference.ml.azure.com/score"}}


# What ARM computes on creation, per type (without its provider prefix): (name, id, inputs) -> outputs
_COMPUTED: dict[str, Callable[[str, str, dict[str, Any]], dict[str, Any]]] = {
    "managedidentity:UserAssignedIdentity": lambda physical, rid, inputs: {
        "principalId": _guid("principal", rid), "clientId": _guid("client", rid), "tenantId": TENANT_ID},
    "keyvault:Vault": lambda physical, rid, inputs: {
        "properties": {**inputs.get("properties", {}), "vaultUri": f"https://{physical}.vault.azure.net/"}},
    "keyvault:Key": _key,
    "storage:StorageAccount": lambda physical, rid, inputs: {
        "primaryEndpoints": {"blob": f"https://{physical}.blob.core.windows.net/"}},
    "containerregistry:Registry": lambda physical, rid, inputs: {"loginServer": f"{physical}.azurecr.io"},
    "operationalinsights:Workspace": lambda physical, rid, inputs: {"customerId": _guid("customer", rid)},
    "applicationinsights:Component": lambda physical, rid, inputs: {
        "appId": _guid("app", rid), "connectionString": f"InstrumentationKey={_guid('ikey', rid)}"},
    "dataprotection:BackupVault": _principal,
    "machinelearningservices:Workspace": _principal,
    "machinelearningservices:Registry": _ml_registry,
    "machinelearningservices:OnlineEndpoint": _scoring,
}


def mock_call(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """Results of the invokes the provider uses."""
    if token == "azure-native:authorization:getClientConfig":
        return {
            "clientId": "33333333-3333-3333-3333-333333333333",
            "objectId": CLIENT_OBJECT_ID,
            "subscriptionId": SUBSCRIPTION_ID,
            "tenantId": TENANT_ID,
        }
    raise NotImplementedError(f"unmocked Azure invoke {token}")
