"""The estimator's arithmetic, pinned to the dated catalog: instances x hours x price, spot, missing prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mlopskit.cost import CostComponent, PricedComponent, Usage, cron_runs_per_month, money
from mlopskit.modules.targets import names as target_names
from mlopskit.providers.catalog.prices import PriceKey, lookup
from tests.cost.helpers import baseline, estimate_of, unpriced
from tests.specs import change

# (cloud, resource name carrying the scoring endpoint's instances, component name)
SCORING = {
    "aws": ("credit-risk-prod-endpoint-scoring-config", "Instance usage (on-demand, ml.g5.xlarge)"),
    "gcp": ("credit-risk-prod-scoring-deployment", "Prediction node usage (g2-standard-4)"),
    "azure": ("credit-risk-prod-endpoint-scoring-blue", "Instance usage (pay-as-you-go, Standard_NC4as_T4_v3)"),
    # A pod's GPU-hours: 1 A10G per pod (its vCPU and GiB lines scale the same way).
    "kubernetes": ("credit-risk-prod-scoring-isvc", "Serving GPU (1x A10G per pod)"),
}


@pytest.mark.parametrize("cloud", list(target_names()))
def test_doubling_min_instances_doubles_endpoint_compute(cloud: str) -> None:
    resource, component = SCORING[cloud]
    two = estimate_of(baseline(), cloud).resource(resource).component(component)
    four = estimate_of(change(baseline(), "endpoints[0].autoscaling.minInstances", 4), cloud).resource(resource).component(component)
    assert two.component.monthly_quantity == Decimal(1460)
    assert four.component.monthly_quantity == Decimal(2920)
    assert four.monthly_cost == 2 * two.monthly_cost
    # the autoscaling range is reported beside the baseline: maxInstances (6) x 730 h either way
    assert two.max_monthly_cost == four.max_monthly_cost == 6 * 730 * two.price


def test_aws_endpoint_cost_is_min_instances_x_730_x_catalog_price() -> None:
    est = estimate_of(baseline(), "aws")
    item = est.resource("credit-risk-prod-endpoint-scoring-config").component("Instance usage (on-demand, ml.g5.xlarge)")
    price = lookup(PriceKey("aws", "sagemaker-hosting", "ml.g5.xlarge", "eu-west-1"))
    assert price is not None and item.price == price.usd
    assert item.monthly_cost == price.usd * 2 * 730  # minInstances 2
    assert item.max_monthly_cost == price.usd * 6 * 730  # maxInstances 6


@pytest.mark.parametrize(("cloud", "resource", "spot_name", "on_demand_name"), [
    ("aws", "credit-risk-prod-training-train-xgb-pipeline",
     "Training instance usage (spot, ml.m7i-flex.xlarge)", "Training instance usage (on-demand, ml.m7i-flex.xlarge)"),
    ("gcp", "credit-risk-prod-train-xgb-job-spec",
     "Training node usage (spot, e2-standard-4)", "Training node usage (on-demand, e2-standard-4)"),
    ("azure", "credit-risk-prod-training-train-xgb-cluster",
     "Training node usage (low-priority, Standard_D4a_v4)", "Training node usage (dedicated, Standard_D4a_v4)"),
])
def test_spot_lowers_training_cost(cloud: str, resource: str, spot_name: str, on_demand_name: str) -> None:
    spot = estimate_of(baseline(), cloud).resource(resource).component(spot_name)
    on_demand = estimate_of(change(baseline(), "training[0].compute.spot", False), cloud).resource(resource).component(on_demand_name)
    # weekly schedule (52 runs in 2025 -> 4.3333/month) x 180 min max runtime x 1 instance
    assert spot.component.monthly_quantity == on_demand.component.monthly_quantity
    assert money(spot.component.monthly_quantity) == "13.00"
    assert spot.monthly_cost < on_demand.monthly_cost


def test_a_missing_price_is_price_not_found_never_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every known region is priced now: the catalog row is taken away to see what a gap does.
    unpriced(monkeypatch, PriceKey("aws", "sagemaker-hosting", "ml.g5.xlarge", "eu-west-1"))
    est = estimate_of(baseline(), "aws")
    config = est.resource("credit-risk-prod-endpoint-scoring-config")
    item = config.component("Instance usage (on-demand, ml.g5.xlarge)")
    assert (item.status, item.monthly_cost, config.monthly) == ("price-not-found", None, Decimal(0))
    assert est.unpriced == ["credit-risk-prod-endpoint-scoring-config: Instance usage (on-demand, ml.g5.xlarge) "
                            "(price not found: aws/sagemaker-hosting/ml.g5.xlarge/eu-west-1)"]
    assert est.total_monthly == sum((r.monthly for r in est.resources), Decimal(0))


def test_unknown_sku_is_price_not_found() -> None:
    item = PricedComponent(CostComponent("Instance usage (on-demand, ml.x9.huge)", "hours", Decimal(730),
                                         PriceKey("aws", "sagemaker-hosting", "ml.x9.huge", "eu-west-1")),
                           lookup(PriceKey("aws", "sagemaker-hosting", "ml.x9.huge", "eu-west-1")))
    assert (item.status, item.price, item.monthly_cost, item.max_monthly_cost) == ("price-not-found", None, None, None)


def test_usage_left_unknown_is_depends_on_usage_not_zero() -> None:
    usage = Usage.from_mapping({"storage": {"artifactsGb": None}})
    key = PriceKey("aws", "s3", "standard-storage", "eu-west-1")
    item = PricedComponent(CostComponent("Storage (standard)", "GB-months", usage.get("storage.artifactsGb"), key), lookup(key))
    assert (item.status, item.monthly_cost) == ("usage", None)


def test_cron_runs_per_month_over_the_fixed_year() -> None:
    assert money(cron_runs_per_month("0 3 * * 1")) == "4.33"  # 52 Mondays in 2025
    assert money(cron_runs_per_month("0 0 * * *")) == "30.42"  # 365 days / 12


@pytest.mark.parametrize(("cloud", "resource", "name"), [
    ("aws", "fraud-dev-training-train-pipeline", "Training instance usage (on-demand, ml.m7i-flex.2xlarge)"),
    ("gcp", "fraud-dev-train-job-spec", "Training node usage (on-demand, e2-standard-8)"),
    ("azure", "fraud-dev-training-train-cluster", "Training node usage (dedicated, Standard_D8a_v4)"),
])
def test_unscheduled_training_uses_the_usage_default_or_depends_on_usage(cloud: str, resource: str, name: str) -> None:
    from mlopskit.cost import estimate
    from tests.cost.helpers import built

    stack, graph = built("fraud-dev.yaml", cloud)
    default = estimate(graph, stack).resource(resource).component(name)
    assert default.component.monthly_quantity == Decimal(4)  # 4 runs x 60 min default max runtime x 1 node
    unknown = estimate(graph, stack, Usage.from_mapping({"training": {"unscheduledRunsPerMonth": None}}))
    item = unknown.resource(resource).component(name)
    assert (item.status, item.monthly_cost) == ("usage", None)
    assert f"{resource}: {name}" in unknown.usage_based


def test_azure_spark_vcores_come_from_the_instance_catalog() -> None:
    """A monitor's Spark size is priced by the vCPUs of the VM size it names (catalog row
    Standard_E8s_v3: 8), not parsed from the name; a size the catalog lacks has no quantity."""
    from mlopskit.providers.azure.cost import spark_vcores

    assert spark_vcores("standard_e8s_v3") == Decimal(8)
    assert spark_vcores("standard_e4s_v3") == Decimal(4)
    assert spark_vcores("standard_x9000_v9") is None
