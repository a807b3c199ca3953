"""The spot-check table in docs/cost-catalog.md: catalog prices beside page quotes, within the stated limit."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from mlopskit.providers.catalog.prices import PriceKey, lookup

DOC = Path(__file__).resolve().parents[2] / "docs" / "cost-catalog.md"


def _table() -> tuple[Decimal, list[dict[str, str]]]:
    text = DOC.read_text(encoding="utf-8")
    limit = Decimal(re.search(r"Limit: \|difference\| <= (\d+)%", text).group(1))  # type: ignore[union-attr]
    block = text.split("<!-- spot-check:begin -->")[1].split("<!-- spot-check:end -->")[0]
    lines = [line.strip().strip("|").split("|") for line in block.strip().splitlines()]
    header = [cell.strip() for cell in lines[0]]
    return limit, [dict(zip(header, (cell.strip() for cell in line), strict=True)) for line in lines[2:]]


def test_the_table_covers_at_least_20_skus_on_all_three_clouds() -> None:
    _, rows = _table()
    assert len(rows) >= 20
    assert {r["cloud"] for r in rows} == {"aws", "gcp", "azure"}
    assert all(r["page"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["read"]) for r in rows)
    assert {r["kind"] for r in rows} <= {"anchor", "rule", "independent"} and any(r["kind"] == "independent" for r in rows)


def test_catalog_column_is_the_catalog_and_differences_stay_within_the_limit() -> None:
    limit, rows = _table()
    for row in rows:
        price = lookup(PriceKey(row["cloud"], row["service"], row["SKU"], row["region"]))
        assert price is not None and price.usd == Decimal(row["catalog USD"]), row
        page = Decimal(row["page USD"])
        difference = (price.usd - page) / page * 100
        assert abs(difference - Decimal(row["difference"].rstrip("%"))) < Decimal("0.06"), row
        assert abs(difference) <= limit, row
        if row["kind"] == "anchor":
            assert difference == 0, row
