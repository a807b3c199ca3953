"""Azure's ordering table: per recorded type, what must exist before its create.

- ``upload_store``: the code upload writes blobs into a container: the container exists;
- ``upload_path``: with public access off, the upload reaches the account only through
  its blob private endpoint, whose name resolves once the endpoint's DNS zone group exists;
- ``key_grant``: a resource encrypted with a customer-managed key through a user-assigned
  identity needs that identity's role on the key first (Azure checks key access at create:
  "the identity must have access to the key", storage/ACR/ML CMK pages);
- ``identity``: the user-assigned identity it runs as exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

from mlopskit.modules.graph import Graph, RecordedResource
from tests.fidelity.ordering import Finder, strings

IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"


def _account_of(resource: RecordedResource) -> str:
    return (urlparse(str(resource.inputs.get("accountUrl", ""))).hostname or "").split(".")[0]


def upload_store(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    account = _account_of(resource)
    for container in graph.of_type("azure-native:storage:BlobContainer"):
        if (container.inputs.get("accountName"), container.inputs.get("containerName")) == (
                account, resource.inputs.get("container")):
            yield container, "the container it uploads into"


def upload_path(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    account = _account_of(resource)
    for endpoint in graph.of_type("azure-native:network:PrivateEndpoint"):
        for link in endpoint.inputs.get("privateLinkServiceConnections", []):
            if str(link.get("privateLinkServiceId", "")).endswith(f"/storageAccounts/{account}") and "blob" in link.get(
                    "groupIds", []):
                yield endpoint, "the blob private endpoint, its only network path with public access off"
                for group in graph.of_type("azure-native:network:PrivateDnsZoneGroup"):
                    if group.inputs.get("privateEndpointName") == endpoint.inputs.get("privateEndpointName"):
                        yield group, "the DNS record that points the account's name at the private endpoint"


def key_grant(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    encryption = resource.inputs.get("encryption")
    if not isinstance(encryption, dict):
        return
    named = set(strings(encryption))
    for identity in graph.of_type(IDENTITY):
        if identity.outputs.get("id") not in named:
            continue
        for grant in graph.of_type("azure-native:authorization:RoleAssignment"):
            if (grant.inputs.get("principalId") == identity.outputs.get("principalId")
                    and "Microsoft.KeyVault" in str(grant.inputs.get("scope"))):
                yield grant, f"the key role of {identity.name}, the identity it encrypts with"


def identity(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    texts = set(strings(resource.inputs)) | set(resource.inputs.get("identity", {}).get("userAssignedIdentities", {})
                                                if isinstance(resource.inputs.get("identity"), dict) else ())
    for candidate in graph.of_type(IDENTITY):
        if candidate is not resource and candidate.outputs.get("id") in texts:
            yield candidate, "the user-assigned identity it uses"


# --- issue 26 row 5 (first-up2): the workspace's metadata store and its key ---------------
def cosmos_key_grant(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    """A CMK workspace's Cosmos DB store is created with the workspace and encrypts with the key
    through Azure Cosmos DB's own principal ("Allow Azure Cosmos DB to access the key",
    how-to-setup-customer-managed-keys): every grant on that key to a principal that is none of
    the stack's identities (a first-party service's) comes first."""
    encryption = resource.inputs.get("encryption")
    if not isinstance(encryption, dict):
        return
    named = set(strings(encryption))
    keys = {k.outputs.get("id") for k in graph.of_type("azure-native:keyvault:Key") if k.outputs.get("keyUri") in named}
    own = {i.outputs.get("principalId") for i in graph.of_type(IDENTITY)}
    for grant in graph.of_type("azure-native:authorization:RoleAssignment"):
        if grant.inputs.get("scope") in keys and grant.inputs.get("principalId") not in own:
            yield grant, "Azure Cosmos DB's role on the key the workspace's metadata store encrypts with"
# --- end row 5 -----------------------------------------------------------------------------


ALWAYS: tuple[Finder, ...] = (identity, key_grant)
_ML = "azure-native:machinelearningservices:"
TABLE: dict[str, tuple[Finder, ...]] = {
    "azure-native:applicationinsights:Component": (),
    "azure-native:authorization:RoleAssignment": (),
    "azure-native:consumption:Budget": (),
    "azure-native:containerregistry:Registry": (),
    "azure-native:containerregistry:Replication": (),
    "azure-native:dataprotection:BackupInstance": (),
    "azure-native:dataprotection:BackupPolicy": (),
    "azure-native:dataprotection:BackupVault": (),
    "azure-native:keyvault:Key": (),
    "azure-native:keyvault:Vault": (),
    f"{_ML}BatchDeployment": (),
    f"{_ML}BatchEndpoint": (),
    f"{_ML}CodeVersion": (),
    f"{_ML}Compute": (),
    f"{_ML}Datastore": (),
    f"{_ML}EnvironmentVersion": (),
    f"{_ML}Job": (),
    f"{_ML}ModelVersion": (),
    f"{_ML}OnlineDeployment": (),
    f"{_ML}OnlineEndpoint": (),
    f"{_ML}Registry": (),
    f"{_ML}Schedule": (),
    f"{_ML}Workspace": (cosmos_key_grant,),
    IDENTITY: (),
    "azure-native:monitor:ActionGroup": (),
    "azure-native:monitor:AutoscaleSetting": (),
    "azure-native:monitor:DiagnosticSetting": (),
    "azure-native:monitor:MetricAlert": (),
    "azure-native:monitor:ScheduledQueryRule": (),
    "azure-native:network:PrivateDnsZoneGroup": (),
    "azure-native:network:PrivateEndpoint": (),
    "azure-native:network:VirtualNetwork": (),
    "azure-native:operationalinsights:Workspace": (),
    "azure-native:privatedns:PrivateZone": (),
    "azure-native:privatedns:VirtualNetworkLink": (),
    "azure-native:resources:ResourceGroup": (),
    "azure-native:storage:BlobContainer": (),
    "azure-native:storage:BlobServiceProperties": (),
    "azure-native:storage:ManagementPolicy": (),
    "azure-native:storage:StorageAccount": (),
    "pulumi-python:dynamic:Resource#kind=azure-code-upload": (upload_store, upload_path),
}
