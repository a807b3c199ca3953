"""What each call of an Azure day-2 command needs, and which permission of the vocabulary runs it.

``CALLS`` maps every operation of ``AzureMlApi`` (providers/azure/ops.py; each is one azure-ai-ml
or management SDK call, or a few) to the Azure RBAC actions (control plane) and data actions it
needs, with the resource each is checked on: the ``workspace``, the model ``registry``, the
``storage`` account (data actions on the blob path the call names), the ``backup_vault``, or the
stack's ``resource_group``. Action names are the resource provider operations
(``az provider operation show``) as the built-in roles list them (providers/catalog/iam/
azure_roles.json); the sources are cited per row. tests/fidelity/azure/test_permissions.py replays
the commands against a fake workspace: an unmapped call fails it, and so does a needed action the
recorded role assignments (with the vendored role definitions) do not allow on that resource.
docs/deploying-identity.md is generated from these tables (mlopskit/docs_gen.py).
"""

from __future__ import annotations

from typing import Literal

from mlopskit.modules.permission_tables import PermissionTables

On = Literal["workspace", "registry", "input", "output", "container", "backup_vault", "resource_group"]
Kind = Literal["action", "data"]

DAY2_PERMISSIONS: dict[str, str] = {
    "rollout": "endpoints.deploy",
    "rollback": "endpoints.deploy",
    "promote": "models.promote",
    "train": "training.submit",
    "batch run": "training.submit",  # as on GCP (providers/gcp/permissions.py)
    "backup verify": "backups.restore",
}

_ML = "Microsoft.MachineLearningServices/workspaces"
_BLOBS = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs"

CALLS: dict[str, tuple[tuple[str, Kind, On], ...]] = {
    # MLClient.jobs.create_or_update / get.
    "submit_command_job": ((f"{_ML}/jobs/write", "action", "workspace"),),
    "job_status": ((f"{_ML}/jobs/read", "action", "workspace"),),
    # "Read batch endpoints/deployments; create jobs in batch inference endpoints/deployment; create
    # experiments/runs; read and write from/to data stores; lists datastore secrets"
    # (how-to-authenticate-batch-endpoint). With the credential-less artifacts datastore the job
    # reads and writes the data as the invoker (issue 26 row 7). Operation names per that list
    # (the page's detailed RBAC table is not in the stored docs: UNCONFIRMED spelling).
    "invoke_batch_endpoint": ((f"{_ML}/batchEndpoints/read", "action", "workspace"),
                              (f"{_ML}/batchEndpoints/deployments/read", "action", "workspace"),
                              (f"{_ML}/batchEndpoints/deployments/jobs/write", "action", "workspace"),
                              (f"{_ML}/experiments/runs/write", "action", "workspace"),
                              (f"{_ML}/datastores/listsecrets/action", "action", "workspace"),
                              (f"{_BLOBS}/read", "data", "input"),
                              (f"{_BLOBS}/write", "data", "output")),
    "get_endpoint": ((f"{_ML}/onlineEndpoints/read", "action", "workspace"),),
    "list_deployments": ((f"{_ML}/onlineEndpoints/deployments/read", "action", "workspace"),),
    # A registry model deployed to a workspace endpoint is read from the registry by the caller
    # (how-to-share-models-pipelines-across-workspaces-with-registries: "AzureML Registry User").
    "create_deployment": ((f"{_ML}/onlineEndpoints/deployments/write", "action", "workspace"),
                          ("Microsoft.MachineLearningServices/registries/assets/read", "action", "registry")),
    "update_endpoint": ((f"{_ML}/onlineEndpoints/read", "action", "workspace"),
                        (f"{_ML}/onlineEndpoints/write", "action", "workspace")),
    "delete_deployment": ((f"{_ML}/onlineEndpoints/deployments/delete", "action", "workspace"),),
    # MonitorManagementClient.autoscale_settings.get; AlertsManagementClient.alerts.get_all.
    "autoscale_bounds": (("Microsoft.Insights/autoscalesettings/read", "action", "resource_group"),),
    "firing_alerts": (("Microsoft.AlertsManagement/alerts/read", "action", "resource_group"),),
    # MLClient(registry_name=...).models.get / create_or_update.
    "model_version": (("Microsoft.MachineLearningServices/registries/assets/read", "action", "registry"),),
    "tag_model": (("Microsoft.MachineLearningServices/registries/assets/read", "action", "registry"),
                  ("Microsoft.MachineLearningServices/registries/assets/write", "action", "registry")),
    # DataProtectionMgmtClient: backup_instances.get, recovery_points.list, begin_trigger_restore,
    # jobs.get (azure-mgmt-dataprotection operation groups).
    "restore_artifacts": (("Microsoft.DataProtection/backupVaults/backupInstances/read", "action", "backup_vault"),
                          ("Microsoft.DataProtection/backupVaults/backupInstances/recoveryPoints/read", "action", "backup_vault"),
                          ("Microsoft.DataProtection/backupVaults/backupInstances/restore/action", "action", "backup_vault"),
                          ("Microsoft.DataProtection/backupVaults/backupJobs/read", "action", "backup_vault")),
    # ContainerClient.list_blobs / download_blob / delete_container with an Entra token.
    "blob_checksums": ((f"{_BLOBS}/read", "data", "container"),),
    "delete_blobs": (("Microsoft.Storage/storageAccounts/blobServices/containers/delete", "action", "container"),),
}


