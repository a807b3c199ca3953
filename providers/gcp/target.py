"""Google Cloud as a target of the kit: what shared code needs to know about it (``modules.targets``).

Light on purpose (no SDK): the registry imports it to answer ``--help`` and ``validate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import StringConstraints

from mlopskit.modules.placement import Regional
from mlopskit.modules.targets import ComputeResolution, RegionCatalog, Target, register

CATALOG = Path(__file__).resolve().parent.parent / "catalog"


class GcpPlacement(Regional):
    """GCP project, region and backup region."""

    project: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]


def _gpus_billed_separately(name: str) -> bool:
    """Vertex AI bills GPUs attached to an n1 type (T4/V100/P4/P100) apart; accelerator-optimized
    types (g2, a2, a3) include theirs."""
    return not name.startswith(("g2-", "a2-", "a3-"))


def _gpu_variant_gib(name: str) -> float | None:
    """Compute Engine A2 Ultra carries the A100 80 GB (the A2 standard types the 40 GB)."""
    return 80 if name.startswith("a2-ultragpu-") else None


TARGET = register(Target(
    name="gcp",
    display_name="Google Cloud",
    colour="#2563eb",
    provider="mlopskit.providers.gcp:GcpProvider",
    placement_model=GcpPlacement,
    placement_doc="Google Cloud placement (Vertex AI).",
    placement_example={"project": "acme-ml-prod", "region": "europe-west4", "backupRegion": "europe-west1"},
    instance_type_pattern=r"^[a-z][a-z0-9]*-[a-z0-9-]+$",
    instance_type_doc="Vertex AI machine type, e.g. n1-standard-4.",
    instance_type_example="n1-standard-4",
    regions=RegionCatalog(CATALOG / "regions.csv", "Vertex AI"),
    compute=ComputeResolution(
        instances=CATALOG / "instances.csv",
        prices=CATALOG / "prices" / "gcp.csv",
        price_service={"serving": ("vertex-prediction", "vertex-prediction-accelerator"),
                       "training": ("vertex-training", "vertex-training-accelerator")},
        api={"serving": "prediction", "training": "training"},
        reference_region="us-central1",
        gpus_billed_separately=_gpus_billed_separately,
        gpu_variant_gib=_gpu_variant_gib,
    ),
    registry_hosts=(r"^([a-z]+\.)?gcr\.io$", r"^[a-z0-9-]+-docker\.pkg\.dev$"),
    storage_uris=(r"^gs://", r"^https://storage\.googleapis\.com/"),
    catalog_builder="mlopskit.providers.catalog.generate:gcp",
    permission_tables="mlopskit.providers.gcp.permissions:tables",
    spec_docs={
        "GcpPlacement.region": "Primary Google Cloud region, e.g. europe-west4.",
        "GcpPlacement.backupRegion": "Second region for backup copies; required when backups.crossRegion is true.",
        "GcpPlacement.project": "Google Cloud project id the stack is deployed into.",
    },
    spec_examples={"GcpPlacement.region": ["europe-west4"], "GcpPlacement.project": ["acme-ml-prod"]},
    day2=True,  # providers/gcp/ops.py
    rank=2,
))
