"""GCP's ordering table: per recorded type, what must exist before its create.

- ``api``: the API that serves the type is enabled (a fresh project has most APIs off:
  the create fails with SERVICE_DISABLED until ``projects.Service`` is done);
- ``cmek(agent)``: the type's service agent may use the customer-managed key the resource
  names (a CMEK create is refused while the agent lacks cryptoKeyEncrypterDecrypter:
  Cloud Storage, Artifact Registry, BigQuery and Vertex AI CMEK pages);
- ``identity``: the service account the resource runs as or grants to exists.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlopskit.modules.graph import Graph, RecordedResource
from tests.fidelity.ordering import Finder, strings

#: The API each Terraform-provider module is served by (the module is the type's middle part).
API_OF_MODULE = {
    "artifactregistry": "artifactregistry.googleapis.com",
    "bigquery": "bigquery.googleapis.com",
    "billing": "billingbudgets.googleapis.com",
    "cloudscheduler": "cloudscheduler.googleapis.com",
    "compute": "compute.googleapis.com",
    "kms": "cloudkms.googleapis.com",
    "logging": "logging.googleapis.com",
    "monitoring": "monitoring.googleapis.com",
    "networkconnectivity": "networkconnectivity.googleapis.com",
    "serviceaccount": "iam.googleapis.com",
    "servicenetworking": "servicenetworking.googleapis.com",
    "storage": "storage.googleapis.com",
    "vertex": "aiplatform.googleapis.com",
}
#: Types served by another module's API than their own.
API_OF_TYPE = {
    "gcp:storage/transferJob:TransferJob": "storagetransfer.googleapis.com",
    "gcp:projects/iAMCustomRole:IAMCustomRole": "iam.googleapis.com",
}


def _module(resource: RecordedResource) -> str:
    return resource.type.split(":")[1].split("/")[0]


def api(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    if resource.type == "pulumi-python:dynamic:Resource":
        wanted = "aiplatform.googleapis.com"  # every GCP dynamic resource of the kit calls Vertex AI
    else:
        wanted = API_OF_TYPE.get(resource.type) or API_OF_MODULE.get(_module(resource), "")
    for service in graph.of_type("gcp:projects/service:Service"):
        if service.inputs.get("service") == wanted:
            yield service, f"the API {wanted} that creates it"


def cmek(agent_domain: str) -> Finder:
    """The key grants of the service agent ``*@<agent_domain>`` on every key the resource names."""

    def find(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
        keys = {k.outputs.get("id") for k in graph.of_type("gcp:kms/cryptoKey:CryptoKey")}
        used = {s for s in strings(resource.inputs) if s in keys}
        for grant in graph.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"):
            if grant.inputs.get("cryptoKeyId") in used and agent_domain in str(grant.inputs.get("member")):
                yield grant, f"the key grant of the {agent_domain} service agent that encrypts for it"

    return find


def identity(graph: Graph, resource: RecordedResource) -> Iterator[tuple[RecordedResource, str]]:
    texts = set(strings(resource.inputs))
    for account in graph.of_type("gcp:serviceaccount/account:Account"):
        if account is not resource and (account.outputs.get("email") in texts or account.outputs.get("member") in texts):
            yield account, "the service account it runs as or grants to"


STORAGE, REGISTRY, BIGQUERY, VERTEX = (cmek("gs-project-accounts"), cmek("gcp-sa-artifactregistry"),
                                        cmek("bigquery-encryption"), cmek("gcp-sa-aiplatform"))
ALWAYS: tuple[Finder, ...] = (api, identity)
TABLE: dict[str, tuple[Finder, ...]] = {
    "gcp:artifactregistry/repository:Repository": (REGISTRY,),
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": (),
    "gcp:bigquery/dataset:Dataset": (BIGQUERY,),
    "gcp:bigquery/datasetIamMember:DatasetIamMember": (),
    "gcp:billing/budget:Budget": (),
    "gcp:cloudscheduler/job:Job": (),
    "gcp:compute/globalAddress:GlobalAddress": (),
    "gcp:compute/network:Network": (),
    "gcp:compute/subnetwork:Subnetwork": (),
    "gcp:kms/cryptoKey:CryptoKey": (),
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": (),
    "gcp:kms/keyRing:KeyRing": (),
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": (),
    "gcp:monitoring/alertPolicy:AlertPolicy": (),
    "gcp:monitoring/notificationChannel:NotificationChannel": (),
    "gcp:networkconnectivity/serviceConnectionPolicy:ServiceConnectionPolicy": (),
    "gcp:projects/iAMAuditConfig:IAMAuditConfig": (),
    "gcp:projects/iAMCustomRole:IAMCustomRole": (),
    "gcp:projects/iAMMember:IAMMember": (),
    "gcp:projects/service:Service": (),
    "gcp:serviceaccount/account:Account": (),
    "gcp:serviceaccount/iAMMember:IAMMember": (),
    "gcp:servicenetworking/connection:Connection": (),
    "gcp:storage/bucket:Bucket": (STORAGE,),
    "gcp:storage/bucketIAMMember:BucketIAMMember": (),
    # An object in a CMEK bucket is encrypted by the storage agent as it is written.
    "gcp:storage/bucketObject:BucketObject": (STORAGE,),
    "gcp:storage/transferJob:TransferJob": (),
    "gcp:vertex/aiEndpoint:AiEndpoint": (VERTEX,),
    "gcp:vertex/aiEndpointIamMember:AiEndpointIamMember": (),
    "gcp:vertex/aiMetadataStore:AiMetadataStore": (VERTEX,),
    "gcp:vertex/aiTensorboard:AiTensorboard": (VERTEX,),
    "pulumi-python:dynamic:Resource#kind=vertex-deployed-model": (VERTEX,),
    "pulumi-python:dynamic:Resource#kind=vertex-model": (VERTEX,),
    "pulumi-python:dynamic:Resource#kind=vertex-model-monitoring-job": (VERTEX,),
}
