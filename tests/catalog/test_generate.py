"""The catalogs are generated from the recorded extracts: rebuilt byte for byte, every row traceable."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from mlopskit.modules.targets import names as target_names, targets
from mlopskit.providers.catalog import generate
from mlopskit.providers.catalog.prices import COLUMNS, FOLDER

CLOUDS = tuple(target_names())  # every registered target, parametrized from the registry


@pytest.fixture(scope="module")
def built() -> dict[str, str]:
    return generate.build()


def _rows(cloud: str) -> list[dict[str, str]]:
    with (FOLDER / f"{cloud}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def test_generator_rebuilds_the_committed_catalogs_byte_identically(built: dict[str, str]) -> None:
    # One price file per registered target with a catalog builder (every bundled one), beside the shared two.
    builders = [t.name for t in targets() if t.catalog_builder is not None]
    assert {"aws", "gcp", "azure", "kubernetes"} <= set(builders)
    assert set(built) == {"instances.csv", "regions.csv", *(f"prices/{name}.csv" for name in builders)}
    assert generate.stale(built) == []


def test_check_mode_fails_on_a_hand_edit(built: dict[str, str], tmp_path) -> None:
    (tmp_path / "prices").mkdir()
    generate.write(built, tmp_path)
    assert generate.stale(built, tmp_path) == []
    path = tmp_path / "prices" / "gcp.csv"
    path.write_text(path.read_text().replace(",0.2185,", ",0.2,", 1))
    assert generate.stale(built, tmp_path) == ["prices/gcp.csv"]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_row_cites_recorded_source_rows_that_exist(cloud: str) -> None:
    known = generate.source_ids()
    scopes = {q.ref: q.scope for q in generate.quotes()}
    rows = _rows(cloud)
    assert rows and tuple(rows[0]) == COLUMNS
    for row in rows:
        cited = row["inputs"].split()
        missing = [c for c in cited if c not in known]
        assert not missing, f"{row['service']}/{row['sku']}/{row['region']} cites {missing}"
        assert row["date"] == generate.DATE and Decimal(row["usd"]) > 0
        if row["basis"] == "quoted":
            assert row["rule"] == "quote" and len(cited) == 1
        elif row["rule"] == "same-everywhere":
            assert len(cited) == 1 and scopes[cited[0]] == "all-regions", row
        else:
            assert row["basis"] == "derived" and row["rule"] != "quote" and len(cited) >= 2


# Targets pricing the instance types of a managed ML service (a compute resolution). A cluster has none: its
# rate card is derived from plain VM prices on purpose (nodes carry no managed-ML premium), and
# test_every_row_cites_recorded_source_rows_that_exist holds its rows to their EC2 sources.
MANAGED_ML = tuple(t.name for t in targets() if t.compute is not None)


@pytest.mark.parametrize("cloud", MANAGED_ML)
def test_managed_ml_rows_are_anchored_on_a_quoted_managed_rate(cloud: str) -> None:
    """No blanket ratio: every derived instance price cites a managed-ML quote (or Azure's quoted no-surcharge
    statement) and the VM rows the ratio is taken from."""
    quotes = {q.ref: q for q in generate.quotes()}
    for row in _rows(cloud):
        if row["basis"] != "derived" or row["rule"] in ("region-index", "same-everywhere"):
            continue
        cited = row["inputs"].split()
        anchors = [quotes[c] for c in cited if c in quotes]
        assert anchors and all(a.kind in ("managed-ml", "statement") for a in anchors), row
        assert any(not c.startswith("q:") for c in cited), row


def test_a_quoted_row_carries_its_quote() -> None:
    quotes = {q.ref: q for q in generate.quotes()}
    for cloud in CLOUDS:
        for row in _rows(cloud):
            if row["basis"] == "quoted" and row["inputs"] in quotes:
                # at the catalog's six decimals: a page may quote more (Vertex AI: $0.21849885)
                assert row["usd"] == generate.money(quotes[row["inputs"]].usd)


def test_derived_managed_price_is_vm_price_times_the_quoted_premium() -> None:
    """ml.m6i.2xlarge hosting in eu-west-1 (not in the price list there) = EC2 m6i.2xlarge (us-east-1) x (listed
    ml.m5.xlarge / EC2 m5.xlarge) x (m5.large eu-west-1 / m5.large us-east-1); ml.m5.2xlarge, listed, is quoted."""
    rows = {(r["service"], r["sku"], r["region"]): r for r in _rows("aws")}
    row = rows["sagemaker-hosting", "ml.m6i.2xlarge", "eu-west-1"]
    ec2 = {r["instance_type"]: Decimal(r["usd"]) for r in generate.read("aws_ec2_us_east_1.csv")}
    expected = ec2["m6i.2xlarge"] * Decimal("0.23") / ec2["m5.xlarge"] * Decimal("0.107") / Decimal("0.096")
    assert Decimal(row["usd"]) == Decimal(generate.money(expected))
    assert row["rule"] == "managed-premium,region-index" and "smh:ml.m5.xlarge@us-east-1" in row["inputs"].split()
    listed = rows["sagemaker-hosting", "ml.m5.2xlarge", "eu-west-1"]
    assert (listed["basis"], listed["usd"], listed["inputs"]) == ("quoted", "0.514", "smh:ml.m5.2xlarge@eu-west-1")
    # the derivation lands within 0.1% of the price list where both exist (training carries the hosting premium)
    assert abs(Decimal(rows["sagemaker-training", "ml.m5.2xlarge", "eu-west-1"]["usd"]) / Decimal("0.514") - 1) < Decimal("0.001")


def test_a_rate_quoted_outside_the_base_region_is_scaled_from_its_own_region() -> None:
    """SageMaker MLflow Small is quoted for eu-west-2 only: eu-west-1 = 0.642 x m5.large eu-west-1 / m5.large
    eu-west-2, citing the quote and both index rows; eu-west-2 itself is the quote."""
    rows = {(r["service"], r["sku"], r["region"]): r for r in _rows("aws")}
    quoted, scaled = rows["sagemaker-mlflow", "Small", "eu-west-2"], rows["sagemaker-mlflow", "Small", "eu-west-1"]
    assert (quoted["basis"], quoted["usd"]) == ("quoted", "0.642")
    assert Decimal(scaled["usd"]) == Decimal(generate.money(Decimal("0.642") * Decimal("0.107") / Decimal("0.111")))
    assert scaled["rule"] == "region-index" and set(scaled["inputs"].split()) >= {
        "q:aws/sagemaker-mlflow/Small/eu-west-2", "ec2idx:m5.large@eu-west-2", "ec2idx:m5.large@eu-west-1"}
    assert ("sagemaker-mlflow", "Medium", "eu-west-1") not in rows  # no source: never a guessed rate


def test_aws_regions_missing_from_the_ec2_extract_are_indexed_by_the_price_list_and_spot_is_capped() -> None:
    """mx-central-1 has no EC2 extract row: its ratio is a listed SageMaker rate's; managed spot there is priced at
    the on-demand rate (an upper bound), citing the statement."""
    rows = {(r["service"], r["sku"], r["region"]): r for r in _rows("aws")}
    training = rows["sagemaker-training", "ml.m7i.xlarge", "mx-central-1"]
    assert training["inputs"].split()[-2:] == ["smh:ml.m7i.large@us-east-1", "smh:ml.m7i.large@mx-central-1"]
    spot = rows["sagemaker-training-spot", "ml.m7i.xlarge", "mx-central-1"]
    assert spot["usd"] == training["usd"] and spot["rule"].endswith("spot-cap")
    assert "q:aws/ec2-spot/spot-at-most-on-demand/global" in spot["inputs"].split()
    assert rows["sagemaker-training-spot", "ml.m5.xlarge", "eu-west-1"]["rule"].endswith("spot-ratio")


def test_aws_instance_catalog_is_the_sagemaker_enums() -> None:
    """Every AWS row is a SageMaker instance type of the pinned botocore, and the enums are all there
    except types EC2's published data does not describe yet (listed, not guessed)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("sagemaker")
    enums = set()
    for shape in generate_enums():
        enums |= set(model.shape_for(shape).enum)
    rows = {r["instance_type"] for r in generate.read("aws_instances.csv")}
    assert rows <= enums
    assert len(enums - rows) <= 12, sorted(enums - rows)


