"""Microsoft first-party service principals the stack grants roles to, read from Pulumi config.

A workspace with a customer-managed key stores its metadata in an Azure Cosmos DB account that
Azure ML creates for it, encrypted with that key: "Allow Azure Cosmos DB to access the key"
(Get, Wrap Key, Unwrap Key; learn.microsoft.com azure/machine-learning
how-to-setup-customer-managed-keys). The key vault is RBAC-authorised (keys.py), where those
three are the data actions of Key Vault Crypto Service Encryption User
(providers/catalog/iam/azure_roles.json: keys/read, keys/wrap/action, keys/unwrap/action).

A role assignment names the service principal's OBJECT id, which differs in every tenant
(the page's ``a232010e-820c-4083-83bb-3ace5fc29d0b`` is the Azure Cosmos DB application id,
the same everywhere: ``az ad sp show --id <app id> --query id`` gives the tenant's object id).
The kit never guesses it: a real deploy of a CMK stack without ``mlopskit:azureCosmosDbPrincipalId``
stops before registering anything; an offline preview uses a placeholder and warns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi

from mlopskit.modules.errors import SpecError, SpecIssue

COSMOS_DB_APP_ID = "a232010e-820c-4083-83bb-3ace5fc29d0b"  # Azure Cosmos DB (not Azure Government)
CONFIG_KEY = "mlopskit:azureCosmosDbPrincipalId"
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
SPEC_PATH = "encryption.customerManagedKeys"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HOW = f"az ad sp show --id {COSMOS_DB_APP_ID} --query id -o tsv"


@dataclass(frozen=True)
class FirstPartyPrincipal:
    """The object id a role assignment names; ``placeholder`` only in offline previews."""

    object_id: str
    placeholder: bool = False

    @property
    def warning(self) -> str:
        return (f"offline preview only: Azure Cosmos DB's key grant uses the placeholder principal {self.object_id}; "
                f"`pulumi up` stops until Pulumi config {CONFIG_KEY} is set to the object id of the Azure Cosmos DB "
                f"service principal in your tenant ({_HOW})")


def cosmos_db_principal(offline: bool) -> FirstPartyPrincipal:
    """The configured object id; a placeholder offline; a SpecError on a real deploy without one."""
    namespace, key = CONFIG_KEY.split(":")
    configured = pulumi.Config(namespace).get(key)
    if configured:
        if not _GUID.match(configured):
            raise SpecError([SpecIssue(SPEC_PATH, f"Pulumi config {CONFIG_KEY}: {configured!r} is not an object id (a GUID)")])
        if configured.lower() == COSMOS_DB_APP_ID:
            raise SpecError([SpecIssue(SPEC_PATH, f"Pulumi config {CONFIG_KEY}: {configured} is Azure Cosmos DB's application "
                                                  f"id; set the service principal's object id in your tenant ({_HOW})")])
        return FirstPartyPrincipal(configured)
    if offline:
        return FirstPartyPrincipal(PLACEHOLDER, placeholder=True)
    raise SpecError([SpecIssue(SPEC_PATH, f"a workspace with a customer-managed key needs Azure Cosmos DB's access to the "
                                          f"key: set Pulumi config {CONFIG_KEY} to its object id in your tenant "
                                          f"(pulumi config set {CONFIG_KEY} $({_HOW}))")])
