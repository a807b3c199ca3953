"""The continuous pipeline's cost on AWS, worked out by hand from the spec and the dated catalog.

stacks/continuous-training.yaml: schedule "0 4 * * 1" (weekly: 52/12 runs a month), 12 trials of
one ml.m7i-flex.xlarge for at most 60 minutes, the gate's processing on one ml.m5.large for at most
3600 s, two transforms (candidate and serving) of training.gateTransformHoursPerRun = 0.25 h each.
"""

from __future__ import annotations

from decimal import Decimal

from mlopskit.cost import estimate
from tests.cost.helpers import built

RUNS = Decimal(52) / Decimal(12)


def test_tuning_evaluation_and_predictions_are_priced_per_scheduled_run() -> None:
    stack, graph = built("continuous-training.yaml", "aws")
    result = estimate(graph, stack)
    [pipeline] = [r for r in result.resources if r.name.endswith("training-churn-train-pipeline")]
    lines = {c.component.name: c for c in pipeline.components}
    assert set(lines) == {"Tuning (12 trials) instance usage (on-demand, ml.m7i-flex.xlarge)",
                          "Evaluation gate predictions (on-demand, ml.m5.xlarge)",
                          "Evaluation gate processing (ml.m5.large)"}
    tuning = lines["Tuning (12 trials) instance usage (on-demand, ml.m7i-flex.xlarge)"]
    assert tuning.component.monthly_quantity == 12 * 1 * RUNS * 1  # trials x instances x runs x hours
    assert round(tuning.component.monthly_quantity, 6) == 52
    processing = lines["Evaluation gate processing (ml.m5.large)"]
    assert processing.component.monthly_quantity == RUNS
    predictions = [c for c in pipeline.components if c.component.name.startswith("Evaluation gate predictions")]
    assert [c.component.monthly_quantity for c in predictions] == [Decimal("0.25") * RUNS] * 2
    assert all(c.status != "price-not-found" for c in pipeline.components)
    # 52 h x $0.255713 (catalog row sagemaker-training ml.m7i-flex.xlarge eu-west-1)
    assert round(tuning.monthly_cost, 2) == Decimal("13.30")
