"""Budget: monthly cost budget on the stack tag, one alert per threshold plus a forecast."""

from __future__ import annotations

import json

from tests.aws.helpers import BUDGET, PROD, build, child, component

RESOURCE = "aws:budgets/budget:Budget"


def budget(graph):
    return child(graph, component(graph, BUDGET), RESOURCE)


def test_monthly_cost_budget(prod):
    b = budget(prod)
    assert component(prod, BUDGET).parent is None
    assert b.inputs["name"] == f"{PROD}-monthly"
    assert b.inputs["budgetType"] == "COST"
    assert b.inputs["limitAmount"] == "6000.00"
    assert b.inputs["limitUnit"] == "USD"
    assert b.inputs["timeUnit"] == "MONTHLY"


def test_cost_filter_on_the_stack_tag(prod):
    assert budget(prod).inputs["costFilters"] == [{"name": "TagKeyValue", "values": [f"user:mlopskit-stack${PROD}"]}]
    # the tag the filter selects is applied to every resource through the provider's default tags
    provider = prod.named(f"{PROD}-aws")
    tags = json.loads(provider.inputs["defaultTags"])["tags"]
    assert tags["mlopskit-stack"] == PROD


def test_one_actual_alert_per_threshold_and_a_forecast(prod):
    notifications = budget(prod).inputs["notifications"]
    actual = sorted(n["threshold"] for n in notifications if n["notificationType"] == "ACTUAL")
    forecast = [n for n in notifications if n["notificationType"] == "FORECASTED"]
    assert actual == [50, 80, 100]
    assert len(forecast) == 1 and forecast[0]["threshold"] == 100
    assert len(notifications) == 4
    for n in notifications:
        assert n["comparisonOperator"] == "GREATER_THAN"
        assert n["thresholdType"] == "PERCENTAGE"
        assert n["subscriberEmailAddresses"] == ["ml-platform@example.com"]


def test_thresholds_follow_the_spec():
    graph = build("credit-risk.yaml", ("budget.alertThresholdsPercent", [25, 75]))
    notifications = budget(graph).inputs["notifications"]
    assert sorted(n["threshold"] for n in notifications if n["notificationType"] == "ACTUAL") == [25, 75]
    assert [n["notificationType"] for n in notifications].count("FORECASTED") == 1


def test_dev_budget_limit(dev):
    assert budget(dev).inputs["limitAmount"] == "800.00"


def test_no_budget_section_no_budget():
    graph = build("credit-risk.yaml", ("budget", ...))
    assert graph.of_type(BUDGET) == []
    assert graph.of_type(RESOURCE) == []