def generate_enums() -> tuple[str, ...]:
    from mlopskit.providers.catalog.extract import SAGEMAKER_ENUMS

    return tuple(SAGEMAKER_ENUMS)


def test_every_gpu_type_carries_its_memory_per_gpu() -> None:
    """instances.csv's gpu_memory_gib (GiB per GPU; EC2's own figure for AWS) is present for every GPU row,
    absent otherwise, and agrees within 10% with the resolver's model-fit table (providers/catalog/gpu_memory.py)
    wherever that table knows the GPU (EC2 reports usable memory: an A10G is 22.35 GiB there, 24 GB on paper)."""
    import csv

    from mlopskit.providers.catalog.gpu_memory import per_gpu_gib
    from mlopskit.providers.catalog.resolver import CATALOG

    unknown = []
    with CATALOG.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["gpu_type"]:
                recorded = float(row["gpu_memory_gib"])
                assert recorded >= 8, row
                table = per_gpu_gib(row["cloud"], row["instance_type"], row["gpu_type"])  # type: ignore[arg-type]
                if table is None:
                    unknown.append(row["instance_type"])
                else:
                    assert abs(recorded - table) <= table * 0.1, (row["instance_type"], recorded, table)
            else:
                assert row["gpu_memory_gib"] == "", row
    assert unknown == ["ml.p6-b300.48xlarge"]  # B300: in the catalog column only
