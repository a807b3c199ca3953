"""Cost handlers share their derived tables: each is built once per estimate, not per resource
(rebuilding one per resource made the AWS estimate grow 4.4x per resource from 1,200 to 12,000
resources, bench/end_to_end.py)."""

from __future__ import annotations

from typing import Any

import pytest

from mlopskit.cost import estimate
from mlopskit.modules.cost import CostContext
from tests.cost.helpers import built


def test_the_monitoring_job_table_is_built_once_per_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    # SageMaker's own monitoring is built on request only (monitoring.engine: managed, issue 25).
    from mlopskit.engine import preview
    from mlopskit.modules import parse_stack
    from mlopskit.providers.aws import cost as aws_cost
    from tests.conftest import STACKS
    from tests.specs import baseline, change

    data = change(baseline("lifecycle.yaml"), "endpoints[0].monitoring.engine", "managed")
    stack = parse_stack(data, base_dir=STACKS)
    graph = preview(stack, "aws")
    schedules = graph.of_type("aws:sagemaker/monitoringSchedule:MonitoringSchedule")
    assert len(schedules) >= 3  # drift, quality, bias, explainability
    calls: list[object] = []
    table = aws_cost._job_definitions
    monkeypatch.setattr(aws_cost, "_job_definitions", lambda ctx: calls.append(ctx) or table(ctx))
    priced = estimate(graph, stack)
    assert len(calls) == 1
    monitored = [r for r in priced.resources if r.type.endswith("MonitoringSchedule")]
    assert len(monitored) == len(schedules) and all(r.components for r in monitored)  # each one still priced


def test_memo_builds_each_table_once(monkeypatch: pytest.MonkeyPatch) -> None:
    stack, graph = built("fraud-dev.yaml", "aws")
    ctx = CostContext(stack, graph, "aws", "eu-west-1", None, lambda key: None)  # type: ignore[arg-type]
    builds: list[str] = []

    def build() -> dict[str, Any]:
        builds.append("x")
        return {"a": 1}

    assert ctx.memo("t", build) is ctx.memo("t", build)
    assert builds == ["x"]
    assert ctx.training_job(stack.training[0].name) is stack.training[0]
    assert ctx.training_job("no-such-job") is None
