"""Dynamic resources and the model registry against mocked aiplatform clients (no network)."""

from __future__ import annotations

from unittest import mock

import pytest
from google.cloud import aiplatform_v1

from mlopskit.modules import parse_stack
from mlopskit.providers.gcp import vertex
from mlopskit.providers.gcp.registry import VertexModelRegistry, offline_registry
from tests.conftest import STACKS
from tests.specs import baseline

ENDPOINT = "projects/acme-ml-prod/locations/europe-west4/endpoints/123"
PROPS = {
    "region": "europe-west4", "endpoint": ENDPOINT, "model": "projects/1/locations/europe-west4/models/9@3",
    "displayName": "credit-risk-prod-scoring", "machineType": "g2-standard-4", "acceleratorType": "NVIDIA_L4",
    "acceleratorCount": 1, "minReplicaCount": 2, "maxReplicaCount": 6, "targetRequestsPerReplica": 100,
    "serviceAccount": "sa@acme-ml-prod.iam.gserviceaccount.com", "strategy": "canary", "trafficSteps": [10, 100],
    "waitMinutes": 10, "autoRollback": True, "rollbackAlertPolicies": [], "approval": "automatic",
}


def _deploy_returns(client: mock.MagicMock, *ids: str) -> None:
    client.deploy_model.return_value.result.side_effect = [
        aiplatform_v1.DeployModelResponse(deployed_model=aiplatform_v1.DeployedModel(id=i)) for i in ids
    ]


@pytest.fixture()
def endpoint_client():  # type: ignore[no-untyped-def]
    with mock.patch.object(aiplatform_v1, "EndpointServiceClient") as cls:
        yield cls.return_value


def test_create_deploys_with_all_traffic(endpoint_client: mock.MagicMock) -> None:
    _deploy_returns(endpoint_client, "111")
    result = vertex.DeployedModelProvider().create(dict(PROPS))
    kwargs = endpoint_client.deploy_model.call_args.kwargs
    assert kwargs["endpoint"] == ENDPOINT and kwargs["traffic_split"] == {"0": 100}
    resources = kwargs["deployed_model"].dedicated_resources
    assert (resources.min_replica_count, resources.max_replica_count) == (2, 6)
    assert resources.machine_spec.machine_type == "g2-standard-4" and resources.machine_spec.accelerator_count == 1
    assert resources.autoscaling_metric_specs[0].metric_name == vertex.REQUEST_COUNT_METRIC
    assert resources.autoscaling_metric_specs[0].target == 100
    assert result.outs["trafficSplit"] == {"111": 100}


def test_new_model_starts_a_canary(endpoint_client: mock.MagicMock) -> None:
    _deploy_returns(endpoint_client, "222")
    olds = {**PROPS, "deployedModelId": "111", "trafficSplit": {"111": 100}}
    news = {**PROPS, "model": "projects/1/locations/europe-west4/models/9@4"}
    assert vertex.DeployedModelProvider().diff("id", olds, news).changes
    result = vertex.DeployedModelProvider().update("id", olds, news)
    assert endpoint_client.deploy_model.call_args.kwargs["traffic_split"] == {"0": 10, "111": 90}
    assert result.outs["trafficSplit"] == {"222": 10, "111": 90}
    assert result.outs["previousDeployedModelId"] == "111"
    endpoint_client.undeploy_model.assert_not_called()


def test_all_at_once_replaces_the_old_model(endpoint_client: mock.MagicMock) -> None:
    _deploy_returns(endpoint_client, "222")
    olds = {**PROPS, "strategy": "all-at-once", "trafficSteps": [100], "deployedModelId": "111"}
    news = {**olds, "model": "projects/1/locations/europe-west4/models/9@4"}
    result = vertex.DeployedModelProvider().update("id", olds, news)
    endpoint_client.undeploy_model.assert_called_once_with(endpoint=ENDPOINT, deployed_model_id="111", traffic_split={"222": 100})
    assert result.outs["trafficSplit"] == {"222": 100} and result.outs["previousDeployedModelId"] is None


def test_scaling_change_mutates_in_place(endpoint_client: mock.MagicMock) -> None:
    olds = {**PROPS, "deployedModelId": "111", "trafficSplit": {"111": 100}}
    news = {**PROPS, "minReplicaCount": 3}
    vertex.DeployedModelProvider().update("id", olds, news)
    endpoint_client.deploy_model.assert_not_called()
    kwargs = endpoint_client.mutate_deployed_model.call_args.kwargs
    assert kwargs["deployed_model"].id == "111" and kwargs["deployed_model"].dedicated_resources.min_replica_count == 3


