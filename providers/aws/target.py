"""AWS as a target of the kit: what shared code needs to know about it (``modules.targets``).

Light on purpose (no SDK): the registry imports it to answer ``--help`` and ``validate``.
"""

from __future__ import annotations

from pathlib import Path

from mlopskit.modules.placement import Regional
from mlopskit.modules.targets import ComputeResolution, RegionCatalog, Target, register

CATALOG = Path(__file__).resolve().parent.parent / "catalog"


class AwsPlacement(Regional):
    """AWS region and the region that receives backup copies."""


def _burstable(name: str) -> bool:
    """A T-family type (ml.t3.medium): CPU credits throttle sustained load. Trainium (ml.trn1) is not one."""
    family = name.split(".")[1]
    return family.startswith("t") and not family.startswith("trn")


# Instance types carrying a larger GPU variant than their model's usual one (AWS accelerated computing pages).
_GPU_VARIANTS: dict[str, float] = {
    "ml.p3dn.24xlarge": 32,  # V100 32 GB
    "ml.p4de.24xlarge": 80,  # A100 80 GB
}

TARGET = register(Target(
    name="aws",
    display_name="AWS",
    colour="#d97706",
    provider="mlopskit.providers.aws:AwsProvider",
    placement_model=AwsPlacement,
    placement_doc="AWS placement (SageMaker AI).",
    placement_example={"region": "eu-west-1", "backupRegion": "eu-central-1"},
    # ml.<family>.<size>; families may carry dashed parts (ml.c7i-flex.xlarge, ml.p6-b200.48xlarge)
    instance_type_pattern=r"^ml\.[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+$",
    instance_type_doc="SageMaker instance type, e.g. ml.m5.xlarge.",
    instance_type_example="ml.m5.xlarge",
    regions=RegionCatalog(CATALOG / "regions.csv", "SageMaker AI"),
    compute=ComputeResolution(
        instances=CATALOG / "instances.csv",
        prices=CATALOG / "prices" / "aws.csv",
        price_service={"serving": ("sagemaker-hosting", None), "training": ("sagemaker-training", None)},
        api={"serving": "hosting", "training": "training"},
        reference_region="us-east-1",
        burstable=_burstable,
        gpu_variant_gib=_GPU_VARIANTS.get,
    ),
    registry_hosts=(r"^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$", r"^public\.ecr\.aws$"),
    storage_uris=(r"^s3://", r"^https://[^/]*\.?s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?/"),
    catalog_builder="mlopskit.providers.catalog.generate:aws",
    spec_docs={
        "AwsPlacement.region": "Primary AWS region, e.g. eu-west-1.",
        "AwsPlacement.backupRegion": "Second AWS region for backup copies; required when backups.crossRegion is true.",
    },
    spec_examples={"AwsPlacement.region": ["eu-west-1"]},
    day2=True,  # providers/aws/ops.py
    rank=1,
))
