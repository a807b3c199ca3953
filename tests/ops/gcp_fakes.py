"""Mocked Vertex AI and Cloud Storage clients holding real aiplatform_v1 messages, in the
way google-cloud-aiplatform's own tests mock the GAPIC transport: no network, no credentials."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from unittest import mock

from google.cloud import aiplatform_v1

from mlopskit.providers.gcp import names
from tests.specs import stack

PROJECT, REGION = "acme-ml-prod", "europe-west4"
PARENT = f"projects/{PROJECT}/locations/{REGION}"
MODEL = f"{PARENT}/models/4242"


def operation(result: Any) -> mock.MagicMock:
    op = mock.MagicMock(name="Operation")
    op.result.return_value = result
    return op


class FakeEndpoints:
    """EndpointServiceClient over one endpoint's state."""

    def __init__(self, endpoint_name: str) -> None:
        resources = aiplatform_v1.DedicatedResources(
            machine_spec=aiplatform_v1.MachineSpec(machine_type="g2-standard-4"), min_replica_count=2, max_replica_count=6)
        self.endpoint = aiplatform_v1.Endpoint(
            name=endpoint_name, deployed_models=[aiplatform_v1.DeployedModel(id="1", model=f"{MODEL}@1", dedicated_resources=resources)],
            traffic_split={"1": 100},
            predict_request_response_logging_config=aiplatform_v1.PredictRequestResponseLoggingConfig(enabled=True, sampling_rate=0.2))
        self.history: list[dict[str, int]] = []
        self.next_id = 2

    def get_endpoint(self, name: str) -> aiplatform_v1.Endpoint:
        assert name == self.endpoint.name
        return aiplatform_v1.Endpoint(self.endpoint)

    def deploy_model(self, endpoint: str, deployed_model: aiplatform_v1.DeployedModel, traffic_split: dict[str, int]) -> Any:
        new = aiplatform_v1.DeployedModel(deployed_model)
        new.id = str(self.next_id)
        self.next_id += 1
        self.endpoint.deployed_models.append(new)
        self._set_split({(new.id if k == "0" else k): v for k, v in traffic_split.items()})
        return operation(aiplatform_v1.DeployModelResponse(deployed_model=new))

    def update_endpoint(self, endpoint: aiplatform_v1.Endpoint, update_mask: Any) -> aiplatform_v1.Endpoint:
        if "traffic_split" in update_mask.paths:
            self._set_split(dict(endpoint.traffic_split))
        if "labels" in update_mask.paths:
            self.endpoint.labels.clear()
            self.endpoint.labels.update(dict(endpoint.labels))
        return self.endpoint

    def undeploy_model(self, endpoint: str, deployed_model_id: str, traffic_split: dict[str, int]) -> Any:
        kept = [d for d in self.endpoint.deployed_models if d.id != deployed_model_id]
        del self.endpoint.deployed_models[:]
        self.endpoint.deployed_models.extend(kept)
        self._set_split(dict(traffic_split))
        return operation(aiplatform_v1.UndeployModelResponse())

    def _set_split(self, split: dict[str, int]) -> None:
        assert sum(split.values()) == 100, split
        self.endpoint.traffic_split.clear()
        self.endpoint.traffic_split.update(split)
        self.history.append(dict(split))

    def split(self) -> dict[str, int]:
        return dict(self.endpoint.traffic_split)


class FakeModels:
    """ModelServiceClient: package `credit-risk` with versions 1 (approved), 2, 3 (approved)."""

    def __init__(self) -> None:
        self.aliases = {"1": ["approved"], "2": [], "3": ["approved"]}

    def list_models(self, request: dict[str, Any]) -> list[aiplatform_v1.Model]:
        return [aiplatform_v1.Model(name=MODEL, display_name="credit-risk")] if 'display_name="credit-risk"' == request["filter"] else []

    def get_model(self, name: str) -> aiplatform_v1.Model:
        from google.api_core import exceptions

        version = name.rsplit("@", 1)[1]
        if version not in self.aliases:
            raise exceptions.NotFound(f"Model {name} not found.")
        return aiplatform_v1.Model(name=MODEL, version_id=version, version_aliases=self.aliases[version])

    def merge_version_aliases(self, name: str, version_aliases: list[str]) -> aiplatform_v1.Model:
        version = name.rsplit("@", 1)[1]
        self.aliases[version] = sorted(set(self.aliases[version]) | set(version_aliases))
        return self.get_model(name)


@dataclass
class FakeBlob:
    name: str
    data: bytes
    updated: datetime
    store: FakeStorage | None = None
    bucket_name: str = ""

    @property
    def crc32c(self) -> str:
        return str(zlib.crc32(self.data))

    def download_as_text(self) -> str:
        from google.api_core import exceptions

        if self.store is None or self.name not in self.store.buckets.get(self.bucket_name, {}):
            raise exceptions.NotFound(f"No such object: {self.bucket_name}/{self.name}")
        return self.data.decode()

    def delete(self) -> None:
        assert self.store is not None
        del self.store.buckets[self.bucket_name][self.name]


@dataclass
class FakeBucket:
    name: str
    store: FakeStorage

    def blob(self, key: str) -> FakeBlob:
        # Like the real client: a handle, which fails only when read.
        return self.store.buckets.get(self.name, {}).get(key) or FakeBlob(key, b"", self.store.now, self.store, self.name)

    def copy_blob(self, blob: FakeBlob, destination_bucket: FakeBucket, new_name: str) -> FakeBlob:
        return self.store.put(destination_bucket.name, new_name, blob.data)


@dataclass
class FakeStorage:
    """storage.Client: buckets of blobs."""

    buckets: dict[str, dict[str, FakeBlob]] = field(default_factory=dict)
    now: datetime = datetime(2026, 9, 1, tzinfo=UTC)

    def put(self, bucket: str, key: str, data: bytes, updated: datetime | None = None) -> FakeBlob:
        blob = FakeBlob(key, data, updated or self.now, self, bucket)
        self.buckets.setdefault(bucket, {})[key] = blob
        return blob

    def bucket(self, bucket_name: str) -> FakeBucket:
        return FakeBucket(bucket_name, self)

    def list_blobs(self, bucket_or_name: str) -> list[FakeBlob]:
        return sorted(self.buckets.get(bucket_or_name, {}).values(), key=lambda b: b.name)


class FakeClients:
    """What GcpOps asks for by kind; ``alerts`` is a MagicMock tests drive."""

    def __init__(self) -> None:
        s = stack()
        self.endpoint_name = names.endpoint_resource(PROJECT, REGION, s, "scoring")
        self.made = {"endpoints": FakeEndpoints(self.endpoint_name), "models": FakeModels(), "storage": FakeStorage(),
                     "jobs": mock.MagicMock(name="JobServiceClient"), "alerts": mock.MagicMock(name="AlertsApi")}
        self.made["alerts"].open_alerts.return_value = []

    def get(self, kind: str) -> Any:
        return self.made[kind]
