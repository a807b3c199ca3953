"""Feature-attribution drift without calling the endpoint or downloading the model.

A surrogate model (a regression tree) learns the served behaviour (captured inputs -> served
outputs) on a sample of the baseline and of the window; each feature's permutation importance on the surrogate
(scikit-learn ``permutation_importance``) ranks the features; the window's ranking is scored
against the baseline's with nDCG (the measure Clarify's attribution drift uses), relevance being
the baseline's importance:

    DCG = sum_k rel(f_k) / log2(k + 2) over the window's ranking f_0, f_1, ...
    nDCG = DCG / DCG of the baseline's own ranking (1 = same order of what mattered)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlopskit.monitor.drift import Profile


def encode(frame: pd.DataFrame, profiles: Sequence[Profile]) -> pd.DataFrame:
    """Numbers as numbers (NaN where missing), categories as their baseline codes (-1 unseen)."""
    columns = {}
    for p in profiles:
        values = frame[p.name] if p.name in frame.columns else pd.Series([None] * len(frame))
        if p.numeric:
            columns[p.name] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        else:
            codes = pd.Index(list(p.categories), dtype=object).get_indexer(values.astype(str).astype(object))
            columns[p.name] = codes.astype(float)
    return pd.DataFrame(columns)


def importances(features: pd.DataFrame, served: pd.Series, seed: int) -> np.ndarray | None:
    """Permutation importance of each column for a surrogate of ``served``; None if not learnable.

    The surrogate is one regression tree (classification tree for class outputs), depth 8: it fits
    a sample of a few thousand rows in well under a second on one CPU, where a boosted ensemble took
    ten times longer for the same ranking; what is compared is the order of the features, not
    the surrogate's accuracy. Missing values become -1 (trees split them off like any value).
    """
    from sklearn.inspection import permutation_importance
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    target = pd.to_numeric(served, errors="coerce")
    keep = served.notna().to_numpy()
    model: Any
    if target[keep].notna().all():
        y = target.to_numpy(dtype=float)[keep]
        model = DecisionTreeRegressor(max_depth=8, min_samples_leaf=5, random_state=seed)
    else:
        y = served.astype(str).to_numpy()[keep]
        model = DecisionTreeClassifier(max_depth=8, min_samples_leaf=5, random_state=seed)
    x = np.nan_to_num(features.to_numpy(dtype=float)[keep], nan=-1.0)
    if len(y) < 20 or len(np.unique(y)) < 2:
        return None
    model.fit(x, y)
    result = permutation_importance(model, x, y, n_repeats=3, random_state=seed, n_jobs=1)
    return np.asarray(result.importances_mean, dtype=float)


def ndcg(baseline: np.ndarray, current: np.ndarray) -> float | None:
    """nDCG of the window's importance ranking, with the baseline's importances as relevance."""
    relevance = np.clip(np.asarray(baseline, dtype=float), 0, None)
    discounts = 1 / np.log2(np.arange(len(relevance)) + 2)
    ideal = float(np.sum(np.sort(relevance)[::-1] * discounts))
    if ideal <= 0:
        return None
    order = np.argsort(-np.asarray(current, dtype=float), kind="stable")
    return float(np.sum(relevance[order] * discounts) / ideal)


def ranking(names: Sequence[str], values: np.ndarray) -> list[dict[str, float]]:
    order = np.argsort(-values, kind="stable")
    return [{"feature": names[i], "importance": float(values[i])} for i in order]
