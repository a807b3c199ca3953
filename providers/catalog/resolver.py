"""Generic compute (cpu, memory, gpu) -> one cloud's instance type, from instances.csv.

Shared by every provider so the same spec resolves by the same rule everywhere: the GPU
model and count are hard constraints; cpu and memory are minimums; among the matches the
smallest (fewest vCPUs, then least memory) wins, since size orders cost within a family.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from modules.compute import Compute
from modules.placement import Cloud

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
                cloud=row["cloud"],  # type: ignore[arg-type]
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


def resolve(cloud: Cloud, compute: Compute) -> Resolution:
    """The instance type ``compute`` runs on in ``cloud``; explicit per-cloud types win."""
    explicit = compute.instance_type_for(cloud)
    if explicit is not None:
        known = lookup(cloud, explicit)
        instance = known or InstanceType(cloud, explicit, 0, 0.0, None, 0, None, False)
        return Resolution(instance, exact=True, explicit=True)
    if compute.cpu is None or compute.memory_gib is None:
        raise ResolutionError(f"instanceType.{cloud}", f"no {cloud} instance type and no generic size")
    gpu_type = compute.gpu.type if compute.gpu else None
    gpu_count = compute.gpu.count if compute.gpu else 0
    offered = [i for i in catalog() if i.cloud == cloud and i.gpu_type == gpu_type]
    if gpu_type and not offered:
        raise ResolutionError("gpu.type", f"no {cloud} instance type offers {gpu_type} GPUs")
    offered = [i for i in offered if i.gpu_count == gpu_count]
    if gpu_type and not offered:
        raise ResolutionError("gpu.count", f"no {cloud} instance type offers exactly {gpu_count} {gpu_type} GPU(s)")
    matches = [i for i in offered if i.vcpu >= compute.cpu and i.memory_gib >= compute.memory_gib]
    if not matches:
        raise ResolutionError("cpu", f"no {cloud} instance type has {compute.cpu} vCPUs and {compute.memory_gib:g} GiB")
    best = min(matches, key=lambda i: (i.vcpu, i.memory_gib, i.name))
    return Resolution(best, exact=best.vcpu == compute.cpu and best.memory_gib == compute.memory_gib, explicit=False)
