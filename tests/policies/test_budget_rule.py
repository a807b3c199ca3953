"""budget-within-limit: the offline cost estimate against budget.monthlyLimitUsd."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from mlopskit.cli import main
from mlopskit.cost import estimate
from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.targets import names as target_names
from mlopskit.policies.registry import BY_ID
from mlopskit.policies.rule import Status
from mlopskit.policies.runner import evaluate
from tests.conftest import STACKS
from tests.policies.test_rules import CONTEXT
from tests.specs import baseline, change, write_spec

RULE = BY_ID["budget-within-limit"]


def context(**changes):
    return dataclasses.replace(CONTEXT, **changes)


def test_within_the_limit_passes() -> None:
    assert RULE([], context(budget_limit_usd=6000.0, estimated_monthly_usd=Decimal("3038.80"))).status is Status.PASS


def test_over_the_limit_fails_with_both_amounts() -> None:
    outcome = RULE([], context(budget_limit_usd=1000.0, estimated_monthly_usd=Decimal("3038.80")))
    assert (outcome.status, outcome.path, outcome.message) == (
        Status.FAIL, "budget.monthlyLimitUsd", "estimated $3038.80 per month exceeds the $1000.00 budget")


def test_unpriced_components_make_an_under_limit_estimate_unknown() -> None:
    outcome = RULE([], context(budget_limit_usd=6000.0, estimated_monthly_usd=Decimal("100"), unpriced_components=2))
    assert outcome.status is Status.UNKNOWN
    # ...but a lower bound already over the limit is a failure
    over = RULE([], context(budget_limit_usd=50.0, estimated_monthly_usd=Decimal("100"), unpriced_components=2))
    assert over.status is Status.FAIL


def test_no_budget_is_not_applicable_and_no_estimate_is_unknown() -> None:
    assert RULE([], context(budget_limit_usd=None)).status is Status.NOT_APPLICABLE
    assert RULE([], context(budget_limit_usd=10.0, estimated_monthly_usd=None)).status is Status.UNKNOWN


@pytest.mark.parametrize("cloud", list(target_names()))
def test_runner_feeds_the_estimator(cloud: str) -> None:
    data = change(baseline(), "budget.monthlyLimitUsd", 100)
    stack = parse_stack(data, cloud, base_dir=STACKS)
    graph = preview(stack, cloud)
    total = estimate(graph, stack).total_monthly
    report = evaluate(stack, graph)
    (violation,) = [v for v in report.violations if v.policy == "budget-within-limit"]
    assert violation.enforcement == "mandatory" and violation.status == "fail"
    assert violation.message == f"estimated ${total:.2f} per month exceeds the $100.00 budget"
    assert report.mandatory_failed


def test_cli_exits_1_when_the_estimate_breaks_the_budget(tmp_path: Path, capsys) -> None:
    spec = write_spec(tmp_path, change(baseline(), "budget.monthlyLimitUsd", 100))
    assert main(["policy", str(spec), "--provider", "aws"]) == 1
    assert "budget-within-limit" in capsys.readouterr().out
