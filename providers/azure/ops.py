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

from typing import Any, Protocol

from mlopskit.ops.backend import LiveEndpoint, LiveVariant, OpsBackend, Rollout, TrainingStatus
from mlopskit.ops.calls import Gateway
from mlopskit.ops.errors import CloudError
from modules.endpoint import Endpoint
from modules.errors import SpecError, SpecIssue
from modules.stack import Stack
from modules.training import TrainingJob
from providers.azure import names

SLOTS = ("blue", "green")  # providers.azure.endpoint LIVE, NEXT
APPROVAL_TAG, APPROVED = "stage", "approved"  # providers.azure.model_registry
PREVIOUS_TAG = "mlopskit-previous-slot"
ARTIFACTS_CONTAINER = "artifacts"  # providers.azure.storage.CONTAINER
JOB_STATES = {"Completed": "succeeded", "Failed": "failed", "Canceled": "failed", "NotResponding": "failed"}


def alert_rules(prefix: str, spec: Endpoint) -> list[str]:
    """The endpoint's alert rules, named as providers/azure/build.py names them."""
    endpoint = names.online_endpoint(prefix, spec.name)
    kinds = {"latency": f"{endpoint}-latency-p99", "errors": f"{endpoint}-error-rate"}
    return [kinds[k] for k in spec.alarm_kinds]


def autoscale_setting(endpoint_name: str, deployment: str) -> str:
    return f"{endpoint_name}-{deployment}-autoscale"


def classify(error: BaseException) -> CloudError | None:
    """azure-core errors by class name and HTTP status (azure-core is imported lazily)."""
    kind = type(error).__name__
    status = getattr(error, "status_code", None) or getattr(getattr(error, "response", None), "status_code", None)
    message = str(getattr(error, "message", None) or error).splitlines()[0]
    if status == 429:
        return CloudError("throttled", "", message)
    if kind == "ResourceNotFoundError" or status == 404:
        return CloudError("not-found", "", message)
    if kind in ("ClientAuthenticationError", "CredentialUnavailableError") or status in (401, 403):
        return CloudError("access-denied", "", message)
    if kind in ("HttpResponseError", "ServiceRequestError", "ResourceExistsError", "AzureError"):
        return CloudError("failed", "", message)
    return None


class AzureMlApi(Protocol):
    """The calls the day-2 commands make on Azure (shapes as azure-ai-ml reports them)."""

    def submit_command_job(self, job: dict[str, Any]) -> str: ...
    def job_status(self, name: str) -> str: ...
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
    def restore_artifacts(self, vault: str, instance: str, target_prefix: str) -> str: ...  # -> recovery point
    def blob_checksums(self, container: str, prefix: str) -> dict[str, str]: ...
    def delete_blobs(self, container: str, prefix: str) -> None: ...


class AzureOps(OpsBackend):
    """The stack's managed online endpoints, command jobs, model registry and backup vault."""

    cloud = "azure"

    def __init__(self, stack: Stack, gateway: Gateway, api: AzureMlApi | None = None) -> None:
        super().__init__(gateway)
        placement = stack.placement.azure
        assert placement is not None, "placement.azure is checked before ops run"
        self.stack, self.prefix = stack, stack.name
        self.api: Any = api if api is not None else AzureMlSdk(stack)

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
        return self._write("submit_command_job", dry_result=run_name, job=request)

    def training_status(self, run_id: str) -> TrainingStatus:
        status = self._read("job_status", name=run_id)
        return TrainingStatus(JOB_STATES.get(status, "running"), status)  # type: ignore[arg-type]

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
            **{k: current[k] for k in ("instance_type", "instance_count", "data_collector") if k in current},
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
        """Restore the vaulted blob backup of the artifacts container under a scratch prefix
        of the same container, compare Content-MD5s, then delete the scratch copy."""
        stamp = str(int(self.gateway.clock.now()))
        scratch = f"restore-check-{stamp}/"
        vault, instance = names.backup_vault(self.prefix), f"{self.prefix}-artifacts"
        point = self._write("restore_artifacts", dry_result="<latest recovery point>", vault=vault, instance=instance,
                            target_prefix=scratch)
        described = f"{vault}/{instance} recovery point {point} -> {ARTIFACTS_CONTAINER}/{scratch}"
        if self.gateway.dry_run:
            return described, {}, {}
        try:
            source = {k: v for k, v in self._read("blob_checksums", container=ARTIFACTS_CONTAINER, prefix="").items()
                      if not k.startswith("restore-check-")}
            restored = self._read("blob_checksums", container=ARTIFACTS_CONTAINER, prefix=scratch)
        finally:
            self._write("delete_blobs", container=ARTIFACTS_CONTAINER, prefix=scratch)
        return described, source, {k[len(scratch):]: v for k, v in restored.items()}


