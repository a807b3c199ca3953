"""AWS provider: spec v1 on Amazon SageMaker AI and the services around it."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, ClassVar

import pulumi
import pulumi_aws as aws

from modules.cost import CostHandlers
from modules.endpoint import Endpoint as EndpointSpec
from modules.errors import SpecIssue
from modules.provider import BuildResult, ModelRegistry
from modules.stack import Stack
from modules.training import TrainingJob
from providers.aws import images, mocks, names
from providers.aws.audit import Audit, AuditArgs
from providers.aws.backups import Backups, BackupsArgs
from providers.aws.budget import STACK_TAG, Budget, BudgetArgs
from providers.aws.container_registry import ContainerRegistry, ContainerRegistryArgs
from providers.aws.context import AwsContext, built
from providers.aws.cron import CronNotSupported, to_aws
from providers.aws.endpoint import MAX_WAIT_SECONDS, Endpoint, EndpointArgs, deployment_issues
from providers.aws.identity import Identity, IdentityArgs
from providers.aws.instance_types import Use, resolve_for
from providers.aws.keys import Keys, KeysArgs
from providers.aws.model_registry import ModelRegistry as ModelRegistryComponent, ModelRegistryArgs
from providers.aws.network import PrivateNetwork, PrivateNetworkArgs
from providers.aws.permissions import StackArns
from providers.aws.principals import principal_issues
from providers.aws.registry import live_registry, offline_registry, referenced_packages
from providers.aws.storage import ArtifactStore, ArtifactStoreArgs
from providers.aws.training import Training, TrainingArgs
from providers.base import BaseProvider, CloudParts
from providers.catalog.resolver import ResolutionError, resolve

# Framework images the catalog knows; the rest must be given as image.uri.
_FRAMEWORK_IMAGES = {"xgboost": "xgboost", "sklearn": "sklearn"}


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


class AwsProvider(BaseProvider):
    """Maps spec v1 onto SageMaker AI, S3, KMS, ECR, IAM, CloudWatch, Backup, CloudTrail, Budgets."""

    cloud: ClassVar = "aws"
    type_prefix: ClassVar = "aws:"
    components: ClassVar = {
        "keys": "mlopskit:aws:Keys",
        "storage": "mlopskit:aws:ArtifactStore",
        "network": "mlopskit:aws:PrivateNetwork",
        "container_registry": "mlopskit:aws:ContainerRegistry",
        "model_registry": "mlopskit:aws:ModelRegistry",
        "training": "mlopskit:aws:Training",
        "endpoint": "mlopskit:aws:Endpoint",
        "autoscaling": "mlopskit:aws:EndpointAutoscaling",
        "monitoring": "mlopskit:aws:EndpointMonitoring",
        "backups": "mlopskit:aws:Backups",
        "identity": "mlopskit:aws:Identity",
        "audit": "mlopskit:aws:Audit",
        "budget": "mlopskit:aws:Budget",
    }

    # -- validation -----------------------------------------------------------------
    def cloud_issues(self, stack: Stack) -> list[SpecIssue]:
        assert stack.placement.aws is not None
        region = stack.placement.aws.region
        issues: list[SpecIssue] = []
        for index, job in enumerate(stack.training):
            issues += self._training_issues(f"training[{index}]", job, region)
        for index, endpoint in enumerate(stack.endpoints):
            issues += self._endpoint_issues(f"endpoints[{index}]", endpoint, region)
        issues += principal_issues(list(stack.access.roles))
        if stack.backups is not None and not stack.storage.artifacts.versioning:
            issues.append(SpecIssue("storage.artifacts.versioning", "must be true when backups are on (S3 backup and replication need versioning)"))
        return issues

    def _training_issues(self, path: str, job: TrainingJob, region: str) -> list[SpecIssue]:
        issues = self._use_issues(f"{path}.compute", job.compute, "training", region)
        if job.image.framework is not None:
            image = _FRAMEWORK_IMAGES.get(job.image.framework)
            if image is None or images.image_uri(image, "training", job.image.version or "", region) is None:
                known = ", ".join(images.versions(image, "training")) if image else "none"
                issues.append(SpecIssue(f"{path}.image.version" if image else f"{path}.image.framework",
                                        f"no SageMaker {job.image.framework} {job.image.version} training image "
                                        f"in {region} in the catalog (catalogued: {known}); give image.uri instead"))
        if job.image.uri is not None and images.repository_arn(job.image.uri) is None:
            issues.append(SpecIssue(f"{path}.image.uri", f"SageMaker pulls images from Amazon ECR only "
                                                         f"(<account>.dkr.ecr.<region>.amazonaws.com/...): {job.image.uri}"))
        if job.schedule is not None:
            try:
                to_aws(job.schedule)
            except CronNotSupported as error:
                issues.append(SpecIssue(f"{path}.schedule", str(error)))
        return issues

    def _endpoint_issues(self, path: str, endpoint: EndpointSpec, region: str) -> list[SpecIssue]:
        issues = self._use_issues(f"{path}.compute", endpoint.compute, "hosting", region)
        issues += deployment_issues(f"{path}.deployment", endpoint.deployment)
        model = endpoint.model
        if model.image is not None and images.repository_arn(model.image) is None:
            issues.append(SpecIssue(f"{path}.model.image", f"SageMaker pulls images from Amazon ECR only "
                                                           f"(<account>.dkr.ecr.<region>.amazonaws.com/...): {model.image}"))
        if model.artifact_uri is not None and not model.artifact_uri.startswith("s3://"):
            issues.append(SpecIssue(f"{path}.model.artifactUri", f"SageMaker reads model artifacts from S3 only: "
                                                                 f"{model.artifact_uri}"))
        if endpoint.deployment.wait_minutes * 60 > MAX_WAIT_SECONDS:
            issues.append(SpecIssue(f"{path}.deployment.waitMinutes",
                                    "SageMaker waits at most 60 minutes between traffic shifts"))
        if endpoint.monitoring.drift is not None and images.image_uri("model-monitor", "monitoring", "latest", region) is None:
            issues.append(SpecIssue(f"{path}.monitoring.drift", f"no SageMaker model-monitor image for {region}"))
        return issues

    @staticmethod
    def _use_issues(path: str, compute: Any, use: Use, region: str) -> list[SpecIssue]:
        """A compute the catalog fits but not with a type SageMaker accepts for ``use`` (a
        compute nothing fits is the shared check's, providers/base.py, and not reported twice)."""
        if compute.instance_type_for("aws") is None and not compute.generic:
            return []
        try:
            resolve("aws", compute, region)
        except ResolutionError:
            return []
        try:
            resolve_for(use, compute, region)
        except ResolutionError as error:
            return [SpecIssue(f"{path}.{error.field}", str(error))]
        return []

    # -- the program ----------------------------------------------------------------
    def build(self, stack: Stack, registry: ModelRegistry) -> BuildResult:
        placement = stack.placement.aws
        assert placement is not None, "check() first: placement.aws is required"
        self._region = placement.region
        provider = aws.Provider(
            f"{stack.name}-aws",
            region=placement.region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=tags(stack)),
        )
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider))
        ctx = AwsContext(stack=stack, placement=placement, account_id=identity.account_id, provider=provider)
        top = ctx.opts()
        backups = stack.backups
        cross_region = backups is not None and backups.cross_region and placement.backup_region is not None

        if stack.encryption.customer_managed_keys:
            keys = Keys(ctx.name("keys"), KeysArgs(stack.encryption.key_rotation_days,
                                                   placement.backup_region if cross_region else None), ctx, top)
            ctx.key_arn = keys.key.arn
            ctx.backup_key_arn = keys.backup_key.arn if keys.backup_key else None
        if stack.network.private:
            zones = aws.get_availability_zones_output(
                state="available", opts=pulumi.InvokeOutputOptions(provider=provider)).names
            distributed = any(job.compute.count > 1 for job in stack.training)
            network = PrivateNetwork(ctx.name("network"), PrivateNetworkArgs(zones, ipsec_between_members=distributed),
                                     ctx, top)
            ctx.subnet_ids = [s.id for s in network.subnets]
            ctx.security_group_ids = [network.security_group.id]
        store = ArtifactStore(ctx.name("artifacts"), ArtifactStoreArgs(
            stack.storage.artifacts.versioning, stack.storage.artifacts.retention_days, ctx.key_arn), ctx, top)
        ctx.bucket_name, ctx.bucket_arn = store.bucket.bucket, store.bucket.arn
        ctx.bucket_ready = [store.versioning]
        containers = stack.registry.containers
        repository = ContainerRegistry(ctx.name("containers"), ContainerRegistryArgs(
            containers.scan_on_push, containers.immutable_tags, ctx.key_arn), ctx, top).repository
        ctx.repository_arn, ctx.repository_url = repository.arn, repository.repository_url
        packages = tuple(sorted({stack.metadata.name, *referenced_packages(stack)}))
        groups = ModelRegistryComponent(ctx.name("models"), ModelRegistryArgs(packages, stack.registry.models.approval),
                                        ctx, top).groups
        ctx.model_group_arns = {p: g.arn for p, g in groups.items()}

        training_images = [job.image.uri or images.image_uri(_FRAMEWORK_IMAGES[job.image.framework or ""], "training",
                                                             job.image.version or "", placement.region) or ""
                           for job in stack.training]
        artifact_models = [e.model for e in stack.endpoints if e.model.source == "artifact"]
        Identity(ctx.name("identity"), IdentityArgs(
            arns=self._stack_arns(ctx, packages),
            access_roles=tuple(stack.access.roles),
            private=stack.network.private,
            backups=backups is not None,
            training_images=tuple(training_images),
            # Registry versions name their image inside the model package, which the kit's
            # own tooling registers from the stack's repository (granted already).
            serving_images=tuple(m.image or "" for m in artifact_models),
            model_artifacts=tuple(m.artifact_uri or "" for m in artifact_models),
        ), ctx, top)

        for job, image_uri in zip(stack.training, training_images, strict=True):
            instance = resolve_for("training", job.compute, placement.region).instance
            Training(ctx.name("training", job.name), TrainingArgs(job, instance.name, image_uri, job.image.uri is None),
                     ctx, top)

        endpoints: dict[str, str] = {}
        monitor_image = images.image_uri("model-monitor", "monitoring", "latest", placement.region)
        for index, spec in enumerate(stack.endpoints):
            model = None
            if spec.model.source == "registry":
                model = registry.resolve(spec.model.package or "", spec.model.version or "")
                if model is None:
                    ctx.warn(f"endpoints[{index}].model",
                             f"registry package {spec.model.package!r} has no {spec.model.version} version yet: "
                             f"endpoint {spec.name!r} is not deployed until one is approved; everything else is built")
                    continue
            instance = resolve_for("hosting", spec.compute, placement.region).instance
            name = names.endpoint(stack, spec)
            Endpoint(ctx.name("endpoint", spec.name), EndpointArgs(
                endpoint=spec, endpoint_name=name, instance_type=instance.name, local_storage=instance.local_storage,
                model=model, monitor_image=monitor_image), ctx, top)
            endpoints[spec.name] = name

        if backups is not None:
            Backups(ctx.name("backups"), BackupsArgs(backups, placement.backup_region if cross_region else None,
                                                      ctx.roles["backup"]), ctx, top)
        Audit(ctx.name("audit"), AuditArgs(stack.compliance.retention_days), ctx, top)
        if stack.budget is not None:
            recipients = tuple(dict.fromkeys([stack.metadata.owner]))
            Budget(ctx.name("budget"), BudgetArgs(stack.budget, recipients), ctx, top)
        return BuildResult(
            warnings=ctx.warnings,
            outputs={"region": placement.region, "artifactBucket": ctx.bucket_name, "endpoints": endpoints,
                     "repositoryUrl": ctx.repository_url, "roles": ctx.roles},
        )

    @staticmethod
    def _stack_arns(ctx: AwsContext, packages: tuple[str, ...]) -> StackArns:
        """ARNs of the stack's own resources, derived from the deterministic names so roles
        can be created before the resources they grant on."""
        stack = ctx.stack
        iam = lambda resource: ctx.arn("iam", resource, region="")  # noqa: E731
        return StackArns(
            bucket=built(ctx.bucket_arn, "bucket_arn"),
            key=ctx.key_arn,
            repository=built(ctx.repository_arn, "repository_arn"),
            model_groups=tuple(ctx.model_group_arns[p] for p in packages),
            model_packages=tuple(ctx.arn("sagemaker", f"model-package/{p}/*") for p in packages),
            pipelines=tuple(ctx.arn("sagemaker", f"pipeline/{ctx.name(j.name)}") for j in stack.training),
            training_jobs=ctx.arn("sagemaker", f"training-job/{ctx.prefix}-*"),
            endpoints=tuple(ctx.arn("sagemaker", f"endpoint/{names.endpoint(stack, e)}") for e in stack.endpoints),
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
            backup_role=iam(f"role/{ctx.name('backup')}") if stack.backups else None,
        )

    # -- registries and mocks -------------------------------------------------------
    def __init__(self) -> None:
        self._region = "us-east-1"  # replaced by the stack's region before any mock is asked

    def registry(self, stack: Stack) -> ModelRegistry:
        assert stack.placement.aws is not None
        return live_registry(stack.placement.aws.region)

    def offline_registry(self, stack: Stack) -> AbstractContextManager[ModelRegistry]:
        assert stack.placement.aws is not None
        self._region = stack.placement.aws.region
        return offline_registry(stack, self._region)

    def mock_resource(self, type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return mocks.mock_resource(type_, name, inputs, self._region)

    def mock_call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        return mocks.mock_call(token, args, self._region)

    # -- facts, cost, features, day 2: imported only when first asked for -----------
    @staticmethod
    def parts() -> CloudParts:
        from providers.aws import cost, facts, features, ops

        return CloudParts(facts.facts, CostHandlers(cost.COMPONENTS, cost.FREE), features.FEATURES, ops.backend,
                          ops.classify)
