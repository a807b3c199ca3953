"""Post-training bias per facet value: SageMaker Clarify's metrics by their published formulas.

``a`` is every other row, ``d`` the facet value examined (for a numeric facet, the rows above its
threshold). ``n'`` counts predicted labels, ``n`` observed labels; TP/FP/FN/TN per group.

- DPPL = n'a(1)/na - n'd(1)/nd  (clarify-post-training-bias-metric-dppl)
- DI   = (n'd(1)/nd) / (n'a(1)/na)  (clarify-post-training-bias-metric-di)
- AD   = ACCa - ACCd, ACC = (TP + TN) / n  (clarify-post-training-bias-metric-ad)
- RD   = TPa/(TPa + FNa) - TPd/(TPd + FNd)  (clarify-post-training-bias-metric-rd)
- DAR  = TPa/n'a(1) - TPd/n'd(1)  (clarify-post-training-bias-metric-dar)
- DRR  = TNd/n'd(0) - TNa/n'a(0)  (clarify-post-training-bias-metric-drr)
- DCA  = na(1)/n'a(1) - nd(1)/n'd(1)  (clarify-post-training-bias-metric-dca)
- DCR  = nd(0)/n'd(0) - na(0)/n'a(0)  (clarify-post-training-bias-metric-dcr)

Pages under docs.aws.amazon.com/sagemaker/latest/dg/; the same definitions are in Clarify's
open-source library (aws/amazon-sagemaker-clarify, smclarify/bias/metrics). A metric whose
denominator is zero is None ("undefined" in the report), never 0.
DPPL and DI need predictions only and use every captured row; the others use the labelled rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Group:
    """Counts of one group: all rows and predicted positives; labelled TP, FP, FN, TN."""

    n: int
    predicted_positive: int
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def __sub__(self, other: Group) -> Group:
        return Group(*(np.array(self.as_tuple()) - np.array(other.as_tuple())).tolist())

    def as_tuple(self) -> tuple:
        return (self.n, self.predicted_positive, self.tp, self.fp, self.fn, self.tn)


def _div(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _minus(x: float | None, y: float | None) -> float | None:
    return None if x is None or y is None else x - y


def bias_metrics(a: Group, d: Group) -> dict[str, float | None]:
    """The eight post-training metrics of facet group ``d`` against the rest ``a``."""
    qa, qd = _div(a.predicted_positive, a.n), _div(d.predicted_positive, d.n)
    labelled_a, labelled_d = a.tp + a.fp + a.fn + a.tn, d.tp + d.fp + d.fn + d.tn
    return {
        "DPPL": _minus(qa, qd),
        "DI": None if qa is None or qd is None else _div(qd, qa),
        "AD": _minus(_div(a.tp + a.tn, labelled_a), _div(d.tp + d.tn, labelled_d)),
        "RD": _minus(_div(a.tp, a.tp + a.fn), _div(d.tp, d.tp + d.fn)),
        "DAR": _minus(_div(a.tp, a.tp + a.fp), _div(d.tp, d.tp + d.fp)),
        "DRR": _minus(_div(d.tn, d.tn + d.fn), _div(a.tn, a.tn + a.fn)),
        "DCA": _minus(_div(a.tp + a.fn, a.tp + a.fp), _div(d.tp + d.fn, d.tp + d.fp)),
        "DCR": _minus(_div(d.tn + d.fp, d.tn + d.fn), _div(a.tn + a.fp, a.tn + a.fn)),
    }


class BiasCounts:
    """Mergeable per-facet-value counts: value -> [n, predicted positive, TP, FP, FN, TN]."""

    def __init__(self) -> None:
        self.groups: dict[str, np.ndarray] = {}

    def update(self, facet_values: np.ndarray, predicted: np.ndarray, truth: np.ndarray | None) -> None:
        """``truth`` is None for rows without labels (they count for DPPL and DI only)."""
        for value in np.unique(facet_values):
            rows = facet_values == value
            row = self.groups.setdefault(str(value), np.zeros(6, dtype=np.int64))
            row[0] += int(rows.sum())
            row[1] += int(predicted[rows].sum())
            if truth is not None:
                t, p = truth[rows], predicted[rows]
                row[2:] += [int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p)), int(np.sum(~t & ~p))]

    def merge(self, other: BiasCounts) -> None:
        for value, row in other.groups.items():
            self.groups.setdefault(value, np.zeros(6, dtype=np.int64))
            self.groups[value] += row

    def metrics(self) -> dict[str, dict[str, float | None]]:
        """Facet value -> metrics of that value against every other row."""
        total = Group(*sum(self.groups.values(), np.zeros(6, dtype=np.int64)).tolist())
        result = {}
        for value, row in sorted(self.groups.items()):
            d = Group(*row.tolist())
            result[value] = bias_metrics(total - d, d)
        return result
