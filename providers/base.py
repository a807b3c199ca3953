"""Cloud-neutral steps every provider shares, written once so the clouds cannot drift apart.

A cloud's provider subclasses ``BaseProvider`` and supplies only what differs: its own
limits (``cloud_issues``) and the members ``modules.provider.Provider`` declares.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from mlopskit.modules.base import SpecModel
from mlopskit.modules.batch import BatchJob
from mlopskit.modules.compute import Compute
from mlopskit.modules.cost import CostHandlers
from mlopskit.modules.day2.backend import OpsBackend
from mlopskit.modules.day2.calls import Gateway
from mlopskit.modules.day2.errors import CloudError
from mlopskit.modules.diagram import DiagramMap
from mlopskit.modules.endpoint import LATEST_APPROVED, Endpoint as EndpointSpec
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.facts import Fact
from mlopskit.modules.features import FeatureTable, Support, feature_at
from mlopskit.modules.graph import STACK_ENTRY, Graph, Provenance, RecordedResource
from mlopskit.modules.naming import logical
from mlopskit.modules.placement import Cloud
from mlopskit.modules.provider import BuildResult, ModelRegistry, Provider, ResolvedModel
from mlopskit.modules.stack import Stack
from mlopskit.modules.topology import Slotter, Topology, no_slots, topology_of
from mlopskit.modules.training import TrainingJob
from mlopskit.providers.catalog.regions import unknown_region_issues
from mlopskit.providers.catalog.resolver import (
    InstanceType,
    Resolution,
    ResolutionError,
    Use,
    resolve,
)
from mlopskit.providers.references import foreign_references


def placement_issues(stack: Stack, cloud: Cloud) -> list[SpecIssue]:
    """The cloud's primary and backup regions must be in ``compliance.allowedRegions`` when it is set."""
    placement = stack.placement.for_cloud(cloud)
    allowed = stack.compliance.allowed_regions
    if placement is None or not allowed:
        return []
    regions = ((placement.primary_field, placement.primary_region), (placement.backup_field, placement.backup_region))
    return [SpecIssue(f"placement.{cloud}.{field}", f"{region} is not in compliance.allowedRegions")
            for field, region in regions if region is not None and region not in allowed]


def computes(stack: Stack) -> Iterator[tuple[str, Compute, Use, float | None]]:
    """Every compute request of the spec with its field path, use and the size of the model it
    must hold in GPU memory (training jobs, endpoints, batch jobs)."""
    for index, job in enumerate(stack.training):
        yield f"training[{index}].compute", job.compute, "training", None
    for index, endpoint in enumerate(stack.endpoints):
        yield f"endpoints[{index}].compute", endpoint.compute, "serving", endpoint.model.size_gib
    for index, batch_job in enumerate(stack.batch):
        # Batch inference runs the serving container on the job's instances: priced as prediction.
        yield f"batch[{index}].compute", batch_job.compute, "serving", None


def issue_path(path: str, field: str) -> str:
    """Where a resolution error belongs: below the compute (``endpoints[0].compute.gpu.type``), or
    beside it for the model's size (``endpoints[0].model.sizeGiB``)."""
    if field.startswith("model."):
        return f"{path.removesuffix('.compute')}.{field}"
    return f"{path}.{field}"


def resolve_compute(cloud: Cloud, path: str, compute: Compute, region: str | None, use: Use | None = None, *,
                    among: Collection[str] | None = None, among_label: str = "",
                    model_gib: float | None = None) -> Resolution:
    """The instance type of one compute request on ``cloud`` in ``region`` for ``use`` (among the
    types ``among`` a cloud's API accepts, when given; holding a ``model_gib`` model); a spec error
    naming the field when none fits."""
    from mlopskit.modules.errors import SpecError

    try:
        return resolve(cloud, compute, region, use, among=among, among_label=among_label, model_gib=model_gib)
    except ResolutionError as error:
        raise SpecError([SpecIssue(issue_path(path, error.field), str(error))]) from None


