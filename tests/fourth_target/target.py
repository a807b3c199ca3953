"""The fourth target's descriptor: what the kit's shared code needs to know about it.

``register_fourth()`` adds it to the registry (the test's fixture does, and removes it after);
nothing outside this package names it.
"""

from __future__ import annotations

from pathlib import Path

from mlopskit.modules.placement import Regional
from mlopskit.modules.targets import ComputeResolution, RegionCatalog, Target, register, unregister

CATALOG = Path(__file__).resolve().parent / "catalog"
NAME = "fourth"


class FourthPlacement(Regional):
    """Fourth region and the region that receives backup copies."""


TARGET = Target(
    name=NAME,
    display_name="Fourth Cloud",
    colour="#7c3aed",
    provider="tests.fourth_target.provider:FourthProvider",
    placement_model=FourthPlacement,
    placement_doc="Fourth Cloud placement (a fictional target of the test suite).",
    placement_example={"region": "north-1", "backupRegion": "south-1"},
    instance_type_pattern=r"^fx\.[a-z0-9]+$",
    instance_type_doc="Fourth instance type, e.g. fx.small.",
    instance_type_example="fx.small",
    regions=RegionCatalog(CATALOG / "regions.csv", "Fourth ML"),
    compute=ComputeResolution(
        instances=CATALOG / "instances.csv",
        prices=CATALOG / "prices.csv",
        price_service={"serving": ("fourth-serving", None), "training": ("fourth-training", None)},
        api={"serving": "serve", "training": "train"},
        reference_region="north-1",
    ),
    registry_hosts=(r"^[a-z0-9-]+\.registry\.fourth\.test$",),
    storage_uris=(r"^fx://",),
    spec_docs={
        "FourthPlacement.region": "Primary Fourth region, e.g. north-1.",
        "FourthPlacement.backupRegion": "Second Fourth region for backup copies.",
    },
    rank=4,
)


def register_fourth() -> Target:
    """Register the fourth target (idempotent)."""
    return register(TARGET)


def unregister_fourth() -> None:
    """Remove it again (after the test)."""
    unregister(NAME)
