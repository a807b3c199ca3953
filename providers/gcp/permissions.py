"""What each SDK call of a GCP day-2 command needs, and which permission of the vocabulary runs it.

``CALLS`` maps every (client, operation) that providers/gcp/ops.py sends through the Gateway to
the IAM permissions Google checks for it, with the resource each is checked on (``project``, the
``bucket`` or ``object`` the call names, the ``endpoint``, or the ``service-account`` a job or
deployed model runs as). Sources: the Vertex AI and Cloud Storage REST references as crawled into
iann0036/iam-dataset gcp/map.json (the method's permissions), and the pages cited per row.
tests/fidelity/gcp/test_permissions.py replays the commands under fakes: an unmapped call fails
it, and so does a needed permission the granted roles (the recorded custom roles, and the
predefined ones in providers/catalog/iam/gcp_roles.json) do not hold on that resource.
docs/deploying-identity.md is generated from these tables (mlopskit/docs_gen.py).
"""

from __future__ import annotations

from typing import Literal

from mlopskit.modules.permission_tables import PermissionTables

On = Literal["project", "bucket", "object", "source-object", "destination-bucket", "endpoint", "service-account"]

# The permission of the vocabulary whose grants run each command (modules/access.py).
DAY2_PERMISSIONS: dict[str, str] = {
    "rollout": "endpoints.deploy",
    "rollback": "endpoints.deploy",
    "promote": "models.promote",
    "train": "training.submit",
    # A batch run is a job started on demand, as training is (AWS: both start a SageMaker pipeline).
    "batch run": "training.submit",
    "backup verify": "backups.restore",
}

CALLS: dict[tuple[str, str], tuple[tuple[str, On], ...]] = {
    # storage.Client.bucket() builds a reference locally: "This will not make an HTTP request"
    # (google-cloud-storage Client.bucket docstring).
    ("storage", "bucket"): (),
    # objects.get / objects.list / objects.delete (map.json; getIamPolicy only with projection=full).
    ("storage", "download_as_text"): (("storage.objects.get", "object"),),
    ("storage", "list_blobs"): (("storage.objects.list", "bucket"),),
    ("storage", "delete"): (("storage.objects.delete", "object"),),
    # objects.copy: get on the source, create on the destination (delete only to overwrite an
    # existing object; the restore writes new names under restore-check/).
    ("storage", "copy_blob"): (("storage.objects.get", "source-object"), ("storage.objects.create", "destination-bucket")),
    ("endpoints", "get_endpoint"): (("aiplatform.endpoints.get", "endpoint"),),
    # A deployed model that runs as a service account needs actAs on it (Vertex AI "Use a custom
    # service account": the deployer needs iam.serviceAccounts.actAs).
    ("endpoints", "deploy_model"): (("aiplatform.endpoints.deploy", "endpoint"), ("iam.serviceAccounts.actAs", "service-account")),
    ("endpoints", "update_endpoint"): (("aiplatform.endpoints.get", "endpoint"), ("aiplatform.endpoints.update", "endpoint")),
    ("endpoints", "undeploy_model"): (("aiplatform.endpoints.undeploy", "endpoint"),),
    ("models", "list_models"): (("aiplatform.models.list", "project"),),
    ("models", "get_model"): (("aiplatform.models.get", "project"),),
    # map.json lists no permission for mergeVersionAliases; an alias change is an update of the
    # model (UNCONFIRMED from the stored Vertex AI IAM reference).
    ("models", "merge_version_aliases"): (("aiplatform.models.update", "project"),),
    ("jobs", "create_custom_job"): (("aiplatform.customJobs.create", "project"), ("iam.serviceAccounts.actAs", "service-account")),
    ("jobs", "get_custom_job"): (("aiplatform.customJobs.get", "project"),),
    ("jobs", "create_batch_prediction_job"): (("aiplatform.batchPredictionJobs.create", "project"),
                                              ("aiplatform.models.get", "project"),
                                              ("iam.serviceAccounts.actAs", "service-account")),
    # Cloud Monitoring v3 projects.alerts.list: monitoring.alerts.list (in roles/monitoring.viewer;
    # map.json has no entry for the method, so the permission is named after it: UNCONFIRMED).
    ("alerts", "open_alerts"): (("monitoring.alerts.list", "project"),),
}


