"""Writes the vendored role definitions (gcp_roles.json, azure_roles.json) from a checkout of
iann0036/iam-dataset, which records the clouds' own listings: ``gcloud iam roles describe``
per predefined role (gcp/roles/<role>.json) and ``az role definition list`` for the built-in
roles (azure/built-in-roles-raw.json).

Only the roles the kit grants, and those a deploying identity needs (DEPLOY_ROLES), are kept; run it again with a newer checkout to
refresh them: ``python -m mlopskit.providers.catalog.iam.extract <checkout> <commit> <date>``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = "https://github.com/iann0036/iam-dataset"
GCP_ROLES = ("roles/artifactregistry.reader", "roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/iam.serviceAccountUser",
             "roles/logging.privateLogViewer", "roles/storage.legacyBucketReader", "roles/storage.legacyBucketWriter",
             "roles/storage.objectCreator", "roles/storage.objectUser", "roles/storage.objectViewer")


AZURE_ROLES = ("AcrPull", "AcrPush", "AzureML Data Scientist", "AzureML Registry User", "Backup Operator",
               "Key Vault Crypto Service Encryption User", "Key Vault Secrets Officer", "Log Analytics Reader",
               "Monitoring Metrics Publisher", "Storage Account Backup Contributor", "Storage Blob Data Contributor",
               "Storage Blob Data Reader")


def _deploy_roles() -> set[str]:
    """The roles the registered targets name for their deploying identity (PermissionTables.deploy_roles)."""
    from mlopskit.modules.targets import targets
    from mlopskit.providers import load

    return {role for t in targets() if t.permission_tables for role in load(t.permission_tables)().deploy_roles}


def gcp(checkout: Path) -> dict[str, list[str]]:
    roles = {}
    for role in sorted({*GCP_ROLES, *(r for r in _deploy_roles() if r.startswith("roles/"))}):
        data = json.loads((checkout / "gcp" / "roles" / f"{role.removeprefix('roles/')}.json").read_text())
        roles[role] = sorted(data["includedPermissions"])
    return roles


def azure(checkout: Path, names: list[str]) -> dict[str, dict[str, object]]:
    listed = {r["roleName"]: r for r in json.loads((checkout / "azure" / "built-in-roles-raw.json").read_text())}
    roles: dict[str, dict[str, object]] = {}
    for name in names:
        role = listed[name]
        (permissions,) = role["permissions"]  # every built-in role the kit grants has one block
        roles[name] = {"id": role["name"], **{k: sorted(set(permissions[k])) for k in
                                              ("actions", "notActions", "dataActions", "notDataActions")}}
    return roles


def main(argv: list[str]) -> None:
    checkout, commit, date = Path(argv[0]), argv[1], argv[2]
    header = {"source": SOURCE, "commit": commit, "date": date}
    (HERE / "gcp_roles.json").write_text(json.dumps(
        {**header, "path": "gcp/roles/<role>.json (gcloud iam roles describe)", "roles": gcp(checkout)}, indent=1) + "\n")
    (HERE / "azure_roles.json").write_text(json.dumps(
        {**header, "path": "azure/built-in-roles-raw.json (az role definition list)", "roles": azure(checkout, sorted(AZURE_ROLES))},
        indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
