"""The same spec on every cloud, side by side: resources, monthly cost, policies and features.

For each cloud: preview under mocks, estimate the cost (baseline and at max autoscaling),
run the policy runner (``policies.runner.evaluate``), resolve generic
compute (saying when the match is the nearest rather than identical) and build the feature
table from the provider's declaration (``Provider.features``) and the build's warnings.
Renderers: terminal table, JSON, Markdown (pull-request comment); HTML is in report_html.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mlopskit.cost import CostEstimate, Usage, estimate, money, total_text
from mlopskit.modules.errors import SpecError
from mlopskit.modules.features import used_settings
from mlopskit.modules.graph import Graph
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.policies.runner import PolicyReport, evaluate
from mlopskit.providers import get_provider


@dataclass(frozen=True)
class FeatureRow:
    """How one cloud realises one spec setting."""

    setting: str
    support: str  # native | emulated | unsupported
    note: str
    used: bool  # the spec sets it


@dataclass(frozen=True)
class ComputeMatch:
    """The instance a spec compute resolved to on one cloud."""

    path: str
    instance: str
    exact: bool
    explicit: bool
    basis: str


@dataclass
class CloudResult:
    """Everything the comparison shows for one cloud (or why that cloud could not be built)."""

    cloud: str
    graph: Graph | None = None
    estimate: CostEstimate | None = None
    policies: PolicyReport | None = None
    policy_note: str = ""
    features: list[FeatureRow] = field(default_factory=list)
    compute: list[ComputeMatch] = field(default_factory=list)
    error: str | None = None

    @property
    def resource_counts(self) -> dict[str, int]:
        if self.graph is None:
            return {}
        return dict(sorted(Counter(r.type for r in self.graph.resources if r.custom).items()))

    @property
    def policy_summary(self) -> str:
        if self.graph is None:
            return "-"
        if self.policies is None:
            return self.policy_note or "policies: not available"
        s = self.policies.summary
        verdict = "passed" if s.get("passed") else "FAILED"
        return f"{verdict}: {s['mandatory']} mandatory, {s['advisory']} advisory, {s['unknown']} unknown, {s['errors']} errors"


@dataclass(frozen=True)
class Comparison:
    """One spec compared across clouds."""

    stack: str
    spec: str
    results: list[CloudResult]


def _feature_of(path: str, message: str) -> str | None:
    """The feature key a build warning is about (indexes stripped), or None."""
    bare = re.sub(r"\[\d+\]", "", path)
    bare = bare.removeprefix("endpoints.").removeprefix("training.")
    if bare == "deployment.strategy":
        head = message.split(":", 1)[0].strip()
        return "deployment.strategy: canary/linear" if head in ("canary", "linear") else f"deployment.strategy: {head}"
    if bare.startswith("access.roles") and "principals" in bare:
        return "access.roles.principals"
    if bare == "network.private" and message.startswith("batch job "):
        return "batch: private network"  # the stack's network holds, a batch job cannot join it
    return bare


def features(cloud: Cloud, stack: Stack, graph: Graph | None) -> list[FeatureRow]:
    """The declared support of each setting, downgraded by this build's warnings (never upgraded)."""
    declared = get_provider(cloud).features
    rows = dict(declared)
    for warning in graph.warnings if graph else []:
        key = _feature_of(warning.path, warning.message)
        if key in rows and rows[key][0] == "native":
            rows[key] = ("emulated", warning.message)
    used = used_settings(stack)
    return [FeatureRow(k, v[0], v[1], k in used) for k, v in rows.items()]


def _compute(cloud: Cloud, stack: Stack) -> list[ComputeMatch]:
    from mlopskit.modules.compute import Compute
    from mlopskit.providers.catalog.resolver import ResolutionError, Use, resolve

    placement = stack.placement.for_cloud(cloud)
    region = placement.primary_region if placement else None
    matches = []
    items: list[tuple[str, Compute, Use]] = [(f"endpoints[{i}].compute", e.compute, "serving") for i, e in enumerate(stack.endpoints)]
    items += [(f"training[{i}].compute", t.compute, "training") for i, t in enumerate(stack.training)]
    items += [(f"batch[{i}].compute", b.compute, "serving") for i, b in enumerate(stack.batch)]
    for path, compute, use in items:
        try:
            r = resolve(cloud, compute, region, use)
        except ResolutionError as error:
            matches.append(ComputeMatch(path, f"no match ({error.field}: {error})", False, False, "none"))
            continue
        matches.append(ComputeMatch(path, r.instance.name, r.exact, r.explicit, r.basis))
    return matches


def _policies(stack: Stack, graph: Graph) -> tuple[PolicyReport | None, str]:
    """The policy report, or why there is none."""
    try:
        return evaluate(stack, graph), ""
    except Exception as error:  # noqa: BLE001 - a broken runner must not hide the cost comparison
        return None, f"policies: error ({error.__class__.__name__}: {error})"