# --- what `pulumi up` itself needs (the deploying identity) -----------------------------------
# Recorded Pulumi type -> the IAM permissions creating, reading, updating and deleting it take
# (the resources' REST methods as crawled into iann0036/iam-dataset gcp/map.json). Every name is
# held by one of the predefined roles listed in DEPLOY_ROLES (vendored in
# providers/catalog/iam/gcp_roles.json; tests/fidelity/gcp/test_permissions.py checks both).
_CRUD = ("create", "get", "update", "delete")


def _crud(prefix: str, verbs: tuple[str, ...] = _CRUD) -> tuple[str, ...]:
    return tuple(f"{prefix}.{verb}" for verb in verbs)


DEPLOY_TYPES: dict[str, tuple[str, ...]] = {
    "gcp:artifactregistry/repository:Repository": _crud("artifactregistry.repositories"),
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": (
        "artifactregistry.repositories.getIamPolicy", "artifactregistry.repositories.setIamPolicy"),
    "gcp:bigquery/dataset:Dataset": _crud("bigquery.datasets"),
    # The provider reads and writes the dataset's IAM policy (the monitor jobs' read grant).
    "gcp:bigquery/datasetIamMember:DatasetIamMember": ("bigquery.datasets.getIamPolicy",
                                                       "bigquery.datasets.setIamPolicy"),
    "gcp:billing/budget:Budget": ("billing.budgets.create", "billing.budgets.get", "billing.budgets.update",
                                  "billing.budgets.delete"),
    "gcp:cloudscheduler/job:Job": _crud("cloudscheduler.jobs"),
    "gcp:compute/globalAddress:GlobalAddress": ("compute.globalAddresses.create", "compute.globalAddresses.get",
                                                "compute.globalAddresses.delete"),
    "gcp:compute/network:Network": ("compute.networks.create", "compute.networks.get", "compute.networks.delete"),
    "gcp:compute/subnetwork:Subnetwork": ("compute.subnetworks.create", "compute.subnetworks.get",
                                          "compute.subnetworks.update", "compute.subnetworks.delete"),
    "gcp:kms/cryptoKey:CryptoKey": ("cloudkms.cryptoKeys.create", "cloudkms.cryptoKeys.get", "cloudkms.cryptoKeys.update"),
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": ("cloudkms.cryptoKeys.getIamPolicy", "cloudkms.cryptoKeys.setIamPolicy"),
    "gcp:kms/keyRing:KeyRing": ("cloudkms.keyRings.create", "cloudkms.keyRings.get"),
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": _crud("logging.buckets"),
    "gcp:monitoring/alertPolicy:AlertPolicy": _crud("monitoring.alertPolicies"),
    "gcp:monitoring/notificationChannel:NotificationChannel": _crud("monitoring.notificationChannels"),
    "gcp:networkconnectivity/serviceConnectionPolicy:ServiceConnectionPolicy": _crud(
        "networkconnectivity.serviceConnectionPolicies"),
    "gcp:projects/iAMAuditConfig:IAMAuditConfig": ("resourcemanager.projects.getIamPolicy",
                                                   "resourcemanager.projects.setIamPolicy"),
    "gcp:projects/iAMCustomRole:IAMCustomRole": _crud("iam.roles"),
    "gcp:projects/iAMMember:IAMMember": ("resourcemanager.projects.getIamPolicy", "resourcemanager.projects.setIamPolicy"),
    "gcp:projects/service:Service": ("serviceusage.services.enable", "serviceusage.services.get"),
    "gcp:serviceaccount/account:Account": _crud("iam.serviceAccounts"),
    "gcp:serviceaccount/iAMMember:IAMMember": ("iam.serviceAccounts.getIamPolicy", "iam.serviceAccounts.setIamPolicy"),
    "gcp:servicenetworking/connection:Connection": ("servicenetworking.services.addPeering", "compute.networks.get"),
    "gcp:storage/bucket:Bucket": _crud("storage.buckets"),
    "gcp:storage/bucketIAMMember:BucketIAMMember": ("storage.buckets.getIamPolicy", "storage.buckets.setIamPolicy"),
    "gcp:storage/bucketObject:BucketObject": ("storage.objects.create", "storage.objects.get", "storage.objects.delete"),
    "gcp:storage/transferJob:TransferJob": ("storagetransfer.jobs.create", "storagetransfer.jobs.get",
                                            "storagetransfer.jobs.update", "storagetransfer.jobs.delete"),
    "gcp:vertex/aiEndpoint:AiEndpoint": _crud("aiplatform.endpoints"),
    "gcp:vertex/aiEndpointIamMember:AiEndpointIamMember": ("aiplatform.endpoints.getIamPolicy",
                                                           "aiplatform.endpoints.setIamPolicy"),
    "gcp:vertex/aiMetadataStore:AiMetadataStore": ("aiplatform.metadataStores.get",),
    "gcp:vertex/aiTensorboard:AiTensorboard": _crud("aiplatform.tensorboards"),
    # The kit's dynamic resources call Vertex with the deployer's credentials.
    "pulumi-python:dynamic:Resource#kind=vertex-deployed-model": ("aiplatform.endpoints.deploy",
                                                                   "aiplatform.endpoints.undeploy",
                                                                   "aiplatform.endpoints.get", "iam.serviceAccounts.actAs"),
    "pulumi-python:dynamic:Resource#kind=vertex-model": ("aiplatform.models.upload", "aiplatform.models.get",
                                                          "aiplatform.models.delete"),
    "pulumi-python:dynamic:Resource#kind=vertex-model-monitoring-job": (
        "aiplatform.modelDeploymentMonitoringJobs.create", "aiplatform.modelDeploymentMonitoringJobs.get",
        "aiplatform.modelDeploymentMonitoringJobs.delete"),
}

