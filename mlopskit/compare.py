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

from rich.text import Text

from mlopskit import progress
from mlopskit.console import PLAIN, Justify, Style, render, table, usd, verdict
from mlopskit.cost import CostEstimate, Usage, estimate, money, total_text
from mlopskit.diagram import Architecture, architecture
from mlopskit.modules.errors import SpecError
from mlopskit.modules.features import used_settings
from mlopskit.modules.graph import Graph
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.policies.runner import PolicyReport, Violation, evaluate
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
    architecture: Architecture | None = None
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
        declared = f", {s['declared']} pass (declared)" if s.get("declared") else ""
        return (f"{verdict}: {s['mandatory']} mandatory, {s['advisory']} advisory, {s['unknown']} unknown, "
                f"{s['errors']} errors{declared}")


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
    """Each compute request's instance type as the build resolves it (an endpoint's model size
    included: an LLM endpoint gets a GPU type that holds it), endpoints first."""
    from mlopskit.providers.base import computes
    from mlopskit.providers.catalog.resolver import ResolutionError, resolve

    placement = stack.placement.for_cloud(cloud)
    region = placement.primary_region if placement else None
    matches = []
    order = ("endpoints", "training", "batch")
    for path, compute, use, model_gib in sorted(computes(stack), key=lambda item: order.index(item[0].split("[")[0])):
        try:
            r = resolve(cloud, compute, region, use, model_gib=model_gib)
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


def _cloud_result(cloud: Cloud, stack: Stack, usage: Usage | None) -> CloudResult:
    """Preview ``stack`` on ``cloud`` and everything the comparison shows about that build."""
    from mlopskit.engine import preview

    result = CloudResult(cloud)
    with progress.stage(f"{cloud}: preview"):
        result.graph = preview(stack, cloud)
    with progress.stage(f"{cloud}: cost, policies, features"):
        result.estimate = estimate(result.graph, stack, usage)
        result.policies, result.policy_note = _policies(stack, result.graph)
        result.features = features(cloud, stack, result.graph)
        result.compute = _compute(cloud, stack)
        placed = stack.placement.for_cloud(cloud)
        assert placed is not None  # load_checked refused the spec otherwise
        provider = get_provider(cloud)
        result.architecture = architecture(result.graph, provider.diagram, placed.primary_region,
                                           placed.backup_region, provider.topology(result.graph, stack))
    return result


# What a forked worker builds: set by ``_in_workers`` just before the workers fork, so they
# inherit the validated stacks instead of receiving them pickled.
_WORK: dict[Cloud, tuple[Stack, Usage | None]] = {}


def _start_worker() -> None:
    """A forked worker: its own event loop (the parent's shares its epoll and self-pipe file
    descriptors) and progress as whole lines, since several workers share the terminal."""
    import asyncio

    asyncio.set_event_loop(asyncio.new_event_loop())
    progress.lines_only()


def _worker_result(cloud: Cloud) -> CloudResult:
    """``_cloud_result`` in a worker, made fit to send back: the build's Pulumi outputs (which
    the comparison never reads) do not cross processes."""
    import dataclasses

    stack, usage = _WORK[cloud]
    result = _cloud_result(cloud, stack, usage)
    if result.graph is not None:
        result.graph = dataclasses.replace(result.graph, outputs={})
    return result


