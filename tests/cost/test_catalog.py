"""The price catalog: dated, sourced rows; estimates marked; example regions covered."""

from __future__ import annotations

import csv

import pytest

from providers.catalog.prices import COLUMNS, FOLDER, PriceKey, catalog, lookup


def test_rows_name_region_unit_price_source_and_date() -> None:
    for path in sorted(FOLDER.glob("*.csv")):
        rows = list(csv.DictReader(line for line in path.open() if not line.startswith("#")))
        assert tuple(rows[0].keys()) == COLUMNS
        assert all(r["region"] and r["unit"] and r["source"] and r["date"] == "2026-11-26" for r in rows), path.name
        assert all(r["estimate"] in ("true", "false") for r in rows), path.name
        assert all(float(r["usd"]) > 0 for r in rows), path.name  # nothing is priced at 0 to disappear


def test_derived_prices_are_marked_as_estimates() -> None:
    derived = [row for row in catalog().values() if row.source.startswith("derived")]
    assert derived and all(row.estimate for row in derived)


@pytest.mark.parametrize(("cloud", "service", "sku", "regions"), [
    ("aws", "sagemaker-hosting", "ml.g5.xlarge", ["eu-west-1", "eu-central-1"]),
    ("aws", "s3", "standard-storage", ["eu-west-1", "eu-central-1"]),
    ("gcp", "vertex-prediction", "g2-standard-4", ["europe-west4", "europe-west1"]),
    ("gcp", "gcs", "standard-storage", ["europe-west4", "europe-west1"]),
    ("azure", "azureml-vm", "Standard_NC4as_T4_v3", ["westeurope", "northeurope"]),
    ("azure", "container-registry", "Premium", ["westeurope", "northeurope"]),
])
def test_example_regions_and_backup_regions_are_covered(cloud: str, service: str, sku: str, regions: list[str]) -> None:
    assert all(lookup(PriceKey(cloud, service, sku, region)) is not None for region in regions)


def test_quoted_kms_prices() -> None:
    assert str(lookup(PriceKey("aws", "kms", "key", "eu-west-1")).usd) == "1"  # type: ignore[union-attr]
    row = lookup(PriceKey("gcp", "kms", "software-key-version", "europe-west4"))
    assert row is not None and str(row.usd) == "0.06" and not row.estimate