# Predefined roles that together hold every permission above (the smallest cover found over the
# vendored listings); a deploying identity with these, or a custom role of DEPLOY_TYPES' union,
# can run `pulumi up`. roles/aiplatform.admin is never granted BY the kit (identity.py).
DEPLOY_ROLES: tuple[str, ...] = (
    "roles/aiplatform.admin", "roles/compute.networkAdmin", "roles/storage.admin", "roles/monitoring.admin",
    "roles/cloudkms.admin", "roles/iam.serviceAccountAdmin", "roles/artifactregistry.admin", "roles/iam.roleAdmin",
    "roles/bigquery.admin", "roles/billing.costsManager", "roles/cloudscheduler.admin", "roles/logging.admin",
    "roles/storagetransfer.admin", "roles/resourcemanager.projectIamAdmin", "roles/iam.serviceAccountUser",
)


def tables() -> PermissionTables:
    """This target's permission tables (``Target.permission_tables``)."""
    from mlopskit.providers.gcp.identity import CUSTOM_ROLES, PERMISSION_GRANTS

    grants = {p: tuple((role, scope) for scope, role in row) for p, row in PERMISSION_GRANTS.items()}
    return PermissionTables(day2=DAY2_PERMISSIONS, calls=CALLS, grants=grants, roles_file="gcp_roles.json",
                            custom_roles={f"custom:{k}": v for k, v in CUSTOM_ROLES.items()},
                            deploy_types=DEPLOY_TYPES, deploy_roles=DEPLOY_ROLES)
