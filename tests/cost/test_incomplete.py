"""No silent zero: a total with unpriced components is shown as a lower bound in every format."""

from __future__ import annotations

import json
from pathlib import Path

from mlopskit.compare.render import to_json, to_markdown, to_table
from mlopskit.compare.run import compare
from mlopskit.cost import cost_table, infracost_json, total_text
from mlopskit.modules.targets import names as target_names
from mlopskit.providers.catalog.prices import PriceKey
from mlopskit.report_html import to_html
from tests.cost.helpers import unpriced
from tests.specs import baseline, change, write_spec


def test_total_text_says_lower_bound_and_how_many_are_unpriced() -> None:
    from decimal import Decimal

    assert total_text(Decimal(1234), 0) == "$1,234.00"
    assert total_text(Decimal(1234), 3) == "≥ $1,234.00 (3 components unpriced)"
    assert total_text(Decimal(0), 1) == "≥ $0.00 (1 component unpriced)"


def test_an_unpriced_component_shows_incomplete_in_table_json_markdown_and_html(monkeypatch, tmp_path: Path) -> None:
    # Every known region is priced: one catalog row is taken away (artificially unpriced).
    unpriced(monkeypatch, PriceKey("aws", "sagemaker-hosting", "ml.g5.xlarge", "eu-west-1"))
    spec = write_spec(tmp_path, baseline())
    comparison = compare(str(spec), ["aws", "gcp"])
    result, complete = comparison.results
    assert result.estimate is not None and len(result.estimate.unpriced) == 1
    assert complete.estimate is not None and complete.estimate.unpriced == []
    shown = total_text(result.estimate.total_monthly, len(result.estimate.unpriced))
    assert shown.startswith("≥ $") and shown.endswith("(1 component unpriced)")
    assert shown in cost_table(result.estimate)
    assert shown in to_markdown(comparison)
    html = to_html(comparison)
    assert shown in html and "Incomplete:" in html and 'class="incomplete"' in html  # the hatched end of the bar
    assert shown.split(" (")[0] in to_table(comparison)  # the terminal table may wrap the cell after the amount
    aws, gcp = to_json(comparison)["clouds"]
    assert (aws["complete"], aws["unpricedComponents"], aws["monthlyCostText"]) == (False, 1, shown)
    assert (gcp["complete"], gcp["unpricedComponents"]) == (True, 0) and "≥" not in gcp["monthlyCostText"]
    document = infracost_json([result.estimate], "spec.yaml")
    flags = [c["priceNotFound"] for p in document["projects"] for r in p["breakdown"]["resources"]
             for c in r.get("costComponents", [])]
    assert flags.count(True) == 1
    json.dumps(document)  # serialisable as printed


def test_the_bundled_example_in_us_regions_has_a_complete_total_on_every_target(tmp_path: Path) -> None:
    data = baseline()
    # The example's cluster, declared in the US: its default rate card prices us-east-1 (providers/kubernetes/ratecard.py).
    cluster = {**data["placement"]["kubernetes"], "region": "us-east-1", "jurisdiction": "us", "backupRegion": "us-east-2"}
    change(data, "placement", {
        "aws": {"region": "us-east-1", "backupRegion": "us-east-2"},
        "gcp": {"project": "acme-ml-prod", "region": "us-central1", "backupRegion": "us-east1"},
        "azure": {"location": "eastus", "backupLocation": "westus"},
        "kubernetes": cluster,
    })
    change(data, "compliance.frameworks", [])  # GDPR residency would refuse US regions
    spec = write_spec(tmp_path, data)
    assert set(data["placement"]) == set(target_names())  # every registered target, placed
    comparison = compare(str(spec), list(target_names()))
    assert [(r.cloud, r.error) for r in comparison.results] == [(cloud, None) for cloud in target_names()]
    for result in comparison.results:
        assert result.estimate is not None and result.estimate.unpriced == [], (result.cloud, result.estimate.unpriced)
        assert result.estimate.total_monthly > 0
    assert all(cloud["complete"] for cloud in to_json(comparison)["clouds"])
    assert "≥" not in to_markdown(comparison)
