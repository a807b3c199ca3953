"""Every metric family on hand-worked inputs first, then seeded samples either side of the
threshold, then an independent library as an oracle where one exists (scikit-learn, fairlearn)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mlopskit.monitor import attribution
from mlopskit.monitor.bias import BiasCounts, Group, bias_metrics
from mlopskit.monitor.drift import Counts, chi_square_test, js_distance, ks_test, profile, psi
from mlopskit.monitor.quality import Quality, auc
from mlopskit.monitor.reservoir import Reservoir, dkw_epsilon

# ------------------------------------------------------------------ drift


def test_psi_by_hand() -> None:
    # (0.25 - 0.5) ln(0.25/0.5) + (0.75 - 0.5) ln(0.75/0.5) = 0.17329 + 0.10137
    assert psi(np.array([0.5, 0.5]), np.array([0.25, 0.75])) == pytest.approx(0.27465, abs=5e-6)
    assert psi(np.array([50, 50]), np.array([25, 75])) == pytest.approx(0.27465, abs=5e-6)  # counts work too
    assert psi(np.array([1, 1]), np.array([1, 1])) == 0.0


def test_js_distance_by_hand() -> None:
    # disjoint distributions are 1 apart (base 2); identical ones 0
    assert js_distance(np.array([1, 0]), np.array([0, 1])) == pytest.approx(1.0, abs=1e-3)
    assert js_distance(np.array([3, 1]), np.array([3, 1])) == 0.0


def _binned(baseline: np.ndarray, current: np.ndarray) -> tuple[Counts, Counts]:
    p = profile("x", pd.Series(baseline), float(baseline.min()), float(baseline.max()), 10, False)
    a, b = Counts.empty(p), Counts.empty(p)
    a.update(p, pd.Series(baseline))
    b.update(p, pd.Series(current))
    return a, b


def test_same_distribution_stays_below_and_shift_goes_above() -> None:
    rng = np.random.default_rng(7)
    baseline, same, shifted = rng.normal(0, 1, 5000), rng.normal(0, 1, 5000), rng.normal(0.8, 1, 5000)
    a, b = _binned(baseline, same)
    assert psi(a.bins, b.bins) < 0.1
    assert ks_test(baseline, same)[1] > 0.01
    a, c = _binned(baseline, shifted)
    assert psi(a.bins, c.bins) > 0.2
    assert ks_test(baseline, shifted)[1] < 1e-6


def test_chi_square_on_categories() -> None:
    rng = np.random.default_rng(3)
    values = np.array(["a", "b", "c", "d"])
    baseline = rng.choice(values, 4000, p=[0.25] * 4)
    same, shifted = rng.choice(values, 4000, p=[0.25] * 4), rng.choice(values, 4000, p=[0.55, 0.15, 0.15, 0.15])
    p = profile("c", pd.Series(baseline), math.inf, -math.inf, 10, True)
    counts = {}
    for name, data in (("base", baseline), ("same", same), ("shift", shifted)):
        counts[name] = Counts.empty(p)
        counts[name].update(p, pd.Series(data))
    assert chi_square_test(counts["base"].bins, counts["same"].bins)[1] > 0.01
    assert psi(counts["base"].bins, counts["same"].bins) < 0.1
    assert chi_square_test(counts["base"].bins, counts["shift"].bins)[1] < 1e-6
    assert psi(counts["base"].bins, counts["shift"].bins) > 0.2


def test_data_quality_rates() -> None:
    p = profile("x", pd.Series(["1", "2", "3", "4"]), 1.0, 4.0, 4, False)
    counts = Counts.empty(p)
    counts.update(p, pd.Series(["2", None, "abc", "9", "3"]))  # 1 null, 1 type error, 1 out of range
    assert counts.rates() == {"null_rate": 0.2, "type_error_rate": 0.2, "out_of_range_rate": 0.2}
    cat = profile("c", pd.Series(["a", "b"]), math.inf, -math.inf, 4, True)
    counts = Counts.empty(cat)
    counts.update(cat, pd.Series(["a", "z", None, "b"]))  # "z" was never in the baseline
    assert counts.rates() == {"null_rate": 0.25, "type_error_rate": 0.0, "out_of_range_rate": 0.25}


def test_counts_merge_equals_one_pass() -> None:
    rng = np.random.default_rng(1)
    data = rng.normal(0, 1, 1000)
    p = profile("x", pd.Series(data), float(data.min()), float(data.max()), 10, False)
    whole, left, right = Counts.empty(p), Counts.empty(p), Counts.empty(p)
    whole.update(p, pd.Series(data))
    left.update(p, pd.Series(data[:300]))
    right.update(p, pd.Series(data[300:]))
    left.merge(right)
    assert left.bins.tolist() == whole.bins.tolist() and left.rows == whole.rows == 1000


# ------------------------------------------------------------------ quality

# 8 rows by hand: labels, scores (threshold 0.5)
LABELS = pd.Series([1, 1, 1, 0, 0, 0, 1, 0])
SCORES = pd.Series([0.9, 0.8, 0.3, 0.6, 0.2, 0.1, 0.7, 0.4])


def test_accuracy_precision_recall_f1_and_auc_on_eight_rows() -> None:
    quality = Quality("binary-classification")
    quality.update(LABELS, SCORES)
    # predicted: 1 1 0 1 0 0 1 0 -> TP 3 (rows 0,1,6), FP 1 (row 3), FN 1 (row 2), TN 3
    value, _ = auc(LABELS, SCORES, 1)
    metrics = quality.metrics(value)
    assert metrics["accuracy"] == 6 / 8
    assert metrics["precision"] == 3 / 4 and metrics["recall"] == 3 / 4 and metrics["f1"] == 3 / 4
    # positives' scores 0.9 0.8 0.7 0.3 vs negatives' 0.6 0.4 0.2 0.1: 14 of 16 pairs ordered right
    assert metrics["auc"] == 14 / 16
    from sklearn.metrics import accuracy_score, roc_auc_score

    assert metrics["accuracy"] == accuracy_score(LABELS, SCORES >= 0.5)
    assert metrics["auc"] == roc_auc_score(LABELS, SCORES)


def test_regression_and_multiclass_by_hand() -> None:
    regression = Quality("regression")
    regression.update(pd.Series([1.0, 2.0, 3.0, 4.0]), pd.Series([1.5, 2.0, 2.0, 4.0]))
    # errors 0.5 0 -1 0: mae 0.375, rmse sqrt(1.25/4), r2 = 1 - 1.25 / 5
    assert regression.metrics(None) == {"mae": 0.375, "rmse": math.sqrt(1.25 / 4), "r2": 0.75}
    multi = Quality("multiclass-classification")
    multi.update(pd.Series(["a", "a", "b", "c"]), pd.Series(["a", "b", "b", "c"]))
    metrics = multi.metrics(None)
    assert metrics["accuracy"] == 0.75
    # precision a 1, b 1/2, c 1 -> 5/6; recall a 1/2, b 1, c 1 -> 5/6
    assert metrics["precision"] == pytest.approx(5 / 6) and metrics["recall"] == pytest.approx(5 / 6)


def test_quality_counts_merge() -> None:
    whole, left, right = (Quality("binary-classification") for _ in range(3))
    whole.update(LABELS, SCORES)
    left.update(LABELS[:3], SCORES[:3])
    right.update(LABELS[3:], SCORES[3:])
    left.merge(right)
    assert left.metrics(None) == whole.metrics(None)


# ------------------------------------------------------------------ bias


def _counts(facet: list, predicted: list, truth: list) -> BiasCounts:
    counts = BiasCounts()
    counts.update(np.array(facet), np.array(predicted, dtype=bool), np.array(truth, dtype=bool))
    return counts


def test_dppl_and_di_equal_fairlearn_demographic_parity() -> None:
    fairlearn = pytest.importorskip("fairlearn.metrics")
    rng = np.random.default_rng(11)
    group = rng.choice(["a", "d"], 2000)
    # the facet d gets the lower positive rate
    predicted = np.where(group == "a", rng.random(2000) < 0.6, rng.random(2000) < 0.35)
    truth = rng.random(2000) < 0.5
    metrics = _counts(group.tolist(), predicted.tolist(), truth.tolist()).metrics()["d"]
    difference = fairlearn.demographic_parity_difference(truth, predicted, sensitive_features=group)
    ratio = fairlearn.demographic_parity_ratio(truth, predicted, sensitive_features=group)
    assert metrics["DPPL"] == pytest.approx(difference, abs=1e-12)
    assert metrics["DI"] == pytest.approx(ratio, abs=1e-12)


# One hand example per metric. Group a: TP 4, FP 1, FN 2, TN 3 (n 10, predicted positive 5);
# group d: TP 1, FP 1, FN 3, TN 5 (n 10, predicted positive 2).
A, D = Group(10, 5, 4, 1, 2, 3), Group(10, 2, 1, 1, 3, 5)


@pytest.mark.parametrize(("metric", "expected", "page"), [
    # q'a = 5/10, q'd = 2/10
    ("DPPL", 0.5 - 0.2, "clarify-post-training-bias-metric-dppl"),
    ("DI", 0.2 / 0.5, "clarify-post-training-bias-metric-di"),
    # accuracy a (4+3)/10, d (1+5)/10
    ("AD", 0.7 - 0.6, "clarify-post-training-bias-metric-ad"),
    # recall a 4/6, d 1/4
    ("RD", 4 / 6 - 1 / 4, "clarify-post-training-bias-metric-rd"),
    # precision a 4/5, d 1/2
    ("DAR", 4 / 5 - 1 / 2, "clarify-post-training-bias-metric-dar"),
    # TN / predicted negatives: d 5/8, a 3/5
    ("DRR", 5 / 8 - 3 / 5, "clarify-post-training-bias-metric-drr"),
    # observed positives / predicted positives: a 6/5, d 4/2
    ("DCA", 6 / 5 - 4 / 2, "clarify-post-training-bias-metric-dca"),
    # observed negatives / predicted negatives: d 6/8, a 4/5
    ("DCR", 6 / 8 - 4 / 5, "clarify-post-training-bias-metric-dcr"),
])
def test_clarify_metric_by_hand(metric: str, expected: float, page: str) -> None:
    """Formula from docs.aws.amazon.com/sagemaker/latest/dg/<page>.html."""
    assert bias_metrics(A, D)[metric] == pytest.approx(expected, abs=1e-12)


def test_bias_counts_build_the_same_groups_from_rows() -> None:
    facet = ["a"] * 10 + ["d"] * 10
    # a: 4 TP, 1 FP, 2 FN, 3 TN; d: 1 TP, 1 FP, 3 FN, 5 TN
    predicted = [1] * 4 + [1] + [0] * 2 + [0] * 3 + [1] + [1] + [0] * 3 + [0] * 5
    truth = [1] * 4 + [0] + [1] * 2 + [0] * 3 + [1] + [0] + [1] * 3 + [0] * 5
    assert _counts(facet, predicted, truth).metrics()["d"] == bias_metrics(A, D)


def test_an_undefined_metric_is_none_not_zero() -> None:
    no_predicted_positive = Group(4, 0, 0, 0, 2, 2)
    assert bias_metrics(A, no_predicted_positive)["DAR"] is None
    assert bias_metrics(no_predicted_positive, A)["DI"] is None


# ------------------------------------------------------------------ attribution


def _served(weights: np.ndarray, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.normal(0, 1, (1500, 5)), columns=[f"x{i}" for i in range(5)])
    return x, pd.Series(x.to_numpy() @ weights)


def test_ndcg_by_hand() -> None:
    assert attribution.ndcg(np.array([3.0, 2.0, 1.0]), np.array([0.9, 0.5, 0.1])) == 1.0
    # order 2,1,0 over relevances 3,2,1: (1 + 2/log2 3 + 3/2) / (3 + 2/log2 3 + 1/2)
    expected = (1 + 2 / math.log2(3) + 3 / 2) / (3 + 2 / math.log2(3) + 1 / 2)
    assert attribution.ndcg(np.array([3.0, 2.0, 1.0]), np.array([0.1, 0.5, 0.9])) == pytest.approx(expected)


def test_ndcg_holds_when_behaviour_is_unchanged_and_drops_when_weight_moves() -> None:
    weights = np.array([3.0, 1.5, 0.5, 0.2, 0.0])
    before = attribution.importances(*_served(weights, 1), seed=0)
    same = attribution.importances(*_served(weights, 2), seed=0)
    moved = attribution.importances(*_served(np.array([0.0, 0.2, 0.5, 1.5, 3.0]), 3), seed=0)
    assert before is not None and same is not None and moved is not None
    assert attribution.ndcg(before, same) >= 0.99
    assert attribution.ndcg(before, moved) < 0.9


# ------------------------------------------------------------------ reservoir


def test_reservoir_is_seeded_bounded_exact_when_small_and_mergeable() -> None:
    frame = pd.DataFrame({"v": np.arange(10_000)})
    one, two = Reservoir(500, 5), Reservoir(500, 5)
    for start in range(0, 10_000, 1000):
        one.add(frame.iloc[start:start + 1000])
        two.add(frame.iloc[start:start + 1000])
    assert len(one.sample) == 500 and one.seen == 10_000 and not one.exact
    assert one.sample["v"].tolist() == two.sample["v"].tolist()  # seeded: the same sample every run
    assert abs(one.sample["v"].mean() - 4999.5) < 4 * 2887 / math.sqrt(500)  # uniform: mean within 4 sigma
    small = Reservoir(500, 5)
    small.add(frame.iloc[:100])
    assert small.exact and sorted(small.sample["v"]) == list(range(100))
    left, right = Reservoir(500, 1), Reservoir(500, 2)
    left.add(frame.iloc[:5000])
    right.add(frame.iloc[5000:])
    left.merge(right)
    assert len(left.sample) == 500 and left.seen == 10_000
    assert dkw_epsilon(4000) == pytest.approx(math.sqrt(math.log(40) / 8000))