def _in_workers(work: dict[Cloud, tuple[Stack, Usage | None]], jobs: int) -> dict[Cloud, CloudResult]:
    """Each cloud's result from forked workers, at most ``jobs`` at a time."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import mlopskit.engine  # noqa: F401 - the Pulumi SDK, imported once here rather than once per worker

    _WORK.clear()
    _WORK.update(work)
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_worker) as pool:
            running = {cloud: pool.submit(_worker_result, cloud) for cloud in work}
            return {cloud: future.result() for cloud, future in running.items()}
    finally:
        _WORK.clear()


def default_jobs() -> int:
    """Clouds built at once by default: one per CPU the process may use (fork needed: POSIX)."""
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def compare(spec: str, clouds: list[Cloud], usage: Usage | None = None, jobs: int = 1) -> Comparison:
    """Preview, estimate and check ``spec`` on each of ``clouds`` (bad spec input raises SpecError).

    The spec is validated for every cloud before any cloud is built. With ``jobs`` > 1 the
    clouds are built in forked worker processes, that many at a time: each build is independent
    and most of its time is the cloud's own SDK (importing it and registering resources), so the
    builds can use every free core (on a machine with none free it gains nothing). The results
    are the same either way (tests/test_compare_parallel.py).
    """
    from mlopskit.load import load_checked

    results: dict[Cloud, CloudResult] = {}
    work: dict[Cloud, tuple[Stack, Usage | None]] = {}
    name = ""
    for cloud in clouds:
        try:
            stack = load_checked(spec, cloud)
        except SpecError as error:
            if any(i.path == f"placement.{cloud}" for i in error.issues):
                results[cloud] = CloudResult(cloud, error=f"not placed on {cloud} (placement.{cloud} missing)")
                continue
            raise
        name = stack.name
        work[cloud] = (stack, usage)
    if jobs > 1 and len(work) > 1:
        results.update(_in_workers(work, jobs))
    else:
        results.update({cloud: _cloud_result(cloud, stack, usage) for cloud, (stack, usage) in work.items()})
    return Comparison(name, spec, [results[cloud] for cloud in clouds])


# ---------------------------------------------------------------- verdict


@dataclass(frozen=True)
class Verdict:
    """What ``compare`` exits on: failures (exit 1 unless --no-fail) and warnings (reported only)."""

    failures: list[str]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.failures


def judge(comparison: Comparison) -> Verdict:
    """A cloud fails when a mandatory policy fails (or the rules could not run: never a pass) or its
    baseline cost exceeds the budget; the cost at maximum autoscaling over the budget, or a budget
    check made on an incomplete total, is a warning."""
    failures: list[str] = []
    warnings: list[str] = []
    for r in comparison.results:
        if r.estimate is None:
            continue
        if r.policies is None:
            failures.append(f"{r.cloud}: {r.policy_note or 'policies not evaluated'}")
        elif r.policies.failed:
            s = r.policies.summary
            failures.append(f"{r.cloud}: {s['mandatory']} mandatory policy violation(s), {s['errors']} rule error(s)")
        est = r.estimate
        if est.budget_usd is None:
            continue
        total = total_text(est.total_monthly, len(est.unpriced))
        if est.over_budget:
            failures.append(f"{r.cloud}: baseline cost {total} exceeds the budget {usd(est.budget_usd)}")
        elif est.unpriced:
            warnings.append(f"{r.cloud}: budget check incomplete: {total} is a lower bound of the baseline cost")
        if est.max_monthly > est.budget_usd:
            warnings.append(f"{r.cloud}: at maximum autoscaling {total_text(est.max_monthly, len(est.unpriced))} "
                            f"exceeds the budget {usd(est.budget_usd)}")
    return Verdict(failures, warnings)


def summary_lines(comparison: Comparison) -> list[str]:
    """The verdict in a few lines: what failed, what to watch, or that all is well."""
    judged = judge(comparison)
    lines = [f"FAILED: {f}" for f in judged.failures] + [f"WARNING: {w}" for w in judged.warnings]
    built = [r.cloud for r in comparison.results if r.estimate is not None]
    if judged.ok:
        lines.append(f"OK: {', '.join(built) or 'no cloud'} pass every mandatory policy and stay within budget at baseline")
    return lines


def ordered(violations: list[Violation]) -> list[Violation]:
    """Policy findings as reports list them: mandatory first, failures before unknowns, then by severity."""
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    return sorted(violations, key=lambda v: (v.enforcement != "mandatory", v.status != "fail",
                                             rank.get(v.severity, 9), v.policy, v.name))


def findings(result: CloudResult) -> list[Violation]:
    """The policy findings of one cloud, in report order (``ordered``)."""
    return ordered(result.policies.violations) if result.policies is not None else []


# ---------------------------------------------------------------- renderers


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
