"""The JSON report and a self-contained HTML report (inline SVG, no script, no external asset)."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

from mlopskit.monitor.contract import REPORT_HTML, REPORT_JSON


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _finite(value: Any) -> Any:
    """NaN and infinities become null: JSON has no such numbers, and a reader must not guess them."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(_finite(report), indent=2, sort_keys=True, default=_json_default, allow_nan=False) + "\n"


def write(report: dict[str, Any], folder: Path) -> list[Path]:
    """Write ``report.json`` and ``report.html`` into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, html_path = folder / REPORT_JSON, folder / REPORT_HTML
    json_path.write_text(to_json(report), encoding="utf-8")
    html_path.write_text(to_html(report), encoding="utf-8")
    return [json_path, html_path]


def _e(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape("" if value is None else str(value))


_LABEL_PX = 5.5  # the advance of a 9 px sans-serif character, generously: bin labels never overlap


def _bars(feature: dict[str, Any]) -> str:
    """Baseline (grey) vs window (blue) share per bin, as an inline SVG. Bin labels are whole
    (``(43.1, 49.7]``), turned 35 degrees when a row of them would not fit their bars."""
    bins = feature["bins"]
    longest = max((len(str(b)) for b in bins), default=1) * _LABEL_PX
    step = max(36.0, min(longest + 8, 72.0))
    turned = longest + 8 > step
    left = int(longest * 0.82) if turned else 0  # a turned first label reaches left of its bar
    width, height = max(360, left + int(step * len(bins)) + 40), 120
    top = max([*feature["baseline_share"], *feature["current_share"], 0.01])
    below = int(longest * 0.6) + 24 if turned else 24
    parts = [f'<svg role="img" width="{width}" height="{height + below}" viewBox="0 0 {width} {height + below}">']
    for i, label in enumerate(bins):
        for j, (share, colour) in enumerate(((feature["baseline_share"][i], "#9aa0a6"),
                                             (feature["current_share"][i], "#1a73e8"))):
            h = height * share / top
            x = left + i * step + 4 + j * (step - 8) / 2
            parts.append(f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{(step - 8) / 2:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"><title>{_e(label)}: {share:.3f}</title></rect>')
        x, y = left + i * step + step / 2, height + 14
        anchor = f'text-anchor="end" transform="rotate(-35 {x:.1f} {y})"' if turned else 'text-anchor="middle"'
        parts.append(f'<text x="{x:.1f}" y="{y}" font-size="9" {anchor}>{_e(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _threshold_rows(report: dict[str, Any]) -> list[list[Any]]:
    fired = {(v["name"], tuple(sorted(v["dimensions"].items()))) for v in report["violations"]}
    rows = []
    for m in report["metrics"]:
        if m["name"] in report["thresholds"]:
            key = (m["name"], tuple(sorted(m["dimensions"].items())))
            dims = ", ".join(f"{k}={v}" for k, v in m["dimensions"].items())
            rows.append([m["name"], dims, m["value"], report["thresholds"][m["name"]],
                         "VIOLATION" if key in fired else "ok"])
    return rows


def _method(method: dict[str, Any]) -> str:
    """How the window was summarised; the KS bound only where the sample is not the whole window."""
    bound = ("the sample holds the whole window, so KS, AUC and attribution are exact"
             if method["window_sample_exact"] else
             f"the window is larger than the sample: KS CDF error bound at 95% {_e(method['ks_cdf_error_bound_95'])}")
    return (f"<p class=method>Mergeable summaries: {_e(method['mergeable'])}. {_e(method['sampled'])} of "
            f"{_e(method['reservoir_size'])} rows; {bound}.</p>")


def _quality(part: dict[str, Any]) -> str:
    thresholds = part.get("thresholds", {})
    auc = part.get("auc") or {}
    note = (f"{_e(part['problem_type'])}, {_e(part['rows'])} labelled rows"
            + ("" if auc.get("exact", True) else f"; AUC error bound at 95% {_e(auc.get('error_bound_95'))}"))
    return f"<p>{note}</p>" + _table(["metric", "value", "threshold"],
                                     [[k, v, thresholds.get(k, "")] for k, v in part["metrics"].items()])


def _bias(part: dict[str, Any]) -> str:
    metrics = sorted({m for groups in part["facets"].values() for values in groups.values() for m in values})
    rows = [[facet, value, *(values.get(m) for m in metrics)]
            for facet, groups in part["facets"].items() for value, values in groups.items()]
    thresholds = ", ".join(f"{k} {v}" for k, v in part.get("thresholds", {}).items())
    return f"<p>Thresholds: {_e(thresholds or 'none')}</p>" + _table(["facet", "value", *metrics], rows)


def _attribution(part: dict[str, Any]) -> str:
    current = {r["feature"]: r["importance"] for r in part["current_ranking"]}
    rows = [[rank, r["feature"], r["importance"], current.get(r["feature"])]
            for rank, r in enumerate(part["baseline_ranking"], start=1)]
    return (f"<p>nDCG of the window's ranking against the baseline's: {_e(part['ndcg'])} (threshold "
            f"{_e(part['threshold'])}); permutation importance of a surrogate on {_e(part['sample_rows']['baseline'])} baseline and "
            f"{_e(part['sample_rows']['window'])} window rows.</p>"
            + _table(["baseline rank", "feature", "baseline importance", "window importance"], rows))


_FAMILIES = {"quality": _quality, "bias": _bias, "attribution": _attribution}


def to_html(report: dict[str, Any]) -> str:
    drift = report["drift"]
    sections = [
        f"<h1>Monitor report: {_e(report['stack'])} / {_e(report['endpoint'])}</h1>",
        f"<p>Window ending {_e(report['window_end'])}. Rows: "
        + ", ".join(f"{_e(k)} {_e(v)}" for k, v in report["rows"].items()) + ".</p>",
        _method(report["method"]),
        "<h2>Metrics against thresholds</h2>",
        _table(["metric", "dimensions", "value", "threshold", "status"], _threshold_rows(report)),
        f"<h2>Drift: {len(drift['drifted'])} of {len(drift['features'])} features "
        f"(share {drift['share']:.3f}; a feature drifts when PSI &gt; {drift['psi_threshold']})</h2>",
        _table(["feature", "PSI", "JS distance", "test", "p-value", "null", "type error", "out of range", "drifted"],
               [[n, f["psi"], f["js_distance"], f["test"], f["p_value"], f["null_rate"], f["type_error_rate"],
                 f["out_of_range_rate"], "DRIFT" if f["drifted"] else ""] for n, f in drift["features"].items()]),
    ]
    for name, f in drift["features"].items():
        sections.append(f"<h3>{_e(name)} (grey: baseline, blue: window)</h3>{_bars(f)}")
    for family, render in _FAMILIES.items():
        part = report[family]
        sections.append(f"<h2>{family.capitalize()}</h2>")
        sections.append(f"<p>{_e(part['skipped'])}</p>" if "skipped" in part else render(part))
    slices = report["worst_slices"]
    sections.append("<h2>Worst slices</h2>")
    sections.append(_table(["feature", "bin", "facet", "facet value", "rows", "share of traffic", slices.get("measure", "error")],
                           [[r["feature"], r["bin"], r["facet"], r["facet_value"], r["rows"], r["share"], r["error"]]
                            for r in slices["slices"]]) if slices["slices"] else f"<p>{_e(slices.get('skipped'))}</p>")
    style = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}"
             "td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px;text-align:left}pre{background:#f6f8fa;padding:1em;"
             "overflow:auto;font-size:12px}.method{color:#555}")
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Monitor report {_e(report['endpoint'])}"
            f"</title><style>{style}</style></head><body>{''.join(sections)}</body></html>\n")
