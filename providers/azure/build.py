"""Registers a whole stack on Azure in the shape every cloud shares (``providers.base.StackBuild``):
one component per abstraction, in dependency order."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_azure_native as azure_native
from pulumi_azure_native import authorization

from mlopskit.modules import monitor_job
from mlopskit.modules.backup import Backups as BackupsSpec
from mlopskit.modules.compute import Compute
from mlopskit.modules.endpoint import Endpoint
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.provider import ModelRegistry as ModelRegistryProtocol, ResolvedModel
from mlopskit.modules.stack import Stack
from mlopskit.providers.azure import images, limits, names
from mlopskit.providers.azure.artifacts import ModelArtifacts
from mlopskit.providers.azure.audit import Audit, AuditArgs
from mlopskit.providers.azure.autoscaling import Autoscaling, AutoscalingArgs
from mlopskit.providers.azure.backups import Backups, BackupsArgs
from mlopskit.providers.azure.batch import BatchArgs, BatchInference
from mlopskit.providers.azure.budget import Budget, BudgetArgs
from mlopskit.providers.azure.container_registry import ContainerRegistry, ContainerRegistryArgs
from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.endpoint import LIVE, EndpointArgs, OnlineEndpoint, ServedModel
from mlopskit.providers.azure.first_party import SPEC_PATH as COSMOS_SPEC_PATH, cosmos_db_principal
from mlopskit.providers.azure.foundation import Foundation, FoundationArgs
from mlopskit.providers.azure.identity import (
    WORKLOADS,
    AccessGrants,
    AccessGrantsArgs,
    Grant,
    Identity,
    IdentityArgs,
    container_condition,
    containers_condition,
    folder_condition,
    no_delete_condition,
)
from mlopskit.providers.azure.keys import Keys, KeysArgs
from mlopskit.providers.azure.model_registry import ModelRegistry, ModelRegistryArgs
from mlopskit.providers.azure.monitor_job import CAPTURE_FOLDER, MonitorJob, MonitorJobArgs
from mlopskit.providers.azure.monitoring import (
    EndpointMonitoring,
    EndpointMonitoringArgs,
    Monitoring,
    MonitoringArgs,
)
from mlopskit.providers.azure.names import MAX_MIRROR_PERCENT, MAX_NOTIFICATIONS
from mlopskit.providers.azure.network import Network, NetworkArgs
from mlopskit.providers.azure.roles import PERMISSION_GRANTS
from mlopskit.providers.azure.storage import CONTAINER, Storage, StorageArgs
from mlopskit.providers.azure.training import Training, TrainingArgs
from mlopskit.providers.azure.workspace import Workspace, WorkspaceArgs
from mlopskit.providers.base import BatchPlan, EndpointPlan, StackBuild, TrainingPlan, continuous_not_built
from mlopskit.providers.catalog.resolver import Resolution

# Folders of the artifacts container each workload identity reads and writes (docs/permissions.md);
# the account's other containers are the workspace's own (job outputs, snapshots, data collector
# captures), which Azure ML names itself. Training: its code and data, model files, checkpoints;
# serving: model files; the workspace: the code it snapshots and the models it registers.
TRAINING_FOLDERS = ("code/", "data/", "models/", "checkpoints/")
SERVING_FOLDERS = ("models/",)
WORKSPACE_FOLDERS = ("code/", "models/")
# What artifacts.read and artifacts.write mean for a person's role: the artifacts container only
# (not the workspace's), and writes never delete (as on AWS and GCP).
_ARTIFACT_CONDITIONS = {
    "artifacts.read": container_condition(CONTAINER),
    "artifacts.write": no_delete_condition(CONTAINER),
    # The scratch containers `backup verify` restores into are named restore-check-<time> (ops.py).
    "backups.restore": containers_condition(CONTAINER, "restore-check-"),
}


def _monitor_reads(stack: Stack) -> tuple[str, ...]:
    """The artifacts-container folders the monitor jobs read: baselines, labels, settings, code."""
    reads = [folder for e in stack.endpoints if e.monitoring.kit_job for folder in monitor_job.reads(e)]
    return tuple(dict.fromkeys([*reads, "code/mlopskit-monitor/"]))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _union(kept: Grant, other: Grant) -> Grant:
    """The assignment two permissions share: unconditioned if either is, else either condition
    (ABAC conditions compose with OR)."""
    if kept.condition is None or other.condition is None:
        return Grant(kept.key, kept.who, kept.role, kept.scope, None)
    if kept.condition == other.condition:
        return kept
    return Grant(kept.key, kept.who, kept.role, kept.scope, f"({kept.condition}) OR ({other.condition})")


def logical_provider_name(stack: Stack) -> str:
    return f"{stack.name}-azure"


class AzureBuild(StackBuild):
    """Spec v1 onto Azure Machine Learning, Storage, Key Vault, Container Registry, Monitor.

    ``live_versions`` (endpoint name -> model version now taking traffic) is what day-2
    tooling passes to start a rollout: that version stays on the live slot and the newly
    resolved one goes to the next slot with the strategy's first traffic step.
    """

    cloud = "azure"
    ctx: AzureContext

    def __init__(self, stack: Stack, registry: ModelRegistryProtocol, live_versions: Mapping[str, int] | None = None) -> None:
        super().__init__(stack, registry)
        self.live_versions = dict(live_versions or {})
        self.endpoint_outputs: dict[str, Any] = {}
        self.endpoint_ids: dict[str, pulumi.Output[str]] = {}
        self.model_artifacts: ModelArtifacts | None = None
        self.monitor_jobs = any(e.monitoring.kit_job for e in stack.endpoints)

    def start(self) -> AzureContext:
        placement = self.stack.placement.azure
        if placement is None:
            raise ValueError("placement.azure: required to build on azure")
        # Checked before anything is registered: a real deploy without it stops here, whole.
        cosmos = cosmos_db_principal(getattr(self.registry, "offline", False)) if self.stack.encryption.customer_managed_keys else None
        provider = azure_native.Provider(logical_provider_name(self.stack), location=placement.location)
        config = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(provider=provider))
        self.ctx = AzureContext(stack=self.stack, placement=placement, provider=provider,
                                subscription_id=config.subscription_id, tenant_id=config.tenant_id)
        self.cosmos_db_principal_id = cosmos.object_id if cosmos is not None else None
        if cosmos is not None and cosmos.placeholder:
            self.ctx.warn(COSMOS_SPEC_PATH, cosmos.warning)
        return self.ctx

    # -- spec facts -------------------------------------------------------------------
    @property
    def backups(self) -> BackupsSpec | None:
        return self.stack.backups

    def _backup_location(self, target: str) -> str | None:
        b = self.backups
        if b is None or not b.cross_region or target not in b.targets:
            return None
        return self.ctx.placement.backup_location

    # -- foundation ---------------------------------------------------------------------
    def foundation(self, endpoints: list[EndpointPlan]) -> None:
        ctx, stack = self.ctx, self.stack
        foundation = Foundation(
            ctx.name("foundation"),
            FoundationArgs(location=ctx.location, protect=stack.is_prod,
                           allowed_regions=tuple(stack.compliance.allowed_regions)),
            ctx, opts=ctx.opts(),
        )
        ctx.resource_group_name = foundation.resource_group.name
        ctx.resource_group_id = foundation.resource_group.id
        # The kit monitor jobs' own identity, only where a job is built: it reads its inputs,
        # writes its reports, publishes metrics, and nothing else.
        workloads = (*WORKLOADS, "monitoring") if self.monitor_jobs else WORKLOADS
        self.identity = Identity(ctx.name("identity"), IdentityArgs(roles=tuple(r.name for r in stack.access.roles),
                                                                    workloads=workloads), ctx, opts=ctx.opts())
        self._warn(limits.retention_warnings(stack))
        self.monitoring = Monitoring(
            ctx.name("monitoring"),
            MonitoringArgs(retention_days=stack.compliance.retention_days, private=ctx.private, protect=stack.is_prod),
            ctx, opts=ctx.opts(),
        )
        hsm, added_hsm = self._key_protection()
        self.keys = Keys(
            ctx.name("keys"),
            KeysArgs(
                customer_managed_keys=ctx.cmk,
                rotation_days=stack.encryption.key_rotation_days,
                private=ctx.private,
                hsm=hsm,
                added_hsm=added_hsm,
                encryption_principal_id=self.identity.principal_of("encryption"),
                cosmos_db_principal_id=self.cosmos_db_principal_id,
                protect=stack.is_prod,
            ),
            ctx, opts=ctx.opts(),
        )
        self._stores()
        self._model_registry()
        self._workspace()

    def _key_protection(self) -> tuple[bool, bool]:
        """The key type and whether an RSA-HSM key is added (``limits.key_plan``); its warnings are spec-only."""
        self._warn(limits.key_warnings(self.stack))
        hsm, added = limits.key_plan(self.stack)
        return hsm, added and self.ctx.cmk

    def _stores(self) -> None:
        """The storage account and the container registry, both under the stack's key."""
        ctx, stack, keys, identity = self.ctx, self.stack, self.keys, self.identity
        key_deps = (keys.key_grant,) if keys.key_grant is not None else ()
        self._warn(limits.backup_warnings(stack))
        b = self.backups
        geo = bool(b and b.cross_region and "artifacts" in b.targets)
        artifacts = stack.storage.artifacts
        self.storage = Storage(
            ctx.name("storage"),
            StorageArgs(
                # RA-GZRS: zone-redundant in the region plus a readable copy in the pair.
                sku="Standard_RAGZRS" if geo else "Standard_ZRS",
                private=ctx.private,
                versioning=artifacts.versioning,
                retention_days=artifacts.retention_days,
                encryption_identity_id=identity.id_of("encryption"),
                key_vault_uri=keys.vault_uri if keys.key else None,
                key_name=keys.key.name if keys.key else None,
                depends_on=key_deps,
                protect=stack.is_prod,
            ),
            ctx, opts=ctx.opts(),
        )
        acr_replica = self._backup_location("containers")
        acr_premium = ctx.private or ctx.cmk or acr_replica is not None
        self._warn(limits.registry_warnings(stack))
        self.acr = ContainerRegistry(
            ctx.name("container-registry"),
            ContainerRegistryArgs(
                sku="Premium" if acr_premium else "Standard",
                private=ctx.private,
                encryption_identity_id=identity.id_of("encryption"),
                encryption_client_id=identity.client_of("encryption"),
                key_uri=keys.key.key_uri if keys.key else None,
                replica_location=acr_replica,
                depends_on=key_deps,
                protect=stack.is_prod,
            ),
            ctx, opts=ctx.opts(),
        )

    def _model_registry(self) -> None:
        ctx = self.ctx
        model_backup = self._backup_location("models")
        self.model_registry = ModelRegistry(
            ctx.name("model-registry"),
            ModelRegistryArgs(
                approval=self.stack.registry.models.approval,
                private=ctx.private,
                regions=(ctx.location, model_backup) if model_backup else (ctx.location,),
                geo_redundant_storage=model_backup is not None,
            ),
            ctx, opts=ctx.opts(),
        )

    def _workspace(self) -> None:
        """The workspace, after its identity holds its grants (Azure validates access to the
        key, storage and registry at creation), then the private endpoints of everything."""
        ctx, stack, keys, identity = self.ctx, self.stack, self.keys, self.identity
        storage, acr, monitoring = self.storage, self.acr, self.monitoring
        ws_grants = [
            # The workspace's own containers, and in the artifacts container the code and models it reads.
            Grant("workspace-blob-contributor-storage", "workspace", "Storage Blob Data Contributor", storage.account.id,
                  folder_condition("Storage Blob Data Contributor", CONTAINER, WORKSPACE_FOLDERS, others=True)),
            Grant("workspace-acrpush-registry", "workspace", "AcrPush", acr.registry.id),
            Grant("workspace-secrets-officer-vault", "workspace", "Key Vault Secrets Officer", keys.vault.id),
            Grant("workspace-metrics-publisher-appinsights", "workspace", "Monitoring Metrics Publisher", monitoring.app_insights.id),
        ]
        if keys.key is not None:
            ws_grants.append(Grant("workspace-crypto-user-key", "workspace", "Key Vault Crypto Service Encryption User", keys.key.id))
        workspace_access = AccessGrants(ctx.name("workspace-access"), AccessGrantsArgs(ws_grants), identity, ctx, opts=ctx.opts())
        first_compute = names.compute(stack.training[0].name) if stack.training else None
        self.workspace = Workspace(
            ctx.name("workspace"),
            WorkspaceArgs(
                private=ctx.private,
                hbi=stack.metadata.sensitive,
                identity_id=identity.id_of("workspace"),
                identity_client_id=identity.client_of("workspace"),
                storage_account_id=storage.account.id,
                key_vault_id=keys.vault.id,
                container_registry_id=acr.registry.id,
                application_insights_id=monitoring.app_insights.id,
                key_uri=keys.key.key_uri if keys.key else None,
                image_build_compute=first_compute,
                model_registry_id=self.model_registry.registry.id,
                # Package feeds: a framework environment is built with pip/conda, and an MLflow model
                # served without an environment (a registry model: no-code deployment) has its conda
                # dependencies installed when the deployment starts ("Azure Machine Learning would
                # otherwise require [an internet connection] to dynamically install necessary Python
                # packages for the MLflow models", how-to-deploy-mlflow-models).
                needs_package_feeds=any(job.image.framework is not None for job in stack.training)
                or any(e.model.source == "registry" for e in stack.endpoints),
                needs_monitor_ingestion=self.monitor_jobs,
                # Azure Cosmos DB's key grant too: the workspace's metadata store is created with it.
                depends_on=(workspace_access, storage, acr, *((keys.cosmos_grant,) if keys.cosmos_grant else ())),
                protect=stack.is_prod,
            ),
            ctx, opts=ctx.opts(),
        )
        self.network = Network(
            ctx.name("network"),
            NetworkArgs(private=ctx.private, targets={
                "vault": (keys.vault.id, "vault"),
                "blob": (storage.account.id, "blob"),
                "registry": (acr.registry.id, "registry"),
                "workspace": (self.workspace.workspace.id, "amlworkspace"),
                "models": (self.model_registry.registry.id, "amlregistry"),
                **self._registry_stores(),
            }),
            ctx, opts=ctx.opts(),
        )

    def _registry_stores(self) -> dict[str, tuple[pulumi.Input[str], str]]:
        """Private endpoints to the model registry's own storage account and ACR in each of its
        regions (issue 26 row 6): a private registry's model files and images are read from
        those, not through the registry's endpoint (how-to-registry-network-isolation)."""
        registry = self.model_registry
        targets: dict[str, tuple[pulumi.Input[str], str]] = {}
        for i, (storage, acr) in enumerate(zip(registry.managed("storage"), registry.managed("acr"), strict=True)):
            suffix = "" if i == 0 else f"-{i + 1}"
            targets[f"models-blob{suffix}"] = (storage, "blob")
            targets[f"models-registry{suffix}"] = (acr, "registry")
        return targets

    # -- workloads ----------------------------------------------------------------------
    def resolve_batch(self, path: str, compute: Compute) -> Resolution:
        """Azure ML batch deployments run on an AmlCompute cluster: a compute-cluster size (the documented
        cluster list, docs/cost-catalog.md), not a managed online endpoint SKU."""
        return self.resolve(path, compute, "training")

    def training(self, plan: TrainingPlan) -> None:
        ctx = self.ctx
        continuous_not_built(ctx, plan, "Azure ML")
        Training(
            ctx.name("training", plan.job.name),
            TrainingArgs(
                job=plan.job, path=plan.path, vm_size=plan.instance.name, gpu=plan.instance.gpu_count > 0,
                private=ctx.private, workspace_name=self.workspace.workspace.name,
                identity_id=self.identity.id_of("training"), code_dir=self.stack.code_dir(plan.job),
            ),
            # The code upload writes to the storage account from where `pulumi up` runs: with
            # network.private that is only through the blob private endpoint and its DNS record.
            ctx, opts=ctx.opts(depends_on=[self.workspace, self.network]),
        )

    def _served_model(self, plan: EndpointPlan) -> ServedModel | None:
        """What the endpoint's deployment serves (None: no approved version yet, said by the shared build)."""
        ctx, model, path = self.ctx, plan.spec.model, f"{plan.path}.model"
        if model.source == "registry":
            if plan.model is None or not self._mlflow(path, plan.model, "serve it from an image (source: artifact)"):
                return None
            return ServedModel(model=plan.model.reference, version=plan.model.version, model_format="mlflow")
        image = images.image_uri(model.image, ctx.prefix) if model.image is not None else None
        if model.format == "mlflow" and image is not None:
            ctx.warn(f"{path}.image", "unused on Azure: an MLflow model is deployed without an environment or "
                                      "scoring script (no-code deployment), which is what format: mlflow declares")
            image = None
        if image is not None and not images.pullable_by_azure(image):
            ctx.warn(
                f"{path}.image",
                "Azure ML pulls only from Azure Container Registry or mcr.microsoft.com with its identity; "
                "push this image to the stack's container registry before deploying",
            )
        if model.artifact_prefix is not None:
            return ServedModel(model=self._artifacts().versions[plan.spec.name], image=image,
                               model_format=model.format or "custom")
        uri = model.artifact_uri or ""
        if not uri.startswith("https://"):
            ctx.warn(
                f"{path}.artifactUri",
                f"Azure ML cannot mount {uri.split('://')[0]}:// URIs; the deployment uses the model baked into the image "
                "(copy the artifact to the stack's storage account to serve it from there)",
            )
            uri = ""
        return ServedModel(model=uri or None, image=image, model_format=model.format or "custom")

    def _artifacts(self) -> ModelArtifacts:
        """The datastore and model versions of every endpoint serving an artifactPath."""
        if self.model_artifacts is None:
            models = {e.name: e.model for e in self.stack.endpoints if e.model.artifact_path is not None}
            self.model_artifacts = ModelArtifacts(self.ctx.name("model-artifacts"), models,
                                                  self.workspace.workspace.name, self.ctx,
                                                  self.ctx.opts(depends_on=[self.workspace]))
        return self.model_artifacts

    def _mlflow(self, path: str, resolved: ResolvedModel, otherwise: str) -> bool:
        """Whether a registry version is in MLflow format, warning at ``path`` when it is not.

        A registry model is deployed without an environment or scoring script (the kit has
        none to give it): Azure ML serves or scores that only for MLflow-format models
        (learn.microsoft.com azure/machine-learning how-to-deploy-mlflow-models-online-endpoints,
        how-to-mlflow-batch)."""
        model_format = getattr(self.registry, "model_format", lambda *_: None)(resolved.package, resolved.version)
        if model_format == "mlflow":
            return True
        self.ctx.warn(
            f"{path}.package",
            f"{resolved.package} version {resolved.version} is {'a ' + model_format if model_format else 'an unknown-format'} "
            "model: Azure ML deploys registry models without an environment and scoring code only in MLflow "
            f"format; register it as MLflow, or {otherwise}. Not deployed",
        )
        return False

    def batch(self, plan: BatchPlan) -> None:
        ctx = self.ctx
        assert plan.model is not None  # the shared build skips a job with no approved version
        if not self._mlflow(f"{plan.path}.model", plan.model, "score it with a custom batch deployment by hand"):
            return
        # `batch run` names its folders through the artifacts datastore (shared with model artifacts).
        datastore = self._artifacts().datastore
        BatchInference(ctx.name("batch", plan.job.name), BatchArgs(
            job=plan.job, path=plan.path, vm_size=plan.instance.name, model=plan.model.reference, private=ctx.private,
            # The training identity: it reads and writes the stack's blobs and reads the registry.
            workspace_name=self.workspace.workspace.name, identity_id=self.identity.id_of("training"),
        ), ctx, opts=ctx.opts(depends_on=[self.workspace, datastore]))

    def _deployment_warnings(self, plan: EndpointPlan) -> Endpoint:
        """Warn about the rollout settings Azure cannot honour; the endpoint as Azure can serve it."""
        ctx, endpoint, path = self.ctx, plan.spec, plan.path
        d = endpoint.deployment
        if d.strategy == "shadow" and d.mirror_percent > MAX_MIRROR_PERCENT:
            ctx.warn(
                f"{path}.deployment.mirrorPercent",
                f"Azure ML mirrors at most {MAX_MIRROR_PERCENT}% of traffic; {d.mirror_percent}% is capped to {MAX_MIRROR_PERCENT}%",
            )
            endpoint = endpoint.model_copy(update={"deployment": d.model_copy(update={"mirror_percent": MAX_MIRROR_PERCENT})})
            d = endpoint.deployment
        self._warn(limits.deployment_warnings(path, endpoint))
        return endpoint

    def endpoint(self, plan: EndpointPlan) -> None:
        """The online endpoint, then its autoscaling (per deployment) and monitoring beside it."""
        ctx = self.ctx
        endpoint = self._deployment_warnings(plan)
        served = self._served_model(plan)
        current, candidate = self._rollout_pair(plan.index, endpoint, served)
        endpoint_name = names.online_endpoint(ctx.prefix, endpoint.name)
        component = OnlineEndpoint(
            ctx.name("endpoint", endpoint.name),
            EndpointArgs(
                endpoint=endpoint, path=plan.path, endpoint_name=endpoint_name, vm_size=plan.instance.name,
                private=ctx.private, workspace_name=self.workspace.workspace.name,
                identity_id=self.identity.id_of("serving"), current=current, candidate=candidate,
            ),
            ctx, opts=ctx.opts(depends_on=[self.workspace]),
        )
        for slot, deployment in component.deployments.items():
            # The live slot's name stays `autoscaling-<endpoint>` whatever happens to the next one.
            parts = ("autoscaling", endpoint.name) if slot == LIVE else ("autoscaling", endpoint.name, slot)
            Autoscaling(
                ctx.name(*parts),
                AutoscalingArgs(
                    spec=endpoint.autoscaling, endpoint_name=endpoint_name, endpoint_id=component.endpoint.id,
                    deployment_name=slot, deployment_id=deployment.id, notify=tuple(endpoint.monitoring.notify),
                ),
                ctx, opts=ctx.opts(),
            )
        monitor = self._monitoring(endpoint, endpoint_name, component)
        if endpoint.monitoring.kit_job:
            self._monitor_job(plan, endpoint_name, monitor)
        alarms = endpoint.monitoring.alarms
        alert_rules = {
            "latency": f"{endpoint_name}-latency-p99" if alarms.latency_p99_ms is not None else None,
            "errors": f"{endpoint_name}-error-rate" if alarms.error_rate_percent is not None else None,
        }
        self.endpoint_ids[endpoint.name] = component.endpoint.id
        self.endpoint_outputs[endpoint.name] = {
            "endpointName": endpoint_name,
            "instanceType": plan.instance.name,
            "rollout": component.rollout,
            "alertRules": {k: v for k, v in alert_rules.items() if v},
            "driftSchedule": names.monitor_schedule(endpoint_name, "drift") if monitor.drift is not None else None,
            "model": served.model if served else None,
        }

    def _monitoring(self, endpoint: Endpoint, endpoint_name: str, component: OnlineEndpoint) -> EndpointMonitoring:
        ctx, alarms = self.ctx, endpoint.monitoring.alarms
        managed = endpoint.monitoring.engine == "managed"
        drift = endpoint.monitoring.drift if managed else None
        return EndpointMonitoring(
            ctx.name("monitoring", endpoint.name),
            EndpointMonitoringArgs(
                endpoint_name=endpoint_name, endpoint_id=component.endpoint.id, deployment_name=LIVE,
                latency_p99_ms=alarms.latency_p99_ms, error_rate_percent=alarms.error_rate_percent,
                notify=tuple(endpoint.monitoring.notify), log_analytics_id=self.monitoring.workspace.id,
                drift_schedule=drift.schedule if drift else None, workspace_name=self.workspace.workspace.name,
                monitor_identity_id=self.identity.id_of("training"),
                explainability=endpoint.monitoring.explainability if managed else None,
            ),
            ctx, opts=ctx.opts(depends_on=[component]),
        )

    def _monitor_job(self, plan: EndpointPlan, endpoint_name: str, monitoring: EndpointMonitoring) -> None:
        """The kit's own monitor job of ``plan``'s endpoint on the stack's monitor cluster."""
        ctx, spec, identity = self.ctx, plan.spec, self.identity
        # The job's size (modules/monitor_job.py) on the cheapest cluster VM of the region.
        vm = self.resolve(f"{plan.path}.monitoring", Compute(cpu=monitor_job.CPU, memory_gib=monitor_job.MEMORY_GIB),
                          "training").instance.name
        MonitorJob(ctx.name("monitor", spec.name), MonitorJobArgs(
            endpoint=spec, endpoint_name=endpoint_name, deployment_name=LIVE, stack_name=self.stack.name,
            workspace_name=self.workspace.workspace.name, workspace_id=self.workspace.workspace.id,
            vm_size=vm, private=ctx.private, identity_id=identity.id_of("monitoring"),
            identity_client_id=identity.client_of("monitoring"), registry_login_server=self.acr.registry.login_server,
            action_group_id=monitoring.action_group.id if monitoring.action_group else None,
        # The code and settings uploads write to the storage account from where `pulumi up` runs
        # (with network.private, through the blob private endpoint), as training's do.
        ), ctx, opts=ctx.opts(depends_on=[self.workspace, self.network, monitoring]))

    def _rollout_pair(
        self, index: int, endpoint: Endpoint, served: ServedModel | None,
    ) -> tuple[ServedModel | None, ServedModel | None]:
        """(live, candidate): the resolved model alone, or the live version plus the new one."""
        live_version = self.live_versions.get(endpoint.name)
        model = endpoint.model
        if served is None or live_version is None or model.source != "registry" or live_version == served.version:
            return served, None
        assert model.package is not None
        live = self.registry.resolve(model.package, live_version)
        if live is None:
            self.ctx.warn(
                f"endpoints[{index}].model.version",
                f"the live version {live_version} of {model.package!r} is no longer in the registry; "
                f"version {served.version} is deployed directly",
            )
            return served, None
        # The live version was deployed by an earlier run, so it passed the MLflow check then.
        return ServedModel(model=live.reference, version=live.version, model_format="mlflow"), served

    # -- what spans the stack -----------------------------------------------------------
    def finish(self) -> None:
        ctx, stack, b = self.ctx, self.stack, self.backups
        if stack.experiments is not None:
            # Every workspace serves MLflow tracking itself (runs in the workspace, artifacts in
            # its storage account under the stack key): nothing to create, only to point at.
            self._warn(limits.experiments_warnings(stack))
            self.outputs["experimentsTrackingUri"] = self.workspace.workspace.ml_flow_tracking_uri
        backups = None
        if b is not None and "artifacts" in b.targets:
            # limits.backup_warnings says when the vault stays geo-redundant though crossRegion is off.
            geo = limits.geo_redundant_vault(b.cross_region, ctx.placement.backup_location)
            backups = Backups(
                ctx.name("backups"),
                BackupsArgs(
                    schedule="daily" if b.schedule == "hourly" else b.schedule,
                    retention_days=b.retention_days,
                    cross_region=geo,
                    storage_account_id=self.storage.account.id,
                    container=CONTAINER,
                    protect=stack.is_prod,
                ),
                ctx, opts=ctx.opts(depends_on=[self.storage]),
            )
        scopes: dict[str, pulumi.Input[str] | None] = {
            "storage": self.storage.account.id,
            "workspace": self.workspace.workspace.id,
            "ml_registry": self.model_registry.registry.id,
            "log_analytics": self.monitoring.workspace.id,
            "backup_vault": backups.vault.id if backups else None,
            "container_registry": self.acr.registry.id,
            "app_insights": self.monitoring.app_insights.id,
        }
        AccessGrants(
            ctx.name("access"),
            AccessGrantsArgs(self._workload_grants(scopes) + self._role_grants(scopes, self.endpoint_ids)),
            self.identity, ctx, opts=ctx.opts(),
        )
        self._audit()
        self._budget()
        self.outputs.update({
            "resourceGroupName": names.resource_group(ctx.prefix),
            "location": ctx.location,
            "workspaceName": self.workspace.workspace_name,
            "modelRegistryName": self.model_registry.registry_name,
            "modelApproval": stack.registry.models.approval,
            "storageAccountName": names.storage_account(ctx.prefix),
            "keyVaultName": names.key_vault(ctx.prefix),
            "containerRegistryName": names.container_registry(ctx.prefix),
            "endpoints": self.endpoint_outputs,
        })

    def _audit(self) -> None:
        ctx = self.ctx
        audit_targets: dict[str, tuple[pulumi.Input[str], str]] = {
            "workspace": (self.workspace.workspace.id, "audit"),
            "vault": (self.keys.vault.id, "audit"),
            "blob": (self.storage.blob_service_id, "audit"),
            "registry": (self.acr.registry.id, "audit"),
        }
        for name, endpoint_id in self.endpoint_ids.items():
            # allLogs: the traffic log feeds the error-rate alert as well as the audit trail.
            audit_targets[f"endpoint-{name}"] = (endpoint_id, "allLogs")
        Audit(ctx.name("audit"), AuditArgs(log_analytics_id=self.monitoring.workspace.id, targets=audit_targets),
              ctx, opts=ctx.opts())

    def _budget(self) -> None:
        ctx, budget = self.ctx, self.stack.budget
        if budget is None:
            return
        thresholds = tuple(budget.alert_thresholds_percent)
        if len(thresholds) > MAX_NOTIFICATIONS:
            ctx.warn(
                "budget.alertThresholdsPercent",
                f"an Azure budget holds at most {MAX_NOTIFICATIONS} notifications; only the lowest {MAX_NOTIFICATIONS} are set",
            )
        Budget(
            ctx.name("budget"),
            BudgetArgs(monthly_limit_usd=budget.monthly_limit_usd, thresholds_percent=thresholds,
                       contacts=(self.stack.metadata.owner,)),
            ctx, opts=ctx.opts(),
        )

    def _training_folders(self) -> tuple[str, ...]:
        """The artifacts-container folders of the training identity: its jobs' and the batch jobs'."""
        batch = [folder for job in self.stack.batch for folder in (job.input, job.output)]
        return tuple(dict.fromkeys([*TRAINING_FOLDERS, *batch]))

    def _workload_grants(self, scopes: dict[str, Any]) -> list[Grant]:
        captures = any(e.data_capture.enabled for e in self.stack.endpoints)
        serving_role = "Storage Blob Data Contributor" if captures else "Storage Blob Data Reader"
        grants = [
            # Batch jobs run as the training identity too: their input and output folders join its own.
            Grant("training-blob-contributor-storage", "training", "Storage Blob Data Contributor", scopes["storage"],
                  folder_condition("Storage Blob Data Contributor", CONTAINER, self._training_folders(), others=True)),
            Grant("training-acrpull-registry", "training", "AcrPull", scopes["container_registry"]),
            Grant("training-registry-user-models", "training", "AzureML Registry User", scopes["ml_registry"]),
            Grant("training-data-scientist-workspace", "training", "AzureML Data Scientist", scopes["workspace"]),
            Grant("serving-acrpull-registry", "serving", "AcrPull", scopes["container_registry"]),
            Grant("serving-registry-user-models", "serving", "AzureML Registry User", scopes["ml_registry"]),
            # Deployments send telemetry with Entra ID (App Insights refuses local auth).
            Grant("serving-metrics-publisher-appinsights", "serving", "Monitoring Metrics Publisher", scopes["app_insights"]),
            # Data capture writes to the workspace's blob store; otherwise serving only reads.
            Grant(
                "serving-blob-contributor-storage" if captures else "serving-blob-reader-storage", "serving",
                serving_role, scopes["storage"], folder_condition(serving_role, CONTAINER, SERVING_FOLDERS, others=True),
            ),
        ]
        return grants + self._monitor_grants(scopes)

    def _monitor_grants(self, scopes: dict[str, Any]) -> list[Grant]:
        """The monitor jobs' identity: reads the data collector's folder of the workspace's own
        containers and its inputs in the artifacts container, writes only the report folders,
        pulls the kit's image, publishes custom metrics on the workspace (their resource)."""
        if not self.monitor_jobs:
            return []
        reports = tuple(monitor_job.report_prefix(e) for e in self.stack.endpoints if e.monitoring.kit_job)
        return [
            Grant("monitoring-blob-reader-storage", "monitoring", "Storage Blob Data Reader", scopes["storage"],
                  folder_condition("Storage Blob Data Reader", CONTAINER, _monitor_reads(self.stack), others=True,
                                   others_folders=(CAPTURE_FOLDER,))),
            Grant("monitoring-blob-contributor-storage", "monitoring", "Storage Blob Data Contributor", scopes["storage"],
                  folder_condition("Storage Blob Data Contributor", CONTAINER, reports, others=False)),
            Grant("monitoring-acrpull-registry", "monitoring", "AcrPull", scopes["container_registry"]),
            Grant("monitoring-metrics-publisher-workspace", "monitoring", "Monitoring Metrics Publisher", scopes["workspace"]),
        ]

    def _role_grants(self, scopes: dict[str, Any], endpoint_ids: dict[str, pulumi.Output[str]]) -> list[Grant]:
        grants: dict[str, Grant] = {}
        mapping: dict[str, list[dict[str, str]]] = {}
        for i, role in enumerate(self.stack.access.roles):
            who = f"role-{role.name}"
            self._warn(limits.role_warnings(self.stack, i, role.permissions, role.principals))
            for j, permission in enumerate(role.permissions):
                for target_key, grant in self._permission_grants(f"access.roles[{i}].permissions[{j}]", who, permission,
                                                                 scopes, endpoint_ids):
                    if grant.key not in grants:
                        grants[grant.key] = grant
                        mapping.setdefault(role.name, []).append({"role": grant.role, "target": target_key})
                    else:  # one assignment per role and resource: it allows what either permission needs
                        grants[grant.key] = _union(grants[grant.key], grant)
            if "training.submit" in role.permissions:
                for grant in self._batch_data_grants(who, scopes["storage"]):
                    grants.setdefault(grant.key, grant)
                    mapping.setdefault(role.name, []).append({"role": grant.role, "target": "storage"})
        self.outputs["accessRoles"] = mapping
        return list(grants.values())

    def _permission_grants(self, path: str, who: str, permission: str, scopes: dict[str, Any],
                           endpoint_ids: dict[str, pulumi.Output[str]]) -> list[tuple[str, Grant]]:
        """(target key, grant) for one permission of one access role."""
        found = []
        for role_name, target in PERMISSION_GRANTS[permission]:
            if target == "endpoints":
                targets = [(f"endpoint-{name}", endpoint_id) for name, endpoint_id in endpoint_ids.items()]
                if not targets:
                    self.ctx.warn(path, f"{permission}: the stack has no endpoint to grant it on")
            elif scopes[target] is None:
                self.ctx.warn(path, f"{permission}: the stack has no {target.replace('_', ' ')} (backups are off), "
                                    "nothing is granted")
                continue
            else:
                targets = [(target.replace("_", "-"), scopes[target])]
            for target_key, scope in targets:
                key = f"{who}-{_slug(role_name)}-{target_key}"
                found.append((target_key, Grant(key, who, role_name, scope, _ARTIFACT_CONDITIONS.get(permission))))
        return found

    def _batch_data_grants(self, who: str, storage_id: Any) -> list[Grant]:
        """`batch run` (under training.submit) reads the inputs and writes the outputs as the invoker:
        "the identity used for invoking a batch endpoint" reads the data of a credential-less
        datastore; it needs to "read and write from/to data stores" (how-to-authenticate-batch-endpoint,
        issue 26 row 7). Only the spec's batch folders of the artifacts container."""
        inputs = tuple(dict.fromkeys(job.input for job in self.stack.batch))
        outputs = tuple(dict.fromkeys(job.output for job in self.stack.batch))
        if not inputs:
            return []
        return [Grant(f"{who}-batch-input-reader-storage", who, "Storage Blob Data Reader", storage_id,
                      folder_condition("Storage Blob Data Reader", CONTAINER, inputs, others=False)),
                Grant(f"{who}-batch-output-contributor-storage", who, "Storage Blob Data Contributor", storage_id,
                      folder_condition("Storage Blob Data Contributor", CONTAINER, outputs, others=False))]

    # -- warnings about fields Azure cannot honour as asked -----------------------------
    def _warn(self, issues: list[SpecIssue]) -> None:
        """Record the spec-only warnings of providers/azure/limits.py (`validate --provider azure` reports them too)."""
        for issue in issues:
            self.ctx.warn(issue.path, issue.message, feature=issue.feature, support=issue.support)
