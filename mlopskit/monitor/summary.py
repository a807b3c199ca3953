"""The report of one window: every family's result, the metrics to publish, the violations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from mlopskit.monitor import attribution
from mlopskit.monitor.contract import METRICS
from mlopskit.monitor.drift import feature_drift
from mlopskit.monitor.quality import auc, auc_bound
from mlopskit.monitor.readers import PREDICTION
from mlopskit.monitor.reservoir import dkw_epsilon
from mlopskit.monitor.slices import overall_error

if TYPE_CHECKING:
    from mlopskit.monitor.window import Sources, Window

LABEL = "__label__"


def _drift(window: Window) -> dict[str, Any]:
    s, base = window.settings, window.baseline
    current = window.sample.sample
    features = {}
    for p in base.profiles:
        result = feature_drift(p, base.counts[p.name], window.counts[p.name], base.sample.get(p.name),
                               current.get(p.name), s.psi_threshold)
        features[p.name] = {**result.as_dict(), **window.counts[p.name].rates()}
    drifted = [name for name, f in features.items() if f["drifted"]]
    return {"share": len(drifted) / max(len(features), 1), "psi_threshold": s.psi_threshold,
            "drifted": drifted, "features": features}


def _quality(window: Window) -> dict[str, Any]:
    s = window.settings
    if not s.problem_type:
        return {"skipped": "no problemType in the settings"}
    if window.quality.rows == 0:
        return {"skipped": "no labels joined in this window: no quality metric is published"}
    sample = window.labelled_sample.sample
    value, why, bound = None, "", None
    if s.problem_type == "binary-classification":
        value, why = auc(sample[LABEL], sample[PREDICTION], s.positive_label)
        bound = None if window.labelled_sample.exact else auc_bound(sample[LABEL], s.positive_label)
    metrics = window.quality.metrics(value)
    out: dict[str, Any] = {"problem_type": s.problem_type, "rows": window.quality.rows, "metrics": metrics,
                           "thresholds": dict(s.quality_thresholds)}
    if s.problem_type == "binary-classification":
        out["auc"] = {"exact": window.labelled_sample.exact, "error_bound_95": bound, "missing": why or None}
    return out


def _bias(window: Window) -> dict[str, Any]:
    if not window.bias:
        return {"skipped": "no facets in the settings"}
    if window.settings.problem_type not in (None, "binary-classification"):
        return {"skipped": "bias metrics are defined for binary outcomes"}
    return {"facets": {name: counts.metrics() for name, counts in window.bias.items()},
            "thresholds": dict(window.settings.bias_thresholds)}


def _attribution(window: Window) -> dict[str, Any]:
    base, current = window.baseline.sample, window.sample.sample
    if PREDICTION not in base.columns or base[PREDICTION].isna().all():
        return {"skipped": "the baseline holds no served outputs (column 'prediction')"}
    names = [p.name for p in window.baseline.profiles]
    seed = window.settings.seed
    before = attribution.importances(attribution.encode(base, window.baseline.profiles), base[PREDICTION], seed)
    after = attribution.importances(attribution.encode(current, window.baseline.profiles), current[PREDICTION], seed)
    if before is None or after is None:
        return {"skipped": "too few served outputs to learn a surrogate"}
    return {"ndcg": attribution.ndcg(before, after), "threshold": window.settings.attribution_threshold,
            "baseline_ranking": attribution.ranking(names, before), "current_ranking": attribution.ranking(names, after),
            "sample_rows": {"baseline": len(base), "window": len(current)}}


def _slices(window: Window) -> dict[str, Any]:
    if window.labelled == 0 or not window.settings.problem_type:
        return {"skipped": "no labelled rows", "slices": []}
    labels = {p.name: p.bin_labels for p in window.baseline.profiles}
    first = window.baseline.profiles[0].name
    measure = "mean absolute error" if window.settings.problem_type == "regression" else "error rate"
    return {"measure": measure, "overall": overall_error(window.slices, first),
            "slices": window.slices.worst(labels, window.quality.rows, window.settings.worst_slices)}


def _metric(name: str, value: float | None, **dimensions: str) -> dict[str, Any]:
    assert name in METRICS, name  # the contract lists every metric the job may publish
    return {"name": name, "value": value, "dimensions": dimensions}


def _published(report: dict[str, Any]) -> list[dict[str, Any]]:
    """What the publishers send: defined values only (an undefined metric is not a zero)."""
    out = [_metric("drift_share", report["drift"]["share"]), _metric("captured_rows", report["rows"]["captured"]),
           _metric("labelled_rows", report["rows"]["labelled"])]
    features = report["drift"]["features"]
    out += [_metric("feature_psi", f["psi"], Feature=name) for name, f in features.items()]
    for rate in ("null_rate", "type_error_rate", "out_of_range_rate"):
        out.append(_metric(rate, max((f[rate] for f in features.values()), default=0.0)))
    for metric, value in report["quality"].get("metrics", {}).items():
        out.append(_metric(f"quality_{metric}", value))
    for facet, values in report["bias"].get("facets", {}).items():
        for value, metrics in values.items():
            out += [_metric(f"bias_{m}", v, Facet=facet, FacetValue=value) for m, v in metrics.items()]
    if report["attribution"].get("ndcg") is not None:
        out.append(_metric("attribution_ndcg", report["attribution"]["ndcg"]))
    return [m for m in out if m["value"] is not None and np.isfinite(m["value"])]


def _thresholds(window: Window) -> dict[str, float]:
    s = window.settings
    return {"drift_share": s.drift_share_threshold, "attribution_ndcg": s.attribution_threshold,
            **{f"quality_{m}": t for m, t in s.quality_thresholds.items()},
            **{f"bias_{m}": t for m, t in s.bias_thresholds.items()}}


def _violations(report: dict[str, Any], thresholds: dict[str, float]) -> list[dict[str, Any]]:
    found = []
    for m in report["metrics"]:
        threshold = thresholds.get(m["name"])
        if threshold is None:
            continue
        below = METRICS[m["name"]].alarm_below
        if (m["value"] < threshold) if below else (m["value"] > threshold):
            found.append({**m, "threshold": threshold, "fires": "below" if below else "above"})
    return found


def build_report(window: Window, sources: Sources, end: datetime) -> dict[str, Any]:
    s = window.settings
    unmatched_labels = len(set(window.labels) - window.matched_ids)
    report: dict[str, Any] = {
        "stack": s.stack, "endpoint": s.endpoint, "window_end": end.isoformat(),
        "sources": {"captures": str(sources.captures), "capture_format": sources.capture_format,
                    "baseline": str(sources.baseline), "labels": str(sources.labels) if sources.labels else None},
        "rows": {"captured": window.rows, "labelled": window.labelled, "awaiting_labels": window.awaiting,
                 "unmatched_captures": window.rows - window.labelled - window.awaiting,
                 "unmatched_labels": unmatched_labels},
        "method": {
            "mergeable": "bin counts on baseline-fixed bins (PSI, Jensen-Shannon, chi-square, data quality), "
                         "confusion counts and error sums (quality), per-facet counts (bias), per-slice error sums",
            "sampled": "KS, AUC and attribution use a seeded reservoir sample",
            "reservoir_size": s.reservoir_size, "window_sample_exact": window.sample.exact,
            "ks_cdf_error_bound_95": None if window.sample.exact else dkw_epsilon(len(window.sample.sample)),
        },
        "drift": _drift(window), "quality": _quality(window), "bias": _bias(window),
        "attribution": _attribution(window), "worst_slices": _slices(window),
    }
    report["metrics"] = _published(report)
    report["thresholds"] = _thresholds(window)
    report["violations"] = _violations(report, report["thresholds"])
    return report