# --- what `pulumi up` itself needs (the deploying identity) -----------------------------------
# Recorded Pulumi type -> the ARM resource type it creates. RBAC names the control-plane operations
# "<resource provider>/<resource type>/read|write|delete" (write: create or update; Azure RBAC
# "Azure resource provider operations"), so the deploying identity needs those three on each.
# tests/fidelity/azure/test_permissions.py fails when a recorded type has no row.
DEPLOY_TYPES: dict[str, str] = {
    "azure-native:applicationinsights:Component": "Microsoft.Insights/components",
    "azure-native:authorization:RoleAssignment": "Microsoft.Authorization/roleAssignments",
    "azure-native:consumption:Budget": "Microsoft.Consumption/budgets",
    "azure-native:containerregistry:Registry": "Microsoft.ContainerRegistry/registries",
    "azure-native:containerregistry:Replication": "Microsoft.ContainerRegistry/registries/replications",
    "azure-native:dataprotection:BackupInstance": "Microsoft.DataProtection/backupVaults/backupInstances",
    "azure-native:dataprotection:BackupPolicy": "Microsoft.DataProtection/backupVaults/backupPolicies",
    "azure-native:dataprotection:BackupVault": "Microsoft.DataProtection/backupVaults",
    "azure-native:keyvault:Key": "Microsoft.KeyVault/vaults/keys",
    "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults",
    "azure-native:machinelearningservices:BatchDeployment": f"{_ML}/batchEndpoints/deployments",
    "azure-native:machinelearningservices:BatchEndpoint": f"{_ML}/batchEndpoints",
    "azure-native:machinelearningservices:CodeVersion": f"{_ML}/codes/versions",
    "azure-native:machinelearningservices:Compute": f"{_ML}/computes",
    "azure-native:machinelearningservices:Datastore": f"{_ML}/datastores",
    "azure-native:machinelearningservices:EnvironmentVersion": f"{_ML}/environments/versions",
    "azure-native:machinelearningservices:Job": f"{_ML}/jobs",
    "azure-native:machinelearningservices:ModelVersion": f"{_ML}/models/versions",
    "azure-native:machinelearningservices:OnlineDeployment": f"{_ML}/onlineEndpoints/deployments",
    "azure-native:machinelearningservices:OnlineEndpoint": f"{_ML}/onlineEndpoints",
    "azure-native:machinelearningservices:Registry": "Microsoft.MachineLearningServices/registries",
    "azure-native:machinelearningservices:Schedule": f"{_ML}/schedules",
    "azure-native:machinelearningservices:Workspace": _ML,
    "azure-native:managedidentity:UserAssignedIdentity": "Microsoft.ManagedIdentity/userAssignedIdentities",
    "azure-native:monitor:ActionGroup": "Microsoft.Insights/actionGroups",
    "azure-native:monitor:AutoscaleSetting": "Microsoft.Insights/autoscalesettings",
    "azure-native:monitor:DiagnosticSetting": "Microsoft.Insights/diagnosticSettings",
    "azure-native:monitor:MetricAlert": "Microsoft.Insights/metricAlerts",
    "azure-native:monitor:ScheduledQueryRule": "Microsoft.Insights/scheduledQueryRules",
    "azure-native:network:PrivateDnsZoneGroup": "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    "azure-native:network:PrivateEndpoint": "Microsoft.Network/privateEndpoints",
    "azure-native:network:VirtualNetwork": "Microsoft.Network/virtualNetworks",
    "azure-native:operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces",
    "azure-native:privatedns:PrivateZone": "Microsoft.Network/privateDnsZones",
    "azure-native:privatedns:VirtualNetworkLink": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    "azure-native:resources:ResourceGroup": "Microsoft.Resources/subscriptions/resourceGroups",
    "azure-native:storage:BlobContainer": "Microsoft.Storage/storageAccounts/blobServices/containers",
    "azure-native:storage:BlobServiceProperties": "Microsoft.Storage/storageAccounts/blobServices",
    "azure-native:storage:ManagementPolicy": "Microsoft.Storage/storageAccounts/managementPolicies",
    "azure-native:storage:StorageAccount": "Microsoft.Storage/storageAccounts",
    # The code upload writes the training code's blobs with the deployer's own Entra token: a data
    # action (DEPLOY_EXTRA), no control-plane resource.
    "pulumi-python:dynamic:Resource#kind=azure-code-upload": "",
}

# Actions beyond read/write/delete of the resources themselves, each with why.
DEPLOY_EXTRA: dict[str, str] = {
    "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action":
        "attaching the stack's user-assigned identities to the workspace, registry, storage and computes",
    "Microsoft.Network/virtualNetworks/subnets/join/action": "placing the private endpoints in the stack's subnet",
    "Microsoft.Resources/subscriptions/resourceGroups/read": "the stack's resource group",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write":
        "the code upload (a data action, as in Storage Blob Data Contributor; not a control-plane operation)",
}


def tables() -> PermissionTables:
    """This target's permission tables (``Target.permission_tables``)."""
    from mlopskit.providers.azure.roles import PERMISSION_GRANTS

    return PermissionTables(day2=DAY2_PERMISSIONS, calls=CALLS, grants=PERMISSION_GRANTS, roles_file="azure_roles.json",
                            deploy_types=DEPLOY_TYPES, deploy_extra=DEPLOY_EXTRA)
