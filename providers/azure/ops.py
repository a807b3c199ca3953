"""Day-2 operations on Azure Machine Learning through a thin client interface.

`AzureMlApi` lists the few calls the commands need, in Azure ML's own shapes (deployments,
traffic and mirror traffic maps, model tags). `AzureMlSdk` implements it with azure-ai-ml
(+ azure-mgmt-monitor / -alertsmanagement / -dataprotection, azure-storage-blob), imported
lazily with `DefaultAzureCredential`: none of them is a dependency of the kit, so install
them where the day-2 commands run. Tests drive the interface with mocks.

A rollout deploys the new version to the free slot (``blue``/``green``) of the managed
online endpoint and moves the endpoint's traffic map; shadow uses Azure ML's mirror traffic.
"""

from __future__ import annotations

import hashlib
import logging
import os
from typing import Any, Protocol

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
from mlopskit.modules.day2.clock import Clock, SystemClock
from mlopskit.modules.day2.errors import CloudError
from mlopskit.modules.endpoint import Endpoint
from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.modules.stack import Stack
from mlopskit.modules.training import TrainingJob
from mlopskit.providers.azure import names
from mlopskit.providers.packaging import source_archive

SLOTS = ("blue", "green")  # providers.azure.endpoint LIVE, NEXT
APPROVAL_TAG, APPROVED = "stage", "approved"  # providers.azure.model_registry
PREVIOUS_TAG = "mlopskit-previous-slot"
ARTIFACTS_CONTAINER = "artifacts"  # providers.azure.storage.CONTAINER
JOB_STATES: dict[str, TrainingState] = {"Completed": "succeeded", "Failed": "failed", "Canceled": "failed", "NotResponding": "failed"}
SCRATCH_PREFIX = "restore-check-"  # containers `backup verify` restores into and deletes
# Data Protection job states (AzureBackupJob.status); anything else is still running.
RESTORE_DONE = ("Completed", "CompletedWithWarnings")
RESTORE_FAILED = ("Failed", "Cancelled", "Cancelling")
RESTORE_POLL_SECONDS = 30.0
RESTORE_TIMEOUT_SECONDS = 6 * 3600.0  # a vaulted restore copies every blob back out of the vault
# Deployment settings a rollout copies from the live slot, so the candidate keeps the
# provider's posture (private egress, App Insights, data capture) and size.
COPIED_SETTINGS = ("instance_type", "instance_count", "data_collector", "egress_public_network_access",
                   "app_insights_enabled")


def alert_rules(prefix: str, spec: Endpoint) -> list[str]:
    """The endpoint's alert rules, named as providers/azure/build.py names them."""
    endpoint = names.online_endpoint(prefix, spec.name)
    kinds = {"latency": f"{endpoint}-latency-p99", "errors": f"{endpoint}-error-rate"}
    return [kinds[k] for k in spec.alarm_kinds]


def autoscale_setting(endpoint_name: str, deployment: str) -> str:
    return f"{endpoint_name}-{deployment}-autoscale"


# What DefaultAzureCredential reads besides a VM's metadata endpoint: a service principal
# or workload identity from the environment, an App Service identity, or `az login`'s profile.
AZURE_CREDENTIAL_ENV = ("AZURE_CLIENT_ID", "AZURE_USERNAME", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT",
                        "MSI_ENDPOINT")
NO_AZURE_CREDENTIALS = ("no Azure credentials found (DefaultAzureCredential): run `az login`, or set "
                        "AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET")
NO_AZURE_SUBSCRIPTION = "set AZURE_SUBSCRIPTION_ID (the subscription the stack is in)"


def classify(error: BaseException) -> CloudError | None:
    """azure-core errors by class name and HTTP status (azure-core is imported lazily)."""
    kind = type(error).__name__
    status = getattr(error, "status_code", None) or getattr(getattr(error, "response", None), "status_code", None)
    message = str(getattr(error, "message", None) or error).splitlines()[0]
    if status == 429:
        return CloudError("throttled", "", message)
    if kind == "ResourceNotFoundError" or status == 404:
        return CloudError("not-found", "", message)
    # The credential chain itself failed (no source configured): say how to provide one.
    # azure-identity's chain raises ClientAuthenticationError with this fixed opening.
    if kind == "CredentialUnavailableError" or message.startswith("DefaultAzureCredential failed"):
        return CloudError("access-denied", "", NO_AZURE_CREDENTIALS)
    if kind == "ClientAuthenticationError" or status in (401, 403):
        return CloudError("access-denied", "", message)
    if kind in ("HttpResponseError", "ServiceRequestError", "ResourceExistsError", "AzureError"):
        return CloudError("failed", "", message)
    return None


