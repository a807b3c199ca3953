"""The price catalog: dated rows with their basis, rule and sources; example regions covered."""

from __future__ import annotations

import csv

import pytest

from mlopskit.providers.catalog.prices import COLUMNS, FOLDER, PriceKey, catalog_date, lookup


def test_rows_name_region_unit_price_basis_rule_sources_and_date() -> None:
    for path in sorted(FOLDER.glob("*.csv")):
        rows = list(csv.DictReader(line for line in path.open() if not line.startswith("#")))
        assert tuple(rows[0].keys()) == COLUMNS
        assert all(r["region"] and r["unit"] and r["inputs"] and r["date"] == catalog_date() for r in rows), path.name
        assert all(r["basis"] in ("quoted", "derived") for r in rows), path.name
        assert all(float(r["usd"]) > 0 for r in rows), path.name  # nothing is priced at 0 to disappear


def test_derived_prices_are_marked_as_estimates() -> None:
    row = lookup(PriceKey("aws", "sagemaker-hosting", "ml.m6i.2xlarge", "eu-west-1"))
    assert row is not None and row.estimate and row.rule == "managed-premium,region-index"
    assert row.source.startswith("managed-premium,region-index: ec2:m6i.2xlarge smh:ml.m5.xlarge@us-east-1")
    quoted = lookup(PriceKey("aws", "sagemaker-hosting", "ml.m5.xlarge", "us-east-1"))
    assert quoted is not None and not quoted.estimate and quoted.inputs == ("smh:ml.m5.xlarge@us-east-1",)


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


def test_prices_the_page_states_for_every_region_are_the_same_everywhere() -> None:
    for region in ("us-east-1", "eu-west-1", "ap-south-1"):
        row = lookup(PriceKey("aws", "kms", "key", region))
        assert row is not None and str(row.usd) == "1"
    row = lookup(PriceKey("gcp", "kms", "software-key-version", "europe-west4"))
    assert row is not None and str(row.usd) == "0.06" and row.rule == "same-everywhere"
