"""Physical Azure names: deterministic, and within each resource type's limits.

Names derive from the stack prefix and the component's own name only (never from an
index), so editing one component never renames another. Globally unique names (storage
accounts, key vaults, container registries) carry a hash of the stack prefix so two
stacks never collide while the name stays readable.
"""

from __future__ import annotations

import re

from mlopskit.modules.naming import compact, short_hash

# Limits `validate` reads: kept here, away from the SDK-importing components.
MAX_MIRROR_PERCENT = 50  # Azure ML rejects mirror traffic above 50% of live requests
MAX_NOTIFICATIONS = 5  # Azure's limit per budget
# Azure's regional pairs: geo-redundant storage and vault copies always land in the pair.
PAIRED_REGIONS = {
    "westeurope": "northeurope", "northeurope": "westeurope",
    "germanywestcentral": "germanynorth", "germanynorth": "germanywestcentral",
    "francecentral": "francesouth", "francesouth": "francecentral",
    "uksouth": "ukwest", "ukwest": "uksouth",
    "swedencentral": "swedensouth", "swedensouth": "swedencentral",
    "switzerlandnorth": "switzerlandwest", "switzerlandwest": "switzerlandnorth",
    "norwayeast": "norwaywest", "norwaywest": "norwayeast",
    "eastus": "westus", "westus": "eastus", "eastus2": "centralus", "centralus": "eastus2",
    "westus2": "westcentralus", "westcentralus": "westus2",
    "brazilsouth": "southcentralus", "southcentralus": "northcentralus",
    "canadacentral": "canadaeast", "canadaeast": "canadacentral",
    "australiaeast": "australiasoutheast", "australiasoutheast": "australiaeast",
    "japaneast": "japanwest", "japanwest": "japaneast",
    "southeastasia": "eastasia", "eastasia": "southeastasia",
}

# type -> (min length, max length, allowed pattern): the limits tests check against.
LIMITS: dict[str, tuple[int, int, str]] = {
    "resource_group": (1, 90, r"^[-\w._()]+$"),
    "storage_account": (3, 24, r"^[a-z0-9]+$"),
    "key_vault": (3, 24, r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$"),
    "container_registry": (5, 50, r"^[a-zA-Z0-9]+$"),
    "workspace": (3, 33, r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$"),
    "ml_registry": (3, 33, r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$"),
    "online_endpoint": (3, 32, r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$"),
    "online_deployment": (3, 32, r"^[a-zA-Z][a-zA-Z0-9-]*$"),
    "compute": (2, 16, r"^[a-zA-Z][a-zA-Z0-9-]*$"),
    "backup_vault": (2, 50, r"^[a-zA-Z][a-zA-Z0-9-]*$"),
    "action_group_short": (1, 12, r"^.+$"),
    "log_analytics": (4, 63, r"^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$"),
}


def _dashes(name: str) -> str:
    return re.sub(r"-{2,}", "-", name).strip("-")


def _hashed(base: str, limit: int, *parts: str, separator: str = "") -> str:
    """``base`` cut to fit, plus a 6-character hash of ``parts`` (always present)."""
    suffix = short_hash(*parts)
    return _dashes(base[: limit - len(suffix) - len(separator)]) + separator + suffix


def _alnum(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


def resource_group(prefix: str) -> str:
    return f"rg-{prefix}"


def storage_account(prefix: str, purpose: str = "artifacts") -> str:
    """3-24 lowercase alphanumerics, globally unique."""
    return _hashed(_alnum(prefix) + _alnum(purpose)[:3], 24, prefix, purpose)


def key_vault(prefix: str) -> str:
    """3-24 alphanumerics and single dashes, starts with a letter, globally unique."""
    return _hashed("kv-" + _dashes(prefix), 24, prefix, "kv", separator="-")


def container_registry(prefix: str) -> str:
    """5-50 alphanumerics, globally unique (it is the login server's host name)."""
    return _hashed("acr" + _alnum(prefix), 50, prefix, "acr")


def workspace(prefix: str) -> str:
    return _dashes(compact(f"mlw-{_dashes(prefix)}", 33))


def ml_registry(prefix: str) -> str:
    return _dashes(compact(f"mlr-{_dashes(prefix)}", 33))


def monitor_schedule(endpoint_name: str, signal: str) -> str:
    """The Azure ML schedule of an endpoint's ``signal`` monitor (``drift``, ``explainability``): the
    one home of the name the monitoring component creates and the stack outputs report."""
    return f"{endpoint_name}-{signal}"


def online_endpoint(prefix: str, endpoint: str) -> str:
    """3-32 characters, unique per Azure region across all customers: keep a hash.

    The endpoint's own name is kept whole (it is what people recognise); the stack
    prefix is shortened first, since the hash already covers it.
    """
    room = 32 - 7  # 6-character hash and its dash
    own = _dashes(endpoint)[:room]
    keep = room - len(own) - 1
    base = f"{_dashes(prefix)[:keep].rstrip('-')}-{own}" if keep > 0 else own
    return _hashed(base, 32, prefix, endpoint, separator="-")


def compute(job: str) -> str:
    """AmlCompute names: 2-16 characters, unique in the workspace."""
    name = _dashes(job)
    return name if len(name) <= 16 else _hashed(name, 16, job, separator="-")


def backup_vault(prefix: str) -> str:
    return _dashes(compact(f"bv-{_dashes(prefix)}", 50))


def log_analytics(prefix: str) -> str:
    return _dashes(compact(f"log-{_dashes(prefix)}", 63))


def action_group_short(name: str) -> str:
    """Action groups' short name (shown in SMS and e-mails) is at most 12 characters."""
    return _alnum(name)[:6] + short_hash(name)


# The workspace datastore over the artifacts container (providers/azure/artifacts.py creates it):
# model artifacts and batch jobs' folders are read and written through it.
ARTIFACTS_DATASTORE = "artifacts"


def batch_datastore_path(prefix: str) -> str:
    """A folder of the artifacts container as Azure ML names it in a job's inputs and outputs."""
    return f"azureml://datastores/{ARTIFACTS_DATASTORE}/paths/{prefix}"


def batch_endpoint(prefix: str, job: str) -> str:
    """Batch endpoint names follow the online endpoint rule (3-32 characters, unique per region)."""
    return online_endpoint(prefix, f"batch-{job}")


def batch_compute(job: str) -> str:
    """The batch job's own cluster, never the name of a training job's cluster."""
    return compute(f"batch-{job}")