class AzureMlApi(Protocol):
    """The calls the day-2 commands make on Azure (shapes as azure-ai-ml reports them)."""

    def submit_command_job(self, job: dict[str, Any]) -> str: ...
    def job_status(self, name: str) -> str: ...
    def invoke_batch_endpoint(self, endpoint: str, job_name: str, input_path: str, output_path: str) -> str: ...
    def get_endpoint(self, name: str) -> dict[str, Any]: ...  # {"traffic", "mirror_traffic", "tags"}
    def list_deployments(self, endpoint: str) -> list[dict[str, Any]]: ...
    def create_deployment(self, endpoint: str, deployment: dict[str, Any]) -> None: ...
    def update_endpoint(self, endpoint: str, traffic: dict[str, int], mirror_traffic: dict[str, int],
                        tags: dict[str, str]) -> None: ...
    def delete_deployment(self, endpoint: str, name: str) -> None: ...
    def autoscale_bounds(self, setting: str) -> tuple[int, int] | None: ...
    def firing_alerts(self, rule_names: list[str]) -> list[str]: ...
    def model_version(self, package: str, version: str) -> dict[str, Any]: ...  # {"version", "tags"}
    def tag_model(self, package: str, version: str, tags: dict[str, str]) -> None: ...
    def restore_artifacts(self, vault: str, instance: str, target_container: str) -> str: ...  # -> recovery point
    def blob_checksums(self, container: str, prefix: str) -> dict[str, str]: ...
    def delete_blobs(self, container: str, prefix: str) -> None: ...  # prefix "": the container itself


