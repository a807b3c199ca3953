"""Model quality against ground truth, from mergeable counts (confusion matrices, sums).

Names are exactly the spec's (``QUALITY_METRICS``): accuracy, precision, recall, f1, auc for
classification (macro averages over classes for multiclass), mae, rmse, r2 for regression.
AUC is not mergeable: it is computed on the labelled reservoir sample (exact when the window fits
in it), with Hoeffding's bound for a two-sample U-statistic stated in the report.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mlopskit.monitor.contract import QUALITY_METRICS


def positive_mask(values: pd.Series, positive: Any) -> np.ndarray:
    """Which labels are the positive class: compared as numbers when both sides are numbers."""
    numbers = pd.to_numeric(values, errors="coerce")
    try:
        target = float(positive)
    except (TypeError, ValueError):
        return (values.astype(str) == str(positive)).to_numpy()
    if numbers.notna().all():
        return (numbers == target).to_numpy()
    return (values.astype(str) == str(positive)).to_numpy()


def predicted_positive(predictions: pd.Series, positive: Any, threshold: float) -> np.ndarray:
    """A numeric served value is a score (positive at or above ``threshold``); text is a class."""
    numbers = pd.to_numeric(predictions, errors="coerce")
    if numbers.notna().all():
        return (numbers >= threshold).to_numpy()
    return (predictions.astype(str) == str(positive)).to_numpy()


@dataclass
class Quality:
    """Mergeable quality counts for one problem type."""

    problem_type: str
    positive: Any = 1
    threshold: float = 0.5
    binary: np.ndarray = field(default_factory=lambda: np.zeros(4, dtype=np.int64))  # tp, fp, fn, tn
    pairs: Counter = field(default_factory=Counter)  # multiclass (label, predicted) -> count
    sums: np.ndarray = field(default_factory=lambda: np.zeros(5))  # n, sum|e|, sum e^2, sum y, sum y^2

    def update(self, labels: pd.Series, predictions: pd.Series) -> None:
        if self.problem_type == "binary-classification":
            truth = positive_mask(labels, self.positive)
            guess = predicted_positive(predictions, self.positive, self.threshold)
            self.binary += np.array([np.sum(truth & guess), np.sum(~truth & guess), np.sum(truth & ~guess),
                                     np.sum(~truth & ~guess)], dtype=np.int64)
        elif self.problem_type == "multiclass-classification":
            self.pairs.update(zip(_classes(labels), _classes(predictions)))
        else:
            y = pd.to_numeric(labels, errors="coerce").to_numpy(dtype=float)
            e = pd.to_numeric(predictions, errors="coerce").to_numpy(dtype=float) - y
            ok = ~np.isnan(e)
            self.sums += np.array([ok.sum(), np.abs(e[ok]).sum(), (e[ok] ** 2).sum(), y[ok].sum(), (y[ok] ** 2).sum()])

    def merge(self, other: Quality) -> None:
        self.binary += other.binary
        self.pairs.update(other.pairs)
        self.sums += other.sums

    @property
    def rows(self) -> int:
        if self.problem_type == "binary-classification":
            return int(self.binary.sum())
        if self.problem_type == "multiclass-classification":
            return sum(self.pairs.values())
        return int(self.sums[0])

    def metrics(self, auc: float | None) -> dict[str, float | None]:
        """Every metric of this problem type; None where it is undefined (a zero denominator)."""
        if self.problem_type == "binary-classification":
            tp, fp, fn, tn = (int(x) for x in self.binary)
            values = {"accuracy": _ratio(tp + tn, tp + fp + fn + tn), **_prf(tp, fp, fn), "auc": auc}
        elif self.problem_type == "multiclass-classification":
            values = self._multiclass()
        else:
            n, abs_sum, sq_sum, y_sum, y_sq = self.sums
            total = y_sq - y_sum ** 2 / n if n else 0.0
            values = {"mae": _ratio(abs_sum, n), "rmse": math.sqrt(sq_sum / n) if n else None,
                      "r2": 1 - sq_sum / total if n and total > 0 else None}
        return {name: values[name] for name in QUALITY_METRICS[self.problem_type]}

    def _multiclass(self) -> dict[str, float | None]:
        classes = sorted({c for pair in self.pairs for c in pair})
        total = sum(self.pairs.values())
        correct = sum(n for (a, b), n in self.pairs.items() if a == b)
        per_class = []
        for c in classes:
            tp = self.pairs.get((c, c), 0)
            fp = sum(n for (a, b), n in self.pairs.items() if b == c and a != c)
            fn = sum(n for (a, b), n in self.pairs.items() if a == c and b != c)
            per_class.append(_prf(tp, fp, fn))
        macro = {k: float(np.mean([p[k] or 0.0 for p in per_class])) if per_class else None
                 for k in ("precision", "recall", "f1")}
        return {"accuracy": _ratio(correct, total), **macro}

    def errors(self, labels: pd.Series, predictions: pd.Series) -> np.ndarray:
        """Per-row error for the worst slices: 1/0 for a wrong/right class, |error| for regression."""
        if self.problem_type == "binary-classification":
            truth = positive_mask(labels, self.positive)
            return (truth != predicted_positive(predictions, self.positive, self.threshold)).astype(float)
        if self.problem_type == "multiclass-classification":
            return (np.array(_classes(labels)) != np.array(_classes(predictions))).astype(float)
        y = pd.to_numeric(labels, errors="coerce").to_numpy(dtype=float)
        return np.abs(pd.to_numeric(predictions, errors="coerce").to_numpy(dtype=float) - y)


def _classes(values: pd.Series) -> list:
    """Class names as text; "1" and "1.0" are one class."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all():
        return [f"{x:g}" for x in numbers]
    return [str(v) for v in values]


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator) / denominator if denominator else None


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    return {"precision": precision, "recall": recall, "f1": f1}


def auc(labels: pd.Series, scores: pd.Series, positive: Any) -> tuple[float | None, str]:
    """ROC AUC (Mann-Whitney U / (n_pos n_neg), ties count half) and why it is missing if it is."""
    numbers = pd.to_numeric(scores, errors="coerce")
    if numbers.isna().any():
        return None, "served values are classes, not scores"
    truth = positive_mask(labels, positive)
    positives, negatives = int(truth.sum()), int((~truth).sum())
    if positives == 0 or negatives == 0:
        return None, "the labelled rows hold one class only"
    from scipy.stats import rankdata

    ranks = rankdata(numbers.to_numpy(dtype=float))
    u = ranks[truth].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives)), ""


def auc_bound(labels: pd.Series, positive: Any, alpha: float = 0.05) -> float | None:
    """Hoeffding's bound for a two-sample U-statistic: sqrt(ln(2/alpha) / (2 min(n_pos, n_neg)))."""
    truth = positive_mask(labels, positive)
    smaller = min(int(truth.sum()), int((~truth).sum()))
    return math.sqrt(math.log(2 / alpha) / (2 * smaller)) if smaller else None
