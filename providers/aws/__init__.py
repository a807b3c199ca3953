"""AWS provider: spec v1 on Amazon SageMaker AI and the services around it.

This module stays light (no pulumi_aws at import time, so `validate` does not load it):
the program is registered by providers/aws/build.py.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, ClassVar

from mlopskit.modules.compute import Compute
from mlopskit.modules.cost import CostHandlers
from mlopskit.modules.endpoint import Endpoint as EndpointSpec
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.provider import BuildResult, ModelRegistry
from mlopskit.modules.stack import Stack
from mlopskit.modules.training import Image, TrainingJob
from mlopskit.providers.aws import images, mocks
from mlopskit.providers.aws.cron import CronNotSupported, to_aws
from mlopskit.providers.aws.instance_types import Use, resolve_for
from mlopskit.providers.aws.limits import FRAMEWORK_IMAGES, MAX_WAIT_SECONDS, deployment_issues
from mlopskit.providers.aws.principals import principal_issues
from mlopskit.providers.aws.registry import live_registry, offline_registry
from mlopskit.providers.aws.tuning import tuning_issues
from mlopskit.providers.base import BaseProvider, CloudParts, issue_path
from mlopskit.providers.catalog.resolver import ResolutionError, resolve


def _stack_images(stack: Stack) -> list[tuple[str, Image]]:
    """(field path, image) of every cloud-neutral ``{repository, ...}`` image in the spec."""
    found = [(f"training[{i}].image", job.image) for i, job in enumerate(stack.training)]
    found += [(f"endpoints[{i}].model.image", e.model.image) for i, e in enumerate(stack.endpoints) if e.model.image]
    return [(path, image) for path, image in found if image.repository is not None]


def _colliding_images(stack: Stack) -> list[SpecIssue]:
    """Two different images that become one ECR tag: the stack has one repository and an image's
    repository name becomes its tag prefix with `/` as `-` (images.stack_image), so
    ``fraud-serve:1.4.0``, ``fraud/serve:1.4.0`` and ``fraud:serve-1.4.0`` would all be pushed
    as ``fraud-serve-1.4.0``, and one endpoint would serve the other's image."""
    seen: dict[str, tuple[str, str]] = {}
    issues = []
    for path, image in _stack_images(stack):
        mapped, given = images.stack_image("", image), image.reference or ""
        first = seen.setdefault(mapped, (path, given))
        if first[1] != given:
            issues.append(SpecIssue(path, f"{given} and {first[1]} ({first[0]}) are one image on AWS "
                                          f"(ECR tag {mapped.lstrip(':@')}): rename one repository or tag"))
    return issues


def _image_issues(stack: Stack) -> list[SpecIssue]:
    """Stack images whose ECR tag would be too long, and artifact models without a serving image."""
    issues = [SpecIssue(f"{path}.tag", "with the repository name it makes an ECR tag longer than 128 characters")
              for path, image in _stack_images(stack)
              if image.tag is not None and len(f"{image.repository}-{image.tag}") > 128]
    issues += _colliding_images(stack)
    issues += [SpecIssue(f"endpoints[{index}].model.image", "required on AWS: SageMaker serves every model, "
                                                            f"{endpoint.model.format} too, from a serving image")
               for index, endpoint in enumerate(stack.endpoints)
               if endpoint.model.source == "artifact" and endpoint.model.image is None]
    return issues


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
        "batch": "mlopskit:aws:BatchInference",
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
        issues: list[SpecIssue] = _image_issues(stack)
        for index, job in enumerate(stack.training):
            issues += self._training_issues(f"training[{index}]", job, region)
        for index, endpoint in enumerate(stack.endpoints):
            issues += self._endpoint_issues(f"endpoints[{index}]", endpoint, region)
        for index, batch_job in enumerate(stack.batch):
            issues += self._use_issues(f"batch[{index}].compute", batch_job.compute, "transform", region)
            issues += self._cron_issues(f"batch[{index}].schedule", batch_job.schedule)
        issues += principal_issues(list(stack.access.roles))
        if stack.backups is not None and not stack.storage.artifacts.versioning:
            issues.append(SpecIssue("storage.artifacts.versioning", "must be true when backups are on (S3 backup and replication need versioning)"))
        return issues

    def _training_issues(self, path: str, job: TrainingJob, region: str) -> list[SpecIssue]:
        issues = self._use_issues(f"{path}.compute", job.compute, "training", region)
        if job.image.framework is not None:
            image = FRAMEWORK_IMAGES.get(job.image.framework)
            if image is None or images.image_uri(image, "training", job.image.version or "", region) is None:
                known = ", ".join(images.versions(image, "training")) if image else "none"
                issues.append(SpecIssue(f"{path}.image.version" if image else f"{path}.image.framework",
                                        f"no SageMaker {job.image.framework} {job.image.version} training image "
                                        f"in {region} in the catalog (catalogued: {known}); give image.uri instead"))
        if job.image.uri is not None and images.repository_arn(job.image.uri) is None:
            issues.append(SpecIssue(f"{path}.image.uri", f"SageMaker pulls images from Amazon ECR only "
                                                         f"(<account>.dkr.ecr.<region>.amazonaws.com/...): {job.image.uri}"))
        issues += tuning_issues(path, job.tuning, job.image.framework is not None)
        return issues + self._cron_issues(f"{path}.schedule", job.schedule)

    @staticmethod
    def _cron_issues(path: str, schedule: str | None) -> list[SpecIssue]:
        """A spec cron EventBridge Scheduler cannot express."""
        if schedule is None:
            return []
        try:
            to_aws(schedule)
        except CronNotSupported as error:
            return [SpecIssue(path, str(error))]
        return []

    def _endpoint_issues(self, path: str, endpoint: EndpointSpec, region: str) -> list[SpecIssue]:
        issues = self._use_issues(f"{path}.compute", endpoint.compute, "hosting", region, endpoint.model.size_gib)
        issues += deployment_issues(f"{path}.deployment", endpoint.deployment)
        model = endpoint.model
        uri = model.image.uri if model.image is not None else None
        if uri is not None and images.repository_arn(uri) is None:
            issues.append(SpecIssue(f"{path}.model.image.uri", f"SageMaker pulls images from Amazon ECR only "
                                                               f"(<account>.dkr.ecr.<region>.amazonaws.com/...): {uri}"))
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
    def _use_issues(path: str, compute: Compute, use: Use, region: str, model_gib: float | None = None) -> list[SpecIssue]:
        """A compute the catalog fits but not with a type SageMaker accepts for ``use`` (a
        compute nothing fits is the shared check's, providers/base.py, and not reported twice)."""
        if compute.instance_type_for("aws") is None and not compute.generic:
            return []
        try:
            resolve("aws", compute, region, model_gib=model_gib)
        except ResolutionError:
            return []
        try:
            resolve_for(use, compute, region, model_gib)
        except ResolutionError as error:
            return [SpecIssue(issue_path(path, error.field), str(error))]
        return []

    # -- the program ----------------------------------------------------------------
    def build(self, stack: Stack, registry: ModelRegistry) -> BuildResult:
        from mlopskit.providers.aws.build import AwsBuild

        assert stack.placement.aws is not None, "check() first: placement.aws is required"
        self._region = stack.placement.aws.region
        return AwsBuild(stack, registry).run()

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
        from mlopskit.providers.aws import cost, diagram, facts, features, ops, topology

        return CloudParts(facts.facts, CostHandlers(cost.COMPONENTS, cost.FREE), features.FEATURES, ops.backend,
                          ops.classify, diagram.DIAGRAM, topology.slots)
