"""Generic compute (cpu, memory, gpu) -> one target's instance type, from its instance catalog
(``Target.compute``, ``modules/targets.py``: instances.csv for the bundled clouds).

Shared by every provider so the same spec resolves by the same rule everywhere: the GPU
model and count are hard constraints; cpu and memory are minimums; the type must serve the
use (``api``: serving or training) and be offered in the stack's region; among the matches the
CHEAPEST by the offline price catalog (providers/catalog/prices) in that region wins, ties broken
by size. The catalog prices a type in a region exactly where it is offered there, so "priced in
the region" is the offering test. In a region the catalog prices nothing for (offerings unknown),
the resolver falls back to the smallest match (fewest vCPUs, then least memory) and says so in
``Resolution.basis``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from mlopskit.modules import targets
from mlopskit.modules.compute import Compute
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.modules.targets import ComputeResolution
from mlopskit.providers.catalog import regions
from mlopskit.providers.catalog.gpu_memory import per_gpu_gib
from mlopskit.providers.catalog.prices import PriceKey, catalog_date, lookup as price_lookup

CATALOG = Path(__file__).with_name("instances.csv")  # the bundled clouds' instance catalog


@dataclass(frozen=True)
class InstanceType:
    """One catalog row: an instance type and what it offers."""

    cloud: Cloud
    name: str
    vcpu: int
    memory_gib: float
    gpu_type: str | None
    gpu_count: int
    accelerator: str | None  # the target's accelerator name (a GPU type, or a non-GPU accelerator)
    local_storage: bool  # has NVMe instance storage (matters for volume-encryption options)
    apis: tuple[str, ...] = ()  # the cloud's uses it is accepted for (AWS: hosting, training, ...)
    arch: str = "x86_64"  # arm64 types (AWS Graviton) need arm64 images: never chosen for a generic size

    @property
    def gpu_memory_gib(self) -> float | None:
        """GiB of all its GPUs together (None: no GPU, or a GPU whose size is unknown)."""
        per_gpu = per_gpu_gib(self.cloud, self.name, self.gpu_type)
        return per_gpu * self.gpu_count if per_gpu is not None else None

    @property
    def burstable(self) -> bool:
        """A type whose CPU credits throttle sustained load (the target says which): never chosen
        for a generic size."""
        return _compute(self.cloud).burstable(self.name)

    @property
    def neuron(self) -> bool:
        """An accelerator that is not a GPU (AWS Inferentia/Trainium): never chosen for a generic CPU request."""
        return self.accelerator is not None and self.gpu_type is None


@dataclass(frozen=True)
class Resolution:
    """The instance chosen for a Compute, and whether it matches the request exactly."""

    instance: InstanceType
    exact: bool
    explicit: bool  # chosen by the spec's per-cloud instanceType, not by the resolver
    basis: str = "explicit"  # "cheapest" | "smallest (price unknown in <region>)" | "explicit"
    hourly_usd: Decimal | None = None  # serving price per hour in the region compared, when known


class ResolutionError(ValueError):
    """No catalog entry satisfies the request; ``field`` names the constraint that failed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _compute(cloud: Cloud) -> ComputeResolution:
    """How ``cloud`` resolves compute; ValueError for a target without compute resolution."""
    found = targets.target(cloud).compute
    if found is None:
        raise ValueError(f"target {cloud!r} declares no compute resolution")
    return found


def catalog() -> tuple[InstanceType, ...]:
    """All catalog rows of every registered target with compute resolution, each file read once."""
    resolving = {t.name: t.compute.instances for t in targets.targets() if t.compute is not None}
    return _catalog(tuple(sorted(resolving.items())))


@lru_cache(maxsize=4)
def _catalog(resolving: tuple[tuple[str, Path], ...]) -> tuple[InstanceType, ...]:
    return tuple(row for path in dict.fromkeys(p for _, p in resolving) for row in _read(path)
                 if (row.cloud, path) in resolving)


