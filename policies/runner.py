"""The offline runner: facts from the provider, every rule, packs applied, fail closed.

``evaluate(stack, graph, preset, config)`` is the contract other commands (compare) call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.modules.facts import Fact
from mlopskit.modules.graph import Graph
from mlopskit.modules.stack import Stack
from mlopskit.modules.waivers import Waiver
from mlopskit.policies.config import PolicyConfig
from mlopskit.policies.context import PolicyContext, Settings
from mlopskit.policies.locate import Locator
from mlopskit.policies.packs import SEVERITIES, Pack, packs
from mlopskit.policies.registry import RULES
from mlopskit.policies.rule import Outcome, Rule, Status
from mlopskit.policies.waivers import first_match
from mlopskit.providers import get_provider
from mlopskit.providers.costing import estimate

PRESETS = ("gdpr", "lgpd")


@dataclass(frozen=True)
class ResolvedRule:
    """A rule with what the active packs and config say about it."""

    rule: Rule
    severity: str
    enforcement: str  # advisory | mandatory | disabled
    anchors: tuple[str, ...]
    frameworks: tuple[str, ...]  # every pack that lists the rule (baseline always)

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass(frozen=True)
class Violation:
    """A FAIL or UNKNOWN verdict of one rule on one resource (or on the stack)."""

    policy: str
    title: str
    severity: str
    enforcement: str
    resource: str  # urn, or "stack" for stack rules
    name: str
    type: str
    message: str
    status: str  # fail | unknown
    path: str | None = None
    spec_path: str | None = None  # the spec field that decides it (policies/locate.py)
    origin: str | None = None  # the spec entry or section that built the resource ("stack": none)
    waiver: Waiver | None = None  # accepted with a reason (policies/waivers.py): shown, never counted

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "severity": self.severity, "enforcement": self.enforcement,
                "resource": self.resource, "name": self.name, "type": self.type, "message": self.message,
                "status": self.status, "path": self.path, "specPath": self.spec_path,
                "waiver": self.waiver.to_json() if self.waiver else None}


@dataclass(frozen=True)
class Checked:
    """One rule applied to one subject, whatever it concluded (JUnit has a test case per one)."""

    policy: str
    resource: str  # urn, or "stack"
    name: str
    type: str
    status: str  # a Status value
    message: str


@dataclass(frozen=True)
class RuleError:
    """A rule (or the fact extraction) raised: reported, never a pass."""

    policy: str
    resource: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "resource": self.resource, "message": self.message}


@dataclass
class PolicyReport:
    """Everything one evaluation found."""

    provider: str
    stack: str
    presets: tuple[str, ...]
    rules: list[ResolvedRule]
    violations: list[Violation] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # rule id -> status -> count
    checked: list[Checked] = field(default_factory=list)  # every outcome, in evaluation order

    @property
    def open(self) -> list[Violation]:
        """The findings that count: every violation but the waived ones."""
        return [v for v in self.violations if v.waiver is None]

    @property
    def waived(self) -> list[Violation]:
        return [v for v in self.violations if v.waiver is not None]

    @property
    def mandatory_failed(self) -> bool:
        return any(v.enforcement == "mandatory" for v in self.open)

    @property
    def failed(self) -> bool:
        """What the exit code follows: a mandatory violation or any error (fail closed)."""
        return self.mandatory_failed or bool(self.errors)

    @property
    def summary(self) -> dict[str, Any]:
        active = [r for r in self.rules if r.enforcement != "disabled"]
        return {
            "provider": self.provider,
            "stack": self.stack,
            "presets": list(self.presets),
            "rules": len(active),
            "disabled": len(self.rules) - len(active),
            "violations": len(self.open),
            "mandatory": sum(1 for v in self.open if v.enforcement == "mandatory"),
            "advisory": sum(1 for v in self.open if v.enforcement == "advisory"),
            "unknown": sum(1 for v in self.open if v.status == "unknown"),
            # passes resting on a declared platform guarantee: counted apart, never among the plain passes
            "declared": sum(1 for c in self.checked if c.status == Status.DECLARED.value),
            "waived": len(self.waived),
            "errors": len(self.errors),
            "passed": not self.failed,
        }

    def by_rule(self, rule_id: str) -> list[Violation]:
        return [v for v in self.open if v.policy == rule_id]

    def to_json(self) -> dict[str, Any]:
        return {"violations": [v.to_json() for v in self.violations],
                "errors": [e.to_json() for e in self.errors],
                "summary": self.summary}


def active_presets(stack: Stack | None, preset: str | None) -> tuple[str, ...]:
    """``--preset`` (comma-separated) wins over ``compliance.frameworks``."""
    if preset:
        names = tuple(p.strip() for p in preset.split(",") if p.strip())
        bad = [n for n in names if n not in PRESETS]
        if bad:
            raise SpecError([SpecIssue("--preset", f"unknown preset {', '.join(bad)} (one of {', '.join(PRESETS)})")])
        return names
    return tuple(stack.compliance.frameworks) if stack is not None else ()


def resolve_rules(presets: Sequence[str], config: PolicyConfig | None = None) -> list[ResolvedRule]:
    """Baseline entries, overlaid by each preset (strictest severity/enforcement), then the config."""
    available = packs()
    chosen: list[Pack] = [available["baseline"], *(available[p] for p in presets)]
    config = config or PolicyConfig()
    resolved = []
    for rule in RULES:
        severity, enforcement, anchors, frameworks = "medium", "advisory", [], []
        for pack in chosen:
            entry = pack.entries.get(rule.id)
            if entry is None:
                continue
            frameworks.append(pack.name)
            if entry.severity and SEVERITIES.index(entry.severity) >= SEVERITIES.index(severity):
                severity = entry.severity
            if entry.enforcement == "mandatory" or (entry.enforcement and pack.name == "baseline"):
                enforcement = entry.enforcement
            anchors += [a for a in entry.anchors if a not in anchors]
        enforcement = config.enforcement.get(rule.id, config.enforcement.get("all", enforcement))
        resolved.append(ResolvedRule(rule, severity, enforcement, tuple(anchors), tuple(frameworks)))
    return resolved


def build_settings(stack: Stack | None, presets: Sequence[str], config: PolicyConfig | None = None) -> Settings:
    """The strictest settings of the chosen presets; ``allowedRegions`` and config overrides last."""
    settings = Settings()
    available = packs()
    for name in presets:
        for key, value in available[name].settings.items():
            current = getattr(settings, key)
            if key == "residency":
                value = (current & value) if current else value
            elif key.startswith("max_"):
                value = min(current, value)
            elif key.startswith("min_"):
                value = max(current, value)
            settings = dataclasses.replace(settings, **{key: value})
    if stack is not None and stack.compliance.allowed_regions:
        settings = dataclasses.replace(settings, allowed_regions=tuple(stack.compliance.allowed_regions))
    if config is not None and config.settings:
        overrides: dict[str, Any] = dict(config.settings)
        if "allowed_instance_types" in overrides:
            overrides["allowed_instance_types"] = {env: tuple(types) for env, types in overrides["allowed_instance_types"].items()}
        settings = dataclasses.replace(settings, **overrides)
    return settings


def build_context(stack: Stack, cloud: str, settings: Settings) -> PolicyContext:
    """Stack-level, cloud-neutral facts from the validated spec, plus the instance catalog."""
    from mlopskit.providers.catalog.resolver import catalog

    rows = [row for row in catalog() if row.cloud == cloud]
    return PolicyContext(
        cloud=cloud,
        environment=stack.metadata.environment,
        classification=stack.metadata.data_classification,
        frameworks=tuple(stack.compliance.frameworks),
        settings=settings,
        backups_requested=stack.backups is not None,
        cross_region_requested=bool(stack.backups and stack.backups.cross_region),
        backup_targets=tuple(stack.backups.targets) if stack.backups else None,
        budget_limit_usd=stack.budget.monthly_limit_usd if stack.budget else None,
        access_roles=tuple((role.name, tuple(role.permissions)) for role in stack.access.roles),
        known_instance_types=frozenset(row.name for row in rows),
        instance_vcpus={row.name: row.vcpu for row in rows},
    )


def _with_cost(context: PolicyContext, graph: Graph, stack: Stack) -> PolicyContext:
    """The context with the offline cost estimate the budget rule compares to the limit."""
    cost = estimate(graph, stack)
    return dataclasses.replace(context, estimated_monthly_usd=cost.total_monthly,
                               unpriced_components=len(cost.unpriced))


def provider_facts(graph: Graph, stack: Stack) -> list[Fact]:
    """The provider's own normalization of its recorded resources."""
    return list(get_provider(graph.provider).facts(graph, stack))


