"""Google Cloud (Vertex AI) provider: spec v1 onto GCP, one component per abstraction."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any, ClassVar

import pulumi
import pulumi_gcp
from pulumi_gcp import organizations

from modules.cost import CostHandlers
from modules.endpoint import Endpoint as EndpointSpec
from modules.errors import SpecIssue
from modules.naming import short_hash
from modules.provider import BuildResult, ModelRegistry
from modules.stack import Stack
from providers.base import BaseProvider, CloudParts
from providers.catalog.resolver import Resolution, ResolutionError, Use, resolve
from providers.gcp import registry as vertex_registry
from providers.gcp.audit import Audit, AuditArgs
from providers.gcp.autoscaling import Autoscaling, AutoscalingArgs
from providers.gcp.backups import Backups, BackupsArgs
from providers.gcp.budget import Budget, BudgetArgs, billing_account
from providers.gcp.container_registry import ContainerRegistry, ContainerRegistryArgs
from providers.gcp.context import GcpContext, stack_labels
from providers.gcp.endpoint import Endpoint, EndpointArgs
from providers.gcp.identity import Identity, IdentityArgs
from providers.gcp.keys import Keys, KeysArgs, RegionKeyArgs
from providers.gcp.mocks import mock_call, mock_resource, project_number_for
from providers.gcp.model_registry import ModelRegistry as ModelRegistryComponent, ModelRegistryArgs, UploadArgs
from providers.gcp.monitoring import (
    DriftArgs,
    Monitoring,
    MonitoringArgs,
    alert_display_name,
)
from providers.gcp.network import Network, NetworkArgs
from providers.gcp.services import Services, ServicesArgs
from providers.gcp.storage import BucketArgs, Storage, StorageArgs
from providers.gcp.training import Training, TrainingArgs, prebuilt_image
from providers.gcp.vertex import traffic_steps

FOREIGN_REGISTRIES = (".amazonaws.com", ".azurecr.io")


def endpoint_id(project: str, stack_name: str, endpoint: str) -> str:
    """Deterministic numeric Vertex endpoint id (10 digits, no leading zero)."""
    return str(int(short_hash(project, stack_name, endpoint, length=12), 16) % 9_000_000_000 + 1_000_000_000)


def steps_label(steps: list[int]) -> str:
    """Traffic steps as a GCP label value (at most 63 characters): ``10_100``, or for many
    equal steps (linear at 1%) ``1_by_1_to_100``."""
    joined = "_".join(str(s) for s in steps)
    if len(joined) <= 63:
        return joined
    return f"{steps[0]}_by_{steps[1] - steps[0]}_to_{steps[-1]}"


class GcpProvider(BaseProvider):
    """Builds a spec v1 stack on Google Cloud with Vertex AI."""

    cloud: ClassVar = "gcp"
    type_prefix: ClassVar = "gcp:"
    components: ClassVar[Mapping[str, str]] = {
        "keys": "mlopskit:gcp:Keys",
        "storage": "mlopskit:gcp:Storage",
        "network": "mlopskit:gcp:Network",
        "container_registry": "mlopskit:gcp:ContainerRegistry",
        "model_registry": "mlopskit:gcp:ModelRegistry",
        "training": "mlopskit:gcp:Training",
        "endpoint": "mlopskit:gcp:Endpoint",
        "autoscaling": "mlopskit:gcp:Autoscaling",
        "monitoring": "mlopskit:gcp:Monitoring",
        "backups": "mlopskit:gcp:Backups",
        "identity": "mlopskit:gcp:Identity",
        "audit": "mlopskit:gcp:Audit",
        "budget": "mlopskit:gcp:Budget",
    }

    # -- validation ------------------------------------------------------------------

    def cloud_issues(self, stack: Stack) -> list[SpecIssue]:
        placement = stack.placement.gcp
        assert placement is not None
        issues: list[SpecIssue] = []
        for index, job in enumerate(stack.training):
            if job.image.uri is None and prebuilt_image(job.image.framework or "", job.image.version or "", placement.region, False) is None:
                issues.append(SpecIssue(
                    f"training[{index}].image.framework",
                    f"Vertex AI has no prebuilt {job.image.framework} training container: give image.uri",
                ))
        return issues

    # -- build -----------------------------------------------------------------------

    def build(self, stack: Stack, registry: ModelRegistry) -> BuildResult:
        placement = stack.placement.gcp
        if placement is None:
            raise ValueError("placement.gcp: required to build on gcp")
        # Checked before anything is registered: a real deploy stops here, whole.
        account = billing_account(offline=getattr(registry, "offline", False)) if stack.budget is not None else None
        project_number = str(organizations.get_project(project_id=placement.project).number)
        backups = stack.backups
        backup_region = placement.backup_region if backups is not None and backups.cross_region else None
        ctx = GcpContext(stack, placement.project, project_number, placement.region, backup_region, stack_labels(stack))
        self._project = placement.project
        prefix, protect = stack.name, stack.is_prod
        outputs: dict[str, Any] = {"project": ctx.project, "region": ctx.region}

        primary = self._gcp_provider(ctx, ctx.region)
        backup_provider = self._gcp_provider(ctx, backup_region) if backup_region else None
        services = Services(ctx.name("services"), ServicesArgs(
            project=ctx.project, cmk=stack.encryption.customer_managed_keys, private=stack.network.private,
            scan_images=stack.registry.containers.scan_on_push, schedules=any(j.schedule for j in stack.training),
            backups=backups is not None, capture=any(e.data_capture.enabled for e in stack.endpoints),
            budget=stack.budget is not None,
        ), pulumi.ResourceOptions(providers=[primary]))
        outputs["services"] = services.enabled
        # Every component waits for the APIs it calls to be enabled.
        top = pulumi.ResourceOptions(providers=[primary], depends_on=[services])

        # Keys: one ring per region in use (CMEK keys must share their resource's region).
        regions = [RegionKeyArgs(ctx.region, primary)]
        if backup_region and backup_provider is not None:
            regions.append(RegionKeyArgs(backup_region, backup_provider))
        agents = ("storage", "artifactregistry", "aiplatform", "bigquery")
        keys = Keys(ctx.name("keys"), KeysArgs(
            prefix=prefix, project=ctx.project, regions=regions, enabled=stack.encryption.customer_managed_keys,
            rotation_days=stack.encryption.key_rotation_days, hsm=stack.metadata.data_classification == "restricted",
            protect=protect, service_agents={a: ctx.service_agent(a) for a in agents},
        ), top)
        key = keys.key_ids.get(ctx.region)
        after_keys = pulumi.ResourceOptions(providers=[primary], depends_on=[services, keys])

        network = Network(ctx.name("network"), NetworkArgs(
            prefix=prefix, project=ctx.project, project_number=project_number, region=ctx.region, private=stack.network.private,
        ), top)

        account_ids = {k: ctx.account_id(k) for k in ("training", "serving", "scheduler")}
        account_ids.update({r.name: ctx.account_id(f"role-{r.name}") for r in stack.access.roles})
        identity = Identity(ctx.name("identity"), IdentityArgs(
            prefix=prefix, project=ctx.project, account_ids=account_ids, roles=list(stack.access.roles),
            has_backups=backups is not None,
        ), top)
        ctx.warnings.extend(identity.warnings)
        after_identity = pulumi.ResourceOptions(providers=[primary], depends_on=[services, keys, identity])

        artifacts = stack.storage.artifacts
        if not artifacts.versioning:
            ctx.warn("storage.artifacts.retentionDays", "keeps noncurrent versions, but versioning is off: the rule only applies once versioning is on")
        store = Storage(ctx.name("storage"), StorageArgs(
            prefix=prefix,
            bucket=BucketArgs(
                name=ctx.bucket_name("artifacts"), location=ctx.region, project=ctx.project, kms_key=key,
                versioning=artifacts.versioning, noncurrent_retention_days=artifacts.retention_days,
            ),
            protect=protect, grants=identity.grants["artifacts"],
        ), after_identity)
        outputs["artifactsBucket"] = store.bucket_name

        images = ContainerRegistry(ctx.name("container-registry"), ContainerRegistryArgs(
            prefix=prefix, project=ctx.project, region=ctx.region, kms_key=key,
            immutable_tags=stack.registry.containers.immutable_tags, scan_on_push=stack.registry.containers.scan_on_push,
            protect=protect, grants=identity.grants["repository"],
        ), after_identity)
        outputs["containerRegistry"] = images.url

        models = self._model_registry(ctx, registry, key, after_keys)
        outputs["modelReferences"] = models.references

        for index, job in enumerate(stack.training):
            self._training(ctx, index, job, store, identity, key, network, after_identity, images.url)

        outputs["endpoints"] = {}
        for index, spec in enumerate(stack.endpoints):
            outputs["endpoints"][spec.name] = self._endpoint(ctx, index, spec, models, identity, key, after_identity, images,
                                                              network)

        if backups is not None:
            self._backups(ctx, store, keys, identity, backup_provider, after_identity)
            outputs["backupRegion"] = backup_region or ctx.region

        Audit(ctx.name("audit"), AuditArgs(prefix=prefix, project=ctx.project, retention_days=stack.compliance.retention_days,
                                                  protect=stack.is_prod), top)

        if stack.budget is not None and account is not None:
            if account.placeholder:
                ctx.warn("budget", account.warning)
            Budget(ctx.name("budget"), BudgetArgs(
                prefix=prefix, project=ctx.project, project_number=project_number, billing_account=account.id,
                monthly_limit_usd=stack.budget.monthly_limit_usd, thresholds_percent=list(stack.budget.alert_thresholds_percent),
                notify=[stack.metadata.owner],
            ), top)
        return BuildResult(warnings=ctx.warnings, outputs=outputs)

    def _gcp_provider(self, ctx: GcpContext, region: str) -> pulumi_gcp.Provider:
        return pulumi_gcp.Provider(
            ctx.name("gcp", region),
            project=ctx.project,
            region=region,
            default_labels=ctx.labels,
            add_pulumi_attribution_label=False,
        )

    def _model_registry(self, ctx: GcpContext, registry: ModelRegistry, key: Any, opts: pulumi.ResourceOptions) -> ModelRegistryComponent:
        uploads: list[UploadArgs] = []
        resolved: dict[str, str] = {}
        for index, spec in enumerate(ctx.stack.endpoints):
            model = spec.model
            if model.source == "registry":
                assert model.package is not None and model.version is not None
                found = registry.resolve(model.package, model.version)
                if found is None:
                    ctx.warn(f"endpoints[{index}].model.version", (
                        f"package {model.package} has no {'approved ' if model.version == 'latest-approved' else ''}"
                        f"version {'' if model.version == 'latest-approved' else model.version} yet in the Vertex Model Registry: "
                        "the endpoint is created without a deployed model until one is approved"
                    ).replace("  ", " "))
                else:
                    resolved[spec.name] = found.reference
            else:
                assert model.image is not None and model.artifact_uri is not None
                if any(host in model.image for host in FOREIGN_REGISTRIES):
                    ctx.warn(f"endpoints[{index}].model.image", "Vertex AI pulls serving containers from Artifact Registry: "
                             "push the image to the stack's container registry before deploying")
                if not model.artifact_uri.startswith("gs://"):
                    ctx.warn(f"endpoints[{index}].model.artifactUri", "Vertex AI loads model artifacts from Cloud Storage only: "
                             "copy the artifact to the stack's artifacts bucket (models/ prefix) before deploying")
                uploads.append(UploadArgs(spec.name, model.image, model.artifact_uri))
        return ModelRegistryComponent(ctx.name("model-registry"), ModelRegistryArgs(
            prefix=ctx.stack.name, project=ctx.project, region=ctx.region, approval=ctx.stack.registry.models.approval,
            kms_key=key, protect=ctx.stack.is_prod, uploads=uploads, resolved=resolved,
        ), opts)

    def _resolve(self, ctx: GcpContext, path: str, compute: Any, use: Use) -> Resolution | None:
        try:
            return resolve("gcp", compute, ctx.region, use)
        except ResolutionError as error:
            ctx.warn(f"{path}.compute.{error.field}", f"{error}: not built")
            return None

    def _training(self, ctx: GcpContext, index: int, job: Any, store: Storage, identity: Identity, key: Any,
                  network: Network, opts: pulumi.ResourceOptions, registry_url: Any) -> None:
        path = f"training[{index}]"
        resolution = self._resolve(ctx, path, job.compute, "training")
        if resolution is None:
            return
        instance = resolution.instance
        if job.image.uri is not None:
            image = job.image.uri
            if any(host in image for host in FOREIGN_REGISTRIES):
                ctx.warn(f"{path}.image.uri", "Vertex AI pulls training containers from Artifact Registry: "
                         "push the image to the stack's container registry before the first run")
        else:
            image = prebuilt_image(job.image.framework, job.image.version, ctx.region, instance.gpu_count > 0) or ""
            if not image:
                ctx.warn(f"{path}.image.framework", f"Vertex AI has no prebuilt {job.image.framework} container: not built")
                return
        Training(ctx.name("training", job.name), TrainingArgs(
            prefix=ctx.stack.name, job_name=job.name, project=ctx.project, region=ctx.region, image_uri=image,
            entrypoint=job.entrypoint, machine_type=instance.name, accelerator_type=instance.accelerator,
            accelerator_count=instance.gpu_count, replica_count=job.compute.count, spot=job.compute.spot,
            max_runtime_minutes=job.max_runtime_minutes, hyperparameters=dict(job.hyperparameters), schedule=job.schedule,
            bucket=store.bucket_name, service_account=identity.emails["training"], scheduler_account=identity.emails["scheduler"],
            kms_key=key, network=network.peering_network, labels={"training-job": job.name},
        ), opts)

    def _endpoint(self, ctx: GcpContext, index: int, spec: EndpointSpec, models: ModelRegistryComponent,
                  identity: Identity, key: Any, opts: pulumi.ResourceOptions, images: ContainerRegistry,
                  network: Network) -> dict[str, Any]:
        path = f"endpoints[{index}]"
        deployment = spec.deployment
        if deployment.strategy == "shadow":
            ctx.warn(f"{path}.deployment.strategy", (
                f"shadow: Vertex AI has no native traffic mirroring, so mirrorPercent ({deployment.mirror_percent}%) cannot be "
                "honoured; the new model is deployed all-at-once instead (mirror requests from the client or compare offline)"
            ))
        steps = traffic_steps(deployment.strategy, deployment.canary_percent, deployment.linear_step_percent)
        ep_id = endpoint_id(ctx.project, ctx.stack.name, spec.name)
        rollout_labels = {"strategy": deployment.strategy, "traffic-steps": steps_label(steps),
                          "wait-minutes": str(deployment.wait_minutes), "auto-rollback": str(deployment.auto_rollback).lower()}
        endpoint = Endpoint(ctx.name("endpoint", spec.name), EndpointArgs(
            prefix=ctx.stack.name, endpoint_name=spec.name, endpoint_id=ep_id, project=ctx.project, region=ctx.region,
            kms_key=key, private=ctx.stack.network.private, capture=spec.data_capture.enabled,
            sampling_percent=spec.data_capture.sampling_percent, capture_retention_days=ctx.stack.compliance.retention_days,
            protect=ctx.stack.is_prod, labels=rollout_labels, grants=identity.grants["endpoint"],
            psc_network=network.network_id,
        ), pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[network])))
        rollback = [alert_display_name(ctx.stack.name, spec.name, k) for k in ("latency", "errors")
                    if (k == "latency" and spec.monitoring.alarms.latency_p99_ms is not None)
                    or (k == "errors" and spec.monitoring.alarms.error_rate_percent is not None)] if deployment.auto_rollback else []
        result: dict[str, Any] = {"endpoint": endpoint.resource_name, "strategy": deployment.strategy, "trafficSteps": steps,
                                  "waitMinutes": deployment.wait_minutes, "autoRollback": deployment.auto_rollback}
        reference = models.references.get(spec.name)
        resolution = self._resolve(ctx, path, spec.compute, "serving")
        scaling = None
        if reference is not None and resolution is not None:
            instance = resolution.instance
            scaling = Autoscaling(ctx.name("autoscaling", spec.name), AutoscalingArgs(
                prefix=ctx.stack.name, endpoint_name=spec.name, region=ctx.region, endpoint=endpoint.resource_name,
                model=reference, machine_type=instance.name, accelerator_type=instance.accelerator,
                accelerator_count=instance.gpu_count, min_replicas=spec.autoscaling.min_instances,
                max_replicas=spec.autoscaling.max_instances, target_requests=spec.autoscaling.target_invocations_per_instance,
                service_account=identity.emails["serving"], strategy=deployment.strategy, traffic_steps=steps,
                wait_minutes=deployment.wait_minutes, auto_rollback=deployment.auto_rollback, rollback_alert_policies=rollback,
                # An artifact named in the spec is deployed as named: the registry's manual
                # approval gates registry versions only (an uploaded artifact carries no
                # approval, so checking it would fail every deploy).
                approval=ctx.stack.registry.models.approval if spec.model.source == "registry" else "automatic",
            ), pulumi.ResourceOptions(providers=opts.providers, depends_on=[endpoint, models]))  # type: ignore[arg-type]  # SDK: attribute Sequence, parameter list
            result["trafficSplit"] = scaling.deployment.trafficSplit
        drift = None
        if spec.monitoring.drift is not None:
            if scaling is None:
                ctx.warn(f"{path}.monitoring.drift", "drift monitoring needs a deployed model: created with the first approved version")
            else:
                drift = DriftArgs(schedule=spec.monitoring.drift.schedule, sample_rate=spec.data_capture.sampling_percent / 100,
                                  deployed_model_id=scaling.deployment.deployedModelId, endpoint=endpoint.resource_name)
        alarms = spec.monitoring.alarms
        monitor = Monitoring(ctx.name("monitoring", spec.name), MonitoringArgs(
            prefix=ctx.stack.name, endpoint_name=spec.name, endpoint_id=ep_id, project=ctx.project, region=ctx.region,
            notify=list(spec.monitoring.notify), latency_p99_ms=alarms.latency_p99_ms,
            error_rate_percent=alarms.error_rate_percent, auto_rollback=deployment.auto_rollback, kms_key=key, drift=drift,
        ), pulumi.ResourceOptions(providers=opts.providers, depends_on=[endpoint] + ([scaling] if scaling else [])))  # type: ignore[arg-type]  # SDK: attribute Sequence, parameter list
        result["alertPolicies"] = monitor.alert_policies
        result["rollbackAlertPolicies"] = {k: v for k, v in monitor.alert_policies.items()} if deployment.auto_rollback else {}
        return result

    def _backups(self, ctx: GcpContext, store: Storage, keys: Keys, identity: Identity,
                 backup_provider: pulumi_gcp.Provider | None, opts: pulumi.ResourceOptions) -> None:
        backups = ctx.stack.backups
        assert backups is not None
        region = ctx.backup_region or ctx.region
        targets = []
        for index, target in enumerate(backups.targets):
            if target == "containers":
                ctx.warn(f"backups.targets[{index}]", "containers: Artifact Registry has no backup or cross-region copy; "
                         "images are not backed up (rebuild from source, or mirror with a second repository)")
            else:
                targets.append(target)
        Backups(ctx.name("backups"), BackupsArgs(
            prefix=ctx.stack.name, project=ctx.project, region=region, bucket_name=ctx.bucket_name("backups"),
            source_bucket=store.bucket_name, kms_key=keys.key_ids.get(region), schedule=backups.schedule,
            retention_days=backups.retention_days, targets=targets, transfer_account=ctx.service_agent("storagetransfer"),
            protect=ctx.stack.is_prod, provider=backup_provider, grants=identity.grants["backups"],
        ), opts)

    # -- registries and mocks --------------------------------------------------------

    def registry(self, stack: Stack) -> ModelRegistry:
        return vertex_registry.live_registry(stack)

    def offline_registry(self, stack: Stack) -> AbstractContextManager[ModelRegistry]:
        placement = stack.placement.gcp
        project = placement.project if placement else "unknown-project"
        return vertex_registry.offline_registry(stack, project_number_for(project))

    def mock_resource(self, type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return mock_resource(type_, name, inputs, getattr(self, "_project", "mock-project"))

    def mock_call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        return mock_call(token, args)

    # -- facts, cost, features, day 2: imported only when first asked for -----------
    @staticmethod
    def parts() -> CloudParts:
        from providers.gcp import cost, facts, features, ops

        return CloudParts(facts.facts, CostHandlers(cost.COMPONENTS, cost.FREE), features.FEATURES, ops.backend,
                          ops.classify)


__all__ = ["GcpProvider", "endpoint_id"]
