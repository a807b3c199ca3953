"""Cloud-neutral steps every provider shares, written once so the clouds cannot drift apart.

A cloud's provider subclasses ``BaseProvider`` and supplies only what differs: its own
limits (``cloud_issues``) and the members ``modules.provider.Provider`` declares.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from modules.compute import Compute
from modules.cost import CostHandlers
from modules.day2.backend import OpsBackend
from modules.day2.calls import Gateway
from modules.day2.errors import CloudError
from modules.errors import SpecIssue
from modules.facts import Fact
from modules.features import FeatureTable
from modules.graph import Graph
from modules.placement import Cloud
from modules.provider import Provider
from modules.stack import Stack
from providers.catalog.regions import unknown_region_issues
from providers.catalog.resolver import Resolution, ResolutionError, Use, resolve


def placement_issues(stack: Stack, cloud: Cloud) -> list[SpecIssue]:
    """The cloud's primary and backup regions must be in ``compliance.allowedRegions`` when it is set."""
    placement = stack.placement.for_cloud(cloud)
    allowed = stack.compliance.allowed_regions
    if placement is None or not allowed:
        return []
    regions = ((placement.primary_field, placement.primary_region), (placement.backup_field, placement.backup_region))
    return [SpecIssue(f"placement.{cloud}.{field}", f"{region} is not in compliance.allowedRegions")
            for field, region in regions if region is not None and region not in allowed]


def computes(stack: Stack) -> Iterator[tuple[str, Compute, Use]]:
    """Every compute request of the spec with its field path and use (training jobs, then endpoints)."""
    for index, job in enumerate(stack.training):
        yield f"training[{index}].compute", job.compute, "training"
    for index, endpoint in enumerate(stack.endpoints):
        yield f"endpoints[{index}].compute", endpoint.compute, "serving"


def resolve_compute(cloud: Cloud, path: str, compute: Compute, region: str | None, use: Use | None = None) -> Resolution:
    """The instance type of one compute request on ``cloud``; a spec error naming the field when none fits."""
    from modules.errors import SpecError

    try:
        return resolve(cloud, compute, region, use)
    except ResolutionError as error:
        raise SpecError([SpecIssue(f"{path}.{error.field}", str(error))]) from None


def compute_issues(stack: Stack, cloud: Cloud) -> list[SpecIssue]:
    """Compute requests no instance type of ``cloud`` satisfies (a missing explicit type is the
    spec's own check, ``Stack.issues_for``, and is not reported twice)."""
    issues = []
    placement = stack.placement.for_cloud(cloud)
    region = placement.primary_region if placement else None
    for path, compute, use in computes(stack):
        if compute.instance_type_for(cloud) is None and not compute.generic:
            continue
        try:
            # The builds resolve in the stack's region for the use: check what they build.
            resolve(cloud, compute, region, use)
        except ResolutionError as error:
            issues.append(SpecIssue(f"{path}.{error.field}", str(error)))
    return issues


@dataclass(frozen=True)
class CloudParts:
    """The parts of a cloud the checks, the estimator, the comparison and day 2 read; a cloud
    hands them over from one place (``BaseProvider.parts``), imported only when first asked for."""

    facts: Callable[[Graph, Stack], list[Fact]]
    cost_handlers: CostHandlers
    features: FeatureTable
    ops_backend: Callable[[Stack, Gateway], OpsBackend]
    classify_error: Callable[[BaseException], CloudError | None]


class BaseProvider(Provider):
    """The cloud-neutral half of every provider.

    ``check``: spec v1's cloud-specific rules, placement against ``compliance.allowedRegions``,
    compute resolution, then the cloud's own limits (``cloud_issues``). Facts, cost handlers,
    features and the day-2 backend come from the cloud's ``parts()``.
    """

    @staticmethod
    @abstractmethod
    def parts() -> CloudParts:
        """This cloud's facts, cost handlers, features and day-2 backend (import them here, lazily)."""

    @cached_property
    def _parts(self) -> CloudParts:
        return self.parts()

    def facts(self, graph: Graph, stack: Stack) -> list[Fact]:
        return self._parts.facts(graph, stack)

    @property
    def cost_handlers(self) -> CostHandlers:
        return self._parts.cost_handlers

    @property
    def features(self) -> FeatureTable:
        return self._parts.features

    def ops_backend(self, stack: Stack, gateway: Gateway) -> OpsBackend:
        return self._parts.ops_backend(stack, gateway)

    def classify_error(self, error: BaseException) -> CloudError | None:
        return self._parts.classify_error(error)

    def check(self, stack: Stack) -> list[SpecIssue]:
        issues = stack.issues_for(self.cloud)
        if stack.placement.for_cloud(self.cloud) is None:
            return issues
        region_issues = unknown_region_issues(self.cloud, stack.placement.for_cloud(self.cloud))
        if region_issues:  # an unknown region: the compute checks would only repeat it
            return issues + placement_issues(stack, self.cloud) + region_issues
        return issues + placement_issues(stack, self.cloud) + compute_issues(stack, self.cloud) + self.cloud_issues(stack)

    def cloud_issues(self, stack: Stack) -> list[SpecIssue]:
        """What this cloud refuses beyond the shared checks (its placement is present)."""
        return []
