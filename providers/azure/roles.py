"""Azure built-in roles (by their well-known definition GUIDs) and the permission mapping.

Every grant is a built-in role assigned on one resource of the stack: never Owner or
Contributor, and never at subscription or resource-group scope.
"""

from __future__ import annotations

from typing import Literal

# Built-in role definition GUIDs are identical in every Azure tenant.
ROLES: dict[str, str] = {
    "AzureML Data Scientist": "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    "AzureML Registry User": "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Account Backup Contributor": "e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1",
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
    "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
    "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
    "Backup Operator": "00c29273-979b-4161-815c-10b084fb9324",
}

# Roles that must never be granted by the kit (broad control-plane rights).
FORBIDDEN: frozenset[str] = frozenset({
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",  # Owner
    "b24988ac-6180-42a0-ab88-20f7382dd24c",  # Contributor
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",  # User Access Administrator
})

# The resource each grant is scoped to, filled by the build from the stack's resources.
Target = Literal["storage", "workspace", "ml_registry", "endpoints", "log_analytics", "backup_vault", "container_registry"]

# Abstract permission -> (built-in role, resource it is granted on). The narrowest
# built-in role Azure offers for the action, on the one resource it concerns.
PERMISSION_GRANTS: dict[str, tuple[tuple[str, Target], ...]] = {
    "artifacts.read": (("Storage Blob Data Reader", "storage"),),
    "artifacts.write": (("Storage Blob Data Contributor", "storage"),),
    "models.read": (("AzureML Registry User", "ml_registry"),),
    "models.register": (("AzureML Registry User", "ml_registry"),),
    # Promotion is a tag change (stage=approved) on a registry model version.
    "models.promote": (("AzureML Registry User", "ml_registry"),),
    "training.submit": (("AzureML Data Scientist", "workspace"),),
    # Scoring with Entra ID tokens needs onlineEndpoints/score/action; the data
    # scientist role on the endpoint resource alone is the narrowest built-in grant.
    "endpoints.invoke": (("AzureML Data Scientist", "endpoints"),),
    # A rollout reads the registry version it deploys (tests/fidelity/azure/test_permissions.py).
    "endpoints.deploy": (("AzureML Data Scientist", "workspace"), ("AcrPull", "container_registry"),
                         ("AzureML Registry User", "ml_registry")),
    "logs.read": (("Log Analytics Reader", "log_analytics"),),
    # `backup verify` compares the artifacts container with the restored scratch container
    # (condition: those containers only, read only; build.py _ARTIFACT_CONDITIONS).
    "backups.restore": (("Backup Operator", "backup_vault"), ("Storage Blob Data Reader", "storage")),
    # Runs live in the workspace's own MLflow tracking: no built-in role only reads them, so
    # reading gets the data scientist role too (build.py warns at the permission).
    "experiments.read": (("AzureML Data Scientist", "workspace"),),
    "experiments.write": (("AzureML Data Scientist", "workspace"),),
}
