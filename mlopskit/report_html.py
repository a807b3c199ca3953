"""The comparison as ONE self-contained HTML file: inline CSS and SVG, no scripts, no fonts, no URLs.

Per cloud: a horizontal bar chart of the monthly cost by resource (baseline bar, max-autoscaling
outline) and an architecture diagram: the provider's components (mlopskit:* resources) as boxes
with the cloud resources they created listed inside.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from mlopskit.compare import CloudResult, Comparison, _cost, _feature_matrix
from mlopskit.cost import money

COLORS = {"aws": "#d97706", "gcp": "#2563eb", "azure": "#0891b2"}
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#111827;background:#fff}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d1d5db;padding:4px 8px;font-size:13px;text-align:left}
th{background:#f3f4f6}.num{text-align:right}.native{background:#dcfce7}.emulated{background:#fef9c3}.unsupported{background:#fee2e2}
.cloud{margin-bottom:32px}.muted{color:#6b7280;font-size:12px}svg text{font-family:inherit}
"""


def _bar_chart(result: CloudResult) -> str:
    """Monthly cost per priced resource, largest first: filled bar = baseline, outline = max autoscaling."""
    assert result.estimate is not None
    priced = sorted((r for r in result.estimate.resources if r.components), key=lambda r: (-r.max_monthly, r.name))
    rows = priced[:15]
    if not rows:
        return "<p>No priced resources.</p>"
    caption = (f'<p class="muted">The {len(rows)} largest of {len(priced)} priced resources; filled bar: baseline '
               "(min instances), dashed outline: at maximum autoscaling.</p>")
    if result.estimate.unpriced:
        caption += (f'<p class="incomplete"><b>Incomplete:</b> {len(result.estimate.unpriced)} components have no price '
                    "and are not in these bars or the total, which is a lower bound.</p>")
    top = max((r.max_monthly for r in rows), default=Decimal(1)) or Decimal(1)
    label_w, bar_w, row_h = 330, 420, 22
    height = row_h * len(rows) + 10
    color = COLORS.get(result.cloud, "#4b5563")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 230}" height="{height}" '
             f'role="img" aria-label="monthly cost by resource on {escape(result.cloud)}">']
    for i, r in enumerate(rows):
        y = 5 + i * row_h
        base = float(r.monthly / top) * bar_w
        peak = float(r.max_monthly / top) * bar_w
        name = r.name if len(r.name) <= 46 else r.name[:45] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="11">{escape(name)}</text>')
        if peak > base:
            parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{peak:.1f}" height="14" fill="none" stroke="{color}" '
                         f'stroke-dasharray="3 2"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{max(base, 1):.1f}" height="14" fill="{color}"/>')
        value = f"${money(r.monthly)}" + (f" (max ${money(r.max_monthly)})" if r.max_monthly != r.monthly else "")
        parts.append(f'<text x="{label_w + max(peak, base) + 6:.1f}" y="{y + 14}" font-size="11">{escape(value)}</text>')
    parts.append("</svg>")
    return caption + "".join(parts)


