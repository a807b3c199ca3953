"""Known regions per target and what the catalog knows is offered there (each target's region
catalog, ``Target.regions``: ``regions.csv`` for the bundled clouds, generated).

A known region is one where the target's managed ML service (``RegionCatalog.service``) is
offered. A target without a region catalog (a declared placement) has no known regions and is
never checked here. The checks here are small functions each provider's
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

from mlopskit.modules import targets
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.placement import Cloud, Placed

CATALOG = Path(__file__).with_name("regions.csv")


@dataclass(frozen=True)
class Region:
    """One known region of a cloud."""

    cloud: str
    name: str
    offerings_known: bool  # the catalog knows which instance types are offered here
    priced: bool  # the catalog prices the kit's SKUs here


@lru_cache(maxsize=16)
def _read(path: Path) -> dict[tuple[str, str], Region]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {(r["cloud"], r["region"]): Region(r["cloud"], r["region"], r["offerings_known"] == "true",
                                                   r["priced"] == "true")
                for r in csv.DictReader(handle)}


def _regions(cloud: str) -> dict[str, Region]:
    """The known regions of ``cloud`` by name (none: an unknown target, or one without a region catalog)."""
    found = targets.find(cloud)
    if found is None or found.regions is None:
        return {}
    return _of_target(found.regions.path, cloud)


@lru_cache(maxsize=16)
def _of_target(path: Path, cloud: str) -> dict[str, Region]:
    return {name: row for (c, name), row in _read(path).items() if c == cloud}


def known(cloud: str) -> tuple[str, ...]:
    """Every known region of ``cloud``, sorted."""
    return tuple(sorted(_regions(cloud)))


def region(cloud: str, name: str) -> Region | None:
    """The known region ``name`` of ``cloud``, or None."""
    return _regions(cloud).get(name)


def priced(cloud: str, name: str) -> bool:
    """True when the catalog prices ``cloud``'s SKUs in ``name`` (so an absent price means not offered)."""
    found = region(cloud, name)
    return found is not None and found.priced and found.offerings_known


def unknown_region_issues(cloud: Cloud, placement: Placed | None) -> list[SpecIssue]:
    """An issue per placement field naming a region that is not a known region of ``cloud`` (none
    for a target without a region catalog: its placement is declared, not looked up)."""
    catalog = targets.target(cloud).regions
    if placement is None or catalog is None:
        return []
    issues = []
    for field, name in ((placement.primary_field, placement.primary_region), (placement.backup_field, placement.backup_region)):
        if name is not None and region(cloud, name) is None:
            close = difflib.get_close_matches(name, known(cloud), n=1)
            hint = f"did you mean {close[0]}?" if close else f"e.g. {', '.join(known(cloud)[:3])}"
            issues.append(SpecIssue(f"placement.{cloud}.{field}",
                                    f"{name} is not a known {cloud} region: {catalog.service} is offered in "
                                    f"{len(known(cloud))} regions ({hint})"))
    return issues
