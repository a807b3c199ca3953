"""Kubernetes as a target of the kit: what shared code needs to know about it (``modules.targets``).

A cluster has no region catalog: where it runs is what the operator DECLARES (``region``,
``jurisdiction``), never looked up. Light on purpose (no SDK): the registry imports it to answer
``--help`` and ``validate``.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from mlopskit.modules.base import SpecModel
from mlopskit.modules.placement import TargetPlacement
from mlopskit.modules.targets import Target, register
from mlopskit.modules.training import Framework

NAME = "kubernetes"
#: What ``primary_region`` reports when the operator declared none: residency rules then fail
#: (providers/kubernetes/facts.py gives it the jurisdiction ``undeclared``), never pass for lack of one.
UNDECLARED = "undeclared"

# A DNS-1123 label: what Kubernetes accepts as a namespace name (at most 63 characters).
DnsLabel = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
# Jurisdictions the residency presets and the facts of the other targets use (eu, br, ...).
Jurisdiction = Literal["eu", "uk", "ch", "br", "us", "ca", "jp", "kr", "in", "sg", "au", "other"]
GpuModel = Literal["T4", "L4", "A10G", "V100", "A100", "H100"]
Usd = Annotated[float, Field(gt=0, le=1000)]


class RateCard(SpecModel):
    """What an hour of the cluster's capacity costs (USD), for the cost estimate."""

    vcpu_hour_usd: Usd = Field(alias="vcpuHourUsd")
    gib_hour_usd: Usd = Field(alias="gibHourUsd")
    gpu_hour_usd: dict[GpuModel, Usd] = Field(default_factory=dict, alias="gpuHourUsd")


class BucketGuarantees(SpecModel):
    """What the operator guarantees of the external S3-compatible bucket (not checked by the kit)."""

    customer_managed_key: bool = Field(default=False, alias="customerManagedKey")
    versioning: bool = False
    retention_days: int | None = Field(default=None, ge=1, le=36500, alias="retentionDays")
    tls_only: bool = Field(default=False, alias="tlsOnly")
    access_logging: bool = Field(default=False, alias="accessLogging")
    blocks_public_access: bool = Field(default=False, alias="blocksPublicAccess")


class RegistryGuarantees(SpecModel):
    """What the operator guarantees of the external container registry (not checked by the kit)."""

    customer_managed_key: bool = Field(default=False, alias="customerManagedKey")
    scan_on_push: bool = Field(default=False, alias="scanOnPush")
    immutable_tags: bool = Field(default=False, alias="immutableTags")
    blocks_public_access: bool = Field(default=False, alias="blocksPublicAccess")


class PlatformGuarantees(SpecModel):
    """What the cluster's operator DECLARES about the platform, which a namespace cannot own or see.

    Each value is reported as declared: a rule passing only on one says ``pass (declared)``, counted
    apart in every output (docs/architecture.md, "Declared platform guarantees")."""

    encryption_at_rest: bool = Field(default=False, alias="encryptionAtRest")
    audit_logging: bool = Field(default=False, alias="auditLogging")
    private_ingress: bool = Field(default=False, alias="privateIngress")
    private_egress: bool = Field(default=False, alias="privateEgress")
    capture_sampling: bool = Field(default=False, alias="captureSampling")
    backup_offsite: bool = Field(default=False, alias="backupOffsite")
    artifact_bucket: BucketGuarantees | None = Field(default=None, alias="artifactBucket")
    container_registry: RegistryGuarantees | None = Field(default=None, alias="containerRegistry")
    private_model_registry: bool = Field(default=False, alias="privateModelRegistry")


