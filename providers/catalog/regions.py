"""Known regions per cloud and what the catalog knows is offered there (``regions.csv``, generated).

A known region is one where the cloud's managed ML service is offered (SageMaker AI, Vertex AI,
Azure ML managed online endpoints). The checks here are small functions each provider's
``check`` calls (and the cloud-neutral placement step can call): an unknown region is an error
naming the field; a requested instance type or GPU the catalog knows is not offered in the
region is a warning.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.placement import AwsPlacement, AzurePlacement, Cloud, GcpPlacement

CATALOG = Path(__file__).with_name("regions.csv")
SERVICE = {"aws": "SageMaker AI", "gcp": "Vertex AI", "azure": "Azure ML"}


@dataclass(frozen=True)
class Region:
    """One known region of a cloud."""

    cloud: str
    name: str
    offerings_known: bool  # the catalog knows which instance types are offered here
    priced: bool  # the catalog prices the kit's SKUs here


@lru_cache(maxsize=1)
def _regions() -> dict[tuple[str, str], Region]:
    with CATALOG.open(newline="", encoding="utf-8") as handle:
        return {(r["cloud"], r["region"]): Region(r["cloud"], r["region"], r["offerings_known"] == "true",
                                                   r["priced"] == "true")
                for r in csv.DictReader(handle)}


def known(cloud: str) -> tuple[str, ...]:
    """Every known region of ``cloud``, sorted."""
    return tuple(sorted(name for c, name in _regions() if c == cloud))


def region(cloud: str, name: str) -> Region | None:
    """The known region ``name`` of ``cloud``, or None."""
    return _regions().get((cloud, name))


def priced(cloud: str, name: str) -> bool:
    """True when the catalog prices ``cloud``'s SKUs in ``name`` (so an absent price means not offered)."""
    found = region(cloud, name)
    return found is not None and found.priced and found.offerings_known


def unknown_region_issues(cloud: Cloud, placement: AwsPlacement | GcpPlacement | AzurePlacement | None) -> list[SpecIssue]:
    """An issue per placement field naming a region that is not a known region of ``cloud``."""
    if placement is None:
        return []
    issues = []
    for field, name in ((placement.primary_field, placement.primary_region), (placement.backup_field, placement.backup_region)):
        if name is not None and region(cloud, name) is None:
            close = difflib.get_close_matches(name, known(cloud), n=1)
            hint = f"did you mean {close[0]}?" if close else f"e.g. {', '.join(known(cloud)[:3])}"
            issues.append(SpecIssue(f"placement.{cloud}.{field}",
                                    f"{name} is not a known {cloud} region: {SERVICE[cloud]} is offered in "
                                    f"{len(known(cloud))} regions ({hint})"))
    return issues