class AzureOps(OpsBackend):
    """The stack's managed online endpoints, command jobs, model registry and backup vault."""

    cloud = "azure"

    def __init__(self, stack: Stack, gateway: Gateway, api: AzureMlApi | None = None) -> None:
        super().__init__(gateway)
        placement = stack.placement.azure
        assert placement is not None, "placement.azure is checked before ops run"
        self.stack, self.prefix = stack, stack.name
        self.api: Any = api if api is not None else AzureMlSdk(stack, gateway.clock)

    def missing_credentials(self) -> str | None:
        if not isinstance(self.api, AzureMlSdk):
            return None
        if not os.environ.get("AZURE_SUBSCRIPTION_ID"):
            return NO_AZURE_SUBSCRIPTION
        profile = os.path.join(os.environ.get("AZURE_CONFIG_DIR", "~/.azure"), "azureProfile.json")
        return None if credentials_configured(AZURE_CREDENTIAL_ENV, (profile,)) else NO_AZURE_CREDENTIALS

    def _read(self, operation: str, **params: Any) -> Any:
        return self.gateway.read("azureml", operation, getattr(self.api, operation), **params)

    def _write(self, operation: str, dry_result: Any = None, **params: Any) -> Any:
        return self.gateway.write("azureml", operation, getattr(self.api, operation), dry_result=dry_result, **params)

    # -- training -------------------------------------------------------------------------
    def submit_training(self, job: TrainingJob, run_name: str) -> str:
        """The same command job the Training component defines (cluster, environment,
        identity), with the spec's count and limit."""
        inputs = {k.replace("-", "_"): v for k, v in sorted(job.hyperparameters.items())}
        flags = "".join(f" --{k} ${{{{inputs.{k.replace('-', '_')}}}}}" for k in sorted(job.hyperparameters))
        request = {
            "name": run_name, "display_name": run_name, "experiment_name": job.name,
            "command": f"python {job.entrypoint}{flags}", "inputs": inputs,
            "environment": f"azureml:{job.name}-env@latest", "compute": names.compute(job.name),
            "instance_count": job.compute.count, "timeout_seconds": job.max_runtime_minutes * 60,
            # Spot is the cluster's LowPriority tier (set by the provider), not a job field.
            "identity": f"id-{self.prefix}-training", "tags": {"stack": self.prefix, "job": job.name},
        }
        code_dir = self.stack.code_dir(job)
        if code_dir is not None:
            # The code asset `pulumi up` registered for this code (its version is the hash).
            request["code"] = f"azureml:{job.name}-code:{source_archive(code_dir).short}"
        return self._write("submit_command_job", dry_result=run_name, job=request)

    def start_batch(self, job: BatchJob, run_name: str) -> str:
        """Invokes the job's batch endpoint (its one deployment) on the spec's folders of the
        artifacts container, through the workspace datastore over it; returns the job's name."""
        return str(self._write("invoke_batch_endpoint", dry_result=run_name,
                               endpoint=names.batch_endpoint(self.prefix, job.name), job_name=run_name,
                               input_path=names.batch_datastore_path(job.input),
                               output_path=names.batch_datastore_path(job.output)))

    def training_status(self, run_id: str) -> TrainingStatus:
        status = self._read("job_status", name=run_id)
        return TrainingStatus(JOB_STATES.get(status, "running"), status)

    # -- endpoints ------------------------------------------------------------------------
    def _name(self, endpoint: Endpoint) -> str:
        return names.online_endpoint(self.prefix, endpoint.name)

    def live_endpoint(self, endpoint: Endpoint) -> LiveEndpoint:
        name = self._name(endpoint)
        ep = self._read("get_endpoint", name=name)
        deployments = {d["name"]: d for d in self._read("list_deployments", endpoint=name)}
        traffic, mirror = ep.get("traffic") or {}, ep.get("mirror_traffic") or {}
        variants = [LiveVariant(n, d.get("model", ""), float(traffic.get(n, 0)), d.get("instance_count"),
                                shadow=n in mirror and not traffic.get(n), mirror_percent=float(mirror[n]) if n in mirror else None)
                    for n, d in sorted(deployments.items())]
        live = max(deployments, key=lambda n: traffic.get(n, 0), default=None)
        bounds = self._read("autoscale_bounds", setting=autoscale_setting(name, live)) if live else None
        collector = (deployments[live].get("data_collector") or {}) if live else {}
        return LiveEndpoint(name=name, variants=tuple(variants),
                            min_instances=bounds[0] if bounds else None, max_instances=bounds[1] if bounds else None,
                            capture_enabled=bool(collector.get("enabled")),
                            capture_percent=collector["sampling_rate"] * 100 if collector.get("enabled") else None)

    def _registry_reference(self, package: str, version: str) -> str:
        return f"azureml://registries/{names.ml_registry(self.prefix)}/models/{package}/versions/{version}"

    def start_rollout(self, endpoint: Endpoint, version: str, mirror_percent: int | None) -> Rollout:
        if endpoint.model.source != "registry" or not endpoint.model.package:
            raise SpecError([SpecIssue(f"endpoints.{endpoint.name}.model.source",
                                       "a rollout deploys a registry version: the endpoint must use source: registry")])
        name = self._name(endpoint)
        ep = self._read("get_endpoint", name=name)
        deployments = {d["name"]: d for d in self._read("list_deployments", endpoint=name)}
        traffic = ep.get("traffic") or {}
        if len(deployments) != 1:
            raise CloudError("failed", "azureml.list_deployments", f"{name} has {len(deployments)} deployments "
                             f"({', '.join(sorted(deployments))}): finish the current rollout or run `mlopskit rollback`")
        live = next(iter(deployments))
        candidate = SLOTS[1] if live == SLOTS[0] else SLOTS[0]
        model = self._read("model_version", package=endpoint.model.package, version=version)
        if self.stack.registry.models.approval == "manual" and (model.get("tags") or {}).get(APPROVAL_TAG) != APPROVED:
            raise CloudError("failed", "azureml.model_version", f"{endpoint.model.package} version {version} is not tagged "
                             f"{APPROVAL_TAG}={APPROVED} (registry.models.approval is manual): run `mlopskit promote` first")
        current = deployments[live]
        self._write("create_deployment", endpoint=name, deployment={
            **{k: current[k] for k in COPIED_SETTINGS if k in current},
            "name": candidate, "model": self._registry_reference(endpoint.model.package, version)})
        tags = {**(ep.get("tags") or {}), PREVIOUS_TAG: live}
        mirror = {candidate: mirror_percent} if mirror_percent is not None else {}
        self._write("update_endpoint", endpoint=name, traffic={live: int(traffic.get(live, 100)), candidate: 0},
                    mirror_traffic=mirror, tags=tags)
        return Rollout(endpoint=name, live=live, candidate=candidate, live_instances=int(current.get("instance_count") or 1),
                       previous_config=live)

    def _tags(self, endpoint: str) -> dict[str, str]:
        return dict((self._read("get_endpoint", name=endpoint) if not self.gateway.dry_run else {}).get("tags") or {})

    def shift_traffic(self, rollout: Rollout, candidate_percent: int) -> None:
        self._write("update_endpoint", endpoint=rollout.endpoint,
                    traffic={rollout.live: 100 - candidate_percent, rollout.candidate: candidate_percent},
                    mirror_traffic={}, tags=self._tags(rollout.endpoint))

    def firing_alarms(self, endpoint: Endpoint) -> list[str]:
        rules = alert_rules(self.prefix, endpoint)
        return sorted(self._read("firing_alerts", rule_names=rules)) if rules else []

    def complete_rollout(self, rollout: Rollout) -> None:
        self._write("update_endpoint", endpoint=rollout.endpoint, traffic={rollout.candidate: 100, rollout.live: 0},
                    mirror_traffic={}, tags=self._tags(rollout.endpoint))
        self._write("delete_deployment", endpoint=rollout.endpoint, name=rollout.live)

    def abort_rollout(self, rollout: Rollout) -> None:
        self._write("update_endpoint", endpoint=rollout.endpoint, traffic={rollout.live: 100, rollout.candidate: 0},
                    mirror_traffic={}, tags=self._tags(rollout.endpoint))
        self._write("delete_deployment", endpoint=rollout.endpoint, name=rollout.candidate)

    def rollback(self, endpoint: Endpoint) -> str:
        name = self._name(endpoint)
        ep = self._read("get_endpoint", name=name)
        previous = (ep.get("tags") or {}).get(PREVIOUS_TAG)
        deployments = [d["name"] for d in self._read("list_deployments", endpoint=name)]
        if previous is None or previous not in deployments:
            raise CloudError("failed", "azureml.get_endpoint", f"{name}: the previous deployment "
                             f"({previous or 'none recorded'}) no longer exists: roll out the previous version instead")
        self._write("update_endpoint", endpoint=name, traffic={d: (100 if d == previous else 0) for d in deployments},
                    mirror_traffic={}, tags=dict(ep.get("tags") or {}))
        for other in (d for d in deployments if d != previous):
            self._write("delete_deployment", endpoint=name, name=other)
        return f"{name}: deployment {previous} serves 100% again"

    # -- registry -------------------------------------------------------------------------
    def promote(self, package: str, version: str) -> str:
        model = self._read("model_version", package=package, version=version)
        self._write("tag_model", package=package, version=version, tags={**(model.get("tags") or {}), APPROVAL_TAG: APPROVED})
        return self._registry_reference(package, version)

    # -- backups --------------------------------------------------------------------------
    def restore_latest_backup(self) -> tuple[str, dict[str, str], dict[str, str]]:
        """Restore the vaulted blob backup of the artifacts container into a new scratch
        container of the same storage account, compare Content-MD5s, then delete it.

        A vaulted blob restore recreates whole containers (renamed, never into an existing
        one), so the scratch copy is a container of its own, not a prefix of `artifacts`.
        """
        scratch = f"{SCRATCH_PREFIX}{int(self.gateway.clock.now())}"
        vault, instance = names.backup_vault(self.prefix), f"{self.prefix}-artifacts"
        point = self._write("restore_artifacts", dry_result="<latest recovery point>", vault=vault, instance=instance,
                            target_container=scratch)
        described = f"{vault}/{instance} recovery point {point} -> {names.storage_account(self.prefix)}/{scratch}"
        if self.gateway.dry_run:
            return described, {}, {}
        try:
            source = self._read("blob_checksums", container=ARTIFACTS_CONTAINER, prefix="")
            restored = self._read("blob_checksums", container=scratch, prefix="")
        finally:
            self._write("delete_blobs", container=scratch, prefix="")
        return described, source, restored