def _apply(rule: ResolvedRule, subject: Any, context: PolicyContext) -> Outcome:
    outcome = rule.rule(subject, context)
    if not isinstance(outcome, Outcome):
        raise TypeError(f"rule returned {type(outcome).__name__}, not an Outcome")
    return outcome


def evaluate(stack: Stack, graph: Graph, preset: str | None = None, config: PolicyConfig | None = None,
             facts: Sequence[Fact] | None = None, waivers: Sequence[Waiver] = ()) -> PolicyReport:
    """Run every active rule over the graph's facts; fail closed on anything unexpected. A finding a
    waiver matches stays in the report, marked with it, and no longer counts (a rule error always does)."""
    presets = active_presets(stack, preset)
    resolved = resolve_rules(presets, config)
    settings = build_settings(stack, presets, config)
    context = build_context(stack, graph.provider, settings)
    report = PolicyReport(graph.provider, stack.name, presets, resolved)
    if stack.budget is not None:
        try:
            context = _with_cost(context, graph, stack)
        except Exception as error:  # noqa: BLE001 - the budget rule then reports unknown
            report.errors.append(RuleError("budget-within-limit", "stack", f"cost estimate failed: "
                                                                         f"{error.__class__.__name__}: {error}"))
    if facts is None:
        try:
            facts = provider_facts(graph, stack)
        except Exception as error:  # noqa: BLE001 - no facts means no rule can pass
            report.errors.append(RuleError("facts", graph.provider, f"{error.__class__.__name__}: {error}"))
            return report
    locator = Locator(graph, stack)
    for item in resolved:
        _run_rule(item, facts, context, stack.name, report, locator)
    accepted = [*stack.waivers, *waivers]
    report.violations = [_waive(v, graph.provider, accepted) for v in report.violations]
    report.violations.sort(key=lambda v: (v.waiver is not None, v.enforcement != "mandatory", v.policy, v.resource))
    return report


