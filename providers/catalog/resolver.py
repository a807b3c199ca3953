"""Generic compute (cpu, memory, gpu) -> one cloud's instance type, from instances.csv.

Shared by every provider so the same spec resolves by the same rule everywhere: the GPU
model and count are hard constraints; cpu and memory are minimums; among the matches the
CHEAPEST by the offline price catalog (providers/catalog/prices) wins, ties broken by size.
When a matching type has no price in the region, the resolver falls back to the smallest
(fewest vCPUs, then least memory) and says so in ``Resolution.basis``.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from modules.compute import Compute
from modules.placement import Cloud, as_cloud
from providers.catalog.prices import PriceKey, lookup as price_lookup

CATALOG = Path(__file__).with_name("instances.csv")


@dataclass(frozen=True)
class InstanceType:
    """One catalog row: an instance type and what it offers."""

    cloud: Cloud
    name: str
    vcpu: int
    memory_gib: float
    gpu_type: str | None
    gpu_count: int
    accelerator: str | None  # the cloud's accelerator name where it is attached separately
    local_storage: bool  # has NVMe instance storage (matters for volume-encryption options)


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


@lru_cache(maxsize=1)
def catalog() -> tuple[InstanceType, ...]:
    """All catalog rows, read once."""
    with CATALOG.open(newline="", encoding="utf-8") as handle:
        return tuple(
            InstanceType(
                cloud=as_cloud(row["cloud"]),
                name=row["instance_type"],
                vcpu=int(row["vcpu"]),
                memory_gib=float(row["memory_gib"]),
                gpu_type=row["gpu_type"] or None,
                gpu_count=int(row["gpu_count"]),
                accelerator=row["accelerator"] or None,
                local_storage=row["local_storage"] == "true",
            )
            for row in csv.DictReader(handle)
        )


def lookup(cloud: Cloud, name: str) -> InstanceType | None:
    """The catalog row of an explicit instance type (the first when a type has several GPU options)."""
    return next((i for i in catalog() if i.cloud == cloud and i.name == name), None)


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


# Where the resolver compares prices: the service that bills serving instances, and the
# region used when the caller gives none (the catalog's quoted base region per cloud).
PRICE_SERVICE: dict[str, tuple[str, str | None]] = {
    "aws": ("sagemaker-hosting", None),
    "gcp": ("vertex-prediction", "vertex-prediction-accelerator"),
    "azure": ("azureml-vm", None),
}
REFERENCE_REGION: dict[str, str] = {"aws": "us-east-1", "gcp": "us-central1", "azure": "westeurope"}


def hourly_price(instance: InstanceType, region: str) -> Decimal | None:
    """Serving price per hour of ``instance`` in ``region`` (machine plus separately billed GPUs); None if unknown."""
    service, accelerator_service = PRICE_SERVICE[instance.cloud]
    row = price_lookup(PriceKey(instance.cloud, service, instance.name, region))
    if row is None:
        return None
    total = row.usd
    if instance.accelerator and accelerator_service:
        extra = price_lookup(PriceKey(instance.cloud, accelerator_service, instance.accelerator, region))
        if extra is not None:  # accelerator-optimized types (g2, a2, a3) include their GPUs
            total += extra.usd * instance.gpu_count
    return total


def resolve(cloud: Cloud, compute: Compute, region: str | None = None, *,
            among: Collection[str] | None = None, use: str = "") -> Resolution:
    """The instance type ``compute`` runs on in ``cloud``; explicit per-cloud types win.

    Generic requests pick the cheapest match by the price catalog in ``region`` (default: the
    cloud's reference region), falling back to the smallest match when a price is unknown.
    ``among`` restricts the choice to the types the cloud's API accepts for one ``use``
    (e.g. SageMaker hosting): the catalog may list a type that use rejects.
    """
    explicit = compute.instance_type_for(cloud)
    if explicit is not None and among is not None and explicit not in among:
        raise ResolutionError(f"instanceType.{cloud}", f"{explicit} is not a {cloud} {use} instance type".replace("  ", " "))
    if explicit is not None:
        known = explicit_row(cloud, explicit, compute)
        instance = known or InstanceType(cloud, explicit, 0, 0.0, None, 0, None, False)
        return Resolution(instance, exact=True, explicit=True)
    if compute.cpu is None or compute.memory_gib is None:
        raise ResolutionError(f"instanceType.{cloud}", f"no {cloud} instance type and no generic size")
    gpu_type = compute.gpu.type if compute.gpu else None
    gpu_count = compute.gpu.count if compute.gpu else 0
    offered = [i for i in catalog() if i.cloud == cloud and i.gpu_type == gpu_type and (among is None or i.name in among)]
    if gpu_type and not offered:
        raise ResolutionError("gpu.type", f"no {cloud} instance type offers {gpu_type} GPUs")
    offered = [i for i in offered if i.gpu_count == gpu_count]
    if gpu_type and not offered:
        raise ResolutionError("gpu.count", f"no {cloud} instance type offers exactly {gpu_count} {gpu_type} GPU(s)")
    matches = [i for i in offered if i.vcpu >= compute.cpu and i.memory_gib >= compute.memory_gib]
    if not matches:
        raise ResolutionError("cpu", f"no {cloud} instance type has {compute.cpu} vCPUs and {compute.memory_gib:g} GiB")
    where = region or REFERENCE_REGION[cloud]
    prices = {i: hourly_price(i, where) for i in matches}
    size = lambda i: (i.vcpu, i.memory_gib, i.name)  # noqa: E731
    if all(p is not None for p in prices.values()):
        best = min(matches, key=lambda i: (prices[i], *size(i)))
        basis = "cheapest"
    else:
        best = min(matches, key=size)
        basis = f"smallest (price unknown in {where})"
    exact = best.vcpu == compute.cpu and best.memory_gib == compute.memory_gib
    return Resolution(best, exact=exact, explicit=False, basis=basis, hourly_usd=prices[best])
