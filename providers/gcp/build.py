"""Registers a whole stack on Google Cloud in the shape every cloud shares
(``providers.base.StackBuild``): one component per abstraction, wired through typed Args."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp
from pulumi_gcp import organizations

from mlopskit.modules import monitor_job
from mlopskit.modules.compute import Compute
from mlopskit.modules.encryption import protection_plan
from mlopskit.providers.base import BatchPlan, EndpointPlan, StackBuild, TrainingPlan, continuous_not_built
from mlopskit.providers.gcp import names
from mlopskit.providers.gcp.audit import Audit, AuditArgs
from mlopskit.providers.gcp.autoscaling import Autoscaling, AutoscalingArgs
from mlopskit.providers.gcp.backups import Backups, BackupsArgs
from mlopskit.providers.gcp.batch import BatchArgs, BatchInference
from mlopskit.providers.gcp.budget import Budget, BudgetArgs, billing_account
from mlopskit.providers.gcp.container_registry import ContainerRegistry, ContainerRegistryArgs
from mlopskit.providers.gcp.context import GcpContext, stack_labels
from mlopskit.providers.gcp.endpoint import Endpoint, EndpointArgs
from mlopskit.providers.gcp.experiments import Experiments, ExperimentsArgs
from mlopskit.providers.gcp.identity import Identity, IdentityArgs
from mlopskit.providers.gcp.images import image_uri, monitor_image, prebuilt_image
from mlopskit.providers.gcp.keys import Keys, KeysArgs, RegionKeyArgs
from mlopskit.providers.gcp.model_registry import ModelRegistry, ModelRegistryArgs, UploadArgs
from mlopskit.providers.gcp.monitor_job import MonitorJob, MonitorJobArgs
from mlopskit.providers.gcp.monitoring import (
    DriftArgs,
    Monitoring,
    MonitoringArgs,
    alert_display_name,
)
from mlopskit.providers.gcp.network import Network, NetworkArgs
from mlopskit.providers.gcp.services import Services, ServicesArgs
from mlopskit.providers.gcp.storage import BucketArgs, Storage, StorageArgs
from mlopskit.providers.gcp.training import Training, TrainingArgs
from mlopskit.providers.gcp.vertex import traffic_steps

_SERVICE_AGENTS = ("storage", "artifactregistry", "aiplatform", "bigquery")


class GcpBuild(StackBuild):
    """Spec v1 onto Vertex AI, Cloud Storage, Cloud KMS, Artifact Registry, IAM, Cloud Monitoring."""

    cloud = "gcp"
    ctx: GcpContext

    def start(self) -> GcpContext:
        stack = self.stack
        placement = stack.placement.gcp
        if placement is None:
            raise ValueError("placement.gcp: required to build on gcp")
        # Checked before anything is registered: a real deploy stops here, whole.
        offline = getattr(self.registry, "offline", False)
        self.account = billing_account(offline=offline) if stack.budget is not None else None
        self.pending_warnings: list[tuple[str, str]] = []
        project_number = str(organizations.get_project(project_id=placement.project).number)
        backup_region = self._backup_region()
        self.ctx = ctx = GcpContext(stack, placement.project, project_number, placement.region, backup_region,
                                    stack_labels(stack))
        for path, message in self.pending_warnings:
            ctx.warn(path, message)
        self.primary = self._gcp_provider(ctx.region)
        self.backup_provider = self._gcp_provider(backup_region) if backup_region else None
        self.outputs.update({"project": ctx.project, "region": ctx.region, "endpoints": {}})
        self.services = Services(ctx.name("services"), ServicesArgs(
            project=ctx.project, cmk=stack.encryption.customer_managed_keys, private=stack.network.private,
            scan_images=stack.registry.containers.scan_on_push, schedules=any(j.schedule for j in stack.training) or any(b.schedule for b in stack.batch)
            or any(e.monitoring.kit_job for e in stack.endpoints),
            backups=stack.backups is not None, capture=bool(stack.endpoints),
            budget=stack.budget is not None,
        ), ctx, pulumi.ResourceOptions(providers=[self.primary]))
        self.outputs["services"] = self.services.enabled
        # Every component waits for the APIs it calls to be enabled.
        self.top = pulumi.ResourceOptions(providers=[self.primary], depends_on=[self.services])
        return ctx

    def _backup_region(self) -> str | None:
        """The backup bucket's region: placement.gcp.backupRegion whenever one is placed.

        A bucket's location can never change (it is part of what Cloud Storage creates), so
        turning backups.crossRegion off must not move the bucket: that would delete the
        bucket and every backup in it. The bucket stays where the placement put it and the
        preview says so; only removing backupRegion (a placement change) moves it.
        """
        stack, placement = self.stack, self.stack.placement.gcp
        assert placement is not None
        if stack.backups is None or placement.backup_region is None:
            return None
        if not stack.backups.cross_region:
            self.pending_warnings.append(("backups.crossRegion", (
                f"false, but the backup bucket stays in backupRegion {placement.backup_region}: a Cloud Storage bucket's "
                "location cannot change, and moving it would delete every backup in it; remove placement.gcp.backupRegion "
                "to place the backups of a new stack in the primary region")))
        return placement.backup_region

    def _gcp_provider(self, region: str) -> pulumi_gcp.Provider:
        ctx = self.ctx
        return pulumi_gcp.Provider(ctx.name("gcp", region), project=ctx.project, region=region,
                                   default_labels=ctx.labels, add_pulumi_attribution_label=False)

    # -- foundation ---------------------------------------------------------------------
    def foundation(self, endpoints: list[EndpointPlan]) -> None:
        ctx, stack, prefix, protect = self.ctx, self.stack, self.stack.name, self.stack.is_prod
        # Keys: one ring per region in use (CMEK keys must share their resource's region).
        regions = [RegionKeyArgs(ctx.region, self.primary)]
        if ctx.backup_region and self.backup_provider is not None:
            regions.append(RegionKeyArgs(ctx.backup_region, self.backup_provider))
        hsm, added_hsm = self._key_protection()
        self.keys = Keys(ctx.name("keys"), KeysArgs(
            prefix=prefix, project=ctx.project, regions=regions, enabled=stack.encryption.customer_managed_keys,
            rotation_days=stack.encryption.key_rotation_days, hsm=hsm, added_hsm=added_hsm,
            protect=protect, service_agents={a: ctx.service_agent(a) for a in _SERVICE_AGENTS},
        ), ctx, self.top)
        if self.keys.hsm_key_ids:
            self.outputs["hsmKeys"] = self.keys.hsm_key_ids
        self.key = self.keys.key_ids.get(ctx.region)
        self.network = Network(ctx.name("network"), NetworkArgs(
            prefix=prefix, project=ctx.project, project_number=ctx.project_number, region=ctx.region,
            private=stack.network.private,
        ), ctx, self.top)
        self._identity()
        self._stores()
        self.models = self._model_registry(endpoints)
        self.outputs["modelReferences"] = self.models.references

    def _key_protection(self) -> tuple[bool, bool]:
        """The data key's level and whether an HSM key is added (``protection_plan``), with the warnings.

        GCP gives restricted data HSM-backed keys."""
        ctx, stack = self.ctx, self.stack
        encryption, classification = stack.encryption, stack.metadata.data_classification
        hsm, added = protection_plan(encryption.key_protection_level, classification == "restricted")
        if not encryption.customer_managed_keys:
            return hsm, False
        level = "HSM" if hsm else "SOFTWARE"
        if added:
            ctx.warn("metadata.dataClassification", (
                f"restricted: the stack's key {stack.name}-data keeps protection level {level} (keyProtectionLevel; Cloud "
                f"KMS cannot change it) and the data stores encrypted with it keep it; a new HSM key {stack.name}-data-hsm "
                "is added in each key ring for new data (output hsmKeys): re-encrypt existing data with it to move it"))
        elif encryption.key_protection_level is None and stack.is_prod:
            ctx.warn("encryption.keyProtectionLevel", (
                f"not set, so the key {stack.name}-data takes protection level {level} from dataClassification "
                f"{classification}; Cloud KMS cannot change a key's protection level, so a later change of the "
                f"classification would replace the key: set keyProtectionLevel: {level.lower()} to pin it"))
        return hsm, added

    def _identity(self) -> None:
        ctx, stack = self.ctx, self.stack
        monitored = [e for e in stack.endpoints if e.monitoring.kit_job]
        workloads = ("training", "serving", "scheduler", *(("batch",) if stack.batch else ()),
                     *(("monitor",) if monitored else ()))
        account_ids = {k: ctx.account_id(k) for k in workloads}
        account_ids.update({r.name: ctx.account_id(f"role-{r.name}") for r in stack.access.roles})
        self.identity = Identity(ctx.name("identity"), IdentityArgs(
            prefix=stack.name, project=ctx.project, account_ids=account_ids, roles=list(stack.access.roles),
            has_backups=stack.backups is not None, batch=bool(stack.batch), experiments=stack.experiments is not None,
            batch_inputs=tuple(b.input for b in stack.batch), batch_outputs=tuple(b.output for b in stack.batch),
            monitor_reads=tuple(dict.fromkeys(f for e in monitored for f in monitor_job.reads(e))),
            monitor_writes=tuple(monitor_job.report_prefix(e) for e in monitored),
        ), ctx, self.top)
        for issue in self.identity.warnings:
            ctx.warn(issue.path, issue.message)
        self.after_identity = pulumi.ResourceOptions(providers=[self.primary], depends_on=[self.services, self.keys, self.identity])

    def _stores(self) -> None:
        ctx, stack, protect = self.ctx, self.stack, self.stack.is_prod
        artifacts = stack.storage.artifacts
        if not artifacts.versioning:
            ctx.warn("storage.artifacts.retentionDays", "keeps noncurrent versions, but versioning is off: the rule "
                     "only applies once versioning is on")
        self.store = Storage(ctx.name("storage"), StorageArgs(
            prefix=stack.name,
            bucket=BucketArgs(
                name=ctx.bucket_name("artifacts"), location=ctx.region, project=ctx.project, kms_key=self.key,
                versioning=artifacts.versioning, noncurrent_retention_days=artifacts.retention_days,
            ),
            protect=protect, grants=self.identity.grants["artifacts"],
            capture=bool(stack.endpoints), capture_retention_days=stack.compliance.retention_days,
            capture_grants=self.identity.grants["capture"],
        ), ctx, self.after_identity)
        self.outputs["artifactsBucket"] = self.store.bucket_name
        containers = stack.registry.containers
        self.images = ContainerRegistry(ctx.name("container-registry"), ContainerRegistryArgs(
            prefix=stack.name, project=ctx.project, region=ctx.region, kms_key=self.key,
            immutable_tags=containers.immutable_tags, scan_on_push=containers.scan_on_push,
            protect=protect, grants=self.identity.grants["repository"],
        ), ctx, self.after_identity)
        self.outputs["containerRegistry"] = self.images.url

    def _model_registry(self, endpoints: list[EndpointPlan]) -> ModelRegistry:
        """Registry models were resolved by the shared build; artifact models are uploaded here."""
        ctx = self.ctx
        uploads: list[UploadArgs] = []
        resolved = {plan.spec.name: plan.model.reference for plan in endpoints if plan.model is not None}
        for plan in endpoints:
            model = plan.spec.model
            if model.source != "artifact":
                continue
            # check() guarantees a serving image and no other cloud's URIs (providers/references.py);
            # an artifactPath is a directory in the stack's own bucket.
            assert model.image is not None
            image = image_uri(model.image, ctx.project, ctx.region, ctx.stack.name) or ""
            artifact = model.artifact_uri or f"gs://{ctx.bucket_name('artifacts')}/{model.artifact_prefix}"
            uploads.append(UploadArgs(plan.spec.name, image, artifact))
        return ModelRegistry(ctx.name("model-registry"), ModelRegistryArgs(
            prefix=ctx.stack.name, project=ctx.project, region=ctx.region, approval=ctx.stack.registry.models.approval,
            kms_key=self.key, protect=ctx.stack.is_prod, uploads=uploads, resolved=resolved,
        ), ctx, pulumi.ResourceOptions(providers=[self.primary], depends_on=[self.services, self.keys]))

    # -- workloads ----------------------------------------------------------------------
    def training(self, plan: TrainingPlan) -> None:
        ctx, job, instance, path = self.ctx, plan.job, plan.instance, plan.path
        continuous_not_built(ctx, plan, "Vertex AI")
        if job.image.framework is None:
            image = image_uri(job.image, ctx.project, ctx.region, ctx.stack.name) or ""
        else:
            image = prebuilt_image(job.image.framework or "", job.image.version or "", ctx.region, instance.gpu_count > 0) or ""
            if not image:
                ctx.warn(f"{path}.image.framework", f"Vertex AI has no prebuilt {job.image.framework} container: not built")
                return
        Training(ctx.name("training", job.name), TrainingArgs(
            prefix=ctx.stack.name, job_name=job.name, project=ctx.project, region=ctx.region, image_uri=image,
            entrypoint=job.entrypoint, machine_type=instance.name, accelerator_type=instance.accelerator,
            accelerator_count=instance.gpu_count, replica_count=job.compute.count, spot=job.compute.spot,
            max_runtime_minutes=job.max_runtime_minutes, hyperparameters=dict(job.hyperparameters), schedule=job.schedule,
            bucket=self.store.bucket_name, service_account=self.identity.emails["training"],
            scheduler_account=self.identity.emails["scheduler"], kms_key=self.key,
            network=self.network.peering_network, labels={"training-job": job.name},
            code_dir=ctx.stack.code_dir(job), prebuilt=job.image.framework is not None,
        ), ctx, self.after_identity)

    def batch(self, plan: BatchPlan) -> None:
        ctx, job, instance = self.ctx, plan.job, plan.instance
        assert plan.model is not None  # the shared build skips a job with no approved version
        if ctx.stack.network.private:
            ctx.warn("network.private", f"batch job {job.name}: Vertex AI batch prediction jobs cannot join a VPC "
                     "(the v1 BatchPredictionJob has no network field); its workers run in Google's network: keep the "
                     "project in a VPC Service Controls perimeter to fence them", feature="batch: private network")
        ctx.warn(f"{plan.path}.maxRuntimeMinutes", "Vertex AI batch prediction jobs have no time limit: the estimate "
                 "prices maxRuntimeMinutes per run, and a run stops only when done or cancelled (gcloud ai batch-prediction-jobs cancel)")
        BatchInference(ctx.name("batch", job.name), BatchArgs(
            prefix=ctx.stack.name, job_name=job.name, project=ctx.project, region=ctx.region, model=plan.model.reference,
            input=job.input, format=job.format, output=job.output, machine_type=instance.name,
            accelerator_type=instance.accelerator,
            accelerator_count=instance.gpu_count, replica_count=job.compute.count, schedule=job.schedule,
            bucket=self.store.bucket_name, service_account=self.identity.emails["batch"],
            scheduler_account=self.identity.emails["scheduler"], kms_key=self.key, labels={"batch-job": job.name},
        ), ctx, self.after_identity)

    def endpoint(self, plan: EndpointPlan) -> None:
        ctx, spec, deployment = self.ctx, plan.spec, plan.spec.deployment
        if deployment.strategy == "shadow":
            ctx.warn(f"{plan.path}.deployment.strategy", (
                f"shadow: Vertex AI has no native traffic mirroring, so mirrorPercent ({deployment.mirror_percent}%) cannot be "
                "honoured; the new model is deployed all-at-once instead (mirror requests from the client or compare offline)"
            ))
        if spec.model.startup_seconds is not None:
            # Vertex sets a model's start-up limits on the model itself (ModelContainerSpec
            # deploymentTimeout / startupProbe, aiplatform_v1) when it is uploaded: a registry
            # version carries them already, and a deployment has no such field.
            ctx.warn(f"{plan.path}.model.sizeGiB", "emulated: the GPU type is chosen to hold the model, but Vertex AI "
                     "takes start-up limits from the model upload (containerSpec.deploymentTimeout); register the "
                     f"model with deploymentTimeout of at least {spec.model.startup_seconds}s")
        if spec.monitoring.engine != "kit":
            self._managed_monitoring(plan)
        self._serve(plan)

    def _kit_monitoring(self, plan: EndpointPlan, channels: list[pulumi.Output[str]],
                        opts: pulumi.ResourceOptions) -> None:
        """The kit's monitor job: a Vertex AI custom job running the kit's image from the stack's
        repository, posted by Cloud Scheduler; it pages the endpoint's BigQuery captures itself."""
        ctx, spec, dataset = self.ctx, plan.spec, self.store.capture_dataset
        assert dataset is not None  # the stack has endpoints, so it has the capture dataset
        machine = self.resolve(f"{plan.path}.monitoring", Compute(cpu=monitor_job.CPU, memory_gib=monitor_job.MEMORY_GIB),
                               "training").instance.name
        MonitorJob(ctx.name("monitor", spec.name), MonitorJobArgs(
            endpoint=spec, stack_name=ctx.stack.name, project=ctx.project, region=ctx.region,
            image_uri=monitor_image(ctx.project, ctx.region, ctx.stack.name), machine_type=machine,
            bucket=self.store.bucket_name, capture_dataset=dataset, service_account=self.identity.emails["monitor"],
            scheduler_account=self.identity.emails["scheduler"], kms_key=self.key,
            network=self.network.peering_network, channels=channels,
        ), ctx, opts)

    def _managed_monitoring(self, plan: EndpointPlan) -> None:
        """``monitoring.engine: managed``: Vertex AI model monitoring (v1), drift only."""
        ctx, monitoring = self.ctx, plan.spec.monitoring
        if monitoring.quality is not None:
            # aiplatform_v1 ModelMonitoringObjectiveConfig has training-serving skew, prediction
            # drift and feature-attribution objectives only: nothing reads ground-truth labels.
            ctx.warn_unbuilt(f"{plan.path}.monitoring.quality", monitoring.quality,
                             "Vertex AI model monitoring has no objective against ground truth",
                             "compute the metrics in a pipeline over the labels and alert on them")
        if monitoring.bias is not None:
            # The same three objectives: no fairness one.
            ctx.warn_unbuilt(f"{plan.path}.monitoring.bias", monitoring.bias,
                             "Vertex AI model monitoring has no bias objective",
                             "compute fairness metrics in a pipeline over the labels and alert on them")
        if monitoring.explainability is not None:
            # The objective exists (ModelMonitoringObjectiveConfig.explanation_config, attribution
            # thresholds per feature), but it rests on Vertex Explainable AI, deprecated since
            # 2026-03-16 and unavailable from 2027-03-16 ("Configuring feature-based explanations"),
            # and needs an explanationSpec on the model or its deployment (input and output
            # metadata, an attribution method) that a registry version does not carry.
            ctx.warn_unbuilt(f"{plan.path}.monitoring.explainability", monitoring.explainability,
                             "Vertex AI feature-attribution monitoring rests on Vertex Explainable AI, deprecated "
                             "since 2026-03-16 and shut down on 2027-03-16",
                             "compute attributions (SHAP) in a pipeline over captured requests and alert on them")

    def _serve(self, plan: EndpointPlan) -> None:
        ctx, spec, deployment = self.ctx, plan.spec, plan.spec.deployment
        steps = traffic_steps(deployment.strategy, deployment.canary_percent, deployment.linear_step_percent)
        ep_id = names.endpoint_id(ctx.project, ctx.stack, spec.name)
        rollout_labels = {"strategy": deployment.strategy, "traffic-steps": names.steps_label(steps),
                          "wait-minutes": str(deployment.wait_minutes), "auto-rollback": str(deployment.auto_rollback).lower()}
        endpoint = Endpoint(ctx.name("endpoint", spec.name), EndpointArgs(
            prefix=ctx.stack.name, endpoint_name=spec.name, endpoint_id=ep_id, project=ctx.project, region=ctx.region,
            kms_key=self.key, private=ctx.stack.network.private, capture=spec.data_capture.enabled,
            sampling_percent=spec.data_capture.sampling_percent, capture_dataset=self.store.capture_dataset,
            labels=rollout_labels, grants=self.identity.grants["endpoint"],
            psc_network=self.network.network_id, streaming=spec.streaming,
        ), ctx, pulumi.ResourceOptions.merge(self.after_identity, pulumi.ResourceOptions(depends_on=[self.network])))
        result: dict[str, Any] = {"endpoint": endpoint.resource_name, "strategy": deployment.strategy,
                                  "trafficSteps": steps, "waitMinutes": deployment.wait_minutes,
                                  "autoRollback": deployment.auto_rollback}
        if endpoint.dedicated_dns is not None:
            result["dedicatedEndpointDns"] = endpoint.dedicated_dns
        scaling = self._autoscaling(plan, endpoint, steps)
        if scaling is not None:
            result["trafficSplit"] = scaling.deployment.trafficSplit
        monitor = self._monitoring(plan, endpoint, ep_id, scaling)
        if spec.monitoring.kit_job:
            # After the endpoint: the table it logs to is named after it (the job tolerates none yet).
            self._kit_monitoring(plan, monitor.channel_ids, pulumi.ResourceOptions.merge(
                self.after_identity, pulumi.ResourceOptions(depends_on=[endpoint, self.store, self.images])))
        result["alertPolicies"] = monitor.alert_policies
        result["rollbackAlertPolicies"] = dict(monitor.alert_policies) if deployment.auto_rollback else {}
        self.outputs["endpoints"][spec.name] = result

    def _autoscaling(self, plan: EndpointPlan, endpoint: Endpoint, steps: list[int]) -> Autoscaling | None:
        """The deployed model and its replica bounds: nothing until the endpoint has a model."""
        ctx, spec, deployment = self.ctx, plan.spec, plan.spec.deployment
        reference = self.models.references.get(spec.name)
        if reference is None:
            return None
        alarms = spec.monitoring.alarms
        kinds = [k for k, threshold in (("latency", alarms.latency_p99_ms), ("errors", alarms.error_rate_percent))
                 if threshold is not None]
        rollback = [alert_display_name(ctx.stack.name, spec.name, k) for k in kinds] if deployment.auto_rollback else []
        instance = plan.instance
        return Autoscaling(ctx.name("autoscaling", spec.name), AutoscalingArgs(
            prefix=ctx.stack.name, endpoint_name=spec.name, region=ctx.region, endpoint=endpoint.resource_name,
            model=reference, machine_type=instance.name, accelerator_type=instance.accelerator,
            accelerator_count=instance.gpu_count, min_replicas=spec.autoscaling.min_instances,
            max_replicas=spec.autoscaling.max_instances, target_requests=spec.autoscaling.target_invocations_per_instance,
            service_account=self.identity.emails["serving"], strategy=deployment.strategy, traffic_steps=steps,
            wait_minutes=deployment.wait_minutes, auto_rollback=deployment.auto_rollback, rollback_alert_policies=rollback,
            # An artifact named in the spec is deployed as named: the registry's manual
            # approval gates registry versions only (an uploaded artifact carries no
            # approval, so checking it would fail every deploy).
            approval=ctx.stack.registry.models.approval if spec.model.source == "registry" else "automatic",
        ), ctx, pulumi.ResourceOptions(providers=[self.primary], depends_on=[endpoint, self.models]))

    def _monitoring(self, plan: EndpointPlan, endpoint: Endpoint, ep_id: str, scaling: Autoscaling | None) -> Monitoring:
        ctx, spec = self.ctx, plan.spec
        drift = None
        if spec.monitoring.drift is not None and spec.monitoring.engine == "managed" and scaling is not None:
            drift = DriftArgs(schedule=spec.monitoring.drift.schedule, sample_rate=spec.data_capture.sampling_percent / 100,
                              deployed_model_id=scaling.deployment.deployedModelId, endpoint=endpoint.resource_name)
        alarms = spec.monitoring.alarms
        return Monitoring(ctx.name("monitoring", spec.name), MonitoringArgs(
            prefix=ctx.stack.name, endpoint_name=spec.name, endpoint_id=ep_id, project=ctx.project, region=ctx.region,
            notify=list(spec.monitoring.notify), latency_p99_ms=alarms.latency_p99_ms,
            error_rate_percent=alarms.error_rate_percent, auto_rollback=spec.deployment.auto_rollback, kms_key=self.key,
            drift=drift,
        ), ctx, pulumi.ResourceOptions(providers=[self.primary], depends_on=[endpoint] + ([scaling] if scaling else [])))

    # -- what spans the stack -----------------------------------------------------------
    def finish(self) -> None:
        ctx, stack = self.ctx, self.stack
        if stack.experiments is not None:
            if stack.experiments.provided("size"):
                ctx.warn("experiments.size", "a Vertex AI TensorBoard instance has no size: it is billed per GiB "
                         "stored, so size is not used")
            Experiments(ctx.name("experiments"), ExperimentsArgs(
                prefix=stack.name, project=ctx.project, region=ctx.region, kms_key=self.key, protect=stack.is_prod,
            ), ctx, self.after_identity)
        if stack.backups is not None:
            self._backups()
            self.outputs["backupRegion"] = ctx.backup_region or ctx.region
        Audit(ctx.name("audit"), AuditArgs(prefix=stack.name, project=ctx.project,
                                           retention_days=stack.compliance.retention_days, protect=stack.is_prod),
              ctx, self.top)
        if stack.budget is not None and self.account is not None:
            if self.account.placeholder:
                ctx.warn("budget", self.account.warning)
            Budget(ctx.name("budget"), BudgetArgs(
                prefix=stack.name, project=ctx.project, project_number=ctx.project_number, billing_account=self.account.id,
                monthly_limit_usd=stack.budget.monthly_limit_usd,
                thresholds_percent=list(stack.budget.alert_thresholds_percent), notify=[stack.metadata.owner],
            ), ctx, self.top)

    def _backups(self) -> None:
        ctx, backups = self.ctx, self.stack.backups
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
            source_bucket=self.store.bucket_name, kms_key=self.keys.key_ids.get(region), schedule=backups.schedule,
            retention_days=backups.retention_days, targets=targets, transfer_account=ctx.service_agent("storagetransfer"),
            protect=ctx.stack.is_prod, provider=self.backup_provider, grants=self.identity.grants["backups"],
        ), ctx, self.after_identity)
