"""Vendored: per data-bearing resource type, the inputs whose change makes the provider replace
the resource (delete and create it again, or create it under another name), and what each cloud
counts as data-bearing. Read by tests/test_data_safety.py and tests/test_data_protection.py.

Where the rows come from (the versions pinned in requirements.lock):

- ``tf``: pulumi-aws 7.51.1 and pulumi-gcp 10.2.0 are bridged from the Terraform providers
  (hashicorp/aws v6, hashicorp/google v6); an argument with ``ForceNew: true`` in the Terraform
  schema is what the bridged schema.json marks as replacing ("Changes to this property will
  trigger replacement" in the Pulumi registry docs of the same version).
- ``arm``: azure-native 3.29.0 replaces a resource when a path parameter of its ARM id (resource
  group, parent and own name) or its ``location`` changes (the provider's ``replaceOnChanges``
  for every tracked resource); further rows name the Azure document that makes a property
  immutable.
- ``api``: the cloud's own API reference states the field is immutable (quoted per row).

Not re-read for this table: the stored copy of pulumi-gcp's schema.json in the search index
is v2.11 (2020), not 10.2.0, and the installed SDKs do not carry the schemas; the ``tf`` rows
are the ForceNew arguments of the Terraform resources as documented for those versions. A row
that turns out wrong only makes the test stricter (a missing row is the risk), and each row has
a planted case in tests/test_data_safety.py proving the check reads it.
"""

from __future__ import annotations

from typing import NamedTuple


class Row(NamedTuple):
    """Inputs (dotted paths of the recorded, camelCase inputs) that force replacement, and their source."""

    paths: tuple[str, ...]
    source: str


AWS_TF = "pulumi-aws 7.51.1 (tf: hashicorp/aws ForceNew)"
GCP_TF = "pulumi-gcp 10.2.0 (tf: hashicorp/google ForceNew)"
ARM = "azure-native 3.29.0 (arm: id path parameters and location replace)"

FORCES_REPLACEMENT: dict[str, Row] = {
    # -- AWS --------------------------------------------------------------------------------
    "aws:s3/bucket:Bucket": Row(("bucket", "bucketPrefix", "objectLockEnabled", "region"), AWS_TF),
    "aws:kms/key:Key": Row(("customerMasterKeySpec", "keySpec", "keyUsage", "multiRegion", "customKeyStoreId",
                            "xksKeyId", "region"), AWS_TF),
    "aws:ecr/repository:Repository": Row(("name", "encryptionConfigurations", "region"), AWS_TF),
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": Row(
        ("modelPackageGroupName", "modelPackageGroupDescription", "region"), AWS_TF),
    "aws:backup/vault:Vault": Row(("name", "kmsKeyArn", "region"), AWS_TF),
    "aws:cloudtrail/trail:Trail": Row(("name", "region"), AWS_TF),
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": Row(("trackingServerName", "region"), AWS_TF),
    # -- GCP --------------------------------------------------------------------------------
    "gcp:storage/bucket:Bucket": Row(("name", "location", "project"), GCP_TF),
    "gcp:kms/keyRing:KeyRing": Row(("name", "location", "project"), GCP_TF),
    # api: CryptoKeyVersionTemplate.protectionLevel "Immutable. Defaults to SOFTWARE." (Cloud KMS v1 reference)
    "gcp:kms/cryptoKey:CryptoKey": Row(("name", "keyRing", "purpose", "versionTemplate.protectionLevel", "importOnly",
                                        "skipInitialVersionCreation", "cryptoKeyBackend"), GCP_TF + "; api"),
    "gcp:artifactregistry/repository:Repository": Row(("repositoryId", "location", "project", "format", "kmsKeyName",
                                                       "mode"), GCP_TF),
    "gcp:bigquery/dataset:Dataset": Row(("datasetId", "location", "project"), GCP_TF),
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": Row(("bucketId", "location", "project"), GCP_TF),
    "gcp:vertex/aiTensorboard:AiTensorboard": Row(("project", "region", "encryptionSpec.kmsKeyName"), GCP_TF),
    # (The project's `default` Vertex metadata store is no longer built: Vertex creates it and other
    # stacks share it; tests/fidelity/test_singletons.py holds the kit to never creating it.)
    # -- Azure ------------------------------------------------------------------------------
    "azure-native:resources:ResourceGroup": Row(("resourceGroupName", "location"), ARM),
    "azure-native:storage:StorageAccount": Row(("accountName", "resourceGroupName", "location"), ARM),
    "azure-native:storage:BlobContainer": Row(("accountName", "containerName", "resourceGroupName"), ARM),
    "azure-native:keyvault:Vault": Row(("vaultName", "resourceGroupName", "location"), ARM),
    # arm: Keys - Create If Not Exist "does not update existing keys": a new key type never applies.
    "azure-native:keyvault:Key": Row(("keyName", "vaultName", "resourceGroupName", "properties.kty"), ARM + "; api"),
    "azure-native:containerregistry:Registry": Row(("registryName", "resourceGroupName", "location"), ARM),
    "azure-native:machinelearningservices:Registry": Row(("registryName", "resourceGroupName", "location"), ARM),
    "azure-native:machinelearningservices:Workspace": Row(("workspaceName", "resourceGroupName", "location"), ARM),
    # Backup vaults overview: the storage redundancy is chosen "when creating the Backup vault";
    # Azure refuses to change it once items are protected (issue 27's review).
    "azure-native:dataprotection:BackupVault": Row(("vaultName", "resourceGroupName", "location",
                                                    "properties.storageSettings"), ARM + "; api"),
    "azure-native:dataprotection:BackupInstance": Row(("backupInstanceName", "vaultName", "resourceGroupName"), ARM),
    "azure-native:operationalinsights:Workspace": Row(("workspaceName", "resourceGroupName", "location"), ARM),
}

# What holds data (objects, keys, images, model versions, recovery points, audit and traffic
# logs, experiment runs) or, deleted, deletes such data with it, per cloud.
DATA_BEARING: dict[str, frozenset[str]] = {
    cloud: frozenset(t for t in FORCES_REPLACEMENT if t.split(":", 1)[0] == prefix)
    for cloud, prefix in (("aws", "aws"), ("gcp", "gcp"), ("azure", "azure-native"))
}

# Built only when the spec has ``experiments`` (tests/test_data_protection.py previews a spec with it).
EXPERIMENT_STORES: dict[str, frozenset[str]] = {
    "aws": frozenset({"aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"}),
    "gcp": frozenset({"gcp:vertex/aiTensorboard:AiTensorboard"}),
    "azure": frozenset(),  # the workspace's own MLflow tracking: nothing apart from the workspace
}