@lru_cache(maxsize=16)
def _read(path: Path) -> tuple[InstanceType, ...]:
    """One instance catalog file (its rows of every target in it)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(
            InstanceType(
                cloud=row["cloud"],
                name=row["instance_type"],
                vcpu=int(row["vcpu"]),
                memory_gib=float(row["memory_gib"]),
                gpu_type=row["gpu_type"] or None,
                gpu_count=int(row["gpu_count"]),
                accelerator=row["accelerator"] or None,
                local_storage=row["local_storage"] == "true",
                apis=tuple(row["apis"].split()),
                arch=row["arch"],
            )
            for row in csv.DictReader(handle)
        )


def lookup(cloud: Cloud, name: str) -> InstanceType | None:
    """The catalog row of an explicit instance type (the first when a type has several GPU options)."""
    return _first_rows(catalog()).get((cloud, name))


def lookup_accelerated(cloud: Cloud, name: str, accelerator: str | None) -> InstanceType | None:
    """The catalog row of ``name`` with the attached ``accelerator`` (a cloud whose GPUs are
    attached to a machine type, as Vertex AI's n1 types); ``lookup`` without one."""
    if accelerator is None:
        return lookup(cloud, name)
    return next((row for row in catalog() if row.cloud == cloud and row.name == name and row.accelerator == accelerator),
                None)


@lru_cache(maxsize=4)
def _first_rows(rows: tuple[InstanceType, ...]) -> dict[tuple[str, str], InstanceType]:
    """(cloud, name) -> the first catalog row of that type: ``lookup`` is asked once per resource."""
    first: dict[tuple[str, str], InstanceType] = {}
    for row in rows:
        first.setdefault((row.cloud, row.name), row)
    return first


def explicit_row(cloud: Cloud, name: str, compute: Compute) -> InstanceType | None:
    """The catalog row of an explicit instance type, with the accelerator the spec asked for.

    The machine type and its accelerator are separate facts: a type that takes GPUs
    optionally is listed once without a GPU and once per GPU option, so the row whose GPU
    matches ``compute.gpu`` (none when the spec asks none) wins. A type listed only with
    GPUs (accelerator-optimized types) comes with them whatever the spec says.
    """
    rows = [i for i in catalog() if i.cloud == cloud and i.name == name]
    wanted = (compute.gpu.type, compute.gpu.count) if compute.gpu else (None, 0)
    return next((i for i in rows if (i.gpu_type, i.gpu_count) == wanted), rows[0] if rows else None)


Use = Literal["serving", "training"]

# GPU memory a model of ``sizeGiB`` needs: its weights plus a fifth for the KV cache,
# activations and the serving runtime (a rule of thumb for 7B-70B models at fp16).
MODEL_HEADROOM = Decimal("1.2")


def model_memory_gib(size_gib: float) -> float:
    """The GPU memory (GiB, all GPUs of an instance together) a model of ``size_gib`` needs."""
    return float(Decimal(str(size_gib)) * MODEL_HEADROOM)


def _fits(instance: InstanceType, compute: Compute, needed: float | None) -> bool:
    """Whether the instance's GPUs meet ``gpu.memoryGiB`` (per GPU) and hold a model needing ``needed`` GiB."""
    wanted = compute.gpu.memory_gib if compute.gpu else None
    if wanted is not None:
        per_gpu = per_gpu_gib(instance.cloud, instance.name, instance.gpu_type)
        if per_gpu is None or per_gpu < wanted:
            return False
    if needed is not None:
        total = instance.gpu_memory_gib
        return total is not None and total >= needed
    return True

class _PerTarget(Mapping[tuple[str, str], Any]):
    """A view of one field of every registered target's compute resolution, keyed by (target, use):
    the tables this module and its tests read, kept by each target in its descriptor."""

    def __init__(self, read: Callable[[ComputeResolution, str], Any]) -> None:
        self._read = read

    def __getitem__(self, key: tuple[str, str]) -> Any:
        cloud, use = key
        return self._read(_compute(cloud), use)

    def _keys(self) -> list[tuple[str, str]]:
        return [(t.name, use) for t in targets.targets() if t.compute is not None for use in ("serving", "training")]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())


# Where the resolver compares prices: the service that bills each use, and the region used when
# the caller gives none (the catalog's quoted base region per target).
PRICE_SERVICE: Mapping[tuple[str, str], tuple[str, str | None]] = _PerTarget(lambda c, use: c.price_service[use])  # type: ignore[index]
# The target's name for each use in the instance catalog's ``apis``.
API: Mapping[tuple[str, str], str] = _PerTarget(lambda c, use: c.api[use])  # type: ignore[index]