def compute_issues(stack: Stack, cloud: Cloud) -> list[SpecIssue]:
    """Compute requests no instance type of ``cloud`` satisfies (a missing explicit type is the
    spec's own check, ``Stack.issues_for``, and is not reported twice)."""
    issues = []
    placement = stack.placement.for_cloud(cloud)
    region = placement.primary_region if placement else None
    for path, compute, use, model_gib in computes(stack):
        if compute.instance_type_for(cloud) is None and not compute.generic:
            continue
        try:
            # The builds resolve in the stack's region for the use: check what they build.
            resolve(cloud, compute, region, use, model_gib=model_gib)
        except ResolutionError as error:
            issues.append(SpecIssue(issue_path(path, error.field), str(error)))
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
    diagram: DiagramMap
    #: the slots of ``modules.topology`` its resource types fill (none: entries and roles only)
    slots: Slotter = no_slots


class BaseProvider(Provider):
    """The cloud-neutral half of every provider.

    ``check``: spec v1's cloud-specific rules, placement against ``compliance.allowedRegions``,
    compute resolution, no image or artifact of another cloud (providers/references.py),
    then the cloud's own limits (``cloud_issues``). Facts, cost handlers,
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

    def slots(self, resource: RecordedResource, origin: Provenance) -> Iterable[str]:
        return self._parts.slots(resource, origin)

    def topology(self, graph: Graph, stack: Stack) -> Topology:
        # The cloud's own slotter function as the cache key: its facts and cost ask with the same one.
        return topology_of(graph, stack, self._parts.slots)

    @property
    def cost_handlers(self) -> CostHandlers:
        return self._parts.cost_handlers

    @property
    def features(self) -> FeatureTable:
        return self._parts.features

    @property
    def diagram(self) -> DiagramMap:
        return self._parts.diagram

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
        return (issues + placement_issues(stack, self.cloud) + compute_issues(stack, self.cloud)
                + foreign_references(stack, self.cloud) + self.cloud_issues(stack))

    def cloud_issues(self, stack: Stack) -> list[SpecIssue]:
        """What this cloud refuses beyond the shared checks (its placement is present)."""
        return []


# -- the build: one shape for every cloud ------------------------------------------------

#: The one warning every cloud gives when an endpoint's registry package has no approved
#: (or no pinned) version yet. The design: a first deployment whose registry has no approved
#: version must say so clearly and still build everything else; it never invents a model.
MISSING_MODEL = ("registry package {package!r} has no {wanted} yet: endpoint {endpoint!r} serves no model until one is "
                 "approved (its model deployment, autoscaling and drift monitor are not built); everything else is built")


def missing_model_issue(index: int, endpoint: EndpointSpec) -> SpecIssue:
    """The warning for an endpoint whose registry package has no version to deploy yet."""
    version = endpoint.model.version
    wanted = "approved version" if version == LATEST_APPROVED else f"approved version {version}"
    return SpecIssue(f"endpoints[{index}].model.version",
                     MISSING_MODEL.format(package=endpoint.model.package, wanted=wanted, endpoint=endpoint.name))


def unbuilt_message(section: SpecModel, why: str, instead: str) -> str:
    """``unsupported: <why> (<every field of the section> are not built); <instead>``: the warning for a
    spec section a cloud does not build at all. The fields come from the section's model, so the
    warning names each of them (tests/test_parity.py field coverage)."""
    fields = [info.alias or name for name, info in type(section).model_fields.items()]
    listed = ", ".join(fields[:-1]) + f" and {fields[-1]}" if len(fields) > 1 else fields[0]
    return f"unsupported: {why} ({listed} are not built); {instead}"


@dataclass
class BuildContext:
    """What every component of one build may read: the stack, its names, and where warnings go.

    Each cloud's context extends it with its placement and provider; components receive
    everything else (other components' outputs) through their typed Args.
    """

    stack: Stack
    warnings: list[SpecIssue] = field(default_factory=list, kw_only=True)
    #: The spec entry the build is realising now (``StackBuild.run`` sets it around each step).
    entry: str = field(default=STACK_ENTRY, kw_only=True)

    def realises(self, role: str) -> dict[str, Any]:
        """A component's inputs recording the spec entry being built and the component's ``role``
        (``modules.graph.Provenance``): every component passes them to ``super().__init__``, so
        the recorded graph says what each resource is for without reading names."""
        return Provenance(self.entry, role).props()

    @property
    def prefix(self) -> str:
        """The stack's name: the first part of every logical name."""
        return self.stack.name

    def name(self, *parts: str) -> str:
        """Deterministic logical name: ``<stack>-<component>-<part>``."""
        return logical(self.stack.name, *parts)

    def warn(self, path: str, message: str, *, feature: str | None = None, support: Support | None = None) -> None:
        """Record something this cloud cannot honour as asked (once); shown by preview and `pulumi up`.

        ``feature`` is the key of ``modules/features.py`` the warning is about: by default the one
        the field at ``path`` belongs to (``feature_at``), None when it belongs to none. ``support``
        is how far the cloud honours that setting for this spec: by default ``emulated`` (it is
        honoured another way, or in part); the comparison shows the weaker of it and the cloud's
        declared level.
        """
        if feature is None:
            feature = feature_at(self.stack, path)
        if support is None and feature is not None:
            support = "emulated"
        self.record(SpecIssue(path, message, feature=feature, support=support))

    def record(self, issue: SpecIssue) -> None:
        """Record a warning made elsewhere (a cloud's spec-only checks, ``limits.py``) as it is."""
        import pulumi

        if issue not in self.warnings:
            self.warnings.append(issue)
            pulumi.log.warn(f"{issue.path}: {issue.message}")

    def warn_unbuilt(self, path: str, section: SpecModel, why: str, instead: str) -> None:
        """Warn that a spec section at ``path`` is not built at all (``unbuilt_message``)."""
        self.warn(path, unbuilt_message(section, why, instead), support="unsupported")


@dataclass(frozen=True)
class TrainingPlan:
    """One training job with the instance type the catalog chose for it."""

    index: int
    job: TrainingJob
    instance: InstanceType

    @property
    def path(self) -> str:
        return f"training[{self.index}]"


@dataclass(frozen=True)
class EndpointPlan:
    """One endpoint with its instance type and, for a registry model, the version resolved."""

    index: int
    spec: EndpointSpec
    instance: InstanceType
    model: ResolvedModel | None  # the registry's version; None for an artifact model or none approved

    @property
    def path(self) -> str:
        return f"endpoints[{self.index}]"

    @property
    def awaiting_model(self) -> bool:
        """A registry model with no version to deploy yet: the endpoint serves nothing for now."""
        return self.spec.model.source == "registry" and self.model is None


@dataclass(frozen=True)
class BatchPlan:
    """One batch job with its instance type and its registry model version (None: none approved yet)."""

    index: int
    job: BatchJob
    instance: InstanceType
    model: ResolvedModel | None

    @property
    def path(self) -> str:
        return f"batch[{self.index}]"


#: The warning every cloud gives for a batch job whose registry package has no version yet: its
#: schedule would run nothing, so neither the job nor its schedule is built (never an invented model).
MISSING_BATCH_MODEL = ("registry package {package!r} has no {wanted} yet: batch job {job!r} is not built until one is "
                       "approved; everything else is built")


@contextmanager
def realising(ctx: BuildContext, entry: str) -> Iterator[None]:
    """Components built inside record ``entry`` as what they realise; the stack's afterwards."""
    ctx.entry = entry
    try:
        yield
    finally:
        ctx.entry = STACK_ENTRY


class StackBuild(ABC):
    """The orchestration every cloud's ``build.py`` shares: set up the cloud, resolve compute
    and registry models here (once for every cloud), then register the components in the
    same order on every cloud: foundation, training jobs, endpoints (each with its
    autoscaling and monitoring at top level), then what spans the stack.

    Every component has the signature ``Component(name, args, ctx, opts)``.
    """

    cloud: ClassVar[Cloud]

    def __init__(self, stack: Stack, registry: ModelRegistry) -> None:
        self.stack = stack
        self.registry = registry
        self.outputs: dict[str, Any] = {}

    def run(self) -> BuildResult:
        """Register the whole stack; its warnings and outputs."""
        # Before any component: its depends_on must hold for its children too (imported here:
        # validating a spec must not load Pulumi).
        from mlopskit.providers import ordering

        ordering.register()
        ctx = self.start()
        endpoints = [self.plan_endpoint(ctx, index, spec) for index, spec in enumerate(self.stack.endpoints)]
        self.foundation(endpoints)
        for index, job in enumerate(self.stack.training):
            path = f"training[{index}].compute"
            plan = TrainingPlan(index, job, self.resolve(path, job.compute, "training").instance)
            with realising(ctx, plan.path):
                self.training(plan)
        for endpoint in endpoints:
            with realising(ctx, endpoint.path):
                self.endpoint(endpoint)
        for index, batch_job in enumerate(self.stack.batch):
            batch = self.plan_batch(ctx, index, batch_job)
            if batch.model is not None:
                with realising(ctx, batch.path):
                    self.batch(batch)
        self.finish()
        return BuildResult(warnings=ctx.warnings, outputs=self.outputs)

    def plan_endpoint(self, ctx: BuildContext, index: int, spec: EndpointSpec) -> EndpointPlan:
        """Resolve an endpoint's compute and registry model; warn (the same on every cloud) when
        its package has no version to deploy yet."""
        instance = self.resolve(f"endpoints[{index}].compute", spec.compute, "serving", spec.model.size_gib).instance
        model = None
        if spec.model.source == "registry":
            model = self.registry.resolve(spec.model.package or "", spec.model.version or LATEST_APPROVED)
            if model is None:
                issue = missing_model_issue(index, spec)
                ctx.warn(issue.path, issue.message)
        return EndpointPlan(index, spec, instance, model)

    def plan_batch(self, ctx: BuildContext, index: int, job: BatchJob) -> BatchPlan:
        """Resolve a batch job's compute and model version; warn (the same on every cloud) when
        its package has no version to score with yet."""
        instance = self.resolve_batch(f"batch[{index}].compute", job.compute).instance
        version = job.model.version or LATEST_APPROVED
        model = self.registry.resolve(job.model.package, version)
        if model is None:
            wanted = "approved version" if version == LATEST_APPROVED else f"approved version {version}"
            ctx.warn(f"batch[{index}].model.version",
                     MISSING_BATCH_MODEL.format(package=job.model.package, wanted=wanted, job=job.name))
        return BatchPlan(index, job, instance, model)

    def resolve_batch(self, path: str, compute: Compute) -> Resolution:
        """The instance type of a batch job (a serving use unless the cloud's batch API takes other types)."""
        return self.resolve(path, compute, "serving")

    def resolve(self, path: str, compute: Compute, use: Use, model_gib: float | None = None) -> Resolution:
        """The instance type of one compute request for ``use`` in the stack's region (``path``
        names it in errors) whose GPUs hold a ``model_gib`` model. A cloud whose API accepts
        different types per use (SageMaker hosting vs training) narrows the choice by overriding this."""
        placement = self.stack.placement.for_cloud(self.cloud)
        return resolve_compute(self.cloud, path, compute, placement.primary_region if placement else None, use,
                               model_gib=model_gib)

    @abstractmethod
    def start(self) -> BuildContext:
        """The cloud's provider resource(s) and the build's context."""

    @abstractmethod
    def foundation(self, endpoints: list[EndpointPlan]) -> None:
        """Keys, storage, network, registries, identity: what jobs and endpoints run on."""

    @abstractmethod
    def training(self, plan: TrainingPlan) -> None:
        """One training job."""

    @abstractmethod
    def endpoint(self, plan: EndpointPlan) -> None:
        """One endpoint, then its autoscaling and monitoring components beside it (top level)."""

    @abstractmethod
    def batch(self, plan: BatchPlan) -> None:
        """One batch inference job whose model version is resolved (and its schedule)."""

    @abstractmethod
    def finish(self) -> None:
        """Backups, audit, budget and whatever else spans the stack; the stack outputs."""
