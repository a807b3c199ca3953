"""Data drift and data quality per feature, from mergeable counts over bins fixed by the baseline.

- PSI = sum_i (q_i - p_i) * ln(q_i / p_i), p the baseline's and q the window's share of bin i
  (Siddiqi, *Credit Risk Scorecards*, 2006; a zero share is replaced by ``EPSILON``). PSI of
  [0.5, 0.5] vs [0.25, 0.75] is 0.27465.
- Jensen-Shannon distance (base 2, in [0, 1]) of the same binned shares
  (``scipy.spatial.distance.jensenshannon``).
- Kolmogorov-Smirnov two-sample test for numeric features, on the reservoir samples
  (``scipy.stats.ks_2samp``); chi-square test of homogeneity for categorical ones, on the full
  counts (``scipy.stats.chi2_contingency``).
- Data quality: null, type-error (a value that is not a number in a numeric feature) and
  out-of-range (outside the baseline's [min, max], or a category the baseline never had) rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

EPSILON = 1e-4
OTHER = "__other__"
MAX_CATEGORIES = 50
NUMERIC_SHARE = 0.95  # a baseline column is numeric when this share of its values parse as numbers


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """Population stability index of two distributions over the same bins (shares or counts)."""
    p = _shares(expected)
    q = _shares(actual)
    return float(np.sum((q - p) * np.log(q / p)))


def js_distance(expected: np.ndarray, actual: np.ndarray) -> float:
    """Jensen-Shannon distance, base 2 (0 identical, 1 disjoint)."""
    return float(jensenshannon(_shares(expected), _shares(actual), base=2))


def _shares(counts: np.ndarray) -> np.ndarray:
    values = np.asarray(counts, dtype=float)
    total = values.sum()
    shares = values / total if total > 0 else np.full(len(values), 1 / len(values))
    return np.where(shares > 0, shares, EPSILON)


def ks_test(baseline: np.ndarray, current: np.ndarray) -> tuple[float, float]:
    """(statistic, p-value) of the two-sample Kolmogorov-Smirnov test."""
    result = stats.ks_2samp(baseline, current)
    return float(result.statistic), float(result.pvalue)


def chi_square_test(baseline_counts: np.ndarray, current_counts: np.ndarray) -> tuple[float, float]:
    """(statistic, p-value) of the chi-square test that both count vectors share one distribution."""
    table = np.vstack([baseline_counts, current_counts]).astype(float)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 0.0, 1.0
    statistic, p_value, _, _ = stats.chi2_contingency(table, correction=False)
    return float(statistic), float(p_value)


@dataclass(frozen=True)
class Profile:
    """What the baseline fixes for one feature: its kind, bins or categories, and its range."""

    name: str
    numeric: bool
    edges: tuple[float, ...] = ()
    categories: tuple[str, ...] = ()
    low: float = -math.inf
    high: float = math.inf

    @property
    def bin_labels(self) -> list[str]:
        if not self.numeric:
            return [*self.categories, OTHER]
        bounds = [-math.inf, *self.edges, math.inf]
        return [f"[{_fmt(a)}, {_fmt(b)})" for a, b in zip(bounds[:-1], bounds[1:])]

    def bins_of(self, values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(bin index or -1 when null/invalid, null mask, type-error mask) of raw values."""
        null = values.isna().to_numpy()
        if self.numeric:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            bad = np.isnan(numbers) & ~null
            index = np.searchsorted(np.asarray(self.edges), numbers, side="right")
            return np.where(null | bad, -1, index), null, bad
        # A JSON payload may carry an object or a list where a category belongs: a type error.
        bad = values.map(lambda v: isinstance(v, (dict, list))).to_numpy(dtype=bool) if values.dtype == object \
            else np.zeros(len(values), dtype=bool)
        codes = pd.Index(list(self.categories), dtype=object).get_indexer(values.astype(str).astype(object))
        index = np.where(codes < 0, len(self.categories), codes)
        return np.where(null | bad, -1, index), null, bad

    def out_of_range(self, values: pd.Series, index: np.ndarray) -> int:
        if self.numeric:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            return int(np.sum((numbers < self.low) | (numbers > self.high)))
        return int(np.sum(index == len(self.categories)))


