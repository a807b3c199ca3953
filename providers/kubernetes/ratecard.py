"""The cluster's rate card: USD per vCPU-hour, GiB-hour and GPU-hour (by GPU model).

A cluster is billed for its nodes, not per pod; the estimate charges each pod's requests at a
rate card. ``placement.kubernetes.rateCard`` gives one; without it the default is DERIVED from
AWS EC2 Linux on-demand prices (the recorded extracts of providers/catalog/sources/), in the
declared region:

- memory and vCPU split two general-purpose types that differ only in memory, c5.large (2 vCPU,
  4 GiB, $0.085/h) and m5.large (2 vCPU, 8 GiB, $0.096/h) in us-east-1: 4 GiB cost $0.011, so a
  GiB-hour is $0.00275 and a vCPU-hour ($0.085 - 4 x 0.00275) / 2 = $0.037. (r5.large, 2 vCPU and
  16 GiB, then prices at $0.118 against its $0.126: the split is within 7%.)
- a GPU-hour is the GPU type's price less its vCPUs and memory at those rates, per GPU:
  g4dn.xlarge (T4): 0.526 - 4 x 0.037 - 16 x 0.00275 = $0.334; g5.xlarge (A10G) $0.814;
  g6.xlarge (L4) $0.6128; p4d.24xlarge (8 x A100) (21.957642 - 96 x 0.037 - 1152 x 0.00275) / 8
  = $1.904705; p5.48xlarge (8 x H100) $5.288. The extract has no V100 type: a V100 hour is unpriced.
- another region scales every rate by its m5.large on-demand price over us-east-1's ($0.096)
  (the same region index the AWS catalog uses, sources/aws_ec2_region_index.csv). A declared
  region outside that index, or none, is unpriced ("price not found"), never $0.

``python -m mlopskit.providers.catalog.generate`` writes these rows to
providers/catalog/prices/kubernetes.csv (``Target.catalog_builder``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

SERVICE = "rate-card"
VCPU, MEMORY = "vcpu", "memory-gib"
BASE_REGION = "us-east-1"
INDEX_TYPE = "m5.large"


def gpu_sku(model: str) -> str:
    return f"gpu-{model}"


@dataclass(frozen=True)
class Shape:
    """An EC2 type of the derivation: its vCPUs, GiB, GPUs (facts of providers/catalog/instances.csv)."""

    name: str
    vcpu: int
    memory_gib: int
    gpu: str | None = None
    gpus: int = 0


CPU_LEAN, CPU_FAT = Shape("c5.large", 2, 4), Shape("m5.large", 2, 8)
GPU_SHAPES = (Shape("g4dn.xlarge", 4, 16, "T4", 1), Shape("g5.xlarge", 4, 16, "A10G", 1),
              Shape("g6.xlarge", 4, 16, "L4", 1), Shape("p4d.24xlarge", 96, 1152, "A100", 8),
              Shape("p5.48xlarge", 192, 2048, "H100", 8))


@dataclass(frozen=True)
class BaseRates:
    """us-east-1 rates, with the extract rows each comes from."""

    vcpu: Decimal
    gib: Decimal
    gpu: dict[str, Decimal]
    inputs: dict[str, tuple[str, ...]]


def base_rates(ec2: dict[str, Decimal]) -> BaseRates:
    """The split above, from us-east-1 on-demand prices by EC2 type."""
    gib = (ec2[CPU_FAT.name] - ec2[CPU_LEAN.name]) / (CPU_FAT.memory_gib - CPU_LEAN.memory_gib)
    vcpu = (ec2[CPU_LEAN.name] - CPU_LEAN.memory_gib * gib) / CPU_LEAN.vcpu
    cpu_inputs: tuple[str, ...] = (f"ec2:{CPU_LEAN.name}", f"ec2:{CPU_FAT.name}")
    gpu: dict[str, Decimal] = {}
    inputs: dict[str, tuple[str, ...]] = {VCPU: cpu_inputs, MEMORY: cpu_inputs}
    for shape in GPU_SHAPES:
        if shape.name in ec2 and shape.gpu:
            gpu[shape.gpu] = (ec2[shape.name] - shape.vcpu * vcpu - shape.memory_gib * gib) / shape.gpus
            inputs[gpu_sku(shape.gpu)] = (*cpu_inputs, f"ec2:{shape.name}")
    return BaseRates(vcpu, gib, gpu, inputs)


def _region_index(rows: list[dict[str, str]]) -> dict[str, Decimal]:
    """Region -> its index VM's on-demand price (the first zone listed: on-demand is per region)."""
    index: dict[str, Decimal] = {}
    for row in rows:
        if row["instance_type"] == INDEX_TYPE:
            index.setdefault(row["region"], Decimal(row["usd"]))
    return index


def build(folder: Path, quotes: object) -> tuple[list[list[str]], list[list[str]], list[object]]:
    """The catalog builder (``providers/catalog/generate.py``): no instance or region rows, and the
    rate card's price rows in every region of the index."""
    from mlopskit.providers.catalog.generate import Price, read

    ec2 = {r["instance_type"]: Decimal(r["usd"]) for r in read("aws_ec2_us_east_1.csv", folder)}
    rates = base_rates(ec2)
    index = _region_index(read("aws_ec2_region_index.csv", folder))
    base = index[BASE_REGION]
    skus = {VCPU: ("vCPU-hours", rates.vcpu), MEMORY: ("GiB-hours", rates.gib)}
    skus.update({gpu_sku(m): ("GPU-hours", usd) for m, usd in rates.gpu.items()})
    prices: list[object] = []
    for region, usd in sorted(index.items()):
        factor = usd / base
        for sku, (unit, rate) in skus.items():
            inputs = (*rates.inputs[sku], f"ec2idx:{INDEX_TYPE}@{BASE_REGION}", f"ec2idx:{INDEX_TYPE}@{region}")
            prices.append(Price("kubernetes", SERVICE, sku, region, unit, rate * factor, "derived",
                                "ec2-split,region-index", inputs))
    return [], [], prices
