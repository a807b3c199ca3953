"""What a comparison holds per cloud (resources, cost, policies, features, compute, architecture)
and what it concludes (``judge``); computed by ``mlopskit.compare.run``, shown by the renderers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from mlopskit.console import usd
from mlopskit.cost import CostEstimate, total_text
from mlopskit.diagram.model import Architecture
from mlopskit.modules.graph import Graph
from mlopskit.policies.runner import PolicyReport, Violation


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



def ordered(violations: list[Violation]) -> list[Violation]:
    """Policy findings as reports list them: mandatory first, failures before unknowns, then by severity."""
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    return sorted(violations, key=lambda v: (v.enforcement != "mandatory", v.status != "fail",
                                             rank.get(v.severity, 9), v.policy, v.name))


def findings(result: CloudResult) -> list[Violation]:
    """The policy findings of one cloud, in report order (``ordered``)."""
    return ordered(result.policies.violations) if result.policies is not None else []