class AzureMlSdk:
    """`AzureMlApi` over azure-ai-ml and the Azure management SDKs (imported on first use)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self._ml: Any = None

    def _credential(self) -> Any:
        from azure.identity import DefaultAzureCredential  # type: ignore[import-not-found]

        return DefaultAzureCredential()

    def _subscription(self) -> str:
        import os

        subscription = os.environ.get("AZURE_SUBSCRIPTION_ID")
        if not subscription:
            raise CloudError("access-denied", "azure", "set AZURE_SUBSCRIPTION_ID (the subscription the stack is in)")
        return subscription

    def ml(self) -> Any:
        if self._ml is None:
            from azure.ai.ml import MLClient  # type: ignore[import-not-found]

            self._ml = MLClient(self._credential(), self._subscription(), names.resource_group(self.stack.name),
                                names.workspace(self.stack.name))
        return self._ml

    def registry(self) -> Any:
        from azure.ai.ml import MLClient  # type: ignore[import-not-found]

        placement = self.stack.placement.azure
        return MLClient(self._credential(), registry_name=names.ml_registry(self.stack.name),
                        registry_location=placement.location if placement else None)

    def submit_command_job(self, job: dict[str, Any]) -> str:
        from azure.ai.ml import command  # type: ignore[import-not-found]
        from azure.ai.ml.entities import ManagedIdentityConfiguration  # type: ignore[import-not-found]

        identity = ManagedIdentityConfiguration(resource_id=(
            f"/subscriptions/{self._subscription()}/resourceGroups/{names.resource_group(self.stack.name)}"
            f"/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{job['identity']}"))
        built = command(name=job["name"], display_name=job["display_name"], experiment_name=job["experiment_name"],
                        command=job["command"], inputs=job["inputs"], environment=job["environment"],
                        compute=job["compute"], instance_count=job["instance_count"], identity=identity, tags=job["tags"])
        built.set_limits(timeout=job["timeout_seconds"])
        return self.ml().jobs.create_or_update(built).name

    def job_status(self, name: str) -> str:
        return self.ml().jobs.get(name).status

    def get_endpoint(self, name: str) -> dict[str, Any]:
        ep = self.ml().online_endpoints.get(name)
        return {"traffic": dict(ep.traffic or {}), "mirror_traffic": dict(ep.mirror_traffic or {}), "tags": dict(ep.tags or {})}

    def list_deployments(self, endpoint: str) -> list[dict[str, Any]]:
        found = []
        for d in self.ml().online_deployments.list(endpoint_name=endpoint):
            collector = getattr(d, "data_collector", None)
            rate = getattr(collector, "sampling_rate", None) if collector else None
            found.append({"name": d.name, "model": d.model, "instance_type": d.instance_type, "instance_count": d.instance_count,
                          "data_collector": {"enabled": collector is not None, "sampling_rate": rate or 1.0}})
        return found

    def create_deployment(self, endpoint: str, deployment: dict[str, Any]) -> None:
        from azure.ai.ml.entities import ManagedOnlineDeployment  # type: ignore[import-not-found]

        self.ml().online_deployments.begin_create_or_update(ManagedOnlineDeployment(
            name=deployment["name"], endpoint_name=endpoint, model=deployment["model"],
            instance_type=deployment.get("instance_type"), instance_count=deployment.get("instance_count", 1))).result()

    def update_endpoint(self, endpoint: str, traffic: dict[str, int], mirror_traffic: dict[str, int], tags: dict[str, str]) -> None:
        ep = self.ml().online_endpoints.get(endpoint)
        ep.traffic, ep.mirror_traffic, ep.tags = traffic, mirror_traffic, tags
        self.ml().online_endpoints.begin_create_or_update(ep).result()

    def delete_deployment(self, endpoint: str, name: str) -> None:
        self.ml().online_deployments.begin_delete(name=name, endpoint_name=endpoint).result()

    def autoscale_bounds(self, setting: str) -> tuple[int, int] | None:
        from azure.mgmt.monitor import MonitorManagementClient  # type: ignore[import-not-found]

        client = MonitorManagementClient(self._credential(), self._subscription())
        found = client.autoscale_settings.get(names.resource_group(self.stack.name), setting)
        capacity = found.profiles[0].capacity
        return int(capacity.minimum), int(capacity.maximum)

    def firing_alerts(self, rule_names: list[str]) -> list[str]:
        from azure.mgmt.alertsmanagement import AlertsManagementClient  # type: ignore[import-not-found]

        client = AlertsManagementClient(self._credential(), self._subscription())
        fired = client.alerts.get_all(monitor_condition="Fired", target_resource_group=names.resource_group(self.stack.name))
        return sorted({a.properties.essentials.alert_rule.rsplit("/", 1)[-1] for a in fired} & set(rule_names))

    def model_version(self, package: str, version: str) -> dict[str, Any]:
        model = self.registry().models.get(name=package, version=version)
        return {"version": model.version, "tags": dict(model.tags or {})}

    def tag_model(self, package: str, version: str, tags: dict[str, str]) -> None:
        client = self.registry()
        model = client.models.get(name=package, version=version)
        model.tags = tags
        client.models.create_or_update(model)

    def restore_artifacts(self, vault: str, instance: str, target_prefix: str) -> str:
        raise CloudError("failed", "dataprotection.restore",
                         "restoring a vaulted blob backup needs azure-mgmt-dataprotection's restore request; "
                         "not implemented in this version (see the report)")

    def blob_checksums(self, container: str, prefix: str) -> dict[str, str]:
        from azure.storage.blob import ContainerClient  # type: ignore[import-not-found]

        url = f"https://{names.storage_account(self.stack.name)}.blob.core.windows.net/{container}"
        client = ContainerClient.from_container_url(url, credential=self._credential())
        return {b.name: (b.content_settings.content_md5 or b"").hex() for b in client.list_blobs(name_starts_with=prefix)}

    def delete_blobs(self, container: str, prefix: str) -> None:
        from azure.storage.blob import ContainerClient  # type: ignore[import-not-found]

        url = f"https://{names.storage_account(self.stack.name)}.blob.core.windows.net/{container}"
        client = ContainerClient.from_container_url(url, credential=self._credential())
        for blob in client.list_blobs(name_starts_with=prefix):
            client.delete_blob(blob.name)


def backend(stack: Stack, gateway: Gateway) -> AzureOps:
    return AzureOps(stack, gateway)
