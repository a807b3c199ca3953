"""Azure as a target of the kit: what shared code needs to know about it (``modules.targets``).

Light on purpose (no SDK): the registry imports it to answer ``--help`` and ``validate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from mlopskit.modules.compliance import Region
from mlopskit.modules.placement import TargetPlacement
from mlopskit.modules.targets import ComputeResolution, RegionCatalog, Target, register

CATALOG = Path(__file__).resolve().parent.parent / "catalog"


class AzurePlacement(TargetPlacement):
    """Azure location and backup location."""

    location: Region
    backup_location: Region | None = None
    primary_field: ClassVar[str] = "location"
    backup_field: ClassVar[str] = "backupLocation"

    @property
    def primary_region(self) -> str:
        return self.location

    @property
    def backup_region(self) -> str | None:
        return self.backup_location

    def _regions(self) -> tuple[str, str | None]:
        return self.location, self.backup_location


# VM sizes whose GPU is a larger variant than their model's usual one (Azure NC/ND series pages).
_GPU_VARIANTS: dict[str, float] = {
    "Standard_NC24ads_A100_v4": 80,  # NC A100 v4: A100 PCIe 80 GB
    "Standard_NC48ads_A100_v4": 80,
    "Standard_NC96ads_A100_v4": 80,
    "Standard_ND96amsr_A100_v4": 80,  # NDm A100 v4: A100 80 GB
    "Standard_NC40ads_H100_v5": 94,  # NC H100 v5: H100 NVL 94 GB
}

TARGET = register(Target(
    name="azure",
    display_name="Azure",
    colour="#0891b2",
    provider="mlopskit.providers.azure:AzureProvider",
    placement_model=AzurePlacement,
    placement_doc="Azure placement (Azure Machine Learning).",
    placement_example={"location": "westeurope", "backupLocation": "northeurope"},
    instance_type_pattern=r"^Standard_[A-Za-z0-9_]+$",
    instance_type_doc="Azure VM size, e.g. Standard_DS3_v2.",
    instance_type_example="Standard_DS3_v2",
    regions=RegionCatalog(CATALOG / "regions.csv", "Azure ML"),
    compute=ComputeResolution(
        instances=CATALOG / "instances.csv",
        prices=CATALOG / "prices" / "azure.csv",
        price_service={"serving": ("azureml-vm", None), "training": ("azureml-vm", None)},
        api={"serving": "endpoint", "training": "compute"},
        reference_region="westeurope",
        gpu_variant_gib=_GPU_VARIANTS.get,
    ),
    registry_hosts=(r"^[a-z0-9]+\.azurecr\.(io|cn|us)$",),
    storage_uris=(r"^https://[a-z0-9]+\.blob\.core\.windows\.net/",),
    catalog_builder="mlopskit.providers.catalog.generate:azure",
    permission_tables="mlopskit.providers.azure.permissions:tables",
    spec_docs={
        "AzurePlacement.location": "Primary Azure location, e.g. westeurope.",
        "AzurePlacement.backupLocation": "Second Azure location for backup copies; required when backups.crossRegion is true.",
    },
    spec_examples={"AzurePlacement.location": ["westeurope"]},
    day2=True,  # providers/azure/ops.py
    rank=3,
))
