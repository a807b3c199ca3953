"""The open registry of deployment targets: what shared code needs to know about a cloud.

A target (a cloud, or a Kubernetes cluster) is one package under ``providers/`` plus the
``Target`` descriptor it registers here. Shared code (the spec's ``placement`` and
``instanceType``, the instance resolver, region checks, reference checks, reports, the CLI's
choices) iterates over the registered targets and never names one; the descriptor carries
everything such code used to keep in per-cloud tables.

The registry is lazy: the descriptors of the targets bundled with the kit are registered
the first time the registry is read, by the hook ``_register_bundled_targets`` of the package the
layers are installed in (``mlopskit/__init__.py``: importing ``mlopskit.providers`` registers every
``providers/<name>/target.py``), and by any loader a plug-in adds with ``add_loader``. A descriptor names its provider class by import path, so
reading the registry (``--help``, ``validate``) imports no cloud SDK. A target defined
elsewhere (a plug-in, a test's target) calls ``register`` itself.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from mlopskit.modules.placement import TargetPlacement

Use = Literal["serving", "training"]


@dataclass(frozen=True)
class RegionCatalog:
    """Where the target's known regions are listed, and which service defines "known".

    ``path`` is a CSV with the columns of ``providers/catalog/regions.csv`` (cloud, region,
    offerings_known, priced, source); rows of other targets in the same file are ignored.
    """

    path: Path
    service: str  # the managed service whose offering makes a region known (named in the error)


@dataclass(frozen=True)
class ComputeResolution:
    """How a generic size (cpu, memory, gpu) becomes one of the target's instance types.

    ``instances`` is a CSV with the columns of ``providers/catalog/instances.csv``; ``prices``
    a price file with the columns of ``providers/catalog/prices/*.csv``. Rows of other targets
    in a shared file are ignored.
    """

    instances: Path
    prices: Path
    #: use -> (the price service billing the machine, the one billing attached GPUs apart or None)
    price_service: Mapping[Use, tuple[str, str | None]]
    #: use -> the target's name for that use in the instance catalog's ``apis`` column
    api: Mapping[Use, str]
    #: the region prices are compared in when the caller gives none (the catalog's base region)
    reference_region: str
    #: types never chosen for a generic size because sustained load is throttled (CPU credits)
    burstable: Callable[[str], bool] = field(default=lambda name: False)
    #: types whose attached GPUs are billed apart from the machine (by ``price_service[use][1]``)
    gpus_billed_separately: Callable[[str], bool] = field(default=lambda name: False)
    #: GiB per GPU of a type whose GPU differs from its model's usual variant (None: the usual)
    gpu_variant_gib: Callable[[str], float | None] = field(default=lambda name: None)


@dataclass(frozen=True)
class Target:
    """One target's descriptor. ``name`` is the key of its ``placement`` and ``instanceType`` entries."""

    name: str
    display_name: str  # "Google Cloud": in messages that name the target to a person
    colour: str  # the target's colour in the HTML report (CSS hex)
    #: "package.module:Class" of its ``Provider``, imported by ``providers.get_provider`` only when asked for
    provider: str
    placement_model: type[TargetPlacement]  # the typed model of ``placement.<name>``
    placement_doc: str  # description of ``placement.<name>`` in the spec reference
    placement_example: Mapping[str, Any]  # an example entry (the spec reference's example of ``placement``)
    #: pattern an explicit ``instanceType.<name>`` matches, and its description; None: no explicit types
    instance_type_pattern: str | None
    instance_type_doc: str = ""
    instance_type_example: str | None = None
    #: None: the target has no region catalog (a declared placement, e.g. a Kubernetes cluster)
    regions: RegionCatalog | None = None
    #: None: no generic compute resolution (only explicit instance types, or none at all)
    compute: ComputeResolution | None = None
    #: hosts of the target's container registries (the first part of an image URI)
    registry_hosts: tuple[str, ...] = ()
    #: URI prefixes of the target's object storage (model artifacts)
    storage_uris: tuple[str, ...] = ()
    #: "package.module:function" regenerating its catalog rows (``providers/catalog/generate.py``)
    catalog_builder: str | None = None
    #: "package.module:function" returning its ``PermissionTables`` (modules/permission_tables.py); None: none
    permission_tables: str | None = None
    #: descriptions of the placement model's fields (``<Model>.<field>`` -> text) for the spec reference
    spec_docs: Mapping[str, str] = field(default_factory=dict)
    spec_examples: Mapping[str, list[Any]] = field(default_factory=dict)
    #: whether its provider implements ``ops_backend`` (the day-2 commands: train, batch run, rollout,
    #: rollback, promote, backup verify, status). False (the default, so a new target claims nothing it
    #: lacks): the day-2 commands do not offer it, and ``--provider <name>`` is a usage error (exit 2)
    #: rather than an internal error from a backend that does not exist.
    day2: bool = False
    rank: int = 100  # order among targets (the CLI's choices, the comparison's columns)

    def owns_image_host(self, host: str) -> bool:
        """Whether ``host`` (lower case) is one of this target's container registries."""
        return any(re.match(pattern, host) for pattern in self.registry_hosts)

    def owns_storage_uri(self, uri: str) -> bool:
        """Whether ``uri`` is in this target's object storage."""
        return any(re.match(pattern, uri) for pattern in self.storage_uris)


_TARGETS: dict[str, Target] = {}
_LOADERS: list[Callable[[], None]] = []


def add_loader(loader: Callable[[], None]) -> None:
    """Run ``loader`` (which registers targets) the first time the registry is read."""
    _LOADERS.append(loader)


_LOADING: list[bool] = []
_BUNDLED: list[bool] = []  # the bundled targets' hook has run


def _bundled_hook() -> Callable[[], None] | None:
    """The enclosing package's hook that registers the bundled targets. It is looked up on the package
    object, which is imported before any of its modules, rather than imported: this lower layer
    imports nothing above it, and importing the kit does not load the registry."""
    top = sys.modules.get(__name__.partition(".")[0])
    hook = getattr(top, "_register_bundled_targets", None)
    return hook if callable(hook) else None


def _loaded() -> dict[str, Target]:
    if not _BUNDLED:
        _BUNDLED.append(True)
        hook = _bundled_hook()
        if hook is not None:
            _LOADERS.insert(0, hook)
    if _LOADING:
        # A module the loaders import read the registry at import time: it would see half of it.
        raise RuntimeError("the target registry was read while the bundled targets were registering")
    if _LOADERS:
        _LOADING.append(True)
        try:
            while _LOADERS:
                _LOADERS.pop(0)()
        finally:
            _LOADING.clear()
    return _TARGETS


def register(target: Target) -> Target:
    """Add ``target`` (again: replaces the descriptor of the same name). Returns it, so a module can
    write ``TARGET = register(Target(...))``."""
    if not re.fullmatch(r"[a-z][a-z0-9]{1,15}", target.name):
        raise ValueError(f"target name {target.name!r} is not 2-16 lowercase letters and digits")
    _TARGETS[target.name] = target
    return target


def unregister(name: str) -> None:
    """Remove a target (a test's own target, after the test)."""
    _TARGETS.pop(name, None)


def targets() -> tuple[Target, ...]:
    """Every registered target, in rank order."""
    return tuple(sorted(_loaded().values(), key=lambda t: (t.rank, t.name)))


def names() -> tuple[str, ...]:
    """The names of every registered target, in rank order."""
    return tuple(t.name for t in targets())


def target(name: str) -> Target:
    """The target registered as ``name``; ValueError naming the choices when there is none."""
    found = _loaded().get(name)
    if found is None:
        raise ValueError(f"unknown target {name!r} (choose from {', '.join(names())})")
    return found


def find(name: str) -> Target | None:
    """The target registered as ``name``, or None."""
    return _loaded().get(name)


def with_day2() -> tuple[str, ...]:
    """The names of the targets whose provider implements the day-2 commands, in rank order."""
    return tuple(t.name for t in targets() if t.day2)


def without_day2() -> tuple[str, ...]:
    """The names of the targets the day-2 commands do not offer yet, in rank order."""
    return tuple(t.name for t in targets() if not t.day2)


def with_regions() -> Iterator[Target]:
    """The targets that have a region catalog."""
    return (t for t in targets() if t.regions is not None)
