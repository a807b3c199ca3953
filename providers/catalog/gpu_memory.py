"""Memory per GPU of the catalog's instance types, for the resolver's model-size fit.

instances.csv has no GPU-memory column yet (issue 13 may add one); until then this is the
smallest addition that lets ``endpoints[].model.sizeGiB`` and ``compute.gpu.memoryGiB`` pick
a type: the memory of each GPU model, and the instance types whose GPU variant differs from
its model's usual one. Values are the vendors' published sizes (GB as GiB, which only
understates), from the clouds' instance type pages (each target's own variants in its descriptor). A GPU whose size is not listed here is unknown:
never chosen to fit a model (fail closed).
"""

from __future__ import annotations

from mlopskit.modules import targets
from mlopskit.modules.placement import Cloud

# GiB per GPU of each GPU model, in its most common variant.
PER_GPU: dict[str, float] = {
    "T4": 16, "P4": 8, "P100": 16, "V100": 16, "A10G": 24, "L4": 24, "L40S": 48, "A100": 40, "H100": 80,
    "H200": 141, "B200": 180, "RTX PRO 4500": 32, "RTX PRO Server 6000": 96,
}


def per_gpu_gib(cloud: Cloud, instance_type: str, gpu_type: str | None) -> float | None:
    """GiB of one GPU of ``instance_type`` (None: no GPU, or a GPU whose size is not known).

    A type carrying a larger variant than its GPU model's usual one is the target's to say
    (``ComputeResolution.gpu_variant_gib``)."""
    if gpu_type is None:
        return None
    found = targets.find(cloud)
    variant = found.compute.gpu_variant_gib(instance_type) if found is not None and found.compute is not None else None
    return variant if variant is not None else PER_GPU.get(gpu_type)