def _declared(item: ResolvedRule, fact: Fact | None, outcome: Outcome, context: PolicyContext) -> Outcome:
    """A pass that would not be one without the operator's declared values is ``pass (declared)``:
    the rule runs again on the fact with every declared value unknown (the rule is pure)."""
    if outcome.status is not Status.PASS or fact is None or not fact.declared:
        return outcome
    if _apply(item, fact.undeclared(), context).status is Status.PASS:
        return outcome  # passes on what was built and recorded, whatever was declared
    # The declared values the pass rests on: each one whose absence alone would make it no pass.
    relied = [k for k in sorted(fact.declared)
              if _apply(item, fact.undeclared(frozenset({k})), context).status is not Status.PASS]
    keys = ", ".join(relied or sorted(fact.declared))
    return Outcome(Status.DECLARED, None, f"passes on the operator's declaration ({keys}), not on what the kit checked")


def _waive(violation: Violation, provider: str, waivers: Sequence[Waiver]) -> Violation:
    waiver = first_match(waivers, violation.policy, provider, violation.name, violation.spec_path)
    return dataclasses.replace(violation, waiver=waiver) if waiver else violation


def _subjects(item: ResolvedRule, facts: Sequence[Fact]) -> list[tuple[Fact | None, Any]]:
    """A stack-scoped rule sees all its facts at once; any other rule one fact at a time."""
    if item.rule.scope == "stack":
        return [(None, [f for f in facts if f.kind in item.rule.kinds])]
    return [(f, f) for f in facts if f.kind in item.rule.kinds]


def _run_rule(item: ResolvedRule, facts: Sequence[Fact], context: PolicyContext, stack_name: str,
              report: PolicyReport, locator: Locator) -> None:
    """Apply one rule to its subjects: count every outcome, record violations and errors."""
    counts = report.counts.setdefault(item.id, {s.value: 0 for s in Status})
    if item.enforcement == "disabled":
        return
    for fact, subject in _subjects(item, facts):
        where = fact.resource_urn if fact is not None else "stack"
        name, type_ = (fact.name, fact.type) if fact is not None else (stack_name, "stack")
        try:
            outcome = _apply(item, subject, context)
        except Exception as error:  # noqa: BLE001 - a broken rule is an error, never a pass
            counts[Status.ERROR.value] += 1
            report.errors.append(RuleError(item.id, where, f"{error.__class__.__name__}: {error}"))
            report.checked.append(Checked(item.id, where, name, type_, Status.ERROR.value,
                                          f"{error.__class__.__name__}: {error}"))
            continue
        outcome = _declared(item, fact, outcome, context)
        counts[outcome.status.value] += 1
        report.checked.append(Checked(item.id, where, name, type_, outcome.status.value, outcome.message))
        if outcome.status in (Status.FAIL, Status.UNKNOWN):
            report.violations.append(Violation(
                policy=item.id, title=item.rule.title, severity=item.severity, enforcement=item.enforcement,
                resource=where, name=name, type=type_, message=outcome.message, status=outcome.status.value,
                path=outcome.path, spec_path=locator.cause(fact, outcome.path),
                origin=locator.origin(fact.resource_urn) if fact else None))
