"""The small interface every cloud provider implements, and the abstractions it must map."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from mlopskit.modules.cost import CostHandlers
from mlopskit.modules.day2.backend import OpsBackend
from mlopskit.modules.day2.calls import Gateway
from mlopskit.modules.day2.errors import CloudError
from mlopskit.modules.diagram import DiagramMap
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.facts import Fact
from mlopskit.modules.features import FeatureTable
from mlopskit.modules.graph import Graph, Provenance, RecordedResource
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.modules.topology import Topology, topology_of

# Every abstraction of spec v1. Each provider maps every one of them to a component
# (tests/test_provider_coverage.py checks it), so no part of a spec is silently dropped.
ABSTRACTIONS: tuple[str, ...] = (
    "keys",
    "storage",
    "network",
    "container_registry",
    "model_registry",
    "training",
    "endpoint",
    "batch",
    "autoscaling",
    "monitoring",
    "backups",
    "identity",
    "audit",
    "budget",
)


@dataclass(frozen=True)
class ResolvedModel:
    """A concrete model version found in a registry."""

    package: str
    version: int
    reference: str  # the cloud's id for this version (ARN, resource name)


class ModelRegistry(Protocol):
    """Looks up model versions. Real runs ask the cloud; previews ask a seeded mock."""

    def resolve(self, package: str, version: int | str) -> ResolvedModel | None:
        """The requested version (a number or ``latest-approved``), or None if absent."""


@dataclass
class BuildResult:
    """What a provider's build leaves besides resources: warnings and stack outputs."""

    warnings: list[SpecIssue] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


class Provider(ABC):
    """One cloud's mapping of spec v1. Implementations live in ``providers/<cloud>/``.

    This is the whole contract between the application and a cloud: the application reaches
    a cloud only through ``providers.get_provider(cloud)`` and these members. A new cloud
    implements every abstract member (the type checker and tests/test_provider_coverage.py
    name what is missing); docs/architecture.md has the checklist.
    """

    cloud: ClassVar[Cloud]
    #: prefix of every resource type token of this cloud's Pulumi provider (``aws:``)
    type_prefix: ClassVar[str]
    #: abstraction name -> Pulumi component type token realising it on this cloud
    components: ClassVar[Mapping[str, str]]

    @property
    def component_prefix(self) -> str:
        """Prefix of the kit's own component type tokens on this cloud (``mlopskit:aws:``)."""
        return f"mlopskit:{self.cloud}:"

    def owns_type(self, type_: str) -> bool:
        """Whether a recorded resource type belongs to this cloud (its SDK or the kit's components)."""
        return type_.startswith(self.type_prefix) or type_.startswith(self.component_prefix)

    # -- validation and the program -------------------------------------------------
    def check(self, stack: Stack) -> list[SpecIssue]:
        """Cloud-specific validation beyond spec v1 (limits this cloud imposes)."""
        return stack.issues_for(self.cloud)

    def spec_warnings(self, stack: Stack) -> list[SpecIssue]:
        """What this cloud cannot honour as ``stack`` asks, decided from the spec alone: ``mlopskit
        validate --provider`` reports them as warnings and the build records them too. None unless a
        cloud declares some (providers/azure/limits.py)."""
        return []

    @abstractmethod
    def build(self, stack: Stack, registry: ModelRegistry) -> BuildResult:
        """Register the stack's resources with the Pulumi engine (real or mocked)."""

    @abstractmethod
    def registry(self, stack: Stack) -> ModelRegistry:
        """The live model registry client used by ``pulumi up``."""

    @abstractmethod
    def offline_registry(self, stack: Stack) -> AbstractContextManager[ModelRegistry]:
        """A registry seeded with an approved version of every referenced package."""

    @abstractmethod
    def mock_resource(self, type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Realistic mocked (id, outputs) for a resource, as the cloud would return them."""

    @abstractmethod
    def mock_call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        """Realistic mocked result of a provider function (invoke)."""

    # -- what the checks, the estimator and the comparison read ---------------------
    @abstractmethod
    def facts(self, graph: Graph, stack: Stack) -> list[Fact]:
        """The cloud-neutral facts policies read, derived from this cloud's recorded resources."""

    def slots(self, resource: RecordedResource, origin: Provenance) -> Iterable[str]:
        """The slots of ``modules.topology`` this cloud's ``resource`` fills (built by a component
        that recorded ``origin``); none by default, so a new target's index has entries and roles only."""
        return ()

    def topology(self, graph: Graph, stack: Stack) -> Topology:
        """The typed index of ``graph`` (``modules.topology``): built once per graph from what each
        component recorded, read by facts, cost, the diagram and finding locations."""
        return topology_of(graph, stack, self.slots)

    @property
    @abstractmethod
    def cost_handlers(self) -> CostHandlers:
        """How each recorded resource type of this cloud is priced, or why it is free."""

    @property
    @abstractmethod
    def features(self) -> FeatureTable:
        """How this cloud realises each spec setting (every key of ``modules.features.FEATURES``)."""

    @property
    @abstractmethod
    def diagram(self) -> DiagramMap:
        """What each of this cloud's components and resource types is in the architecture diagram
        (role and service name; ``modules.diagram``): every component token needs an entry."""

    # -- day 2 ----------------------------------------------------------------------
    @abstractmethod
    def ops_backend(self, stack: Stack, gateway: Gateway) -> OpsBackend:
        """The day-2 backend over the cloud's SDKs; every call goes through ``gateway``."""

    @abstractmethod
    def classify_error(self, error: BaseException) -> CloudError | None:
        """A cloud SDK error as a one-line ``CloudError`` (None: not a cloud error)."""


def contract_gaps(provider: type[Provider]) -> list[str]:
    """What ``provider`` still lacks to be a complete cloud, one line each (empty: complete).

    The checklist of docs/architecture.md ("adding a cloud") as code: every abstract member
    implemented, the type prefix declared, every abstraction mapped to a component token of
    this cloud, every feature key declared with a support level, every component given a part in
    the architecture diagram.
    """
    from mlopskit.modules.features import FEATURES, SUPPORT_LEVELS

    name = provider.__name__
    gaps = [f"{name}: implement {member}" for member in sorted(getattr(provider, "__abstractmethods__", ()))]
    for attribute in ("cloud", "type_prefix", "components"):
        if not hasattr(provider, attribute):
            gaps.append(f"{name}: declare the class attribute {attribute}")
    if gaps:
        return gaps
    instance = provider()
    prefix = instance.component_prefix
    gaps += [f"{name}: map the abstraction {a!r} to a component" for a in ABSTRACTIONS if a not in provider.components]
    gaps += [f"{name}: {a!r} maps to {t!r}, not a {prefix} component"
             for a, t in provider.components.items() if not t.startswith(prefix)]
    features = instance.features
    gaps += [f"{name}: declare the feature {key!r}" for key in FEATURES if key not in features]
    gaps += [f"{name}: feature {key!r} is not a spec setting the comparison knows" for key in features if key not in FEATURES]
    gaps += [f"{name}: feature {key!r} has support {value[0]!r}, not one of {SUPPORT_LEVELS}"
             for key, value in features.items() if value[0] not in SUPPORT_LEVELS]
    gaps += [f"{name}: map the component {t!r} in the architecture diagram"
             for t in sorted(set(provider.components.values())) if t not in instance.diagram]
    return gaps
