"""The comparison model (``mlopskit.compare.model``) rendered: terminal table, JSON and Markdown
(the pull-request comment); HTML is in ``mlopskit.report_html``.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text

from mlopskit.compare.model import CloudResult, Comparison, ComputeMatch, FeatureRow, findings, judge
from mlopskit.console import PLAIN, Justify, Style, render, table, usd, verdict
from mlopskit.cost import money, total_text
from mlopskit.mermaid import to_mermaid


def summary_lines(comparison: Comparison) -> list[str]:
    """The verdict in a few lines: what failed, what to watch, or that all is well."""
    judged = judge(comparison)
    lines = [f"FAILED: {f}" for f in judged.failures] + [f"WARNING: {w}" for w in judged.warnings]
    built = [r.cloud for r in comparison.results if r.estimate is not None]
    if judged.ok:
        lines.append(f"OK: {', '.join(built) or 'no cloud'} pass every mandatory policy and stay within budget at baseline")
    return lines



def _cost(result: CloudResult, top: bool = False) -> str:
    if result.estimate is None:
        return "-"
    est = result.estimate
    return total_text(est.max_monthly if top else est.total_monthly, len(est.unpriced))


def _budget(result: CloudResult) -> str:
    est = result.estimate
    if est is None or est.budget_usd is None:
        return "-"
    if est.over_budget:
        return f"EXCEEDED ({usd(est.budget_usd)})"
    if est.max_monthly > est.budget_usd:
        return f"within ({usd(est.budget_usd)}); WARNING: exceeded at max"
    return f"within ({usd(est.budget_usd)})"


def _feature_matrix(comparison: Comparison) -> tuple[list[str], dict[str, dict[str, FeatureRow]]]:
    settings: list[str] = []
    cells: dict[str, dict[str, FeatureRow]] = {}
    for result in comparison.results:
        for row in result.features:
            if row.setting not in cells:
                settings.append(row.setting)
                cells[row.setting] = {}
            cells[row.setting][result.cloud] = row
    return settings, cells


def _summary_rows(comparison: Comparison) -> list[tuple[str, list[str]]]:
    results = comparison.results
    return [
        ("resources created", [str(sum(r.resource_counts.values())) if r.graph else (r.error or "-") for r in results]),
        ("monthly cost (baseline)", [_cost(r) for r in results]),
        ("monthly cost (max autoscaling)", [_cost(r, True) for r in results]),
        ("unpriced components", [str(len(r.estimate.unpriced)) if r.estimate else "-" for r in results]),
        ("budget", [_budget(r) for r in results]),
        ("policies", [r.policy_summary for r in results]),
        ("warnings", [str(len(r.graph.warnings)) if r.graph else "-" for r in results]),
    ]


def _kind(m: ComputeMatch) -> str:
    return "explicit" if m.explicit else ("identical" if m.exact else "nearest") + f", {m.basis}"


def _summary_cell(value: str) -> Text:
    """Figures right-aligned in their column, sentences (policies, budget) left-aligned when they wrap."""
    cell = verdict(value)
    if not re.match(r"[≥$\d-]", value):
        cell.justify = "left"
    return cell


def to_table(comparison: Comparison, style: Style = PLAIN, verbose: bool = False) -> str:
    """The terminal rendering: summary, verdict, compute, features (and with ``verbose`` every warning
    and policy finding). Cells wrap to fit ``style.width``; verdict words are coloured on a terminal."""
    clouds = [r.cloud for r in comparison.results]
    parts: list[Any] = [f"{comparison.stack}: {comparison.spec} on {', '.join(clouds)}", ""]
    right: Justify = "right"
    parts.append(table([("", "left"), *((c, right) for c in clouds)],
                       [[label, *(_summary_cell(v) for v in values)] for label, values in _summary_rows(comparison)]))
    parts += [verdict(line) for line in summary_lines(comparison)]
    parts.append("")
    parts.append(table([("cloud", "left"), ("spec compute", "left"), ("instance", "left"), ("match", "left")],
                       [[r.cloud, m.path, m.instance, _kind(m)] for r in comparison.results for m in r.compute],
                       title="Compute"))
    parts.append("")
    settings, cells = _feature_matrix(comparison)
    rows: list[list[Any]] = []
    for setting in settings:
        used = any(cell.used for cell in cells[setting].values())
        rows.append([f"{'*' if used else ' '} {setting}",
                     *(verdict(cells[setting][c].support if c in cells[setting] else "-") for c in clouds)])
    parts.append(table([("feature (* = set by this spec)", "left"), *((c, right) for c in clouds)], rows,
                       title="Features"))
    if verbose:
        for r in comparison.results:
            if r.graph and r.graph.warnings:
                parts.append(table([("spec path", "left"), ("warning", "left")],
                                   [[w.path, w.message] for w in r.graph.warnings], title=f"{r.cloud}: warnings"))
                parts.append("")
            if findings(r):
                parts.append(table([("enforcement", "left"), ("status", "left"), ("policy", "left"),
                                    ("resource", "left"), ("message", "left")],
                                   [[v.enforcement, verdict(v.status), v.policy, v.name, v.message] for v in findings(r)],
                                   title=f"{r.cloud}: policy findings"))
            parts.append("")
    else:
        count = sum(len(r.graph.warnings) for r in comparison.results if r.graph)
        parts.append(f"{count} warning(s) and every policy finding: --verbose, or the Markdown and HTML reports")
    return render(parts, style)


def to_json(comparison: Comparison) -> dict[str, Any]:
    clouds = []
    for r in comparison.results:
        entry: dict[str, Any] = {"cloud": r.cloud, "error": r.error}
        if r.estimate is not None:
            entry.update({
                "region": r.estimate.region,
                "resources": r.resource_counts,
                "resourceCount": sum(r.resource_counts.values()),
                "monthlyCost": money(r.estimate.total_monthly),
                "maxMonthlyCost": money(r.estimate.max_monthly),
                # An incomplete total is a lower bound: charts and rankings must not treat it as complete.
                "complete": not r.estimate.unpriced,
                "unpricedComponents": len(r.estimate.unpriced),
                "monthlyCostText": total_text(r.estimate.total_monthly, len(r.estimate.unpriced)),
                "budgetUsd": money(r.estimate.budget_usd) if r.estimate.budget_usd is not None else None,
                "overBudget": r.estimate.over_budget,
                "maxOverBudget": r.estimate.budget_usd is not None and r.estimate.max_monthly > r.estimate.budget_usd,
                "unpriced": r.estimate.unpriced,
                "unsupportedTypes": list(r.estimate.unsupported),
                "catalogDate": r.estimate.catalog_date,
                "policies": r.policies.summary if r.policies is not None else None,
                "policyNote": r.policy_note or None,
                "policyFindings": [v.to_json() for v in findings(r)],
                "compute": [{"path": m.path, "instance": m.instance, "exact": m.exact, "explicit": m.explicit, "basis": m.basis}
                            for m in r.compute],
                "features": [{"setting": f.setting, "support": f.support, "note": f.note, "used": f.used} for f in r.features],
                "warnings": [{"path": w.path, "message": w.message} for w in (r.graph.warnings if r.graph else [])],
            })
        clouds.append(entry)
    judged = judge(comparison)
    return {"stack": comparison.stack, "spec": comparison.spec, "clouds": clouds,
            "verdict": {"ok": judged.ok, "failures": judged.failures, "warnings": judged.warnings}}


def _md(text: str) -> str:
    """A table cell: pipes escaped, one line."""
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(comparison: Comparison) -> str:
    """The pull-request comment: summary and verdict, then every warning, the compute mapping, the
    policy findings per cloud (mandatory first), unpriced components and the feature matrix."""
    clouds = [r.cloud for r in comparison.results]
    out = [f"### mlopskit compare: `{comparison.stack}`", ""]
    out += [f"- **{line.split(':', 1)[0]}**:{line.split(':', 1)[1]}" for line in summary_lines(comparison)]
    out += ["", "| | " + " | ".join(clouds) + " |", "|---|" + "---:|" * len(clouds)]
    for label, values in _summary_rows(comparison):
        out.append(f"| {label} | " + " | ".join(_md(v) for v in values) + " |")
    out += ["", "#### Compute", "", "| cloud | spec compute | instance | match |", "|---|---|---|---|"]
    out += [f"| {r.cloud} | `{m.path}` | `{_md(m.instance)}` | {_kind(m)} |" for r in comparison.results for m in r.compute]
    nearest = [f"{r.cloud}: `{m.path}` -> `{m.instance}` (nearest)" for r in comparison.results for m in r.compute
               if not m.explicit and not m.exact]
    if nearest:
        out += ["", "Generic compute matched the nearest, not an identical, size:", ""] + [f"- {n}" for n in nearest]
    for r in comparison.results:
        if r.graph is None:
            continue
        out += ["", f"#### {r.cloud}", ""]
        out.append(f"Policies: {r.policy_summary}")
        if findings(r):
            out += ["", "| enforcement | severity | status | policy | resource | message |", "|---|---|---|---|---|---|"]
            out += [f"| {v.enforcement} | {v.severity} | {v.status} | `{v.policy}` | `{_md(v.name)}` | {_md(v.message)} |"
                    for v in findings(r)]
        if r.graph.warnings:
            out += ["", f"Warnings ({len(r.graph.warnings)}):", ""]
            out += [f"- `{w.path}`: {_md(w.message)}" for w in r.graph.warnings]
        if r.estimate is not None and r.estimate.unpriced:
            out += ["", f"Unpriced components ({len(r.estimate.unpriced)}, excluded from the total, a lower bound):", ""]
            out += [f"- {_md(u)}" for u in r.estimate.unpriced]
        if r.architecture is not None:  # GitHub draws a mermaid block; other viewers show its text
            out += ["", f"<details><summary>Architecture on {r.cloud}</summary>", "", "```mermaid",
                    to_mermaid(r.architecture).rstrip("\n"), "```", "", "</details>"]
    out += ["", "<details><summary>Features (native / emulated / unsupported)</summary>", "",
            "| setting | " + " | ".join(clouds) + " |", "|---|" + "---|" * len(clouds)]
    settings, cells = _feature_matrix(comparison)
    for setting in settings:
        used = any(cell.used for cell in cells[setting].values())
        label = f"**{setting}**" if used else setting
        out.append(f"| {label} | " + " | ".join(cells[setting][c].support if c in cells[setting] else "-" for c in clouds) + " |")
    out += ["", "</details>", ""]
    dates = sorted({r.estimate.catalog_date for r in comparison.results if r.estimate})
    out.append(f"_Prices: offline catalog of {', '.join(dates)}; rows marked estimate are derived, not quoted._")
    return "\n".join(out)