class KubernetesPlacement(TargetPlacement):
    """A cluster, the namespace the stack owns there, and where the operator declares it runs."""

    primary_field: ClassVar[str] = "region"
    backup_field: ClassVar[str] = "backupRegion"

    cluster: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,252}$")]
    context: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,252}$")] | None = None
    namespace: DnsLabel
    region: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,40}$")] | None = None
    jurisdiction: Jurisdiction | None = None
    backup_location: DnsLabel | None = Field(default=None, alias="backupLocation")
    declared_backup_region: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,40}$")] | None = Field(
        default=None, alias="backupRegion")
    mlflow_tracking_uri: Annotated[str, StringConstraints(pattern=r"^https?://[!-~]+$", max_length=512)] = Field(
        alias="mlflowTrackingUri")
    artifact_bucket: Annotated[str, StringConstraints(pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[!-~]*)?$")] = Field(
        alias="artifactBucket")
    s3_endpoint: Annotated[str, StringConstraints(pattern=r"^https://[!-~]+$", max_length=512)] | None = Field(
        default=None, alias="s3Endpoint")
    image_registry: Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*$", max_length=200)] = Field(
        alias="imageRegistry")
    pull_secret: DnsLabel | None = Field(default=None, alias="pullSecret")
    capture_sink: Annotated[str, StringConstraints(pattern=r"^https?://[!-~]+$", max_length=512)] | None = Field(
        default=None, alias="captureSink")
    framework_images: dict[Framework, Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+(:[0-9]+)?/[!-~]+$", max_length=512)]] = Field(
        default_factory=dict, alias="frameworkImages")
    rate_card: RateCard | None = Field(default=None, alias="rateCard")
    declared: PlatformGuarantees = Field(default_factory=PlatformGuarantees)

    @property
    def primary_region(self) -> str:
        return self.region or UNDECLARED

    @property
    def backup_region(self) -> str | None:
        return self.declared_backup_region

    @property
    def kube_context(self) -> str:
        """The kubeconfig context Pulumi and day 2 use: ``context``, else the cluster's name."""
        return self.context or self.cluster

    def _regions(self) -> tuple[str, str | None]:
        return self.primary_region, self.declared_backup_region


_DOCS: dict[str, str] = {
    "KubernetesPlacement.cluster": "The cluster's name (also the kubeconfig context unless context is given).",
    "KubernetesPlacement.context": "The kubeconfig context to deploy through (default: cluster).",
    "KubernetesPlacement.namespace": "The namespace the stack owns on the cluster (created by the stack).",
    "KubernetesPlacement.region": ("Where the cluster runs, as DECLARED by its operator (a cloud region name or a site); "
                                   "not looked up. Without it residency rules (GDPR, LGPD) fail."),
    "KubernetesPlacement.jurisdiction": ("The jurisdiction the declared region is in (eu, uk, br, us, ...), declared by "
                                         "the operator; residency rules read it. A region without it is unknown."),
    "KubernetesPlacement.backupLocation": ("Velero BackupStorageLocation the stack's backups go to (the operator's: "
                                           "the kit does not create it); default: Velero's default location."),
    "KubernetesPlacement.backupRegion": ("Where that backup location stores, as DECLARED by the operator (not checked); "
                                         "required when backups.crossRegion is true."),
    "KubernetesPlacement.mlflowTrackingUri": ("The external MLflow tracking server (registry and experiments); "
                                              "not created by the stack."),
    "KubernetesPlacement.artifactBucket": "The S3-compatible bucket (s3://bucket/prefix) holding the stack's artifacts; not created.",
    "KubernetesPlacement.s3Endpoint": "Endpoint of the S3-compatible storage when it is not AWS S3 (e.g. MinIO).",
    "KubernetesPlacement.imageRegistry": "The existing container registry (host/path) images with repository/tag are pulled from.",
    "KubernetesPlacement.pullSecret": "Name of an existing image pull secret in the namespace (not created: it holds credentials).",
    "KubernetesPlacement.captureSink": ("URL of the operator's CloudEvents receiver that writes KServe's request "
                                        "logger events to the artifact store (dataCapture); not created."),
    "KubernetesPlacement.frameworkImages": ("Images the operator built per training framework (the cluster has no "
                                            "prebuilt framework containers): framework -> image URI."),
    "KubernetesPlacement.rateCard": ("What the cluster's capacity costs per hour; default: derived from AWS EC2 "
                                     "on-demand prices (docs/kubernetes.md)."),
    "KubernetesPlacement.declared": ("Platform guarantees the cluster's operator DECLARES (a namespace cannot own or "
                                     "see them); a rule passing only on one reports pass (declared), counted apart."),
    "PlatformGuarantees.encryptionAtRest": ("etcd encrypts Secrets through a KMS provider under a customer-managed key, "
                                            "and every storage class the namespace can use is encrypted with one."),
    "PlatformGuarantees.auditLogging": ("The API server's audit policy records the namespace's requests and ships them "
                                        "off the cluster; the serving ingress logs every invocation."),
    "PlatformGuarantees.privateIngress": ("The serving ingress is reachable only from the private network and requires "
                                          "authentication."),
    "PlatformGuarantees.privateEgress": "The cluster reaches the bucket and the MLflow server over a private path only.",
    "PlatformGuarantees.captureSampling": ("The capture sink keeps dataCapture.samplingPercent of the requests KServe's "
                                           "logger posts (the logger itself sends every request)."),
    "PlatformGuarantees.backupOffsite": "The Velero backup location is in another region (backupRegion).",
    "PlatformGuarantees.artifactBucket": "What the operator guarantees of the artifact bucket.",
    "PlatformGuarantees.containerRegistry": "What the operator guarantees of the container registry.",
    "PlatformGuarantees.privateModelRegistry": ("The MLflow server is reachable only from the private network, requires "
                                                "authentication and encrypts its store with a customer-managed key."),
    "BucketGuarantees.customerManagedKey": "Objects are encrypted by default with a customer-managed key.",
    "BucketGuarantees.versioning": "Object versioning is on.",
    "BucketGuarantees.retentionDays": "Days deleted or overwritten objects stay recoverable.",
    "BucketGuarantees.tlsOnly": "Plain-HTTP access is refused.",
    "BucketGuarantees.accessLogging": "Data access to the bucket is logged.",
    "BucketGuarantees.blocksPublicAccess": "No anonymous or public access is possible.",
    "RegistryGuarantees.customerManagedKey": "Images are encrypted with a customer-managed key.",
    "RegistryGuarantees.scanOnPush": "Images are scanned for vulnerabilities when pushed.",
    "RegistryGuarantees.immutableTags": "A pushed tag cannot be overwritten.",
    "RegistryGuarantees.blocksPublicAccess": "No anonymous or public pull is possible.",
    "RateCard.vcpuHourUsd": "USD per vCPU-hour requested by a pod.",
    "RateCard.gibHourUsd": "USD per GiB-hour of memory requested by a pod.",
    "RateCard.gpuHourUsd": "USD per GPU-hour, by GPU model.",
}

