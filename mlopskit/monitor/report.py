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


def _bars(feature: dict[str, Any]) -> str:
    """Baseline (grey) vs window (blue) share per bin, as an inline SVG."""
    bins = feature["bins"]
    width, height, top = max(360, 36 * len(bins)), 120, max([*feature["baseline_share"], *feature["current_share"], 0.01])
    step = width / max(len(bins), 1)
    parts = [f'<svg role="img" width="{width}" height="{height + 40}" viewBox="0 0 {width} {height + 40}">']
    for i, label in enumerate(bins):
        for j, (share, colour) in enumerate(((feature["baseline_share"][i], "#9aa0a6"),
                                             (feature["current_share"][i], "#1a73e8"))):
            h = height * share / top
            x = i * step + 4 + j * (step - 8) / 2
            parts.append(f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{(step - 8) / 2:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"><title>{_e(label)}: {share:.3f}</title></rect>')
        parts.append(f'<text x="{i * step + step / 2:.1f}" y="{height + 14}" font-size="9" text-anchor="middle">'
                     f'{_e(label)[:14]}</text>')
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


def to_html(report: dict[str, Any]) -> str:
    drift = report["drift"]
    sections = [
        f"<h1>Monitor report: {_e(report['stack'])} / {_e(report['endpoint'])}</h1>",
        f"<p>Window ending {_e(report['window_end'])}. Rows: "
        + ", ".join(f"{_e(k)} {_e(v)}" for k, v in report["rows"].items()) + ".</p>",
        f"<p class=method>{_e(report['method']['mergeable'])}. {_e(report['method']['sampled'])} "
        f"(size {_e(report['method']['reservoir_size'])}, exact: {_e(report['method']['window_sample_exact'])}, "
        f"KS CDF error bound at 95%: {_e(report['method']['ks_cdf_error_bound_95'])}).</p>",
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
    for family in ("quality", "bias", "attribution"):
        part = report[family]
        sections.append(f"<h2>{family.capitalize()}</h2>")
        sections.append(f"<p>{_e(part['skipped'])}</p>" if "skipped" in part else f"<pre>{_e(json.dumps(part, indent=1, default=_json_default))}</pre>")
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
