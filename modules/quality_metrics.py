"""The model-quality metrics the spec names (``monitoring.quality`` and ``training[].evaluation``).

Kept apart from the endpoint and training models so both import it: the monitor's quality job
and the training gate use exactly these names (tests/monitor/test_contract.py holds the monitor
package's own copy equal to them).
"""

from __future__ import annotations

from typing import Literal

ProblemType = Literal["binary-classification", "multiclass-classification", "regression"]
QualityMetric = Literal["accuracy", "precision", "recall", "f1", "auc", "mae", "rmse", "r2"]
_CLASSIFICATION: tuple[ProblemType, ...] = ("binary-classification", "multiclass-classification")
#: metric -> (the problem types that compute it, whether a good model scores high: the alarm
#: fires below the threshold then, above it for an error such as mae).
QUALITY_METRICS: dict[str, tuple[tuple[ProblemType, ...], bool]] = {
    "accuracy": (_CLASSIFICATION, True), "precision": (_CLASSIFICATION, True), "recall": (_CLASSIFICATION, True),
    "f1": (_CLASSIFICATION, True), "auc": (("binary-classification",), True),
    "mae": (("regression",), False), "rmse": (("regression",), False), "r2": (("regression",), True),
}
