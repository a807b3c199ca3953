"""`--format json` follows Infracost's current output schema (vendored in tests/cost/schemas, see SOURCE.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from mlopskit.cost import infracost_json, money
from mlopskit.modules.targets import names as target_names
from tests.cost.helpers import bundled_estimate

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "infracost-current.schema.json").read_text())
FIXED = datetime(2026, 11, 26, tzinfo=UTC)


@pytest.mark.parametrize("cloud", list(target_names()))
def test_output_validates_against_infracost_schema(cloud: str) -> None:
    est = bundled_estimate("credit-risk.yaml", cloud)
    document = infracost_json([est], "stacks/credit-risk.yaml", FIXED)
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    assert document["totalMonthlyCost"] == money(est.total_monthly)
    assert document["projects"][0]["breakdown"]["totalMonthlyCost"] == money(est.total_monthly)
    assert document["timeGenerated"] == "2026-11-26T00:00:00Z"


def test_missing_price_is_null_money_and_listed_in_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlopskit.providers.catalog.prices import PriceKey
    from tests.cost.helpers import estimate_of, unpriced
    from tests.specs import baseline

    unpriced(monkeypatch, PriceKey("aws", "sagemaker-hosting", "ml.g5.xlarge", "eu-west-1"))  # artificially unpriced
    est = estimate_of(baseline(), "aws")
    document = infracost_json([est], "x.yaml", FIXED)
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    config = next(r for r in document["projects"][0]["breakdown"]["resources"]
                  if r["name"] == "credit-risk-prod-endpoint-scoring-config")
    assert config["costComponents"][0] == {
        "name": "Instance usage (on-demand, ml.g5.xlarge)", "unit": "hours", "hourlyQuantity": "2",
        "monthlyQuantity": "1460", "price": None, "hourlyCost": None, "monthlyCost": None, "usageBased": False,
        "priceNotFound": True}
    assert document["projects"][0]["summary"]["totalNoPriceResources"] >= 1
    assert config["metadata"]["priceNotFound"] == [
        "Instance usage (on-demand, ml.g5.xlarge) (aws/sagemaker-hosting/ml.g5.xlarge/eu-west-1)"]


def test_schema_rejects_a_broken_document() -> None:
    est = bundled_estimate("credit-risk.yaml", "aws")
    document = infracost_json([est], "stacks/credit-risk.yaml", FIXED)
    del document["projects"][0]["breakdown"]["totalMonthlyCost"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SCHEMA).validate(document)


def test_compare_to_is_one_project_with_past_breakdown_and_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cost --compare-to OTHER --format json`: OTHER is the past breakdown, the diff is new minus old
    (per resource and in total), and the document validates against Infracost's current schema."""

    from mlopskit.cli import main
    from mlopskit.providers.catalog.prices import PriceKey, lookup
    from tests.specs import baseline, change, write_spec

    bigger = write_spec(tmp_path, change(baseline(), "endpoints[1].autoscaling.minInstances", 3), "bigger.yaml")
    assert main(["cost", str(bigger), "--provider", "aws", "--compare-to", "stacks/credit-risk.yaml", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    (project,) = document["projects"]
    old = bundled_estimate("credit-risk.yaml", "aws").total_monthly
    added = 730 * lookup(PriceKey("aws", "sagemaker-hosting", "ml.m6i.xlarge", "eu-west-1")).usd  # type: ignore[union-attr]
    assert (document["pastTotalMonthlyCost"], document["totalMonthlyCost"]) == (money(old), money(old + added))
    assert document["diffTotalMonthlyCost"] == money(added) == project["diff"]["totalMonthlyCost"]
    assert [(r["name"], r["monthlyCost"]) for r in project["diff"]["resources"]] == [
        ("credit-risk-prod-endpoint-challenger-config", money(added))]
    assert project["pastBreakdown"]["totalMonthlyCost"] == money(old)
    assert project["displayName"] == "credit-risk-prod on aws"
