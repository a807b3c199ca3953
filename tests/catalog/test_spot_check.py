"""The spot-check table in docs/cost-catalog.md: catalog prices beside page quotes, within the stated limit."""

from __future__ import annotations

import re
import statistics
from decimal import Decimal
from pathlib import Path

from mlopskit.providers.catalog import generate
from mlopskit.providers.catalog.prices import PriceKey, lookup

DOC = Path(__file__).resolve().parents[2] / "docs" / "cost-catalog.md"
# The id prefix price rows cite each recorded extract by (providers/catalog/generate.py source_ids).
EXTRACT_IDS = {"aws_sagemaker_hosting.csv": "smh", "gcp_vertex_prediction_check.csv": "gvc"}


def _table() -> tuple[Decimal, list[dict[str, str]]]:
    text = DOC.read_text(encoding="utf-8")
    limit = Decimal(re.search(r"Limit: \|difference\| <= (\d+)%", text).group(1))  # type: ignore[union-attr]
    block = text.split("<!-- spot-check:begin -->")[1].split("<!-- spot-check:end -->")[0]
    lines = [line.strip().strip("|").split("|") for line in block.strip().splitlines()]
    header = [cell.strip() for cell in lines[0]]
    return limit, [dict(zip(header, (cell.strip() for cell in line), strict=True)) for line in lines[2:]]


def test_the_table_has_at_least_20_independent_quotes_on_all_three_clouds() -> None:
    _, rows = _table()
    independent = [r for r in rows if r["kind"] == "independent"]
    assert len(independent) >= 20
    assert {r["cloud"] for r in independent} == {"aws", "gcp", "azure"}
    assert all(r["page"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["read"]) for r in rows)
    assert {r["kind"] for r in rows} <= {"anchor", "rule", "independent"}


def test_a_page_that_is_a_recorded_extract_carries_its_figure() -> None:
    """Rows quoting ``sources/<extract>`` are checked against the file; an independent row never cites an
    extract its catalog row was built from."""
    _, rows = _table()
    checked = 0
    for row in rows:
        if not row["page"].startswith("sources/"):
            continue
        name = row["page"].split()[0].removeprefix("sources/")
        recorded = {(r.get("instance_type") or r["machine_type"], r["region"]): r["usd"] for r in generate.read(name)}
        assert Decimal(recorded[row["SKU"], row["region"]]) == Decimal(row["page USD"]), row
        price = lookup(PriceKey(row["cloud"], row["service"], row["SKU"], row["region"]))
        assert price is not None
        if row["kind"] == "independent":
            assert not any(i.startswith(f"{EXTRACT_IDS[name]}:") for i in price.inputs), row
        checked += 1
    assert checked >= 15


def test_the_whole_recorded_vertex_check_extract_stays_within_the_limit_at_the_median() -> None:
    """Not only the table's sample: every machine type x region the check extract shares with the catalog."""
    limit, _ = _table()
    differences = []
    for row in generate.read("gcp_vertex_prediction_check.csv"):
        price = lookup(PriceKey("gcp", "vertex-prediction", row["machine_type"], row["region"]))
        if price is not None:
            differences.append(abs(price.usd - Decimal(row["usd"])) / Decimal(row["usd"]) * 100)
    assert len(differences) >= 600
    assert statistics.median(differences) <= limit


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