def reference_region(cloud: Cloud) -> str:
    """Where prices are compared when the caller names no region."""
    return _compute(cloud).reference_region


def gpus_billed_separately(instance: InstanceType) -> bool:
    """Whether the target bills the type's attached GPUs apart (GCP's n1 + T4/V100/P4/P100)."""
    return _compute(instance.cloud).gpus_billed_separately(instance.name)


def hourly_price(instance: InstanceType, region: str, use: Use = "serving") -> Decimal | None:
    """Price per hour of ``instance`` in ``region`` for ``use`` (machine plus separately billed GPUs); None if unknown."""
    if targets.target(instance.cloud).compute is None:
        return None  # a target without compute resolution prices no instance type
    service, accelerator_service = PRICE_SERVICE[(instance.cloud, use)]
    row = price_lookup(PriceKey(instance.cloud, service, instance.name, region))
    if row is None:
        return None
    total = row.usd
    if instance.accelerator and accelerator_service and gpus_billed_separately(instance):
        extra = price_lookup(PriceKey(instance.cloud, accelerator_service, instance.accelerator, region))
        if extra is None:
            return None  # a GPU the region does not offer (or price): the type is not offered there
        total += extra.usd * instance.gpu_count
    return total


def _explicit(cloud: Cloud, name: str, compute: Compute, among: Collection[str] | None, among_label: str,
              model_gib: float | None) -> Resolution:
    """A spec's explicit instance type: accepted by the API request (``among``), holding the model."""
    if among is not None and name not in among:
        raise ResolutionError(f"instanceType.{cloud}", f"{name} is not a {cloud} {among_label} instance type".replace("  ", " "))
    known = explicit_row(cloud, name, compute)
    instance = known or InstanceType(cloud, name, 0, 0.0, None, 0, None, False)
    if model_gib is not None and known is not None and not _fits(known, compute, model_memory_gib(model_gib)):
        raise ResolutionError("model.sizeGiB", f"{name} has {_gib(known.gpu_memory_gib)} of GPU memory; a {model_gib:g} "
                                               f"GiB model needs {model_memory_gib(model_gib):g} GiB")
    return Resolution(instance, exact=True, explicit=True)


def _offered(cloud: Cloud, compute: Compute, use: Use | None, among: Collection[str] | None,
             model_gib: float | None) -> list[InstanceType]:
    """The catalog types with the requested GPUs for ``use`` (and holding the model), before cpu and memory."""
    needed = model_memory_gib(model_gib) if model_gib is not None else None
    gpu_type = compute.gpu.type if compute.gpu else None
    gpu_count = compute.gpu.count if compute.gpu else 0
    any_gpu = needed is not None and gpu_type is None  # a model to fit: any GPU model may hold it
    offered = [i for i in catalog() if i.cloud == cloud and (i.gpu_type == gpu_type or (any_gpu and i.gpu_type))
               and not (gpu_type is None and i.neuron) and i.arch == "x86_64" and not i.burstable
               and (use is None or API[(cloud, use)] in i.apis) and (among is None or i.name in among)]
    if gpu_type and not offered:
        raise ResolutionError("gpu.type", f"no {cloud} instance type offers {gpu_type} GPUs")
    count_free = needed is not None and not (compute.gpu and compute.gpu.provided("count"))
    offered = [i for i in offered if count_free or i.gpu_count == gpu_count]
    if gpu_type and not offered:
        raise ResolutionError("gpu.count", f"no {cloud} instance type offers exactly {gpu_count} {gpu_type} GPU(s)")
    if compute.gpu and compute.gpu.memory_gib is not None:
        offered = [i for i in offered if _fits(i, compute, None)]
        if not offered:
            raise ResolutionError("gpu.memoryGiB", f"no {cloud} instance type offers {gpu_type} GPUs with "
                                                   f"{compute.gpu.memory_gib:g} GiB each")
    if needed is not None:
        offered = [i for i in offered if _fits(i, compute, needed)]
        if not offered:
            largest = max((i.gpu_memory_gib or 0 for i in catalog() if i.cloud == cloud), default=0)
            raise ResolutionError("model.sizeGiB", f"a {model_gib:g} GiB model needs {needed:g} GiB of GPU memory; no "
                                                   f"{cloud} instance type{f' with {gpu_type} GPUs' if gpu_type else ''} "
                                                   f"has that much (the most: {largest:g} GiB)")
    return offered