def test_delete_undeploys_both_models(endpoint_client: mock.MagicMock) -> None:
    vertex.DeployedModelProvider().delete("id", {**PROPS, "deployedModelId": "222", "previousDeployedModelId": "111"})
    calls = [c.kwargs["deployed_model_id"] for c in endpoint_client.undeploy_model.call_args_list]
    assert calls == ["111", "222"]


def test_manual_approval_refuses_unapproved_versions(endpoint_client: mock.MagicMock) -> None:
    with mock.patch.object(aiplatform_v1, "ModelServiceClient") as models:
        models.return_value.get_model.return_value = aiplatform_v1.Model(version_aliases=[])
        with pytest.raises(ValueError, match="not approved"):
            vertex.DeployedModelProvider().create({**PROPS, "approval": "manual"})
    endpoint_client.deploy_model.assert_not_called()


MODEL_PROPS = {"parent": "projects/acme/locations/europe-west4", "region": "europe-west4", "modelId": "credit-risk-prod-m",
               "displayName": "m", "imageUri": "europe-docker.pkg.dev/x/y:1", "artifactUri": "gs://b/models/m",
               "kmsKeyName": "k", "approval": "automatic", "labels": {"endpoint": "m"}}
PARENT_MODEL = "projects/acme/locations/europe-west4/models/credit-risk-prod-m"


@pytest.fixture()
def model_client():  # type: ignore[no-untyped-def]
    with mock.patch.object(aiplatform_v1, "ModelServiceClient") as cls:
        yield cls.return_value


def _uploaded(client: mock.MagicMock, version: str) -> None:
    client.upload_model.return_value.result.return_value = aiplatform_v1.UploadModelResponse(
        model=PARENT_MODEL, model_version_id=version)


def test_first_upload_creates_the_parent_model_with_a_fixed_id(model_client: mock.MagicMock) -> None:
    from google.api_core import exceptions

    model_client.get_model.side_effect = exceptions.NotFound("no model")
    _uploaded(model_client, "1")
    result = vertex.VertexModelProvider().create(dict(MODEL_PROPS))
    request = model_client.upload_model.call_args.kwargs["request"]
    assert request.model_id == "credit-risk-prod-m" and not request.parent_model
    model = request.model
    assert list(model.version_aliases) == ["approved"] and model.encryption_spec.kms_key_name == "k"
    assert model.artifact_uri == "gs://b/models/m"
    container = model.container_spec
    assert (container.health_route, container.predict_route, container.ports[0].container_port) == ("/ping", "/invocations", 8080)
    assert result.outs["reference"] == f"{PARENT_MODEL}@1"


def test_a_new_version_is_uploaded_under_the_same_parent_model(model_client: mock.MagicMock) -> None:
    # Before the fix every upload created a new one-version model (no parent_model).
    model_client.get_model.return_value = aiplatform_v1.Model(name=PARENT_MODEL)
    _uploaded(model_client, "2")
    result = vertex.VertexModelProvider().create({**MODEL_PROPS, "artifactUri": "gs://b/models/m2"})
    request = model_client.upload_model.call_args.kwargs["request"]
    assert request.parent_model == PARENT_MODEL and not request.model_id
    assert result.outs["reference"] == f"{PARENT_MODEL}@2"


def _state(version: str, **changes: object) -> dict[str, object]:
    return {**MODEL_PROPS, "modelName": PARENT_MODEL, "versionId": version, "reference": f"{PARENT_MODEL}@{version}", **changes}


def test_deleting_the_only_version_deletes_the_model(model_client: mock.MagicMock) -> None:
    model_client.get_model.return_value = aiplatform_v1.Model(version_id="1", version_aliases=["default"])
    model_client.list_model_versions.return_value = [aiplatform_v1.Model(version_id="1")]
    vertex.VertexModelProvider().delete("id", _state("1"))
    model_client.delete_model.assert_called_once_with(name=PARENT_MODEL)
    model_client.delete_model_version.assert_not_called()


def test_deleting_the_default_version_moves_the_default_alias_first(model_client: mock.MagicMock) -> None:
    model_client.get_model.return_value = aiplatform_v1.Model(version_id="1", version_aliases=["default"])
    model_client.list_model_versions.return_value = [aiplatform_v1.Model(version_id=v) for v in ("1", "2", "3")]
    calls = mock.MagicMock()
    calls.attach_mock(model_client.merge_version_aliases, "merge")
    calls.attach_mock(model_client.delete_model_version, "delete")
    vertex.VertexModelProvider().delete("id", _state("1"))
    assert [c[0] for c in calls.mock_calls if c[0] in ("merge", "delete")] == ["merge", "delete"]
    model_client.merge_version_aliases.assert_called_once_with(name=f"{PARENT_MODEL}@3", version_aliases=["default"])
    model_client.delete_model_version.assert_called_once_with(name=f"{PARENT_MODEL}@1")


