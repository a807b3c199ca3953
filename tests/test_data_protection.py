"""Nothing that holds data can be destroyed by accident in prod: every data-bearing
resource type of each cloud carries Pulumi's ``protect`` in a prod preview, so a
`pulumi destroy`, a rename or a replacement stops instead of deleting it."""

from __future__ import annotations

import pytest

from mlopskit.engine import preview
from tests.specs import stack

# What holds data (objects, keys, images, model versions, recovery points, audit and
# traffic logs) or, deleted, deletes such data with it, per cloud.
DATA_BEARING = {
    "aws": {
        "aws:s3/bucket:Bucket",                                # artifacts, captured data, logs, replicas
        "aws:kms/key:Key",                                     # without it every encrypted byte is lost
        "aws:ecr/repository:Repository",                       # images
        "aws:sagemaker/modelPackageGroup:ModelPackageGroup",   # model versions
        "aws:backup/vault:Vault",                              # recovery points
        "aws:cloudtrail/trail:Trail",                          # the audit record's writer
    },
    "gcp": {
        "gcp:storage/bucket:Bucket",
        "gcp:kms/keyRing:KeyRing",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:artifactregistry/repository:Repository",
        "gcp:bigquery/dataset:Dataset",                        # captured predictions
        "gcp:logging/projectBucketConfig:ProjectBucketConfig", # audit log retention
    },
    "azure": {
        "azure-native:resources:ResourceGroup",                # deleting it deletes everything in it
        "azure-native:storage:StorageAccount",
        "azure-native:storage:BlobContainer",
        "azure-native:keyvault:Vault",
        "azure-native:keyvault:Key",
        "azure-native:containerregistry:Registry",
        "azure-native:machinelearningservices:Registry",
        "azure-native:machinelearningservices:Workspace",
        "azure-native:dataprotection:BackupVault",
        "azure-native:dataprotection:BackupInstance",          # deleting it deletes its recovery points
        "azure-native:operationalinsights:Workspace",          # audit and traffic logs
    },
}


@pytest.mark.parametrize("cloud", sorted(DATA_BEARING))
def test_every_data_bearing_resource_is_protected_in_prod(cloud: str) -> None:
    graph = preview(stack("credit-risk.yaml"), cloud)  # type: ignore[arg-type]
    found = {r.type for r in graph.resources}
    assert DATA_BEARING[cloud] <= found, f"not built, so not checked: {sorted(DATA_BEARING[cloud] - found)}"
    unprotected = sorted(r.name for r in graph.resources if r.type in DATA_BEARING[cloud] and not r.protect)
    assert unprotected == []