def compare(spec: str, clouds: list[Cloud], usage: Usage | None = None) -> Comparison:
    """Preview, estimate and check ``spec`` on each of ``clouds`` (bad spec input raises SpecError)."""
    from mlopskit.cli import load_checked
    from mlopskit.engine import preview

    results: list[CloudResult] = []
    name = ""
    for cloud in clouds:
        result = CloudResult(cloud)
        try:
            stack = load_checked(spec, cloud)
        except SpecError as error:
            if any(i.path == f"placement.{cloud}" for i in error.issues):
                result.error = f"not placed on {cloud} (placement.{cloud} missing)"
                results.append(result)
                continue
            raise
        name = stack.name
        result.graph = preview(stack, cloud)
        result.estimate = estimate(result.graph, stack, usage)
        result.policies, result.policy_note = _policies(stack, result.graph)
        result.features = features(cloud, stack, result.graph)
        result.compute = _compute(cloud, stack)
        results.append(result)
    return Comparison(name, spec, results)


# ---------------------------------------------------------------- renderers


def _cost(result: CloudResult, top: bool = False) -> str:
    if result.estimate is None:
        return "-"
    est = result.estimate
    return total_text(est.max_monthly if top else est.total_monthly, len(est.unpriced))


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


def to_table(comparison: Comparison) -> str:
    clouds = [r.cloud for r in comparison.results]
    width = 26
    head = f"{'':<40}" + "".join(f"{c:>{width}}" for c in clouds)
    lines = [f"{comparison.stack}: {comparison.spec} on {', '.join(clouds)}", "", head, "-" * len(head)]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"{label:<40}" + "".join(f"{v[:width - 1]:>{width}}" for v in values))

    row("resources created", [str(sum(r.resource_counts.values())) if r.graph else r.error or "-" for r in comparison.results])
    row("monthly cost (baseline)", [_cost(r) for r in comparison.results])
    row("monthly cost (max autoscaling)", [_cost(r, True) for r in comparison.results])
    row("unpriced components", [str(len(r.estimate.unpriced)) if r.estimate else "-" for r in comparison.results])
    row("budget", [("EXCEEDED" if r.estimate.over_budget else "within") if r.estimate and r.estimate.budget_usd else "-"
                   for r in comparison.results])
    lines.append("")
    lines.append("policies:")
    for r in comparison.results:
        lines.append(f"  {r.cloud}: {r.policy_summary}")
    lines.append("")
    lines.append("compute:")
    for r in comparison.results:
        for m in r.compute:
            kind = "explicit" if m.explicit else ("identical" if m.exact else "nearest")
            lines.append(f"  {r.cloud}: {m.path} -> {m.instance} ({kind}{'' if m.explicit else ', ' + m.basis})")
    lines.append("")
    settings, cells = _feature_matrix(comparison)
    lines.append(f"{'feature (* = set by this spec)':<40}" + "".join(f"{c:>{width}}" for c in clouds))
    for setting in settings:
        used = any(cell.used for cell in cells[setting].values())
        row(f"{'*' if used else ' '} {setting}", [cells[setting][c].support if c in cells[setting] else "-" for c in clouds])
    return "\n".join(lines)


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
                "unpriced": r.estimate.unpriced,
                "unsupportedTypes": list(r.estimate.unsupported),
                "catalogDate": r.estimate.catalog_date,
                "policies": r.policies.summary if r.policies is not None else None,
                "policyNote": r.policy_note or None,
                "compute": [{"path": m.path, "instance": m.instance, "exact": m.exact, "explicit": m.explicit, "basis": m.basis}
                            for m in r.compute],
                "features": [{"setting": f.setting, "support": f.support, "note": f.note, "used": f.used} for f in r.features],
                "warnings": [{"path": w.path, "message": w.message} for w in (r.graph.warnings if r.graph else [])],
            })
        clouds.append(entry)
    return {"stack": comparison.stack, "spec": comparison.spec, "clouds": clouds}


def to_markdown(comparison: Comparison) -> str:
    clouds = [r.cloud for r in comparison.results]
    out = [f"### mlopskit compare: `{comparison.stack}`", "",
           "| | " + " | ".join(clouds) + " |", "|---|" + "---:|" * len(clouds)]

    def row(label: str, values: list[str]) -> None:
        out.append(f"| {label} | " + " | ".join(values) + " |")

    row("resources created", [str(sum(r.resource_counts.values())) if r.graph else (r.error or "-") for r in comparison.results])
    row("monthly cost (baseline)", [_cost(r) for r in comparison.results])
    row("monthly cost (max autoscaling)", [_cost(r, True) for r in comparison.results])
    row("price not found", [str(len(r.estimate.unpriced)) if r.estimate else "-" for r in comparison.results])
    row("policies", [r.policy_summary for r in comparison.results])
    out += ["", "<details><summary>Features (native / emulated / unsupported)</summary>", "",
            "| setting | " + " | ".join(clouds) + " |", "|---|" + "---|" * len(clouds)]
    settings, cells = _feature_matrix(comparison)
    for setting in settings:
        used = any(cell.used for cell in cells[setting].values())
        label = f"**{setting}**" if used else setting
        out.append(f"| {label} | " + " | ".join(cells[setting][c].support if c in cells[setting] else "-" for c in clouds) + " |")
    out += ["", "</details>", ""]
    nearest = [f"{r.cloud}: `{m.path}` -> `{m.instance}` (nearest)" for r in comparison.results for m in r.compute
               if not m.explicit and not m.exact]
    if nearest:
        out += ["Generic compute matched the nearest, not an identical, size:", ""] + [f"- {n}" for n in nearest] + [""]
    dates = sorted({r.estimate.catalog_date for r in comparison.results if r.estimate})
    out.append(f"_Prices: offline catalog of {', '.join(dates)}; rows marked estimate are derived, not quoted._")
    return "\n".join(out)
