"""The comparison as ONE self-contained HTML file: inline CSS and SVG, no scripts, no fonts, no URLs.

On top: the verdict (what fails, what to watch), the summary and one cross-cloud cost chart on a
shared scale (baseline bar, maximum-autoscaling outline, the budget line; an incomplete total is
hatched and marked as a lower bound). Per cloud: the cost by part of the stack on that same scale,
the policy findings (mandatory first), every build warning with its spec path, the compute
mapping, the unpriced components, and the architecture diagram (``mlopskit.diagram.render``).
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from mlopskit.compare.model import CloudResult, Comparison, findings
from mlopskit.compare.render import _feature_matrix, _kind, _summary_rows, summary_lines
from mlopskit.console import usd
from mlopskit.diagram.render import CHAR_EM, FONT, legend, text_width, to_svg
from mlopskit.modules import targets
from mlopskit.modules.diagram import ROLE_TITLES

NEUTRAL = "#4b5563"  # a cloud without a registered colour


def target_colour(cloud: str, default: str = NEUTRAL) -> str:
    """The target's colour (``Target.colour``)."""
    found = targets.find(cloud)
    return found.colour if found is not None else default


CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#111827;background:#fff;max-width:1420px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d1d5db;padding:4px 8px;font-size:13px;text-align:left;vertical-align:top}
th{background:#f3f4f6}.num{text-align:right}.native{background:#dcfce7}.emulated{background:#fef9c3}.unsupported{background:#fee2e2}
.fail{color:#b91c1c;font-weight:600}.unknown{color:#a16207;font-weight:600}
.cloud{margin-bottom:32px}.muted{color:#6b7280;font-size:12px}code{font-size:12px}
.verdict{padding:8px 12px;border-radius:6px;margin:4px 0}.verdict.failed{background:#fee2e2}.verdict.warning{background:#fef9c3}
.verdict.ok{background:#dcfce7}
svg[viewBox]{max-width:100%;height:auto}
"""
BUDGET_COLOR = "#dc2626"
LABEL_PX = 12.0


def _scale_top(comparison: Comparison) -> Decimal:
    """The shared scale: the largest of every cloud's maximum and the budget, so bars compare."""
    values = [r.estimate.max_monthly for r in comparison.results if r.estimate]
    values += [r.estimate.budget_usd for r in comparison.results if r.estimate and r.estimate.budget_usd is not None]
    return max(values, default=Decimal(1)) or Decimal(1)


def _svg_open(width: float, height: float, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" data-char-advance-em="{CHAR_EM}" '
            f'role="img" aria-label="{escape(label)}"><defs><pattern id="hatch" width="6" height="6" '
            'patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#6b7280" stroke-width="2"/></pattern></defs>')


def _label(x: float, y: float, text: str, anchor: str = "start", fill: str = "#111827", size: float = LABEL_PX,
           weight: str = "normal", halo: bool = False) -> str:
    # halo: a white outline under the glyphs, so a line behind the text does not cross it
    outline = ' stroke="#ffffff" stroke-width="4" paint-order="stroke"' if halo else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size:g}" font-weight="{weight}" '
            f'fill="{fill}"{outline}>{escape(text)}</text>')


def _bars(rows: list[tuple[str, Decimal, Decimal, bool, str]], top: Decimal, budget: Decimal | None,
          label: str, bar_w: float = 700) -> str:
    """Horizontal bars on the scale 0..``top``: (label, baseline, max, incomplete, colour) per row;
    filled = baseline, dashed outline = maximum autoscaling, hatched end = a lower bound, red line = budget."""
    label_w = max((text_width(r[0], LABEL_PX) for r in rows), default=0) + 16
    value_w = max((text_width(_value(r[1], r[2], r[3]), LABEL_PX) for r in rows), default=0) + 16
    row_h, head = 26, 22
    width = label_w + bar_w + value_w + 10
    height = head + row_h * len(rows) + 24
    scale = float(bar_w) / float(top)
    out = [_svg_open(width, height, label)]
    axis_y = head + row_h * len(rows)
    if budget is not None:  # under the bars and their values: a value written across it stays readable
        x = label_w + float(budget) * scale
        out.append(f'<line class="budget" x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{axis_y + 4}" stroke="{BUDGET_COLOR}" '
                   'stroke-width="2"/>')
        out.append(_label(x, 11, f"budget {usd(budget)}", "middle", BUDGET_COLOR, 11, "bold"))
    for i, (name, base, peak, incomplete, colour) in enumerate(rows):
        y = head + i * row_h
        out.append(_label(label_w - 8, y + 16, name, "end"))
        base_w, peak_w = float(base) * scale, float(peak) * scale
        if peak_w > base_w:
            out.append(f'<rect class="max" x="{label_w:.1f}" y="{y + 4}" width="{peak_w:.1f}" height="16" fill="none" '
                       f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="4 3"/>')
        out.append(f'<rect class="baseline" x="{label_w:.1f}" y="{y + 4}" width="{max(base_w, 1):.1f}" height="16" '
                   f'fill="{colour}"/>')
        if incomplete:  # the total is a lower bound: the bar ends in a hatched "and more"
            out.append(f'<rect class="incomplete" x="{label_w + max(base_w, 1):.1f}" y="{y + 4}" width="24" height="16" '
                       f'fill="url(#hatch)" stroke="{colour}"/>')
        end = label_w + max(peak_w, base_w) + (30 if incomplete else 6)
        out.append(_label(end, y + 16, _value(base, peak, incomplete), halo=True))
    out.append(f'<line x1="{label_w:.1f}" y1="{axis_y}" x2="{label_w + bar_w:.1f}" y2="{axis_y}" stroke="#9ca3af"/>')
    out.append(_label(label_w, axis_y + 16, "$0", "start", "#6b7280", 11))
    out.append(_label(label_w + bar_w, axis_y + 16, usd(top), "end", "#6b7280", 11))
    out.append("</svg>")
    return "".join(out)


def _value(base: Decimal, peak: Decimal, incomplete: bool) -> str:
    text = ("≥ " if incomplete else "") + usd(base)
    return text + (f" (max {usd(peak)})" if peak != base else "")


def cross_cloud_chart(comparison: Comparison) -> str:
    """Every cloud's baseline and maximum on ONE scale, with the budget line."""
    built = [r for r in comparison.results if r.estimate is not None]
    if not built:
        return "<p>No cloud was built.</p>"
    rows = [(r.cloud, r.estimate.total_monthly, r.estimate.max_monthly, bool(r.estimate.unpriced),
             target_colour(r.cloud)) for r in built if r.estimate is not None]
    budgets = {r.estimate.budget_usd for r in built if r.estimate is not None}
    budget = next(iter(budgets)) if len(budgets) == 1 else None
    return _bars(rows, _scale_top(comparison), budget, "monthly cost per cloud on a shared scale")


def cost_by_part(result: CloudResult) -> dict[str, tuple[Decimal, Decimal, bool]]:
    """One cloud's monthly cost (baseline, maximum, incomplete) by part of the stack: each priced
    resource counts under the part its diagram role names, so the parts mean the same on every cloud
    (the serving compute is "Endpoint" on each, whatever component holds it)."""
    assert result.estimate is not None
    roles = result.architecture.roles if result.architecture else {}
    parts: dict[str, tuple[Decimal, Decimal, bool]] = {}
    for r in result.estimate.resources:
        if not r.components:
            continue
        title = ROLE_TITLES.get(roles.get(r.urn, "platform"), "Other")
        base, peak, incomplete = parts.get(title, (Decimal(0), Decimal(0), False))
        parts[title] = (base + r.monthly, peak + r.max_monthly,
                        incomplete or any(c.status == "price-not-found" for c in r.components))
    return parts


def breakdown(result: CloudResult, top: Decimal) -> str:
    """One cloud's monthly cost by part of the stack (training, endpoint, ...), on the shared scale."""
    assert result.estimate is not None
    parts = cost_by_part(result)
    if not parts:
        return "<p>No priced resources.</p>"
    colour = target_colour(result.cloud)
    rows = [(title, base, peak, incomplete, colour)
            for title, (base, peak, incomplete) in sorted(parts.items(), key=lambda i: (-i[1][1], i[0]))]
    return _bars(rows, top, result.estimate.budget_usd, f"monthly cost by part on {result.cloud}")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """An HTML table of already-escaped cells."""
    return ("<table><tr>" + "".join(f"<th>{h}</th>" for h in headers) + "</tr>"
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows) + "</table>")


def _cloud_section(result: CloudResult, top: Decimal) -> list[str]:
    out = [f'<div class="cloud"><h2>{escape(result.cloud)}</h2>']
    if result.estimate is None or result.graph is None:
        return out + [f"<p>{escape(result.error or 'not built')}</p></div>"]
    out.append("<h3>Monthly cost by part (same scale as above)</h3>" + breakdown(result, top))
    if result.estimate.unpriced:
        out.append(f'<p class="incomplete"><b>Incomplete:</b> {len(result.estimate.unpriced)} components have no price '
                   "and are not in these bars or the total, which is a lower bound (hatched).</p>")
        out.append("<p><b>Price not found</b> (excluded from the total):</p><ul>"
                   + "".join(f"<li>{escape(u)}</li>" for u in result.estimate.unpriced) + "</ul>")
    out.append(f"<h3>Policy findings</h3><p>{escape(result.policy_summary)}</p>")
    found = findings(result)
    if found:
        out.append(_table(["enforcement", "severity", "status", "policy", "resource", "message"],
                          [[escape(v.enforcement), escape(v.severity), f'<span class="{escape(v.status)}">{escape(v.status)}</span>',
                            f"<code>{escape(v.policy)}</code>", f"<code>{escape(v.name)}</code>", escape(v.message)]
                           for v in found]))
    out.append(f"<h3>Warnings ({len(result.graph.warnings)})</h3>")
    if result.graph.warnings:
        out.append("<p class=\"muted\">Settings this cloud handles differently or not at all, by spec path.</p>"
                   + _table(["spec path", "warning"], [[f"<code>{escape(w.path)}</code>", escape(w.message)]
                                                       for w in result.graph.warnings]))
    out.append("<h3>Compute</h3>" + _table(["spec compute", "instance", "match"],
                                            [[f"<code>{escape(m.path)}</code>", f"<code>{escape(m.instance)}</code>",
                                              escape(_kind(m))] for m in result.compute]))
    if result.architecture is not None:
        out.append(f'<section id="architecture-{escape(result.cloud)}"><h3>Architecture on {escape(result.cloud)}</h3>'
                   + legend() + to_svg(result.architecture, target_colour(result.cloud, "#374151")) + "</section>")
    out.append("</div>")
    return out


def to_html(comparison: Comparison) -> str:
    """The whole report as one HTML document."""
    clouds = [r.cloud for r in comparison.results]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>mlopskit compare: {escape(comparison.stack)}</title><style>{CSS}</style></head><body>",
           f"<h1>{escape(comparison.stack)}: one spec on {escape(', '.join(clouds))}</h1>",
           f'<p class="muted">spec {escape(comparison.spec)}; prices from the offline catalog '
           f"({escape(', '.join(sorted({r.estimate.catalog_date for r in comparison.results if r.estimate})))}); "
           "rows marked estimate in the catalog are derived, not quoted.</p>", '<section id="overview">']
    for line in summary_lines(comparison):
        kind = line.split(":", 1)[0].lower()
        out.append(f'<div class="verdict {escape(kind)}"><b>{escape(line.split(":", 1)[0])}</b>:'
                   f"{escape(line.split(':', 1)[1])}</div>")
    out.append("<h2>Summary</h2><table><tr><th></th>" + "".join(f"<th>{escape(c)}</th>" for c in clouds) + "</tr>")
    for label, values in _summary_rows(comparison):
        out.append(f"<tr><th>{escape(label)}</th>" + "".join(f'<td class="num">{escape(v)}</td>' for v in values) + "</tr>")
    out.append("</table>")
    out.append('<h2>Monthly cost, every cloud on one scale</h2><p class="muted">Filled: baseline (minimum instances); '
               "dashed outline: at maximum autoscaling; red line: budget.monthlyLimitUsd; hatched end: an incomplete "
               "total (a lower bound).</p>" + cross_cloud_chart(comparison) + "</section>")
    out.append("<h2>Features</h2><table><tr><th>setting (bold: set by this spec)</th>"
               + "".join(f"<th>{escape(c)}</th>" for c in clouds) + "</tr>")
    settings, cells = _feature_matrix(comparison)
    for setting in settings:
        used = any(cell.used for cell in cells[setting].values())
        label = f"<b>{escape(setting)}</b>" if used else escape(setting)
        tds = []
        for c in clouds:
            cell = cells[setting].get(c)
            tds.append(f'<td class="{cell.support}" title="{escape(cell.note)}">{cell.support}</td>' if cell else "<td>-</td>")
        out.append(f"<tr><td>{label}</td>{''.join(tds)}</tr>")
    out.append("</table>")
    top = _scale_top(comparison)
    for result in comparison.results:
        out += _cloud_section(result, top)
    out.append("</body></html>")
    return "\n".join(out)


__all__ = ["breakdown", "cross_cloud_chart", "to_html"]
