"""What every GCP component needs to know about the stack being built, and small helpers.

Only facts derived from the spec live here (project, regions, labels, names); each
component receives the parts it needs through its typed Args, never the whole Stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pulumi

from mlopskit.modules.naming import compact, short_hash
from mlopskit.modules.stack import Stack
from mlopskit.providers.base import BuildContext

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
KMS_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter"


def label_value(value: str) -> str:
    """A GCP-legal label value: lowercase letters, digits, ``_`` and ``-``, at most 63 chars.

    The owner is an email address, which GCP labels cannot hold verbatim:
    ``ml-platform@example.com`` becomes ``ml-platform_example_com``.
    """
    return re.sub(r"[^a-z0-9_-]", "_", value.lower())[:63]


def stack_labels(stack: Stack) -> dict[str, str]:
    """Labels every resource carries (applied as the providers' ``default_labels``)."""
    meta = stack.metadata
    labels = {
        "owner": label_value(meta.owner),
        "cost-center": label_value(meta.cost_center),
        "data-classification": meta.data_classification,
        "stack": label_value(stack.name),
        "environment": meta.environment,
        "managed-by": "mlopskit",
    }
    if stack.compliance.frameworks:
        labels["compliance"] = label_value("_".join(stack.compliance.frameworks))
    # The user's own labels come last but never override the governance labels above.
    return {**dict(meta.labels), **labels}


@dataclass
class GcpContext(BuildContext):
    """The stack plus its GCP placement, shared by all components of one build."""

    project: str
    project_number: str
    region: str
    backup_region: str | None
    labels: dict[str, str]

    def bucket_name(self, purpose: str) -> str:
        """Globally unique, deterministic bucket name within GCS's 63-character limit."""
        suffix = short_hash(self.project, self.stack.name, purpose)
        return compact(f"{self.stack.name}-{purpose}-{suffix}", 63)

    def account_id(self, purpose: str) -> str:
        """A service account id: 6-30 chars, starts with a letter, ends alphanumeric."""
        raw = f"{self.stack.name}-{purpose}".rstrip("-")
        if len(raw) <= 30:
            return raw
        return compact(raw, 30)

    @property
    def network_uri_prefix(self) -> str:
        return f"projects/{self.project_number}/global/networks/"

    def service_agent(self, service: str) -> str:
        """The email of a Google-managed service agent of this project."""
        n = self.project_number
        return {
            "storage": f"service-{n}@gs-project-accounts.iam.gserviceaccount.com",
            "artifactregistry": f"service-{n}@gcp-sa-artifactregistry.iam.gserviceaccount.com",
            "aiplatform": f"service-{n}@gcp-sa-aiplatform.iam.gserviceaccount.com",
            "bigquery": f"bq-{n}@bigquery-encryption.iam.gserviceaccount.com",
            "storagetransfer": f"project-{n}@storage-transfer-service.iam.gserviceaccount.com",
        }[service]


def child(parent: pulumi.Resource, **kwargs: Any) -> pulumi.ResourceOptions:
    """Options for a child resource: always parented, so URNs and deletes follow the tree."""
    return pulumi.ResourceOptions(parent=parent, **kwargs)


@dataclass(frozen=True)
class Grant:
    """One IAM grant to be bound on a resource by the component that owns the resource."""

    member: pulumi.Input[str]
    role: str
    key: str  # stable part of the binding's logical name (who), so names never depend on order
    # Folders of the bucket the grant is limited to (an IAM condition on the object name
    # prefix, storage.py ``folder_condition``); empty: the whole resource.
    folders: tuple[str, ...] = ()


def role_suffix(role: str) -> str:
    """A short, stable name part for a role: ``roles/storage.objectViewer`` -> ``objectviewer``,
    ``projects/p/roles/mlopskit_credit_risk_prod_endpointInvoker`` -> ``endpointinvoker``."""
    return role.rsplit("/", 1)[-1].rsplit(".", 1)[-1].rsplit("_", 1)[-1].lower()