# Resolutions already made, keyed by every input (and the price function, which tests replace):
# a stack resolves the same few computes once per endpoint, training job and check, and each
# generic resolution prices every matching type. The catalogs are read-only, so a result never
# goes stale; errors are kept as (field, message) and raised afresh.
_RESOLVED: dict[tuple[object, ...], Resolution | tuple[str, str]] = {}
_RESOLVED_LIMIT = 4096


def resolve(cloud: Cloud, compute: Compute, region: str | None = None, use: Use | None = None, *,
            among: Collection[str] | None = None, among_label: str = "", model_gib: float | None = None) -> Resolution:
    """The instance type ``compute`` runs on in ``cloud``; explicit per-cloud types win (see
    ``_resolve``; the answer is remembered for the same inputs)."""
    key = (cloud, compute.model_dump_json(), region, use, None if among is None else frozenset(among), among_label,
           model_gib, hourly_price)
    known = _RESOLVED.get(key)
    if known is None:
        try:
            known = _resolve(cloud, compute, region, use, among=among, among_label=among_label, model_gib=model_gib)
        except ResolutionError as error:
            known = (error.field, str(error))
        if len(_RESOLVED) >= _RESOLVED_LIMIT:
            _RESOLVED.clear()
        _RESOLVED[key] = known
    if isinstance(known, tuple):
        raise ResolutionError(*known)
    return known


def _resolve(cloud: Cloud, compute: Compute, region: str | None = None, use: Use | None = None, *,
             among: Collection[str] | None = None, among_label: str = "", model_gib: float | None = None) -> Resolution:
    """The instance type ``compute`` runs on in ``cloud``; explicit per-cloud types win.

    Generic requests pick, among the types accepted for ``use`` (any use when None), the cheapest
    match by the price catalog in ``region`` (default: the cloud's reference region); a type with
    no price there is not offered there. Where the catalog prices nothing in ``region`` the smallest
    match is taken and ``basis`` says the price is unknown. ``among`` narrows the choice further to
    the types one API request accepts (e.g. SageMaker hosting, ``among_label``): an explicit type
    outside it is an error, since the catalog may list a type that request rejects.

    ``model_gib`` (an endpoint's ``model.sizeGiB``) keeps only types whose GPUs hold the model
    with ``MODEL_HEADROOM``; without ``compute.gpu`` any GPU model and count may, and with it
    the count is free unless the spec gave one. Nothing fitting is an error at ``model.sizeGiB``.
    """
    needed = model_memory_gib(model_gib) if model_gib is not None else None
    explicit = compute.instance_type_for(cloud)
    if explicit is not None:
        return _explicit(cloud, explicit, compute, among, among_label, model_gib)
    if compute.cpu is None or compute.memory_gib is None:
        raise ResolutionError(f"instanceType.{cloud}", f"no {cloud} instance type and no generic size")
    described = targets.target(cloud)
    if described.compute is None:
        if described.instance_type_pattern is not None:
            # It has instance types but no catalog of them to choose one from: the spec names one.
            raise ResolutionError(f"instanceType.{cloud}", f"{cloud} has no instance catalog to size a generic "
                                                           f"request from: give instanceType.{cloud}")
        # A target without instance types at all (a cluster) runs the request as asked: a pod's resources.
        return _as_requested(cloud, compute, model_gib)
    gpu_type = compute.gpu.type if compute.gpu else None
    gpu_count = compute.gpu.count if compute.gpu else 0
    offered = _offered(cloud, compute, use, among, model_gib)
    matches = [i for i in offered if i.vcpu >= compute.cpu and i.memory_gib >= compute.memory_gib]
    if not matches:
        raise ResolutionError("cpu", f"no {cloud} instance type has {compute.cpu} vCPUs and {compute.memory_gib:g} GiB")
    where = region or reference_region(cloud)
    prices = {i: hourly_price(i, where, use or "serving") for i in matches}
    priced = [i for i in matches if prices[i] is not None]

    def size(i: InstanceType) -> tuple[int, float, str]:
        return i.vcpu, i.memory_gib, i.name

    if priced:
        best = min(priced, key=lambda i: (prices[i], *size(i)))
        basis = "cheapest"
    elif regions.priced(cloud, where):
        field = "model.sizeGiB" if needed is not None else "gpu.type" if gpu_type else "cpu"
        holding = f" whose GPUs hold a {model_gib:g} GiB model" if model_gib is not None else ""
        raise ResolutionError(field, f"no {cloud} instance type with {compute.cpu} vCPUs, {compute.memory_gib:g} GiB"
                                     f"{f' and {gpu_count} {gpu_type} GPU(s)' if gpu_type else ''}{holding} "
                                     f"is offered in {where}")
    else:
        best = min(matches, key=size)
        basis = f"smallest (price unknown in {where})"
    exact = best.vcpu == compute.cpu and best.memory_gib == compute.memory_gib
    return Resolution(best, exact=exact, explicit=False, basis=basis, hourly_usd=prices[best])