def _diagram(result: CloudResult) -> str:
    """Components as boxes in a grid, each listing the cloud resource types it created (with counts)."""
    assert result.graph is not None
    graph = result.graph
    components = [r for r in graph.resources if not r.custom and r.type.startswith("mlopskit:")
                  and (r.parent is None or not graph.by_urn(r.parent).type.startswith("mlopskit:"))]
    boxes = []
    for comp in components:
        counts: dict[str, int] = {}
        stack = [comp]
        while stack:  # every custom resource below this component, however deep
            node = stack.pop()
            for child in graph.children(node):
                if child.custom:
                    short = child.type.split(":")[-1]
                    counts[short] = counts.get(short, 0) + 1
                stack.append(child)
        boxes.append((comp.type.split(":")[-1], comp.name, sorted(counts.items())))
    cols, box_w, gap = 4, 250, 14
    heights = [50 + 14 * max(1, len(items)) for _, _, items in boxes]
    row_heights = [max(heights[i:i + cols]) for i in range(0, len(boxes), cols)]
    total_h = sum(row_heights) + gap * (len(row_heights) + 1) + 20
    color = COLORS.get(result.cloud, "#4b5563")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{cols * (box_w + gap) + gap}" height="{total_h}" '
             f'role="img" aria-label="architecture on {escape(result.cloud)}">',
             f'<text x="{gap}" y="14" font-size="12" fill="#374151">{escape(graph.stack)} on {escape(result.cloud)}: '
             f'{len(components)} components, {sum(1 for r in graph.resources if r.custom)} cloud resources</text>']
    y = 20 + gap
    for row_index, row_h in enumerate(row_heights):
        for col, (kind, name, items) in enumerate(boxes[row_index * cols:(row_index + 1) * cols]):
            x = gap + col * (box_w + gap)
            parts.append(f'<rect x="{x}" y="{y}" width="{box_w}" height="{row_h}" rx="6" fill="#f9fafb" stroke="{color}" stroke-width="1.5"/>')
            parts.append(f'<text x="{x + 8}" y="{y + 16}" font-size="12" font-weight="bold" fill="{color}">{escape(kind)}</text>')
            parts.append(f'<text x="{x + 8}" y="{y + 29}" font-size="9" fill="#6b7280">{escape(name[:44])}</text>')
            for i, (short, count) in enumerate(items or [("(no cloud resources)", 0)]):
                label = f"{count} × {short}" if count else short
                parts.append(f'<text x="{x + 12}" y="{y + 44 + 14 * i}" font-size="10">{escape(label[:40])}</text>')
        y += row_h + gap
    parts.append("</svg>")
    return "".join(parts)


def to_html(comparison: Comparison) -> str:
    """The whole report as one HTML document."""
    clouds = [r.cloud for r in comparison.results]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>mlopskit compare: {escape(comparison.stack)}</title><style>{CSS}</style></head><body>",
           f"<h1>{escape(comparison.stack)}: one spec on {escape(', '.join(clouds))}</h1>",
           f'<p class="muted">spec {escape(comparison.spec)}; prices from the offline catalog '
           f"({escape(', '.join(sorted({r.estimate.catalog_date for r in comparison.results if r.estimate})))}); "
           "rows marked estimate in the catalog are derived, not quoted.</p>",
           "<h2>Summary</h2><table><tr><th></th>" + "".join(f"<th>{escape(c)}</th>" for c in clouds) + "</tr>"]

    def row(label: str, values: list[str]) -> None:
        out.append(f"<tr><th>{escape(label)}</th>" + "".join(f'<td class="num">{escape(v)}</td>' for v in values) + "</tr>")

    row("resources created", [str(sum(r.resource_counts.values())) if r.graph else (r.error or "-") for r in comparison.results])
    row("monthly cost (baseline)", [_cost(r) for r in comparison.results])
    row("monthly cost (max autoscaling)", [_cost(r, True) for r in comparison.results])
    row("price not found", [str(len(r.estimate.unpriced)) if r.estimate else "-" for r in comparison.results])
    row("policies", [r.policy_summary for r in comparison.results])
    out.append("</table>")
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
    for result in comparison.results:
        out.append(f'<div class="cloud"><h2>{escape(result.cloud)}</h2>')
        if result.estimate is None or result.graph is None:
            out.append(f"<p>{escape(result.error or 'not built')}</p></div>")
            continue
        out.append("<h3>Monthly cost by resource</h3>" + _bar_chart(result))
        if result.estimate.unpriced:
            out.append("<p><b>Price not found</b> (excluded from the total):</p><ul>"
                       + "".join(f"<li>{escape(u)}</li>" for u in result.estimate.unpriced) + "</ul>")
        nearest = [m for m in result.compute if not m.explicit and not m.exact]
        if nearest:
            out.append("<p>Nearest (not identical) compute: "
                       + "; ".join(f"{escape(m.path)} → {escape(m.instance)}" for m in nearest) + "</p>")
        out.append("<h3>Architecture</h3>" + _diagram(result) + "</div>")
    out.append("</body></html>")
    return "\n".join(out)