def _fmt(value: float) -> str:
    return "-inf" if value == -math.inf else "inf" if value == math.inf else f"{value:.4g}"


def profile(name: str, sample: pd.Series, low: float, high: float, bins: int, categorical: bool) -> Profile:
    """A feature's profile from a baseline sample (quantile edges) and the full baseline range."""
    present = sample.dropna()
    numbers = pd.to_numeric(present, errors="coerce")
    numeric = not categorical and len(present) > 0 and numbers.notna().mean() >= NUMERIC_SHARE
    if numeric:
        quantiles = np.quantile(numbers.dropna().to_numpy(dtype=float), np.linspace(0, 1, bins + 1)[1:-1])
        return Profile(name, True, edges=tuple(float(e) for e in np.unique(quantiles)), low=low, high=high)
    counts = present.astype(str).value_counts()
    return Profile(name, False, categories=tuple(str(c) for c in counts.index[:MAX_CATEGORIES]))


@dataclass
class Counts:
    """Mergeable counts of one feature over its profile's bins."""

    bins: np.ndarray
    rows: int = 0
    nulls: int = 0
    type_errors: int = 0
    out_of_range: int = 0

    @classmethod
    def empty(cls, profile: Profile) -> Counts:
        return cls(np.zeros(len(profile.bin_labels), dtype=np.int64))

    def update(self, profile: Profile, values: pd.Series) -> None:
        index, null, bad = profile.bins_of(values)
        self.bins += np.bincount(index[index >= 0], minlength=len(self.bins))
        self.rows += len(values)
        self.nulls += int(null.sum())
        self.type_errors += int(bad.sum())
        self.out_of_range += profile.out_of_range(values, index)

    def merge(self, other: Counts) -> None:
        self.bins += other.bins
        self.rows, self.nulls = self.rows + other.rows, self.nulls + other.nulls
        self.type_errors += other.type_errors
        self.out_of_range += other.out_of_range

    def rates(self) -> dict[str, float]:
        rows = max(self.rows, 1)
        return {"null_rate": self.nulls / rows, "type_error_rate": self.type_errors / rows,
                "out_of_range_rate": self.out_of_range / rows}


@dataclass
class FeatureDrift:
    """One feature's drift verdict with the evidence the report shows."""

    name: str
    numeric: bool
    psi: float
    js_distance: float
    test: str
    statistic: float
    p_value: float
    drifted: bool
    bins: list[str] = field(default_factory=list)
    baseline_share: list[float] = field(default_factory=list)
    current_share: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def feature_drift(profile: Profile, baseline: Counts, current: Counts, baseline_sample: pd.Series | None,
                  current_sample: pd.Series | None, psi_threshold: float) -> FeatureDrift:
    """Compare one feature's window with its baseline. It drifts when PSI exceeds the threshold;
    the test's p-value is evidence in the report (with large windows any tiny shift is significant)."""
    value = psi(baseline.bins, current.bins)
    if profile.numeric and baseline_sample is not None and current_sample is not None:
        a = pd.to_numeric(baseline_sample, errors="coerce").dropna().to_numpy(dtype=float)
        b = pd.to_numeric(current_sample, errors="coerce").dropna().to_numpy(dtype=float)
        statistic, p_value = ks_test(a, b) if len(a) and len(b) else (0.0, 1.0)
        test = "ks"
    else:
        statistic, p_value = chi_square_test(baseline.bins, current.bins)
        test = "chi2"
    base_total, cur_total = max(baseline.bins.sum(), 1), max(current.bins.sum(), 1)
    return FeatureDrift(profile.name, profile.numeric, value, js_distance(baseline.bins, current.bins), test,
                        statistic, p_value, value > psi_threshold, profile.bin_labels,
                        [float(x) / base_total for x in baseline.bins], [float(x) / cur_total for x in current.bins])
