"""The dated offline price catalog: one CSV per cloud in this folder, read by a thin loader.

Each row names its cloud, service, SKU, region, unit, USD price, source and date; ``estimate``
is true when the figure is derived (scaled from another region, recalled rather than quoted
from the live page, or a typical discount) rather than read from the provider's price list.
A key absent from the catalog is "price not found": callers must report it, never use 0.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from modules.cost import PriceKey

__all__ = ["COLUMNS", "FOLDER", "PriceKey", "PriceRow", "catalog", "catalog_date", "lookup"]

FOLDER = Path(__file__).parent
COLUMNS = ("cloud", "service", "sku", "region", "unit", "usd", "source", "date", "estimate")


@dataclass(frozen=True)
class PriceRow:
    """One catalog row."""

    key: PriceKey
    unit: str
    usd: Decimal
    source: str
    date: str
    estimate: bool


def _read(path: Path) -> list[PriceRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(line for line in handle if not line.startswith("#"))
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path.name}: missing columns {sorted(missing)}")
        return [
            PriceRow(
                key=PriceKey(row["cloud"], row["service"], row["sku"], row["region"]),
                unit=row["unit"],
                usd=Decimal(row["usd"]),
                source=row["source"],
                date=row["date"],
                estimate=row["estimate"] == "true",
            )
            for row in reader
        ]


@lru_cache(maxsize=1)
def catalog() -> dict[PriceKey, PriceRow]:
    """Every row of every ``*.csv`` here, keyed by (cloud, service, sku, region); duplicates are errors."""
    rows: dict[PriceKey, PriceRow] = {}
    for path in sorted(FOLDER.glob("*.csv")):
        for row in _read(path):
            if row.key in rows:
                raise ValueError(f"{path.name}: duplicate price row {row.key}")
            rows[row.key] = row
    return rows


def lookup(key: PriceKey) -> PriceRow | None:
    """The row for ``key``, or None ("price not found"; never treat as zero)."""
    return catalog().get(key)


def catalog_date() -> str:
    """The newest row date: the catalog's version, printed beside every estimate."""
    return max((row.date for row in catalog().values()), default="unknown")