def test_a_version_still_deployed_is_kept(model_client: mock.MagicMock) -> None:
    model_client.get_model.return_value = aiplatform_v1.Model(
        version_id="1", deployed_models=[aiplatform_v1.DeployedModelRef(endpoint=ENDPOINT, deployed_model_id="111")])
    vertex.VertexModelProvider().delete("id", _state("1"))
    model_client.delete_model_version.assert_not_called()
    model_client.delete_model.assert_not_called()


def test_monitoring_job_create_and_delete() -> None:
    props = {"parent": "projects/acme/locations/europe-west4", "region": "europe-west4", "endpoint": ENDPOINT,
             "deployedModelId": "111", "displayName": "d", "intervalSeconds": 86400, "sampleRate": 0.2,
             "driftThreshold": 0.3, "emails": ["a@example.com"], "kmsKeyName": None, "labels": {}}
    with mock.patch.object(aiplatform_v1, "JobServiceClient") as cls:
        client = cls.return_value
        client.create_model_deployment_monitoring_job.return_value = aiplatform_v1.ModelDeploymentMonitoringJob(name="jobs/1")
        result = vertex.ModelMonitoringJobProvider().create(props)
        job = client.create_model_deployment_monitoring_job.call_args.kwargs["model_deployment_monitoring_job"]
        assert job.model_deployment_monitoring_schedule_config.monitor_interval.total_seconds() == 86400
        assert job.logging_sampling_strategy.random_sample_config.sample_rate == 0.2
        assert list(job.model_monitoring_alert_config.email_alert_config.user_emails) == ["a@example.com"]
        vertex.ModelMonitoringJobProvider().delete(result.id, result.outs)
        client.delete_model_deployment_monitoring_job.assert_called_once_with(name="jobs/1")


def test_traffic_steps() -> None:
    assert vertex.traffic_steps("canary", 10, 20) == [10, 100]
    assert vertex.traffic_steps("linear", 10, 25) == [25, 50, 75, 100]
    assert vertex.traffic_steps("blue-green", 10, 20) == [0, 100]
    assert vertex.traffic_steps("all-at-once", 10, 20) == [100]


def test_offline_registry_resolves_latest_approved_and_pinned() -> None:
    stack = parse_stack(baseline(), base_dir=STACKS)
    with offline_registry(stack, "123456789012") as registry:
        latest = registry.resolve("credit-risk", "latest-approved")
        pinned = registry.resolve("credit-risk", 7)
        assert latest is not None and pinned is not None and pinned.version == 7
        assert latest.version >= 7
        assert registry.resolve("unknown", "latest-approved") is None


def test_the_seeded_registry_answers_with_real_model_fields() -> None:
    """The offline registry's records are aiplatform_v1.Model messages minus the import: every
    field is a Model field, and each value round-trips through the real message unchanged."""
    from dataclasses import asdict, fields

    from mlopskit.providers.gcp.registry import SeededModel, seeded_client

    proto_fields = set(aiplatform_v1.Model.meta.fields)
    assert {f.name for f in fields(SeededModel)} <= proto_fields
    client = seeded_client(parse_stack(baseline(), base_dir=STACKS), "123456789012")
    model = client.list_models(request={"filter": 'display_name="credit-risk"'})[0]
    for seeded in [model, *client.list_model_versions(request={"name": model.name})]:
        message = aiplatform_v1.Model(**asdict(seeded))
        assert {f: getattr(message, f) for f in asdict(seeded)} == asdict(seeded)


def test_registry_ignores_unapproved_versions() -> None:
    client = mock.MagicMock()
    client.list_models.return_value = [aiplatform_v1.Model(name="projects/1/locations/r/models/5", display_name="p")]
    client.list_model_versions.return_value = [
        aiplatform_v1.Model(version_id="1", version_aliases=["approved"]),
        aiplatform_v1.Model(version_id="2", version_aliases=[]),
    ]
    registry = VertexModelRegistry("acme", "europe-west4", lambda: client)
    resolved = registry.resolve("p", "latest-approved")
    assert resolved is not None and resolved.version == 1 and resolved.reference == "projects/1/locations/r/models/5@1"
    client.list_model_versions.return_value = [aiplatform_v1.Model(version_id="2", version_aliases=[])]
    assert registry.resolve("p", "latest-approved") is None
