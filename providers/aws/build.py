"""Registers a whole stack on AWS in the shape every cloud shares (``providers.base.StackBuild``).

The components read the stack's shared outputs (key, bucket, subnets, roles) from the
context; only this orchestration writes them, in dependency order.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from mlopskit.modules import monitor_job
from mlopskit.modules.compute import Compute
from mlopskit.modules.stack import Stack
from mlopskit.modules.training import Image
from mlopskit.providers.aws import images, names
from mlopskit.providers.aws.audit import Audit, AuditArgs
from mlopskit.providers.aws.autoscaling import EndpointAutoscaling, EndpointAutoscalingArgs
from mlopskit.providers.aws.backups import Backups, BackupsArgs
from mlopskit.providers.aws.batch import BatchArgs, BatchInference
from mlopskit.providers.aws.budget import STACK_TAG, Budget, BudgetArgs
from mlopskit.providers.aws.container_registry import ContainerRegistry, ContainerRegistryArgs
from mlopskit.providers.aws.context import AwsContext, built
from mlopskit.providers.aws.endpoint import TYPE as ENDPOINT_TYPE, Endpoint, EndpointArgs
from mlopskit.providers.aws.experiments import Experiments, ExperimentsArgs
from mlopskit.providers.aws.identity import Identity, IdentityArgs
from mlopskit.providers.aws.instance_types import resolve_for, resolve_use
from mlopskit.providers.aws.keys import Keys, KeysArgs
from mlopskit.providers.aws.limits import FRAMEWORK_IMAGES
from mlopskit.providers.aws.model_registry import ModelRegistry, ModelRegistryArgs
from mlopskit.providers.aws.monitor_job import MonitorJob, MonitorJobArgs, pipeline_name as monitor_pipeline
from mlopskit.providers.aws.monitoring import (
    NDCG_LIMIT,
    VARIANT,
    ClarifyMonitor,
    ClarifyMonitorArgs,
    DriftMonitor,
    DriftMonitorArgs,
    EndpointMonitoring,
    EndpointMonitoringArgs,
    QualityMonitor,
    QualityMonitorArgs,
    clarify_config_prefix,
    output_prefix,
)
from mlopskit.providers.aws.network import PrivateNetwork, PrivateNetworkArgs
from mlopskit.providers.aws.permissions import StackArns
from mlopskit.providers.aws.registry import referenced_packages
from mlopskit.providers.aws.storage import ArtifactStore, ArtifactStoreArgs
from mlopskit.providers.aws.training import Training, TrainingArgs
from mlopskit.providers.base import BatchPlan, EndpointPlan, StackBuild, TrainingPlan
from mlopskit.providers.catalog.resolver import Resolution, Use

# A drift monitoring job's size: that of ml.m5.xlarge, the type the SageMaker Model Monitor examples use.
MONITOR_COMPUTE = Compute(cpu=4, memory_gib=16)
# The kit's monitor job runs in the SageMaker scikit-learn image (Python 3.9, numpy, scipy, pandas,
# scikit-learn): the monitor's tests run under that Python and close library versions (docs/monitoring.md).
MONITOR_IMAGE_VERSION = "1.2-1"
# Vendor pages (sagemaker/latest/dg/model-monitor-availability-change, clarify-availability-change).
MANAGED_CLOSED = ("SageMaker Model Monitor and SageMaker Clarify are closed to new customers (AWS: \"no longer open "
                  "to new customers\", new access closed 2026-07-30): only an account that already uses them can run "
                  "these schedules; the default engine kit needs neither")


def tags(stack: Stack) -> dict[str, str]:
    """Tags every resource carries (through the provider's default tags)."""
    meta = stack.metadata
    return {
        **meta.labels,
        "owner": meta.owner,
        "cost-center": meta.cost_center,
        "data-classification": meta.data_classification,
        "environment": meta.environment,
        STACK_TAG: stack.name,
        "managed-by": "mlopskit",
    }


def _clarify_reads(stack: Stack) -> list[str]:
    """The folders the monitoring jobs read besides the captures: the kit job's baseline, settings,
    code and labels; with ``engine: managed``, the Clarify baselines, labels and analysis configurations."""
    reads = []
    for endpoint in stack.endpoints:
        if endpoint.monitoring.kit_job:
            reads += [*monitor_job.reads(endpoint), "code/mlopskit-monitor/"]
            continue
        for kind in ("bias", "explainability"):
            spec = getattr(endpoint.monitoring, kind)
            if spec is not None:
                reads += [spec.baseline, clarify_config_prefix(endpoint.name, kind)]
        if endpoint.monitoring.bias is not None:
            reads.append(endpoint.monitoring.bias.ground_truth)
    return reads


def _monitoring_outputs(stack: Stack) -> list[str]:
    """The folders the monitoring jobs write their results to (the kit job's report folder; the
    ``S3Uri`` of each managed job's ``MonitoringOutputs``). tests/test_bias_monitoring.py checks that
    the monitoring role's writes match the jobs' outputs."""
    outputs = []
    for endpoint in stack.endpoints:
        if endpoint.monitoring.kit_job:
            outputs.append(monitor_job.report_prefix(endpoint))
            continue
        if endpoint.monitoring.drift is not None:
            outputs.append(output_prefix(endpoint.name))
        outputs += [output_prefix(endpoint.name, kind) for kind in ("quality", "bias", "explainability")
                    if getattr(endpoint.monitoring, kind) is not None]
    return outputs


def nested_in_endpoint(endpoint_component: str) -> list[pulumi.Input[str | pulumi.Alias]]:
    """Aliases for a component that used to be a child of the endpoint component named
    ``endpoint_component``: autoscaling and monitoring now sit at top level, as on every cloud.
    Its children follow through the parent's alias (Pulumi derives theirs from it)."""
    return [pulumi.Alias(parent=pulumi.create_urn(endpoint_component, ENDPOINT_TYPE))]


class AwsBuild(StackBuild):
    """Spec v1 onto SageMaker AI, S3, KMS, ECR, IAM, CloudWatch, Backup, CloudTrail, Budgets."""

    cloud = "aws"
    ctx: AwsContext

    def start(self) -> AwsContext:
        placement = self.stack.placement.aws
        assert placement is not None, "check() first: placement.aws is required"
        provider = aws.Provider(
            f"{self.stack.name}-aws",
            region=placement.region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=tags(self.stack)),
        )
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider))
        self.ctx = AwsContext(stack=self.stack, placement=placement, account_id=identity.account_id, provider=provider)
        backups = self.stack.backups
        cross_region = backups is not None and backups.cross_region and placement.backup_region is not None
        self.backup_region = placement.backup_region if cross_region else None
        if backups is not None and not backups.cross_region and placement.backup_region is not None and self.stack.is_prod:
            # Removing the copies is what crossRegion: false asks for, but a stateless program cannot
            # tell a new stack from one whose copies exist: say what happens to existing ones.
            self.ctx.warn("backups.crossRegion", (
                f"false: no copies in backupRegion {placement.backup_region} (S3 replica bucket, copy vault, their key); "
                "on a deployed prod stack they are protected, so `pulumi up` stops rather than delete them and their "
                "recovery points: keep crossRegion true to keep them, or unprotect them (pulumi state unprotect) to "
                "delete them on purpose"))
        self.endpoints: dict[str, str] = {}
        return self.ctx

    # -- foundation ---------------------------------------------------------------------
    def foundation(self, endpoints: list[EndpointPlan]) -> None:
        ctx, stack, top = self.ctx, self.stack, self.ctx.opts()
        self.endpoint_plans = endpoints  # a training gate compares with what an endpoint serves
        # What an endpoint's first create waits for besides its inputs: see endpoint().
        self.network_ready: list[pulumi.Resource] = []
        if stack.encryption.customer_managed_keys:
            keys = Keys(ctx.name("keys"), KeysArgs(stack.encryption.key_rotation_days, self.backup_region), ctx, top)
            ctx.key_arn = keys.key.arn
            ctx.backup_key_arn = keys.backup_key.arn if keys.backup_key else None
        elif stack.endpoints:
            # Alarm topics are always encrypted. CloudWatch alarms cannot publish to a topic under the
            # AWS-managed alias/aws/sns key (its policy, which nobody can edit, does not grant
            # cloudwatch.amazonaws.com kms:Decrypt / kms:GenerateDataKey: AWS re:Post, "configure a
            # CloudWatch alarm with an encrypted SNS topic"), so without CMKs the topics get a key of their own.
            keys = Keys(ctx.name("notification-keys"), KeysArgs(stack.encryption.key_rotation_days, None,
                                                                purpose="notifications"), ctx, top)
            ctx.notifications_key_arn = keys.key.arn
        if stack.network.private:
            zones = aws.get_availability_zones_output(
                state="available", opts=pulumi.InvokeOutputOptions(provider=ctx.provider)).names
            distributed = any(job.compute.count > 1 for job in stack.training)
            network = PrivateNetwork(ctx.name("network"), PrivateNetworkArgs(zones, ipsec_between_members=distributed),
                                     ctx, top)
            ctx.subnet_ids = [s.id for s in network.subnets]
            ctx.security_group_ids = [network.security_group.id]
            self.network_ready = [network]
        artifacts = stack.storage.artifacts
        store = ArtifactStore(ctx.name("artifacts"), ArtifactStoreArgs(
            artifacts.versioning, artifacts.retention_days, ctx.key_arn), ctx, top)
        ctx.bucket_name, ctx.bucket_arn = store.bucket.bucket, store.bucket.arn
        ctx.bucket_ready = [store.versioning]
        ctx.access_logs_bucket = store.logs.bucket.id
        containers = stack.registry.containers
        repository = ContainerRegistry(ctx.name("containers"), ContainerRegistryArgs(
            containers.scan_on_push, containers.immutable_tags, ctx.key_arn), ctx, top).repository
        ctx.repository_arn, ctx.repository_url = repository.arn, repository.repository_url
        registered = {job.registration.package for job in stack.training if job.registration is not None}
        packages = tuple(sorted({stack.metadata.name, *referenced_packages(stack), *registered}))
        groups = ModelRegistry(ctx.name("models"), ModelRegistryArgs(packages, stack.registry.models.approval),
                               ctx, top).groups
        ctx.model_group_arns = {p: g.arn for p, g in groups.items()}
        self.training_images = {job.name: self._training_image(job.image) for job in stack.training}
        artifact_models = [e.model for e in stack.endpoints if e.model.source == "artifact"]
        gated = [job for job in stack.training if job.evaluation is not None]
        Identity(ctx.name("identity"), IdentityArgs(
            arns=self._stack_arns(packages),
            access_roles=tuple(stack.access.roles),
            private=stack.network.private,
            backups=stack.backups is not None,
            training_images=tuple(self.training_images[job.name] or "" for job in stack.training),
            # Registry versions name their image inside the model package, which the kit's
            # own tooling registers from the stack's repository (granted already).
            serving_images=tuple(m.image.uri or "" if m.image else "" for m in artifact_models),
            model_artifacts=tuple(m.artifact_uri or "" for m in artifact_models),
            batch_inputs=tuple(job.input for job in stack.batch),
            batch_outputs=tuple(job.output for job in stack.batch),
            ground_truth=tuple(e.monitoring.quality.ground_truth for e in stack.endpoints
                               if e.monitoring.quality and not e.monitoring.kit_job),
            monitoring_reads=tuple(_clarify_reads(stack)),
            monitoring_outputs=tuple(_monitoring_outputs(stack)),
            explained_endpoints=tuple(ctx.arn("sagemaker", f"endpoint/{names.endpoint(stack, e)}")
                                      for e in stack.endpoints
                                      if e.monitoring.explainability and not e.monitoring.kit_job),
            monitor_jobs=any(e.monitoring.kit_job for e in stack.endpoints),
            monitor_images=(images.image_uri("sklearn", "training", MONITOR_IMAGE_VERSION, ctx.region) or "",)
            if any(e.monitoring.kit_job for e in stack.endpoints) else (),
            holdouts=tuple(job.evaluation.holdout for job in gated if job.evaluation is not None),
            gate_outputs=tuple(f"evaluation/{job.name}/" for job in gated),
            gate_reads=tuple(p for job in gated for p in (f"code/{job.name}/", f"data/{job.name}/")),
            continuous=any(job.tuning or job.evaluation or job.registration for job in stack.training),
            registered=tuple(sorted(registered)),
        ), ctx, top)
        self.monitor_image = images.image_uri("model-monitor", "monitoring", "latest", ctx.region)

    def _stack_arns(self, packages: tuple[str, ...]) -> StackArns:
        """ARNs of the stack's own resources, derived from the deterministic names so roles
        can be created before the resources they grant on."""
        ctx, stack = self.ctx, self.stack
        iam = lambda resource: ctx.arn("iam", resource, region="")  # noqa: E731
        return StackArns(
            bucket=built(ctx.bucket_arn, "bucket_arn"),
            key=ctx.key_arn,
            repository=built(ctx.repository_arn, "repository_arn"),
            model_groups=tuple(ctx.model_group_arns[p] for p in packages),
            model_packages=tuple(ctx.arn("sagemaker", f"model-package/{p}/*") for p in packages),
            pipelines=tuple(ctx.arn("sagemaker", f"pipeline/{ctx.name(j.name)}") for j in stack.training),
            batch_pipelines=tuple(ctx.arn("sagemaker", f"pipeline/{names.batch_pipeline(stack, j.name)}") for j in stack.batch),
            monitor_pipelines=tuple(ctx.arn("sagemaker", f"pipeline/{monitor_pipeline(names.endpoint(stack, e))}")
                                    for e in stack.endpoints if e.monitoring.kit_job),
            # Pipeline steps name their transform jobs pipelines-<execution>-<step>-<suffix>.
            transform_jobs=ctx.arn("sagemaker", "transform-job/pipelines-*") if stack.batch else None,
            tracking_server=ctx.arn("sagemaker", f"mlflow-tracking-server/{names.tracking_server(ctx.prefix)}")
            if stack.experiments else None,
            training_jobs=ctx.arn("sagemaker", f"training-job/{ctx.prefix}-*"),
            endpoints=tuple(ctx.arn("sagemaker", f"endpoint/{names.endpoint(stack, e)}") for e in stack.endpoints),
            champions=tuple(ctx.arn("sagemaker", f"endpoint/{names.endpoint(stack, stack.endpoints[i])}")
                            for i in sorted({j.evaluation.against.index for j in stack.training
                                             if j.evaluation is not None and j.evaluation.against is not None})),
            # Pulumi auto-names configs and models after their logical names, which
            # start with the stack prefix; day-2 tooling names its own the same way.
            endpoint_configs=ctx.arn("sagemaker", f"endpoint-config/{ctx.prefix}-*"),
            models=ctx.arn("sagemaker", f"model/{ctx.prefix}-*"),
            alarms=ctx.arn("cloudwatch", f"alarm:{ctx.prefix}-*"),
            scratch_bucket=ctx.account_id.apply(lambda a: f"arn:aws:s3:::{names.restore_bucket(stack, a)}")
            if stack.backups else None,
            log_groups=ctx.arn("logs", "log-group:/aws/sagemaker/*"),
            backup_vault=ctx.arn("backup", f"backup-vault:{ctx.name('vault')}") if stack.backups else None,
            recovery_points=ctx.arn("backup", "recovery-point:*") if stack.backups else None,
            training_role=iam(f"role/{ctx.name('training')}"),
            inference_role=iam(f"role/{ctx.name('inference')}"),
            monitoring_role=iam(f"role/{ctx.name('monitoring')}") if any(e.monitoring.kit_job for e in stack.endpoints)
            else None,
            backup_role=iam(f"role/{ctx.name('backup')}") if stack.backups else None,
        )

    def _training_image(self, image: Image) -> str | None:
        """An explicit ECR URI (granted by ARN), or the catalogued SageMaker framework image
        (None: not listed). A stack image ({repository, tag | digest}) lives in the stack's
        own repository, granted already: None here, its URI comes from ``_image``."""
        if image.uri is not None:
            return image.uri
        if image.framework is None:
            return None
        return images.image_uri(FRAMEWORK_IMAGES[image.framework], "training", image.version or "", self.ctx.region)

    def _image(self, image: Image | None) -> pulumi.Input[str] | None:
        """An explicit image URI as given; a cloud-neutral one in the stack's ECR repository."""
        if image is None or image.repository is None:
            return image.uri if image is not None else None
        return built(self.ctx.repository_url, "repository_url").apply(lambda url: images.stack_image(url, image))

    # -- workloads ----------------------------------------------------------------------
    def resolve(self, path: str, compute: Compute, use: Use, model_gib: float | None = None) -> Resolution:
        """Among the types SageMaker accepts for this use (a training type may not host)."""
        return resolve_use("hosting" if use == "serving" else "training", path, compute, self.ctx.region, model_gib)

    def resolve_batch(self, path: str, compute: Compute) -> Resolution:
        """Among the types CreateTransformJob accepts."""
        return resolve_use("transform", path, compute, self.ctx.region)

    def batch(self, plan: BatchPlan) -> None:
        ctx = self.ctx
        assert plan.model is not None  # the shared build skips a job with no approved version
        BatchInference(ctx.name("batch", plan.job.name), BatchArgs(
            plan.job, plan.path, plan.instance.name, plan.instance.local_storage, plan.model), ctx, ctx.opts())

    def training(self, plan: TrainingPlan) -> None:
        job, ctx = plan.job, self.ctx
        image_uri = self._image(job.image) if job.image.repository else self.training_images[job.name]
        Training(ctx.name("training", job.name), TrainingArgs(
            job, plan.instance.name, image_uri or "", job.image.framework is not None, self.stack.code_dir(job),
            self._serving_package(plan), self._transform_type(plan)), ctx, ctx.opts())
        self._gate_notice(plan)

    def _gate_notice(self, plan: TrainingPlan) -> None:
        # Not built yet (issue 31 leaves it open): an EventBridge rule on the model package's
        # Rejected state to a topic of these addresses. Said at the field, never silently dropped.
        if plan.job.evaluation is not None and plan.job.evaluation.notify:
            self.ctx.warn(f"{plan.path}.evaluation.notify", "not built on AWS yet: a failed gate registers the "
                                                            "candidate rejected and fails the pipeline run; no email is sent",
                          feature="training.evaluation")

    def _transform_type(self, plan: TrainingPlan) -> str | None:
        """The type the gate's transform steps predict on: the job's compute among the types
        CreateTransformJob accepts (a training type may not be one)."""
        if plan.job.evaluation is None:
            return None
        return self.resolve_batch(f"{plan.path}.compute", plan.job.compute).instance.name

    def _serving_package(self, plan: TrainingPlan) -> str | None:
        """The model package ARN the gate's endpoint serves; None (and a warning) when none does yet."""
        against = plan.job.evaluation.against if plan.job.evaluation is not None else None
        if against is None:
            return None
        served = self.endpoint_plans[against.index].model
        if served is None:
            self.ctx.warn(f"{plan.path}.evaluation.against", "the endpoint serves no version yet: the gate holds the "
                                                             "candidate to its minimums only until one is approved",
                          feature="training.evaluation")
            return None
        return served.reference

    def endpoint(self, plan: EndpointPlan) -> None:
        """Monitoring first (the endpoint's auto-rollback names its alarms), then the endpoint,
        then autoscaling and drift, which need the live endpoint."""
        ctx, spec = self.ctx, plan.spec
        name = names.endpoint(self.stack, spec)
        component = ctx.name("endpoint", spec.name)
        monitoring = EndpointMonitoring(f"{component}-monitoring", EndpointMonitoringArgs(spec, name), ctx,
                                        ctx.opts(aliases=nested_in_endpoint(component)))
        alarm_names = [a.name for a in monitoring.alarms]
        endpoint = Endpoint(component, EndpointArgs(
            endpoint=spec, endpoint_name=name, instance_type=plan.instance.name,
            local_storage=plan.instance.local_storage, model=plan.model, image_uri=self._image(spec.model.image), serves=not plan.awaiting_model,
            alarm_names=alarm_names), ctx,
            # In private subnets the container's image and model come through the VPC endpoints:
            # CreateEndpoint fails when they are not there yet.
            ctx.opts(depends_on=self.network_ready))
        if plan.awaiting_model:
            return  # no SageMaker endpoint exists yet: nothing for day-2 tooling to find
        self.endpoints[spec.name] = name
        # It serves a model, so the SageMaker endpoint and its scaling generation exist.
        assert endpoint.endpoint is not None and endpoint.generation is not None
        after_endpoint = ctx.opts(depends_on=[endpoint.endpoint], aliases=nested_in_endpoint(component))
        EndpointAutoscaling(f"{component}-autoscaling", EndpointAutoscalingArgs(
            spec.autoscaling, name, VARIANT, endpoint.endpoint, endpoint.generation), ctx, after_endpoint)
        if spec.monitoring.kit_job:
            # New with issue 25: it never sat below the endpoint component, so no alias.
            self._monitor_job(plan, name, monitoring.topic.arn, ctx.opts(depends_on=[endpoint.endpoint]))
        elif spec.monitoring.sections:
            self._managed_monitors(plan, name, component, monitoring.topic.arn, after_endpoint)

    def _monitor_job(self, plan: EndpointPlan, name: str, topic: pulumi.Input[str], opts: pulumi.ResourceOptions) -> None:
        """The kit's own monitor job: the scikit-learn image runs the uploaded monitor package."""
        ctx, spec = self.ctx, plan.spec
        image = images.image_uri("sklearn", "training", MONITOR_IMAGE_VERSION, ctx.region)
        if image is None:
            ctx.warn(f"{plan.path}.monitoring", f"no SageMaker scikit-learn {MONITOR_IMAGE_VERSION} image is "
                     f"catalogued for {ctx.region}: the monitor job is not built")
            return
        instance = resolve_for("processing", Compute(cpu=monitor_job.CPU, memory_gib=monitor_job.MEMORY_GIB),
                               ctx.region).instance.name
        MonitorJob(ctx.name("endpoint", spec.name, "monitor"), MonitorJobArgs(
            spec, name, self.stack.name, image, instance, topic), ctx, opts)

    def _managed_monitors(self, plan: EndpointPlan, name: str, component: str, topic: pulumi.Input[str],
                          after_endpoint: pulumi.ResourceOptions) -> None:
        """``monitoring.engine: managed``: SageMaker Model Monitor and Clarify, for accounts that have them."""
        ctx, spec = self.ctx, plan.spec
        ctx.warn(f"{plan.path}.monitoring.engine", MANAGED_CLOSED)
        # The monitoring jobs' size: ml.m5.xlarge's (4 vCPUs, 16 GiB), on the cheapest processing type
        # offered in the region (ml.m5.xlarge itself where offered; some regions have no m5).
        monitor = resolve_for("processing", MONITOR_COMPUTE, ctx.region).instance.name
        if spec.monitoring.drift is not None and self.monitor_image is not None:
            DriftMonitor(f"{component}-drift", DriftMonitorArgs(spec, name, self.monitor_image, monitor), ctx, after_endpoint)
        image = self.monitor_image
        if spec.monitoring.quality is not None and image is None:
            ctx.warn(f"{plan.path}.monitoring.quality", f"no SageMaker Model Monitor image is catalogued for {ctx.region}: "
                     "the quality schedule is not built")
        elif spec.monitoring.quality is not None and image is not None:
            QualityMonitor(f"{component}-quality", QualityMonitorArgs(spec, name, image, topic, monitor),
                           ctx, after_endpoint)
        clarify = images.image_uri("clarify", "processing", "1.0", ctx.region)
        for kind in ("bias", "explainability"):
            if getattr(spec.monitoring, kind) is None:
                continue
            if clarify is None:
                ctx.warn(f"{plan.path}.monitoring.{kind}", f"no SageMaker Clarify image is catalogued for {ctx.region}: "
                         f"the {kind} schedule is not built")
                continue
            ClarifyMonitor(f"{component}-{kind}", ClarifyMonitorArgs(
                kind, spec, name, clarify, topic, monitor), ctx, after_endpoint)
            explainability = spec.monitoring.explainability
            if kind == "explainability" and explainability is not None and explainability.threshold != NDCG_LIMIT:
                ctx.warn(f"{plan.path}.monitoring.explainability.threshold", "unsupported: SageMaker Clarify flags a "
                         f"feature-attribution drift when the nDCG falls below {NDCG_LIMIT} (fixed, not configurable); "
                         f"{explainability.threshold:g} is not applied")

    # -- what spans the stack -----------------------------------------------------------
    def finish(self) -> None:
        ctx, stack, top = self.ctx, self.stack, self.ctx.opts()
        if stack.experiments is not None:
            Experiments(ctx.name("experiments"), ExperimentsArgs(stack.experiments, names.tracking_server(ctx.prefix),
                                                                         protect=stack.is_prod),
                        ctx, top)
        if stack.backups is not None:
            Backups(ctx.name("backups"), BackupsArgs(stack.backups, self.backup_region, ctx.roles["backup"]), ctx, top)
        Audit(ctx.name("audit"), AuditArgs(stack.compliance.retention_days), ctx, top)
        if stack.budget is not None:
            recipients = tuple(dict.fromkeys([stack.metadata.owner]))
            Budget(ctx.name("budget"), BudgetArgs(stack.budget, recipients), ctx, top)
        self.outputs.update({"region": ctx.region, "artifactBucket": ctx.bucket_name, "endpoints": self.endpoints,
                             "repositoryUrl": ctx.repository_url, "roles": ctx.roles})