def _as_requested(cloud: Cloud, compute: Compute, model_gib: float | None) -> Resolution:
    """The generic size itself on a target without instance types (a Kubernetes pod's requests):
    exact by construction; a model to hold needs its GPUs given (no catalog to grow the count from)."""
    assert compute.cpu is not None and compute.memory_gib is not None
    gpu = compute.gpu
    if model_gib is not None and gpu is None:
        raise ResolutionError("model.sizeGiB", f"{cloud} has no instance types to choose a GPU from: give compute.gpu "
                                               f"to hold a {model_gib:g} GiB model")
    count = gpu.count if gpu else 0
    per_gpu = per_gpu_gib(cloud, "", gpu.type) if gpu else None
    if model_gib is not None and gpu is not None and not gpu.provided("count") and per_gpu:
        # As for an instance type: the count is free unless given, so as many GPUs as the model needs (at most 8).
        count = min(8, max(count, math.ceil(model_memory_gib(model_gib) / per_gpu)))
    name = f"{compute.cpu} vCPU, {compute.memory_gib:g} GiB" + (f", {count}x {gpu.type}" if gpu else "")
    instance = InstanceType(cloud, name, compute.cpu, compute.memory_gib, gpu.type if gpu else None,
                            count, gpu.type if gpu else None, False)
    if model_gib is not None and not _fits(instance, compute, model_memory_gib(model_gib)):
        raise ResolutionError("model.sizeGiB", f"{name} has {_gib(instance.gpu_memory_gib)} of GPU memory; a "
                                               f"{model_gib:g} GiB model needs {model_memory_gib(model_gib):g} GiB")
    return Resolution(instance, exact=True, explicit=False, basis="requested (pod resources)")


def _gib(value: float | None) -> str:
    return "an unknown amount" if value is None else f"{value:g} GiB"


def offered(instance: InstanceType, region: str, use: Use = "serving") -> bool | None:
    """Whether ``instance`` is offered in ``region`` for ``use``: None where the catalog does not know."""
    if not regions.priced(instance.cloud, region):
        return None
    if hourly_price(instance, region, use) is not None:
        return True
    known_anywhere = any(hourly_price(instance, other, use) is not None for other in regions.known(instance.cloud))
    return False if known_anywhere else None  # a type the catalog never prices: its offering is unknown


def offering_warnings(cloud: Cloud, stack: Stack) -> list[SpecIssue]:
    """A warning per explicit instance type (and GPU) the catalog knows is not offered in the stack's region."""
    placement = stack.placement.for_cloud(cloud)
    if placement is None:
        return []
    where = placement.primary_region
    requests: list[tuple[str, Compute, Use]] = [(f"training[{i}]", job.compute, "training") for i, job in enumerate(stack.training)]
    requests += [(f"endpoints[{i}]", endpoint.compute, "serving") for i, endpoint in enumerate(stack.endpoints)]
    warnings = []
    for path, compute, use in requests:
        name = compute.instance_type_for(cloud)
        instance = lookup(cloud, name) if name else None
        if instance is None or offered(instance, where, use) is not False:
            continue
        warnings.append(SpecIssue(f"{path}.compute.instanceType.{cloud}",
                                  f"{name} is not offered in {where} for {use} (instance catalog "
                                  f"{catalog_date(cloud)}); pick a type offered there or another region"))
    return warnings
