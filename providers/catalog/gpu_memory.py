"""Memory per GPU of the catalog's instance types, for the resolver's model-size fit.

instances.csv has no GPU-memory column yet (issue 13 may add one); until then this is the
smallest addition that lets ``endpoints[].model.sizeGiB`` and ``compute.gpu.memoryGiB`` pick
a type: the memory of each GPU model, and the instance types whose GPU variant differs from
its model's usual one. Values are the vendors' published sizes (GB as GiB, which only
understates), from the clouds' instance type pages (AWS accelerated computing, Compute
Engine GPU machine types, Azure NC/ND series). A GPU whose size is not listed here is unknown:
never chosen to fit a model (fail closed).
"""

from __future__ import annotations

from mlopskit.modules.placement import Cloud

# GiB per GPU of each GPU model, in its most common variant.
PER_GPU: dict[str, float] = {
    "T4": 16, "P4": 8, "P100": 16, "V100": 16, "A10G": 24, "L4": 24, "L40S": 48, "A100": 40, "H100": 80,
    "H200": 141, "B200": 180, "RTX PRO 4500": 32, "RTX PRO Server 6000": 96,
}
# Instance types carrying a larger variant than their GPU model's usual one.
VARIANTS: dict[tuple[Cloud, str], float] = {
    ("aws", "ml.p3dn.24xlarge"): 32,  # V100 32 GB
    ("aws", "ml.p4de.24xlarge"): 80,  # A100 80 GB
    ("azure", "Standard_NC24ads_A100_v4"): 80,  # NC A100 v4: A100 PCIe 80 GB
    ("azure", "Standard_NC48ads_A100_v4"): 80,
    ("azure", "Standard_NC96ads_A100_v4"): 80,
    ("azure", "Standard_ND96amsr_A100_v4"): 80,  # NDm A100 v4: A100 80 GB
    ("azure", "Standard_NC40ads_H100_v5"): 94,  # NC H100 v5: H100 NVL 94 GB
}
_ULTRA = "a2-ultragpu-"  # Compute Engine A2 Ultra: A100 80 GB


def per_gpu_gib(cloud: Cloud, instance_type: str, gpu_type: str | None) -> float | None:
    """GiB of one GPU of ``instance_type`` (None: no GPU, or a GPU whose size is not known)."""
    if gpu_type is None:
        return None
    if cloud == "gcp" and instance_type.startswith(_ULTRA):
        return 80
    return VARIANTS.get((cloud, instance_type), PER_GPU.get(gpu_type))
