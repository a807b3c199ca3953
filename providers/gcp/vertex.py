"""Vertex AI operations pulumi-gcp has no resource for, as Pulumi dynamic resources.

- ``VertexModel``: uploads a model version to the Vertex Model Registry.
- ``DeployedModel``: deploys a model version to an endpoint and holds its traffic split;
  a model change deploys the new version beside the old one at the rollout's first step.
- ``ModelMonitoringJob``: Vertex model monitoring (drift) over an endpoint's captured data.

The providers call google-cloud-aiplatform's GAPIC clients, imported lazily so that a
preview never loads (or authenticates) them. Inputs use camelCase keys like every other
resource the engine records.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

REQUEST_COUNT_METRIC = "aiplatform.googleapis.com/prediction/online/request_count"
APPROVED_ALIAS = "approved"
# The alias Vertex keeps on exactly one version of every model (aiplatform_v1 Model.version_aliases).
DEFAULT_ALIAS = "default"
OPERATION_TIMEOUT_S = 3600
SERVING_PORT, HEALTH_ROUTE, SCORING_ROUTE = 8080, "/ping", "/invocations"

# Inputs whose change needs a new deployed model (the others are mutated in place).
_REDEPLOY_KEYS = ("model", "machineType", "acceleratorType", "acceleratorCount", "serviceAccount")
_SCALING_KEYS = ("minReplicaCount", "maxReplicaCount", "targetRequestsPerReplica")
_RECORD_KEYS = ("strategy", "trafficSteps", "waitMinutes", "autoRollback", "rollbackAlertPolicies", "approval")


def _client_options(region: str) -> dict[str, str]:
    return {"api_endpoint": f"{region}-aiplatform.googleapis.com"}


def endpoint_client(region: str) -> Any:
    """The regional Vertex AI EndpointService client."""
    from google.cloud import aiplatform_v1

    return aiplatform_v1.EndpointServiceClient(client_options=_client_options(region))


def model_client(region: str) -> Any:
    """The regional Vertex AI ModelService client."""
    from google.cloud import aiplatform_v1

    return aiplatform_v1.ModelServiceClient(client_options=_client_options(region))


def job_client(region: str) -> Any:
    """The regional Vertex AI JobService client."""
    from google.cloud import aiplatform_v1

    return aiplatform_v1.JobServiceClient(client_options=_client_options(region))


def traffic_steps(strategy: str, canary_percent: int, linear_step_percent: int) -> list[int]:
    """Percent of traffic on the NEW model at each rollout step (the last is always 100).

    blue-green deploys the new (green) model with 0% beside the live one, then switches
    all traffic at once; shadow has no Vertex equivalent and degrades to all-at-once
    (the build warns about it).
    """
    if strategy == "canary":
        return [canary_percent, 100]
    if strategy == "linear":
        return [*range(linear_step_percent, 100, linear_step_percent), 100]
    if strategy == "blue-green":
        return [0, 100]
    return [100]


def _deployed_model(props: dict[str, Any], with_machine: bool = True) -> Any:
    from google.cloud import aiplatform_v1

    machine = aiplatform_v1.MachineSpec(machine_type=props["machineType"])
    if props.get("acceleratorType"):
        machine.accelerator_type = props["acceleratorType"]
        machine.accelerator_count = int(props.get("acceleratorCount") or 1)
    resources = aiplatform_v1.DedicatedResources(
        min_replica_count=int(props["minReplicaCount"]),
        max_replica_count=int(props["maxReplicaCount"]),
        autoscaling_metric_specs=[
            aiplatform_v1.AutoscalingMetricSpec(
                metric_name=REQUEST_COUNT_METRIC, target=int(props["targetRequestsPerReplica"])
            )
        ],
    )
    if with_machine:
        resources.machine_spec = machine
    return aiplatform_v1.DeployedModel(
        model=props["model"],
        display_name=props["displayName"],
        service_account=props.get("serviceAccount") or "",
        dedicated_resources=resources,
        enable_access_logging=True,
    )


class DeployedModelProvider(ResourceProvider):
    """Deploys a model version to a Vertex endpoint; the traffic split lives in its outputs."""

    def check_approved(self, props: dict[str, Any]) -> None:
        # Manual approval: only a version a human marked ``approved`` may take traffic.
        if props.get("approval") != "manual":
            return
        model = model_client(props["region"]).get_model(name=props["model"])
        if APPROVED_ALIAS not in list(model.version_aliases):
            raise ValueError(f"{props['model']} is not approved (registry.models.approval is manual)")

    def create(self, props: dict[str, Any]) -> CreateResult:
        self.check_approved(props)
        client = endpoint_client(props["region"])
        # First deployment: the one model takes all traffic ("0" = the model being deployed).
        operation = client.deploy_model(
            endpoint=props["endpoint"], deployed_model=_deployed_model(props), traffic_split={"0": 100}
        )
        deployed_id = operation.result(timeout=OPERATION_TIMEOUT_S).deployed_model.id
        outs = {**props, "deployedModelId": deployed_id, "previousDeployedModelId": None, "trafficSplit": {deployed_id: 100}}
        return CreateResult(id_=f"{props['endpoint']}/deployments/{props['displayName']}", outs=outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        keys = ("endpoint", "region", "displayName", *_REDEPLOY_KEYS, *_SCALING_KEYS, *_RECORD_KEYS)
        changed = [k for k in keys if olds.get(k) != news.get(k)]
        replaces: list[str] = [k for k in ("endpoint", "region") if k in changed]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        client = endpoint_client(news["region"])
        current = olds["deployedModelId"]
        outs = {**news, "deployedModelId": current, "previousDeployedModelId": olds.get("previousDeployedModelId"),
                "trafficSplit": olds.get("trafficSplit") or {current: 100}}
        if any(olds.get(k) != news.get(k) for k in _REDEPLOY_KEYS):
            self.check_approved(news)
            first = int(news["trafficSteps"][0])
            # The new model goes live beside the old one at the strategy's first step; the
            # day-2 tooling moves along trafficSteps after waitMinutes unless an alarm fires.
            operation = client.deploy_model(
                endpoint=news["endpoint"],
                deployed_model=_deployed_model(news),
                traffic_split={"0": first, current: 100 - first},
            )
            new_id = operation.result(timeout=OPERATION_TIMEOUT_S).deployed_model.id
            if first == 100:
                client.undeploy_model(
                    endpoint=news["endpoint"], deployed_model_id=current, traffic_split={new_id: 100}
                ).result(timeout=OPERATION_TIMEOUT_S)
                outs.update(deployedModelId=new_id, previousDeployedModelId=None, trafficSplit={new_id: 100})
            else:
                split = {new_id: first, current: 100 - first}
                outs.update(deployedModelId=new_id, previousDeployedModelId=current, trafficSplit=split)
        elif any(olds.get(k) != news.get(k) for k in _SCALING_KEYS):
            from google.protobuf import field_mask_pb2

            deployed = _deployed_model(news, with_machine=False)
            deployed.id = current
            client.mutate_deployed_model(
                endpoint=news["endpoint"],
                deployed_model=deployed,
                update_mask=field_mask_pb2.FieldMask(
                    paths=[
                        "dedicated_resources.min_replica_count",
                        "dedicated_resources.max_replica_count",
                        "dedicated_resources.autoscaling_metric_specs",
                    ]
                ),
            ).result(timeout=OPERATION_TIMEOUT_S)
        return UpdateResult(outs=outs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        client = endpoint_client(props["region"])
        current = props["deployedModelId"]
        previous = props.get("previousDeployedModelId")
        if previous:
            client.undeploy_model(
                endpoint=props["endpoint"], deployed_model_id=previous, traffic_split={current: 100}
            ).result(timeout=OPERATION_TIMEOUT_S)
        client.undeploy_model(endpoint=props["endpoint"], deployed_model_id=current, traffic_split={}).result(
            timeout=OPERATION_TIMEOUT_S
        )


class DeployedModel(pulumi.dynamic.Resource):
    """A model version deployed on a Vertex endpoint with replicas, autoscaling and traffic."""

    deployedModelId: pulumi.Output[str]  # noqa: N815 - engine-facing camelCase
    previousDeployedModelId: pulumi.Output[str | None]  # noqa: N815
    trafficSplit: pulumi.Output[dict[str, int]]  # noqa: N815

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(
            DeployedModelProvider(),
            name,
            {"kind": "vertex-deployed-model", **props, "deployedModelId": None, "previousDeployedModelId": None, "trafficSplit": None},
            opts,
        )


class VertexModelProvider(ResourceProvider):
    """Uploads one model version (container + artifact) to the Vertex Model Registry.

    Every version of an endpoint's model lives under ONE parent model whose id is fixed
    (``modelId``): the first upload creates it, later ones add versions to it. Vertex
    refuses to delete a model's only version (DeleteModel removes the model instead) and
    a version a DeployedModel still serves (cloud.google.com/vertex-ai/docs/reference/rest/
    v1/projects.locations.models/deleteVersion); ``delete`` follows those rules.
    """

    def _existing(self, client: Any, name: str) -> Any:
        from google.api_core import exceptions

        try:
            return client.get_model(name=name)
        except exceptions.NotFound:
            return None

    def create(self, props: dict[str, Any]) -> CreateResult:
        from google.cloud import aiplatform_v1

        client = model_client(props["region"])
        model = aiplatform_v1.Model(
            display_name=props["displayName"],
            artifact_uri=props["artifactUri"],
            # The kit's serving contract on every cloud (SageMaker's, fixed there; the Azure
            # environment declares the same routes): port 8080, GET /ping, POST /invocations.
            container_spec=aiplatform_v1.ModelContainerSpec(
                image_uri=props["imageUri"], ports=[aiplatform_v1.Port(container_port=SERVING_PORT)],
                health_route=HEALTH_ROUTE, predict_route=SCORING_ROUTE,
            ),
            labels=dict(props.get("labels") or {}),
            # Automatic approval: registering a version is approving it.
            version_aliases=[APPROVED_ALIAS] if props.get("approval") == "automatic" else [],
        )
        if props.get("kmsKeyName"):
            model.encryption_spec = aiplatform_v1.EncryptionSpec(kms_key_name=props["kmsKeyName"])
        parent_model = f"{props['parent']}/models/{props['modelId']}"
        # parent_model and model_id are request fields, not flattened arguments.
        if self._existing(client, parent_model) is not None:
            request = aiplatform_v1.UploadModelRequest(parent=props["parent"], parent_model=parent_model, model=model)
        else:
            request = aiplatform_v1.UploadModelRequest(parent=props["parent"], model_id=props["modelId"], model=model)
        response = client.upload_model(request=request).result(timeout=OPERATION_TIMEOUT_S)
        version_name = f"{response.model}@{response.model_version_id}"
        return CreateResult(
            id_=version_name, outs={**props, "modelName": response.model, "versionId": response.model_version_id, "reference": version_name}
        )

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        keys = ("parent", "region", "modelId", "displayName", "artifactUri", "imageUri", "kmsKeyName", "labels", "approval")
        changed = [k for k in keys if olds.get(k) != news.get(k)]
        # A registered version is immutable: any change is a new version (a replacement),
        # uploaded before the old one is deleted so the parent model never goes empty.
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        client = model_client(props["region"])
        version = self._existing(client, props["reference"])
        if version is None:
            return  # already gone (deleted by hand or with its model)
        if list(version.deployed_models):
            # A replaced version that still takes traffic (a canary's old side, or the
            # version a rollback returns to): Vertex refuses to delete it, so it stays
            # in the registry until it is undeployed.
            pulumi.log.warn(f"{props['reference']} is still deployed: kept in the Vertex Model Registry")
            return
        others = [v for v in client.list_model_versions(name=props["modelName"]) if str(v.version_id) != str(props["versionId"])]
        if not others:
            client.delete_model(name=props["modelName"]).result(timeout=OPERATION_TIMEOUT_S)
            return
        if DEFAULT_ALIAS in list(version.version_aliases):
            # Exactly one version carries ``default``: hand it to the newest remaining one first.
            newest = max(others, key=lambda v: int(v.version_id))
            client.merge_version_aliases(name=f"{props['modelName']}@{newest.version_id}", version_aliases=[DEFAULT_ALIAS])
        client.delete_model_version(name=props["reference"]).result(timeout=OPERATION_TIMEOUT_S)


class VertexModel(pulumi.dynamic.Resource):
    """One version in the Vertex Model Registry; ``reference`` is ``<model>@<version>``."""

    reference: pulumi.Output[str]
    modelName: pulumi.Output[str]  # noqa: N815
    versionId: pulumi.Output[str]  # noqa: N815

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(
            VertexModelProvider(), name, {"kind": "vertex-model", **props, "reference": None, "modelName": None, "versionId": None}, opts
        )


class ModelMonitoringJobProvider(ResourceProvider):
    """Vertex model deployment monitoring (drift) on an endpoint, alerting by email."""

    def _job(self, props: dict[str, Any]) -> Any:
        from google.cloud import aiplatform_v1
        from google.protobuf import duration_pb2

        objective = aiplatform_v1.ModelDeploymentMonitoringObjectiveConfig(
            deployed_model_id=props["deployedModelId"],
            objective_config=aiplatform_v1.ModelMonitoringObjectiveConfig(
                prediction_drift_detection_config=aiplatform_v1.ModelMonitoringObjectiveConfig.PredictionDriftDetectionConfig(
                    default_drift_threshold=aiplatform_v1.ThresholdConfig(value=float(props["driftThreshold"]))
                )
            ),
        )
        job = aiplatform_v1.ModelDeploymentMonitoringJob(
            display_name=props["displayName"],
            endpoint=props["endpoint"],
            model_deployment_monitoring_objective_configs=[objective],
            model_deployment_monitoring_schedule_config=aiplatform_v1.ModelDeploymentMonitoringScheduleConfig(
                monitor_interval=duration_pb2.Duration(seconds=int(props["intervalSeconds"]))
            ),
            logging_sampling_strategy=aiplatform_v1.SamplingStrategy(
                random_sample_config=aiplatform_v1.SamplingStrategy.RandomSampleConfig(sample_rate=float(props["sampleRate"]))
            ),
            model_monitoring_alert_config=aiplatform_v1.ModelMonitoringAlertConfig(
                email_alert_config=aiplatform_v1.ModelMonitoringAlertConfig.EmailAlertConfig(user_emails=list(props["emails"]))
            ),
            labels=dict(props.get("labels") or {}),
        )
        if props.get("kmsKeyName"):
            job.encryption_spec = aiplatform_v1.EncryptionSpec(kms_key_name=props["kmsKeyName"])
        return job

    def create(self, props: dict[str, Any]) -> CreateResult:
        created = job_client(props["region"]).create_model_deployment_monitoring_job(
            parent=props["parent"], model_deployment_monitoring_job=self._job(props)
        )
        return CreateResult(id_=created.name, outs={**props, "jobName": created.name})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        keys = ("parent", "region", "endpoint", "deployedModelId", "displayName", "intervalSeconds", "sampleRate",
                "driftThreshold", "emails", "kmsKeyName", "labels")
        changed = [k for k in keys if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=True)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        client = job_client(props["region"])
        # A running monitoring job must be paused before Vertex lets it be deleted.
        client.pause_model_deployment_monitoring_job(name=props["jobName"])
        client.delete_model_deployment_monitoring_job(name=props["jobName"]).result(timeout=OPERATION_TIMEOUT_S)


class ModelMonitoringJob(pulumi.dynamic.Resource):
    """Scheduled drift detection over one endpoint's captured predictions."""

    jobName: pulumi.Output[str]  # noqa: N815

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(ModelMonitoringJobProvider(), name, {"kind": "vertex-model-monitoring-job", **props, "jobName": None}, opts)
