"""Day-2 operations on Vertex AI through google-cloud-aiplatform (GAPIC clients), Cloud
Storage and the Cloud Monitoring alerts API. Credentials come from Application Default
Credentials; the regional endpoint from the spec's region.

Rollouts deploy the new version beside the live deployed model with 0% traffic and move
the endpoint's ``traffic_split`` step by step; Vertex has no traffic mirroring, so shadow
cannot start here (the provider warns about it at build time).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from mlopskit.modules.batch import BatchJob
from mlopskit.modules.day2.backend import (
    LiveEndpoint,
    LiveVariant,
    OpsBackend,
    Rollout,
    TrainingState,
    TrainingStatus,
    credentials_configured,
)
from mlopskit.modules.day2.calls import Gateway
from mlopskit.modules.day2.errors import CloudError
from mlopskit.modules.endpoint import Endpoint
from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.modules.stack import Stack
from mlopskit.modules.training import TrainingJob
from mlopskit.providers.base import resolve_compute
from mlopskit.providers.gcp import names

OPERATION_TIMEOUT_S = 3600
PREVIOUS_LABEL = "mlopskit-previous"  # endpoint label: deployed model id `rollback` restores
JOB_STATES: dict[str, TrainingState] = {
    "JOB_STATE_SUCCEEDED": "succeeded", "JOB_STATE_FAILED": "failed", "JOB_STATE_CANCELLED": "failed",
    "JOB_STATE_EXPIRED": "failed",
}


NO_GOOGLE_CREDENTIALS = ("no Google credentials found (Application Default Credentials): run "
                         "`gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS to a key file")


def classify(error: BaseException) -> CloudError | None:
    """google.api_core errors -> throttled / not-found / access-denied / failed."""
    from google.api_core import exceptions
    from google.auth.exceptions import DefaultCredentialsError

    message = getattr(error, "message", None) or str(error)
    if isinstance(error, (exceptions.TooManyRequests, exceptions.ResourceExhausted)):
        return CloudError("throttled", "", message)
    if isinstance(error, exceptions.NotFound):
        return CloudError("not-found", "", message)
    if isinstance(error, (exceptions.PermissionDenied, exceptions.Unauthenticated, exceptions.Forbidden)):
        return CloudError("access-denied", "", message)
    if isinstance(error, DefaultCredentialsError):
        return CloudError("access-denied", "", NO_GOOGLE_CREDENTIALS)
    if isinstance(error, exceptions.GoogleAPIError):
        return CloudError("failed", "", message)
    return None


class Clients:
    """The SDK clients, made on first use (constructing one looks for credentials)."""

    def __init__(self, region: str, project: str) -> None:
        self.region, self.project = region, project
        self._made: dict[str, Any] = {}

    def get(self, kind: str) -> Any:
        if kind not in self._made:
            self._made[kind] = self._make(kind)
        return self._made[kind]

    def _make(self, kind: str) -> Any:
        if kind == "storage":
            from google.cloud import storage

            return storage.Client(project=self.project)
        if kind == "alerts":
            return AlertsApi(self.project)
        from google.cloud import aiplatform_v1

        options = {"api_endpoint": f"{self.region}-aiplatform.googleapis.com"}
        service = {"endpoints": aiplatform_v1.EndpointServiceClient, "models": aiplatform_v1.ModelServiceClient,
                   "jobs": aiplatform_v1.JobServiceClient}[kind]
        return service(client_options=options)


class AlertsApi:
    """Open alerts of alert policies (Cloud Monitoring v3 ``projects.alerts``), over REST:
    the kit does not depend on google-cloud-monitoring for this one read."""

    def __init__(self, project: str) -> None:
        self.project = project

    def open_alerts(self, policy_display_names: list[str]) -> list[str]:
        import google.auth
        from google.auth.transport.requests import AuthorizedSession

        credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/monitoring.read"])
        session = AuthorizedSession(credentials)
        wanted = " OR ".join(f'policy.displayName="{n}"' for n in policy_display_names)
        response = session.get(f"https://monitoring.googleapis.com/v3/projects/{self.project}/alerts",
                               params={"filter": f'state="OPEN" AND ({wanted})'})
        response.raise_for_status()
        return sorted({a["policy"]["displayName"] for a in response.json().get("alerts", [])})


class GcpOps(OpsBackend):
    """The stack's Vertex endpoints, custom jobs, model registry and backup bucket."""

    cloud = "gcp"

    def __init__(self, stack: Stack, gateway: Gateway, clients: Any = None) -> None:
        super().__init__(gateway)
        placement = stack.placement.gcp
        assert placement is not None, "placement.gcp is checked before ops run"
        self.stack, self.project, self.region = stack, placement.project, placement.region
        self._injected = clients is not None
        self.clients = clients or Clients(self.region, self.project)

    def _call(self, kind: str, operation: str) -> Callable[..., Any]:
        # The client is made inside the call, where its credential lookup is classified
        # (DefaultCredentialsError -> one line) and an offline dry run never reaches it.
        return lambda **params: getattr(self.clients.get(kind), operation)(**params)

    def _read(self, kind: str, operation: str, **params: Any) -> Any:
        return self.gateway.read(kind, operation, self._call(kind, operation), **params)

    def _write(self, kind: str, operation: str, dry_result: Any = None, wait: bool = False, **params: Any) -> Any:
        call = self._call(kind, operation)
        if wait:  # long-running operation: the change is only made once it completes
            method = call
            call = lambda **kw: method(**kw).result(timeout=OPERATION_TIMEOUT_S)  # noqa: E731
        return self.gateway.write(kind, operation, call, dry_result=dry_result, **params)

    def missing_credentials(self) -> str | None:
        config = os.environ.get("CLOUDSDK_CONFIG", "~/.config/gcloud")
        files = (f"{config}/application_default_credentials.json",)
        if self._injected or credentials_configured(("GOOGLE_APPLICATION_CREDENTIALS",), files):
            return None
        return NO_GOOGLE_CREDENTIALS

    @property
    def parent(self) -> str:
        return f"projects/{self.project}/locations/{self.region}"

    # -- training -------------------------------------------------------------------------
    def submit_training(self, job: TrainingJob, run_name: str) -> str:
        """The stored CustomJob body (service account, CMEK, network, output) with the spec's
        compute and limits applied over it."""
        from google.cloud import aiplatform_v1

        bucket = names.bucket(self.project, self.stack, "artifacts")
        blob = self._read("storage", "bucket", bucket_name=bucket).blob(names.job_spec_object(job.name))
        body = json.loads(self.gateway.read("storage", "download_as_text", blob.download_as_text))
        path = f"training[{self.stack.training.index(job)}].compute"
        instance = resolve_compute("gcp", path, job.compute, self.region, "training").instance
        body["displayName"] = run_name
        spec = body["jobSpec"]
        for pool in spec["workerPoolSpecs"]:
            pool["machineSpec"]["machineType"] = instance.name
        spec["workerPoolSpecs"][0]["replicaCount"] = 1
        if job.compute.count > 1 and len(spec["workerPoolSpecs"]) > 1:
            spec["workerPoolSpecs"][1]["replicaCount"] = job.compute.count - 1
        spec["scheduling"] = {"timeout": f"{job.max_runtime_minutes * 60}s", **({"strategy": "SPOT"} if job.compute.spot else {})}
        custom_job = aiplatform_v1.CustomJob.from_json(json.dumps(body))
        created = self._write("jobs", "create_custom_job", dry_result=aiplatform_v1.CustomJob(name=f"{self.parent}/customJobs/<new>"),
                              parent=self.parent, custom_job=custom_job)
        return created.name

    def start_batch(self, job: BatchJob, run_name: str) -> str:
        """Creates a Vertex batch prediction job from the stored body (model version, folders,
        machines, service account, CMEK), as the Cloud Scheduler job would."""
        from google.cloud import aiplatform_v1

        bucket = names.bucket(self.project, self.stack, "artifacts")
        blob = self._read("storage", "bucket", bucket_name=bucket).blob(names.batch_job_object(job.name))
        body = json.loads(self.gateway.read("storage", "download_as_text", blob.download_as_text))
        body["displayName"] = run_name
        created = self._write("jobs", "create_batch_prediction_job",
                              dry_result=aiplatform_v1.BatchPredictionJob(name=f"{self.parent}/batchPredictionJobs/<new>"),
                              parent=self.parent, batch_prediction_job=aiplatform_v1.BatchPredictionJob.from_json(json.dumps(body)))
        return str(created.name)

    def training_status(self, run_id: str) -> TrainingStatus:
        job = self._read("jobs", "get_custom_job", name=run_id)
        state = job.state.name
        detail = state + (f": {job.error.message}" if job.error and job.error.message else "")
        return TrainingStatus(JOB_STATES.get(state, "running"), detail)

    # -- endpoints ------------------------------------------------------------------------
    def _endpoint_name(self, endpoint: Endpoint) -> str:
        return names.endpoint_resource(self.project, self.region, self.stack, endpoint.name)

    def live_endpoint(self, endpoint: Endpoint) -> LiveEndpoint:
        ep = self._read("endpoints", "get_endpoint", name=self._endpoint_name(endpoint))
        split = dict(ep.traffic_split)
        variants = tuple(LiveVariant(d.id, d.model, float(split.get(d.id, 0)), None) for d in ep.deployed_models)
        serving = max(ep.deployed_models, key=lambda d: split.get(d.id, 0), default=None)
        resources = serving.dedicated_resources if serving is not None else None
        logging = ep.predict_request_response_logging_config
        return LiveEndpoint(
            name=ep.name, variants=variants,
            min_instances=resources.min_replica_count if resources else None,
            max_instances=resources.max_replica_count if resources else None,
            capture_enabled=bool(logging.enabled), capture_percent=logging.sampling_rate * 100 if logging.enabled else None,
            instance_counts=False,
        )

    def _version(self, package: str, version: str) -> Any:
        models = list(self._read("models", "list_models", request={"parent": self.parent, "filter": f'display_name="{package}"'}))
        if not models:
            raise CloudError("not-found", "models.list_models", f"no model {package!r} in the Vertex Model Registry")
        model = sorted(models, key=lambda m: m.name)[0]  # the provider's rule: the oldest is the package
        return self._read("models", "get_model", name=f"{model.name}@{version}")

    def start_rollout(self, endpoint: Endpoint, version: str, mirror_percent: int | None) -> Rollout:
        from google.cloud import aiplatform_v1

        if mirror_percent is not None:
            raise CloudError("failed", "endpoints.deploy_model", "Vertex AI has no traffic mirroring: a shadow rollout "
                             "cannot start (the provider warns about deployment.strategy: shadow)")
        if endpoint.model.source != "registry" or not endpoint.model.package:
            raise SpecError([SpecIssue(f"endpoints.{endpoint.name}.model.source",
                                       "a rollout deploys a registry version: the endpoint must use source: registry")])
        name = self._endpoint_name(endpoint)
        ep = self._read("endpoints", "get_endpoint", name=name)
        if len(ep.deployed_models) != 1:
            raise CloudError("failed", "endpoints.get_endpoint", f"{name} has {len(ep.deployed_models)} deployed models: "
                             "finish the current rollout or run `mlopskit rollback`")
        live = ep.deployed_models[0]
        model = self._version(endpoint.model.package, version)
        if self.stack.registry.models.approval == "manual" and names.APPROVED_ALIAS not in list(model.version_aliases):
            raise CloudError("failed", "models.get_model", f"{endpoint.model.package} version {version} is not approved "
                             "(registry.models.approval is manual): run `mlopskit promote` first")
        candidate = aiplatform_v1.DeployedModel(
            model=f"{model.name}@{model.version_id}", display_name=f"{names.deployed_display_name(self.stack, endpoint.name)}-v{version}",
            dedicated_resources=live.dedicated_resources, service_account=live.service_account, enable_access_logging=True)
        response = self._write("endpoints", "deploy_model", wait=True,
                               dry_result=aiplatform_v1.DeployModelResponse(deployed_model=aiplatform_v1.DeployedModel(id="<new>")),
                               endpoint=name, deployed_model=candidate, traffic_split={live.id: 100, "0": 0})
        self._label_previous(name, live.id)
        return Rollout(endpoint=name, live=live.id, candidate=response.deployed_model.id,
                       live_instances=live.dedicated_resources.min_replica_count, previous_config=live.id)

    def _label_previous(self, name: str, deployed_id: str) -> None:
        from google.cloud import aiplatform_v1
        from google.protobuf import field_mask_pb2

        ep = self._read("endpoints", "get_endpoint", name=name)
        labels = {**dict(ep.labels), PREVIOUS_LABEL: deployed_id}
        self._write("endpoints", "update_endpoint", endpoint=aiplatform_v1.Endpoint(name=name, labels=labels),
                    update_mask=field_mask_pb2.FieldMask(paths=["labels"]))

    def _split(self, name: str, split: dict[str, int]) -> None:
        from google.cloud import aiplatform_v1
        from google.protobuf import field_mask_pb2

        self._write("endpoints", "update_endpoint", endpoint=aiplatform_v1.Endpoint(name=name, traffic_split=split),
                    update_mask=field_mask_pb2.FieldMask(paths=["traffic_split"]))

    def shift_traffic(self, rollout: Rollout, candidate_percent: int) -> None:
        self._split(rollout.endpoint, {rollout.live: 100 - candidate_percent, rollout.candidate: candidate_percent})

    def firing_alarms(self, endpoint: Endpoint) -> list[str]:
        wanted = [names.alert_display_name(self.stack, endpoint.name, k) for k in endpoint.alarm_kinds]
        return self._read("alerts", "open_alerts", policy_display_names=wanted) if wanted else []

    def complete_rollout(self, rollout: Rollout) -> None:
        # The old version stays deployed at 0% only until the switch is done; undeploying it
        # frees its replicas. `rollback` afterwards redeploys it from the label's record.
        self._write("endpoints", "undeploy_model", wait=True, endpoint=rollout.endpoint, deployed_model_id=rollout.live,
                    traffic_split={rollout.candidate: 100})

    def abort_rollout(self, rollout: Rollout) -> None:
        self._split(rollout.endpoint, {rollout.live: 100, rollout.candidate: 0})
        self._write("endpoints", "undeploy_model", wait=True, endpoint=rollout.endpoint, deployed_model_id=rollout.candidate,
                    traffic_split={rollout.live: 100})

    def rollback(self, endpoint: Endpoint) -> str:
        name = self._endpoint_name(endpoint)
        ep = self._read("endpoints", "get_endpoint", name=name)
        previous = dict(ep.labels).get(PREVIOUS_LABEL)
        deployed = {d.id: d for d in ep.deployed_models}
        if previous is None or previous not in deployed:
            raise CloudError("failed", "endpoints.get_endpoint",
                             f"{name}: the previous deployed model ({previous or 'none recorded'}) is no longer on the endpoint: "
                             "roll out the previous version instead")
        self._split(name, {i: (100 if i == previous else 0) for i in deployed})
        for other in (i for i in deployed if i != previous):
            self._write("endpoints", "undeploy_model", wait=True, endpoint=name, deployed_model_id=other,
                        traffic_split={previous: 100})
        return f"{name}: deployed model {previous} serves 100% again"

    # -- registry -------------------------------------------------------------------------
    def promote(self, package: str, version: str) -> str:
        model = self._version(package, version)
        reference = f"{model.name}@{model.version_id}"
        self._write("models", "merge_version_aliases", name=reference, version_aliases=[names.APPROVED_ALIAS])
        return reference

    # -- backups --------------------------------------------------------------------------
    def restore_latest_backup(self) -> tuple[str, dict[str, str], dict[str, str]]:
        """The backup bucket holds the latest copy of each target under ``<target>/``; it is
        restored (copied) into a scratch prefix of the artifacts bucket and compared by CRC32C."""
        source = names.bucket(self.project, self.stack, "artifacts")
        backup = names.bucket(self.project, self.stack, "backups")
        stamp = str(int(self.gateway.clock.now()))
        scratch = names.restore_prefix(stamp)
        copies = list(self._read("storage", "list_blobs", bucket_or_name=backup))
        if not copies:
            raise CloudError("not-found", "storage.list_blobs", f"backup bucket {backup} holds no copy yet")
        newest = max(b.updated for b in copies)
        client = self.clients.get("storage")
        restored: dict[str, str] = {}
        written = []
        for blob in copies:
            key = blob.name.split("/", 1)[1] if "/" in blob.name else blob.name
            copy = self.gateway.write("storage", "copy_blob", client.bucket(backup).copy_blob, blob=blob,
                                      destination_bucket=client.bucket(source), new_name=f"{scratch}{key}")
            if copy is not None:
                written.append(copy)
                restored[key] = copy.crc32c
        if self.gateway.dry_run:
            return f"gs://{backup} -> gs://{source}/{scratch}", {}, {}
        try:
            current = {b.name: b for b in self._read("storage", "list_blobs", bucket_or_name=source)
                       if not b.name.startswith("restore-check/") and b.updated <= newest}
        finally:
            for copy in written:  # restored data must not outlive the check
                self.gateway.write("storage", "delete", copy.delete)
        return (f"gs://{backup} (newest copy {newest.isoformat()}) -> gs://{source}/{scratch}",
                {k: b.crc32c for k, b in current.items()}, restored)


def backend(stack: Stack, gateway: Gateway) -> GcpOps:
    return GcpOps(stack, gateway)