def _quiet_sdk_logs() -> None:
    """Mute the Azure SDKs' own logs unless MLOPSKIT_DEBUG is set."""
    if not os.environ.get("MLOPSKIT_DEBUG"):
        # azure.ai.ml has its own level and handler (its "experimental class" notices).
        for name in ("azure", "azure.ai.ml", "azure.ai.ml._telemetry"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


class AzureMlSdk:
    """`AzureMlApi` over azure-ai-ml and the Azure management SDKs (imported on first use).

    ``clock`` is the ops Gateway's: the only wait here (a restore job) sleeps on it.
    """

    def __init__(self, stack: Stack, clock: Clock | None = None) -> None:
        self.stack = stack
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._ml: Any = None

    def _credential(self) -> Any:
        from azure.identity import DefaultAzureCredential

        # The Azure SDKs log their own multi-line warnings and errors (the credential chain's
        # attempts, azure-ai-ml telemetry and "experimental class" notices); a failure
        # reaches the user once, as one classified line (classify). MLOPSKIT_DEBUG keeps them.
        _quiet_sdk_logs()
        return DefaultAzureCredential()

    def _subscription(self) -> str:
        subscription = os.environ.get("AZURE_SUBSCRIPTION_ID")
        if not subscription:
            raise CloudError("access-denied", "azure", NO_AZURE_SUBSCRIPTION)
        return subscription

    def _group(self) -> str:
        return names.resource_group(self.stack.name)

    def ml(self) -> Any:
        if self._ml is None:
            from azure.ai.ml import MLClient

            self._ml = MLClient(self._credential(), self._subscription(), self._group(), names.workspace(self.stack.name))
            _quiet_sdk_logs()  # MLClient sets its telemetry logger's level when it is made
        return self._ml

    def registry(self) -> Any:
        from azure.ai.ml import MLClient

        # The registry's subscription, group and location come from registry discovery.
        client = MLClient(self._credential(), registry_name=names.ml_registry(self.stack.name))
        _quiet_sdk_logs()
        return client

    def submit_command_job(self, job: dict[str, Any]) -> str:
        from azure.ai.ml import command
        from azure.ai.ml.entities import ManagedIdentityConfiguration

        identity = ManagedIdentityConfiguration(resource_id=(
            f"/subscriptions/{self._subscription()}/resourceGroups/{self._group()}"
            f"/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{job['identity']}"))
        built = command(name=job["name"], display_name=job["display_name"], experiment_name=job["experiment_name"],
                        command=job["command"], inputs=job["inputs"], environment=job["environment"],
                        compute=job["compute"], instance_count=job["instance_count"], identity=identity, tags=job["tags"],
                        code=self._code_id(job["code"]) if job.get("code") else None)
        built.set_limits(timeout=job["timeout_seconds"])
        return self.ml().jobs.create_or_update(built).name

    def _code_id(self, code: str) -> str:
        """The ARM id of code asset ``azureml:<name>:<version>``: azure-ai-ml reads any other
        ``code`` string as a local path to upload (JobOperations resolves only ARM ids)."""
        _, name, version = code.split(":")
        return (f"/subscriptions/{self._subscription()}/resourceGroups/{self._group()}/providers/"
                f"Microsoft.MachineLearningServices/workspaces/{names.workspace(self.stack.name)}/codes/{name}"
                f"/versions/{version}")

    def job_status(self, name: str) -> str:
        return self.ml().jobs.get(name).status

    def invoke_batch_endpoint(self, endpoint: str, job_name: str, input_path: str, output_path: str) -> str:
        # BatchEndpointOperations.invoke (azure-ai-ml 1.35): `inputs` is a keyword parameter;
        # `outputs` and `job_name` are read from its **kwargs. Input "input" and output "score"
        # are the names Azure ML gives an MLflow model deployment's one input and output.
        from azure.ai.ml import Input, Output

        job = self.ml().batch_endpoints.invoke(
            endpoint_name=endpoint, job_name=job_name, inputs={"input": Input(type="uri_folder", path=input_path)},
            outputs={"score": Output(type="uri_folder", path=output_path)})
        return str(job.name)

    def get_endpoint(self, name: str) -> dict[str, Any]:
        ep = self.ml().online_endpoints.get(name)
        return {"traffic": dict(ep.traffic or {}), "mirror_traffic": dict(ep.mirror_traffic or {}), "tags": dict(ep.tags or {})}

    def list_deployments(self, endpoint: str) -> list[dict[str, Any]]:
        found = []
        for d in self.ml().online_deployments.list(endpoint_name=endpoint):
            collector = getattr(d, "data_collector", None)
            rate = getattr(collector, "sampling_rate", None) if collector else None
            found.append({"name": d.name, "model": d.model, "instance_type": d.instance_type, "instance_count": d.instance_count,
                          "data_collector": {"enabled": collector is not None, "sampling_rate": rate or 1.0},
                          "egress_public_network_access": d.egress_public_network_access,
                          "app_insights_enabled": bool(d.app_insights_enabled)})
        return found

    def create_deployment(self, endpoint: str, deployment: dict[str, Any]) -> None:
        from azure.ai.ml.entities import (
            DataCollector,
            DeploymentCollection,
            ManagedOnlineDeployment,
        )

        capture = deployment.get("data_collector") or {}
        collector = DataCollector(
            # The same two streams providers/azure/endpoint.py collects, hourly files.
            collections={stream: DeploymentCollection(enabled="true") for stream in ("model_inputs", "model_outputs")},
            rolling_rate="Hour", sampling_rate=capture.get("sampling_rate", 1.0),
        ) if capture.get("enabled") else None
        self.ml().online_deployments.begin_create_or_update(ManagedOnlineDeployment(
            name=deployment["name"], endpoint_name=endpoint, model=deployment["model"],
            instance_type=deployment.get("instance_type"), instance_count=deployment.get("instance_count", 1),
            data_collector=collector, app_insights_enabled=bool(deployment.get("app_insights_enabled")),
            # Copied from the live slot: left unset, Azure would open egress on a private stack.
            egress_public_network_access=deployment.get("egress_public_network_access"),
        )).result()

    def update_endpoint(self, endpoint: str, traffic: dict[str, int], mirror_traffic: dict[str, int], tags: dict[str, str]) -> None:
        ep = self.ml().online_endpoints.get(endpoint)
        ep.traffic, ep.mirror_traffic, ep.tags = traffic, mirror_traffic, tags
        self.ml().online_endpoints.begin_create_or_update(ep).result()

    def delete_deployment(self, endpoint: str, name: str) -> None:
        self.ml().online_deployments.begin_delete(name=name, endpoint_name=endpoint).result()

    def autoscale_bounds(self, setting: str) -> tuple[int, int] | None:
        from azure.core.exceptions import ResourceNotFoundError
        from azure.mgmt.monitor import MonitorManagementClient

        client = MonitorManagementClient(self._credential(), self._subscription())
        try:
            found = client.autoscale_settings.get(self._group(), setting)
        except ResourceNotFoundError:
            return None  # no autoscale setting: bounds UNKNOWN, never a pass
        capacity = found.profiles[0].capacity
        return int(capacity.minimum), int(capacity.maximum)

    def firing_alerts(self, rule_names: list[str]) -> list[str]:
        from azure.mgmt.alertsmanagement import AlertsManagementClient

        client = AlertsManagementClient(self._credential(), self._subscription())
        fired = client.alerts.get_all(monitor_condition="Fired", target_resource_group=self._group())
        return sorted({a.properties.essentials.alert_rule.rsplit("/", 1)[-1] for a in fired} & set(rule_names))

    def model_version(self, package: str, version: str) -> dict[str, Any]:
        model = self.registry().models.get(name=package, version=version)
        return {"version": model.version, "tags": dict(model.tags or {})}

    def tag_model(self, package: str, version: str, tags: dict[str, str]) -> None:
        client = self.registry()
        model = client.models.get(name=package, version=version)
        model.tags = tags
        client.models.create_or_update(model)

    # -- backups --------------------------------------------------------------------------
    def restore_artifacts(self, vault: str, instance: str, target_container: str) -> str:
        """Restore the artifacts container from the instance's newest recovery point into
        ``target_container`` (a new container of the same storage account) and wait for
        the restore job; returns the recovery point id.

        Item-level, alternate-location restore of a vaulted blob backup: the target is the
        instance's own datasource and the container comes back renamed. The vault's
        identity already holds Storage Account Backup Contributor on that account
        (providers/azure/backups.py), which is what the restore writes with.
        """
        from azure.mgmt.dataprotection import DataProtectionMgmtClient
        from azure.mgmt.dataprotection.models import (
            AzureBackupRecoveryPointBasedRestoreRequest,
            ItemLevelRestoreTargetInfo,
            ItemPathBasedRestoreCriteria,
            RecoveryOption,
            SourceDataStoreType,
        )

        client = DataProtectionMgmtClient(self._credential(), self._subscription())
        group = self._group()
        found = client.backup_instances.get(group, vault, instance).properties
        parameters = found.policy_info.policy_parameters
        containers = {c for p in ((parameters.backup_datasource_parameters_list or []) if parameters else [])
                      for c in (getattr(p, "containers_list", None) or [])}
        if ARTIFACTS_CONTAINER not in containers:
            raise CloudError("not-found", "dataprotection.backup_instances.get",
                             f"{vault}/{instance} does not back up container {ARTIFACTS_CONTAINER}")
        points = [p.properties for p in client.recovery_points.list(group, vault, instance)
                  if p.properties is not None and p.properties.recovery_point_id
                  # A Partial point lacks some blobs by definition: it would fail the check.
                  and getattr(p.properties, "recovery_point_state", None) in (None, "Completed")]
        if not points:
            raise CloudError("not-found", "dataprotection.recovery_points.list",
                             f"{vault}/{instance} has no completed recovery point yet")
        latest = max(points, key=lambda p: p.recovery_point_time)
        source = found.data_source_info
        request = AzureBackupRecoveryPointBasedRestoreRequest(
            recovery_point_id=latest.recovery_point_id,
            source_data_store_type=SourceDataStoreType.VAULT_STORE,
            source_resource_id=source.resource_id,
            restore_target_info=ItemLevelRestoreTargetInfo(
                recovery_option=RecoveryOption.FAIL_IF_EXISTS,
                restore_location=source.resource_location,
                datasource_info=source,
                restore_criteria=[ItemPathBasedRestoreCriteria(
                    item_path=ARTIFACTS_CONTAINER, is_path_relative_to_backup_item=True, rename_to=target_container)],
            ),
        )
        job = client.backup_instances.begin_trigger_restore(group, vault, instance, request).result()
        self._wait_for_restore(client, vault, job.job_id.rsplit("/", 1)[-1])  # a GUID or the job's ARM id
        return latest.recovery_point_id

    def _wait_for_restore(self, client: Any, vault: str, job_id: str) -> None:
        deadline = self.clock.now() + RESTORE_TIMEOUT_SECONDS
        while True:
            job = client.jobs.get(self._group(), vault, job_id).properties
            if job.status in RESTORE_DONE:
                return
            if job.status in RESTORE_FAILED:
                errors = [e.message for e in (job.error_details or []) if e.message]
                detail = f": {errors[0].splitlines()[0]}" if errors else ""
                raise CloudError("failed", "dataprotection.jobs.get", f"restore job {job_id} {job.status}{detail}")
            if self.clock.now() >= deadline:
                raise CloudError("failed", "dataprotection.jobs.get", f"restore job {job_id} still {job.status} after "
                                 f"{RESTORE_TIMEOUT_SECONDS / 3600:g} h: see the job in vault {vault}")
            self.clock.sleep(RESTORE_POLL_SECONDS)

    def _container(self, container: str) -> Any:
        from azure.storage.blob import ContainerClient

        url = f"https://{names.storage_account(self.stack.name)}.blob.core.windows.net/{container}"
        return ContainerClient.from_container_url(url, credential=self._credential())

    def blob_checksums(self, container: str, prefix: str) -> dict[str, str]:
        """MD5 of each blob. Blobs uploaded in blocks carry no Content-MD5: those are
        downloaded and hashed, since an absent checksum must never compare as equal."""
        client = self._container(container)
        sums = {}
        for blob in client.list_blobs(name_starts_with=prefix or None):
            stored = blob.content_settings.content_md5
            if stored:
                sums[blob.name] = bytes(stored).hex()
                continue
            digest = hashlib.md5()  # noqa: S324 - an integrity check, as Azure's Content-MD5
            for chunk in client.download_blob(blob.name).chunks():
                digest.update(chunk)
            sums[blob.name] = digest.hexdigest()
        return sums

    def delete_blobs(self, container: str, prefix: str) -> None:
        """The blobs under ``prefix``; the empty prefix deletes the container itself (its
        blobs go with it), which is how a scratch restore container is removed."""
        client = self._container(container)
        if not prefix:
            client.delete_container()
            return
        for blob in client.list_blobs(name_starts_with=prefix):
            client.delete_blob(blob.name)


def backend(stack: Stack, gateway: Gateway) -> AzureOps:
    return AzureOps(stack, gateway)