TARGET = register(Target(
    name=NAME,
    display_name="Kubernetes",
    colour="#9333ea",  # not Kubernetes blue: the report would draw it like GCP's bars
    provider="mlopskit.providers.kubernetes:KubernetesProvider",
    placement_model=KubernetesPlacement,
    placement_doc="Kubernetes placement: a cluster with KServe, Velero and the Prometheus operator (docs/kubernetes.md).",
    placement_example={"cluster": "prod-eu", "namespace": "credit-risk", "region": "eu-west-1", "jurisdiction": "eu",
                       "mlflowTrackingUri": "https://mlflow.example.com",
                       "artifactBucket": "s3://acme-ml-artifacts/credit-risk",
                       "imageRegistry": "registry.example.com/ml"},
    # A pod is sized by its requests (cpu, memoryGiB, gpu): there are no instance types to name.
    instance_type_pattern=None,
    regions=None,
    compute=None,
    # The default rate card's rows (providers/kubernetes/ratecard.py) in providers/catalog/prices/kubernetes.csv.
    catalog_builder="mlopskit.providers.kubernetes.ratecard:build",
    spec_docs=_DOCS,
    spec_examples={"KubernetesPlacement.cluster": ["prod-eu"], "KubernetesPlacement.namespace": ["credit-risk"],
                   "KubernetesPlacement.mlflowTrackingUri": ["https://mlflow.example.com"],
                   "KubernetesPlacement.artifactBucket": ["s3://acme-ml-artifacts/credit-risk"],
                   "KubernetesPlacement.imageRegistry": ["registry.example.com/ml"],
                   "RateCard.vcpuHourUsd": [0.04124], "RateCard.gibHourUsd": [0.003065]},
    # Day 2 through the kubernetes client is not built yet (providers/kubernetes/ops.py; docs/kubernetes.md,
    # "Not yet"): the day-2 commands do not offer this target.
    day2=False,
    rank=4,
))
