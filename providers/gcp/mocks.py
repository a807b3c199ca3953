"""Mocked GCP answers for the offline engine: ids and outputs shaped like the real ones."""

from __future__ import annotations

from typing import Any

from modules.naming import short_hash


def project_number_for(project: str) -> str:
    """A stable 12-digit project number for a project id (offline only)."""
    return str(int(short_hash("project-number", project, length=12), 16) % 900_000_000_000 + 100_000_000_000)


def _digits(*parts: str, length: int = 12) -> str:
    return str(int(short_hash(*parts, length=16), 16))[:length]


def mock_call(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """Answers the invokes the GCP provider uses."""
    if token == "gcp:organizations/getProject:getProject":
        project = args.get("projectId") or "mock-project"
        number = project_number_for(project)
        return {"id": f"projects/{project}", "projectId": project, "number": number, "name": project, "labels": {}}
    if token == "gcp:storage/getProjectServiceAccount:getProjectServiceAccount":
        project = args.get("project") or "mock-project"
        return {"id": project, "project": project,
                "emailAddress": f"service-{project_number_for(project)}@gs-project-accounts.iam.gserviceaccount.com"}
    return {}


def mock_resource(type_: str, name: str, inputs: dict[str, Any], default_project: str) -> tuple[str, dict[str, Any]]:
    """(id, outputs) for one resource, as GCP would return them."""
    project = inputs.get("project") or default_project
    location = inputs.get("location") or inputs.get("region") or "europe-west4"
    number = project_number_for(project)
    if type_ == "gcp:kms/keyRing:KeyRing":
        rid = f"projects/{project}/locations/{location}/keyRings/{inputs['name']}"
        return rid, {"id": rid}
    if type_ == "gcp:kms/cryptoKey:CryptoKey":
        rid = f"{inputs['keyRing']}/cryptoKeys/{inputs['name']}"
        return rid, {"id": rid, "primary": [{"name": f"{rid}/cryptoKeyVersions/1", "state": "ENABLED"}]}
    if type_ == "gcp:storage/bucket:Bucket":
        bucket = inputs["name"]
        return bucket, {"url": f"gs://{bucket}", "selfLink": f"https://www.googleapis.com/storage/v1/b/{bucket}",
                        "projectNumber": number}
    if type_ == "gcp:serviceaccount/account:Account":
        email = f"{inputs['accountId']}@{project}.iam.gserviceaccount.com"
        rid = f"projects/{project}/serviceAccounts/{email}"
        return rid, {"email": email, "name": rid, "member": f"serviceAccount:{email}", "uniqueId": _digits(email, length=21)}
    if type_ == "gcp:compute/network:Network":
        rid = f"projects/{project}/global/networks/{inputs['name']}"
        return rid, {"selfLink": f"https://www.googleapis.com/compute/v1/{rid}", "numericId": _digits(rid)}
    if type_ == "gcp:compute/subnetwork:Subnetwork":
        rid = f"projects/{project}/regions/{location}/subnetworks/{inputs['name']}"
        return rid, {"selfLink": f"https://www.googleapis.com/compute/v1/{rid}", "gatewayAddress": "10.10.0.1"}
    if type_ == "gcp:compute/globalAddress:GlobalAddress":
        rid = f"projects/{project}/global/addresses/{inputs['name']}"
        return rid, {"address": "10.64.0.0", "selfLink": f"https://www.googleapis.com/compute/v1/{rid}"}
    if type_ == "gcp:servicenetworking/connection:Connection":
        rid = f"{inputs.get('network')}:servicenetworking.googleapis.com"
        return rid, {"peering": "servicenetworking-googleapis-com"}
    if type_ == "gcp:artifactregistry/repository:Repository":
        rid = f"projects/{project}/locations/{location}/repositories/{inputs['repositoryId']}"
        return rid, {"name": inputs["repositoryId"], "registryUri": f"{location}-docker.pkg.dev/{project}/{inputs['repositoryId']}"}
    if type_ == "gcp:vertex/aiEndpoint:AiEndpoint":
        rid = f"projects/{project}/locations/{location}/endpoints/{inputs['name']}"
        return rid, {"name": inputs["name"], "modelDeploymentMonitoringJob": ""}
    if type_ == "gcp:bigquery/dataset:Dataset":
        rid = f"projects/{project}/datasets/{inputs['datasetId']}"
        return rid, {"selfLink": f"https://bigquery.googleapis.com/bigquery/v2/{rid}"}
    if type_ == "gcp:monitoring/notificationChannel:NotificationChannel":
        rid = f"projects/{project}/notificationChannels/{_digits(name)}"
        return rid, {"name": rid, "verificationStatus": "VERIFIED"}
    if type_ == "gcp:monitoring/alertPolicy:AlertPolicy":
        rid = f"projects/{project}/alertPolicies/{_digits(name)}"
        return rid, {"name": rid}
    if type_ == "gcp:projects/iAMCustomRole:IAMCustomRole":
        rid = f"projects/{project}/roles/{inputs['roleId']}"
        return rid, {"name": rid, "deleted": False}
    if type_ == "gcp:cloudscheduler/job:Job":
        rid = f"projects/{project}/locations/{location}/jobs/{inputs['name']}"
        return rid, {"state": "ENABLED"}
    if type_ == "gcp:storage/transferJob:TransferJob":
        rid = f"transferJobs/{_digits(name, length=19)}"
        return rid, {"name": rid, "status": "ENABLED"}
    if type_ == "gcp:storage/bucketObject:BucketObject":
        rid = f"{inputs['bucket']}-{inputs['name']}"
        return rid, {"selfLink": f"https://www.googleapis.com/storage/v1/b/{inputs['bucket']}/o/{inputs['name']}",
                     "mediaLink": f"https://storage.googleapis.com/download/storage/v1/b/{inputs['bucket']}/o/{inputs['name']}"}
    if type_ == "gcp:billing/budget:Budget":
        rid = f"billingAccounts/{inputs.get('billingAccount')}/budgets/{short_hash(name, length=8)}"
        return rid, {"name": rid}
    if type_ == "pulumi-python:dynamic:Resource":
        return _dynamic(name, inputs)
    return f"{name}-id", {}


def _dynamic(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kind = inputs.get("kind")
    if kind == "vertex-deployed-model":
        deployed = _digits(name, length=19)
        return f"{inputs['endpoint']}/deployments/{inputs['displayName']}", {
            "deployedModelId": deployed, "previousDeployedModelId": None, "trafficSplit": {deployed: 100}}
    if kind == "vertex-model":
        model = f"{inputs['parent']}/models/{_digits(name)}"
        return f"{model}@1", {"modelName": model, "versionId": "1", "reference": f"{model}@1"}
    if kind == "vertex-model-monitoring-job":
        job = f"{inputs['parent']}/modelDeploymentMonitoringJobs/{_digits(name)}"
        return job, {"jobName": job}
    return f"{name}-id", {}
