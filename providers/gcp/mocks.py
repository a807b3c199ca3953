"""Mocked GCP answers for the offline engine: ids and outputs shaped like the real ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlopskit.modules.naming import short_hash


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


@dataclass(frozen=True)
class _Request:
    """One resource registration, with the project and location it lands in."""

    name: str
    inputs: dict[str, Any]
    project: str
    location: str

    def __getitem__(self, key: str) -> Any:
        return self.inputs[key]


_Mock = Callable[[_Request], tuple[str, dict[str, Any]]]


def mock_resource(type_: str, name: str, inputs: dict[str, Any], default_project: str) -> tuple[str, dict[str, Any]]:
    """(id, outputs) for one resource, as GCP would return them."""
    if type_ == "pulumi-python:dynamic:Resource":
        return _dynamic(name, inputs)
    mock = _MOCKS.get(type_)
    if mock is None:
        return f"{name}-id", {}
    project = inputs.get("project") or default_project
    return mock(_Request(name, inputs, project, inputs.get("location") or inputs.get("region") or "europe-west4"))


def _key_ring(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"projects/{r.project}/locations/{r.location}/keyRings/{r['name']}"
    return rid, {"id": rid}


def _crypto_key(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"{r['keyRing']}/cryptoKeys/{r['name']}"
    return rid, {"id": rid, "primary": [{"name": f"{rid}/cryptoKeyVersions/1", "state": "ENABLED"}]}


def _bucket(r: _Request) -> tuple[str, dict[str, Any]]:
    bucket = r["name"]
    return bucket, {"url": f"gs://{bucket}", "selfLink": f"https://www.googleapis.com/storage/v1/b/{bucket}",
                    "projectNumber": project_number_for(r.project)}


def _service_account(r: _Request) -> tuple[str, dict[str, Any]]:
    email = f"{r['accountId']}@{r.project}.iam.gserviceaccount.com"
    rid = f"projects/{r.project}/serviceAccounts/{email}"
    return rid, {"email": email, "name": rid, "member": f"serviceAccount:{email}", "uniqueId": _digits(email, length=21)}


def _network(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"projects/{r.project}/global/networks/{r['name']}"
    return rid, {"selfLink": f"https://www.googleapis.com/compute/v1/{rid}", "numericId": _digits(rid)}


def _subnetwork(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"projects/{r.project}/regions/{r.location}/subnetworks/{r['name']}"
    return rid, {"selfLink": f"https://www.googleapis.com/compute/v1/{rid}", "gatewayAddress": "10.10.0.1"}


def _global_address(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"projects/{r.project}/global/addresses/{r['name']}"
    return rid, {"address": "10.64.0.0", "selfLink": f"https://www.googleapis.com/compute/v1/{rid}"}


def _repository(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"projects/{r.project}/locations/{r.location}/repositories/{r['repositoryId']}"
    return rid, {"name": r["repositoryId"], "registryUri": f"{r.location}-docker.pkg.dev/{r.project}/{r['repositoryId']}"}


def _bucket_object(r: _Request) -> tuple[str, dict[str, Any]]:
    bucket, name = r["bucket"], r["name"]
    return f"{bucket}-{name}", {"selfLink": f"https://www.googleapis.com/storage/v1/b/{bucket}/o/{name}",
                                "mediaLink": f"https://storage.googleapis.com/download/storage/v1/b/{bucket}/o/{name}"}


def _connection(r: _Request) -> tuple[str, dict[str, Any]]:
    return f"{r.inputs.get('network')}:servicenetworking.googleapis.com", {"peering": "servicenetworking-googleapis-com"}


def _endpoint(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"projects/{r.project}/locations/{r.location}/endpoints/{r['name']}"
    outputs = {"name": r["name"], "modelDeploymentMonitoringJob": ""}
    if r.inputs.get("dedicatedEndpointEnabled"):
        # The documented form (pulumi_gcp AiEndpoint.dedicated_endpoint_dns): set only when dedicated.
        outputs["dedicatedEndpointDns"] = (f"https://{r['name']}.{r.location}-{project_number_for(r.project)}"
                                           ".prediction.vertexai.goog")
    return rid, outputs


def _dataset(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"projects/{r.project}/datasets/{r['datasetId']}"
    return rid, {"selfLink": f"https://bigquery.googleapis.com/bigquery/v2/{rid}"}


def _notification_channel(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"projects/{r.project}/notificationChannels/{_digits(r.name)}"
    return rid, {"name": rid, "verificationStatus": "VERIFIED"}


def _alert_policy(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"projects/{r.project}/alertPolicies/{_digits(r.name)}"
    return rid, {"name": rid}


def _custom_role(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"projects/{r.project}/roles/{r['roleId']}"
    return rid, {"name": rid, "deleted": False}


def _scheduler_job(r: _Request) -> tuple[str, dict[str, Any]]:
    return f"projects/{r.project}/locations/{r.location}/jobs/{r['name']}", {"state": "ENABLED"}


def _transfer_job(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"transferJobs/{_digits(r.name, length=19)}"
    return rid, {"name": rid, "status": "ENABLED"}


def _budget(r: _Request) -> tuple[str, dict[str, Any]]:
    rid = f"billingAccounts/{r.inputs.get('billingAccount')}/budgets/{short_hash(r.name, length=8)}"
    return rid, {"name": rid}


# type token -> its mock; other types get "<name>-id" and no outputs
_MOCKS: dict[str, _Mock] = {
    "gcp:kms/keyRing:KeyRing": _key_ring,
    "gcp:kms/cryptoKey:CryptoKey": _crypto_key,
    "gcp:storage/bucket:Bucket": _bucket,
    "gcp:serviceaccount/account:Account": _service_account,
    "gcp:compute/network:Network": _network,
    "gcp:compute/subnetwork:Subnetwork": _subnetwork,
    "gcp:compute/globalAddress:GlobalAddress": _global_address,
    "gcp:servicenetworking/connection:Connection": _connection,
    "gcp:artifactregistry/repository:Repository": _repository,
    "gcp:vertex/aiEndpoint:AiEndpoint": _endpoint,
    "gcp:bigquery/dataset:Dataset": _dataset,
    "gcp:monitoring/notificationChannel:NotificationChannel": _notification_channel,
    "gcp:monitoring/alertPolicy:AlertPolicy": _alert_policy,
    "gcp:projects/iAMCustomRole:IAMCustomRole": _custom_role,
    "gcp:cloudscheduler/job:Job": _scheduler_job,
    "gcp:storage/transferJob:TransferJob": _transfer_job,
    "gcp:storage/bucketObject:BucketObject": _bucket_object,
    "gcp:billing/budget:Budget": _budget,
}


def _dynamic(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kind = inputs.get("kind")
    if kind == "vertex-deployed-model":
        deployed = _digits(name, length=19)
        return f"{inputs['endpoint']}/deployments/{inputs['displayName']}", {
            "deployedModelId": deployed, "previousDeployedModelId": None, "trafficSplit": {deployed: 100}}
    if kind == "vertex-model":
        model = f"{inputs['parent']}/models/{inputs.get('modelId') or _digits(name)}"
        return f"{model}@1", {"modelName": model, "versionId": "1", "reference": f"{model}@1"}
    if kind == "vertex-model-monitoring-job":
        job = f"{inputs['parent']}/modelDeploymentMonitoringJobs/{_digits(name)}"
        return job, {"jobName": job}
    return f"{name}-id", {}
