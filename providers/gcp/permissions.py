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
