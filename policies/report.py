"""Policy report renderers: terminal table, JSON, SARIF 2.1.0 and JUnit XML."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from mlopskit.modules.loader import read_spec_text, spec_lines
from mlopskit.policies.categories import category
from mlopskit.policies.locate import ROOT_FIELD, written
from mlopskit.policies.runner import Checked, PolicyReport, ResolvedRule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
PROJECT_URL = "https://github.com/mlopskit/mlopskit"
#: The generated rules reference (docs/rules.md); each rule is a heading named by its id.
RULES_DOC_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "mlopskitFinding/v1"


def rule_url(rule_id: str) -> str:
    """The rule's section of the rules reference."""
    return f"{RULES_DOC_URL}#{rule_id}"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
_SCORE = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}


def rules_table(rules: list[ResolvedRule]) -> str:
    """``--list``: one line per rule with id, severity, enforcement, frameworks and anchors."""
    lines = [f"{'ID':32} {'SEVERITY':9} {'ENFORCEMENT':12} {'FRAMEWORKS':20} ANCHORS"]
    for item in rules:
        lines.append(f"{item.id:32} {item.severity:9} {item.enforcement:12} {','.join(item.frameworks):20} "
                     f"{'; '.join(item.anchors) or '-'}")
    lines.append(f"{len(rules)} rules")
    return "\n".join(lines)


def table(report: PolicyReport) -> str:
    lines = [f"policy check: {report.stack} on {report.provider} (presets: {', '.join(report.presets) or 'baseline'})"]
    if report.violations:
        lines.append(f"{'ENFORCEMENT':11} {'SEVERITY':8} {'STATUS':7} {'POLICY':30} {'RESOURCE':50} MESSAGE")
        for v in report.violations:
            status, note = ("waived", f" (waived: {v.waiver.reason})") if v.waiver else (v.status, "")
            lines.append(f"{v.enforcement:11} {v.severity:8} {status:7} {v.policy:30} {v.name:50} {v.message}{note}")
    for error in report.errors:
        lines.append(f"ERROR {error.policy} on {error.resource}: {error.message}")
    s = report.summary
    lines += [f"DECLARED    {c.policy:30} {c.name:50} {c.message}" for c in report.checked if c.status == "pass (declared)"]
    lines.append(f"{s['rules']} rules, {s['violations']} violations ({s['mandatory']} mandatory, {s['advisory']} advisory, "
                 f"{s['unknown']} unknown), {s['declared']} pass (declared), {s['waived']} waived, {s['errors']} errors: "
                 f"{'PASSED' if s['passed'] else 'FAILED'}")
    return "\n".join(lines)


def to_json(report: PolicyReport) -> str:
    return json.dumps(report.to_json(), indent=2, sort_keys=True)


def _descriptor(r: ResolvedRule) -> dict[str, Any]:
    """A SARIF reportingDescriptor: what code scanning shows beside every alert of the rule."""
    anchors = "; ".join(r.anchors) or "none"
    help_text = (f"{r.rule.title}. {r.rule.description}\nSeverity {r.severity}, {r.enforcement}; "
                 f"frameworks: {', '.join(r.frameworks)}; equivalent checks: {anchors}.\nReference: {rule_url(r.id)}")
    help_markdown = (f"**{r.rule.title}**\n\n{r.rule.description}\n\n| severity | enforcement | frameworks | equivalent checks |\n"
                     f"|---|---|---|---|\n| {r.severity} | {r.enforcement} | {', '.join(r.frameworks)} | {anchors} |\n\n"
                     f"[Rule reference]({rule_url(r.id)})")
    return {
        "id": r.id,
        "name": "".join(part.capitalize() for part in r.id.split("-")),
        "shortDescription": {"text": r.rule.title},
        "fullDescription": {"text": r.rule.description},
        "helpUri": rule_url(r.id),
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": _LEVEL[r.severity] if r.enforcement == "mandatory" else "warning"},
        "properties": _properties(r),
    }


def _properties(r: ResolvedRule) -> dict[str, Any]:
    """Only a security rule carries ``security-severity``: code scanning then files it as a security
    alert; a cost, reliability or governance finding stays a plain warning or error."""
    kind = category(r.id)
    properties: dict[str, Any] = {"severity": r.severity, "enforcement": r.enforcement, "category": kind,
                                  "frameworks": list(r.frameworks), "anchors": list(r.anchors),
                                  "tags": [kind, "compliance", *r.frameworks]}
    if kind == "security":
        properties["security-severity"] = _SCORE[r.severity]
    return properties


def fingerprint(*parts: str) -> str:
    """A finding's identity across runs: rule, cloud, resource and spec field, never a line
    number or message (editing the spec above it must not open a new alert)."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class SpecFile:
    """The spec a report was made from: its URI as code scanning wants it (relative to the
    repository, i.e. the working directory) and the line of every field written in it."""

    uri: str
    lines: Mapping[str, int]

    @classmethod
    def read(cls, path: str | Path, root: str | Path = ".") -> SpecFile:
        """``path`` relative to ``root`` when inside it (POSIX separators), else its absolute URI."""
        resolved, base = Path(path).resolve(), Path(root).resolve()
        uri = resolved.relative_to(base).as_posix() if resolved.is_relative_to(base) else resolved.as_uri()
        return cls(uri, spec_lines(read_spec_text(path), str(path)))

    def location(self, field: str) -> dict[str, Any]:
        """A SARIF location at the line holding ``field`` (a path ``written`` returned)."""
        artifact = {"uri": self.uri}
        if not self.uri.startswith("file:"):  # SARIF: a base id only beside a relative URI
            artifact["uriBaseId"] = SRCROOT
        return {"physicalLocation": {"artifactLocation": artifact, "region": {"startLine": self.lines.get(field, 1)}}}


def sarif(report: PolicyReport, spec: SpecFile | None = None, *, tool_version: str) -> dict[str, Any]:
    """SARIF 2.1.0: one reportingDescriptor per rule, one result per violation or error. With
    ``spec``, every result is located at the spec line that causes it (GitHub code scanning
    shows an alert only with a location) and the run is one category per cloud and stack.
    ``tool_version`` is the kit's version (``mlopskit.__version__``: this layer sits below it)."""
    active = [r for r in report.rules if r.enforcement != "disabled"]
    index = {r.id: i for i, r in enumerate(active)}
    results = []
    seen: dict[str, int] = {}
    for v in report.violations:
        cause = v.spec_path or ROOT_FIELD
        # Two findings of one rule on one resource and field (a bucket seen as storage and as a
        # log store) are told apart by their order, which the runner keeps deterministic.
        key = fingerprint(v.policy, report.provider, v.type, v.name, cause)
        seen[key] = seen.get(key, 0) + 1
        field = written(cause, v.origin, spec.lines) if spec else cause
        note = "" if field == cause else f" ({cause} is not set in the spec: its default applies)"
        result: dict[str, Any] = {
            "ruleId": v.policy,
            "ruleIndex": index[v.policy],
            "level": "error" if v.enforcement == "mandatory" else "warning",
            "message": {"text": f"{v.name}: {v.message} [{cause}]{note}"
                                + (" (unknown: never a pass)" if v.status == "unknown" else "")},
            "locations": [{"logicalLocations": [{"name": v.name, "fullyQualifiedName": v.resource, "kind": "resource"}]}],
            "partialFingerprints": {FINGERPRINT: key if seen[key] == 1 else fingerprint(key, str(seen[key]))},
            "properties": {"status": v.status, "type": v.type, "path": v.path, "enforcement": v.enforcement,
                           "specPath": cause, "specField": field, "specOrigin": v.origin},
        }
        if spec:
            result["locations"][0].update(spec.location(field))
        if v.waiver is not None:  # SARIF 2.1.0 §3.35: shown, and not an open alert
            result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": v.waiver.reason}]
            result["properties"]["waiver"] = v.waiver.to_json()
        results.append(result)
    for e in report.errors:
        result = {"ruleId": e.policy, "level": "error", "message": {"text": f"rule raised: {e.message}"},
                  "locations": [{"logicalLocations": [{"fullyQualifiedName": e.resource, "kind": "resource"}]}],
                  "partialFingerprints": {FINGERPRINT: fingerprint(e.policy, report.provider, e.resource, "error")},
                  "properties": {"status": "error", "specField": ROOT_FIELD}}
        if e.policy in index:
            result["ruleIndex"] = index[e.policy]
        if spec:
            result["locations"][0].update(spec.location(ROOT_FIELD))
        results.append(result)
    results += [_declared_result(c, report.provider, index, spec) for c in report.checked
                if c.status == "pass (declared)" and c.policy in index]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "mlopskit-policy", "informationUri": PROJECT_URL,
                            "version": tool_version, "rules": [_descriptor(r) for r in active]}},
        # GitHub keeps one set of alerts per category (the id up to its last "/"): one per
        # cloud and stack, so three uploads (or two specs) never overwrite each other.
        "automationDetails": {"id": f"mlopskit/{report.provider}/{report.stack}/"},
        "results": results,
        "invocations": [{"executionSuccessful": not report.errors}],
        "properties": {"provider": report.provider, "stack": report.stack, "presets": list(report.presets)},
    }
    if spec:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": Path.cwd().resolve().as_uri() + "/"}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _declared_result(item: Checked, provider: str, index: dict[str, int], spec: SpecFile | None) -> dict[str, Any]:
    """A pass resting on a declared guarantee: SARIF ``kind: pass`` (level none), so it is listed,
    counted apart and never an alert (SARIF 2.1.0 §3.27.9)."""
    result: dict[str, Any] = {
        "ruleId": item.policy, "ruleIndex": index[item.policy], "kind": "pass", "level": "none",
        "message": {"text": f"{item.name}: pass (declared): {item.message}"},
        "locations": [{"logicalLocations": [{"name": item.name, "fullyQualifiedName": item.resource, "kind": "resource"}]}],
        "partialFingerprints": {FINGERPRINT: fingerprint(item.policy, provider, item.type, item.name, "declared")},
        "properties": {"status": item.status, "type": item.type, "specField": ROOT_FIELD},
    }
    if spec:
        result["locations"][0].update(spec.location(ROOT_FIELD))
    return result


def _case(case: ET.Element, item: Checked, enforcement: str, fails: bool) -> str | None:
    """Fill one test case; the suite counter it adds to (None for a pass). ``fails``: a finding
    of this rule fails the run (a mandatory rule, or ``--fail-on advisory``)."""
    text = f"{item.name} ({item.type}): {item.message}"
    if item.status == "error":
        ET.SubElement(case, "error", message=item.message, type="error").text = text
        return "errors"
    if item.status in ("fail", "unknown"):
        if fails:
            ET.SubElement(case, "failure", message=item.message, type=f"{enforcement}-{item.status}").text = text
            return "failures"
        ET.SubElement(case, "skipped", message=f"advisory {item.status}: {item.message}").text = text
        return "skipped"
    if item.status == "not_applicable":
        ET.SubElement(case, "skipped", message=f"not applicable: {item.message}")
        return "skipped"
    if item.status == "pass (declared)":  # a pass, told apart by its output (the Jenkins XSD has no other slot)
        ET.SubElement(case, "system-out").text = f"pass (declared): {text}"
    return None


def junit(report: PolicyReport, fail_on: str = "mandatory") -> str:
    """JUnit XML, one suite per active rule and one test case per resource it was applied to.

    A violation of a mandatory rule (or of any rule with ``fail_on="advisory"``) is a failure; an
    advisory one is reported as ``<skipped>`` with the finding, so CI shows it without failing;
    a rule that raised is an error; a rule no resource matched has one skipped case.
    """
    root = ET.Element("testsuites", name=f"mlopskit-policy.{report.provider}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    by_rule: dict[str, list[Checked]] = {}
    for item in report.checked:
        by_rule.setdefault(item.policy, []).append(item)
    rules = [r for r in report.rules if r.enforcement != "disabled"]
    waived = {(v.policy, v.resource, v.name): v.waiver for v in report.waived}
    orphans = [e for e in report.errors if e.policy not in {r.id for r in rules}]
    for rule_id, enforcement, checked in [*((r.id, r.enforcement, by_rule.get(r.id, [])) for r in rules),
                                           *((e.policy, "mandatory", [Checked(e.policy, e.resource, e.resource,
                                                                              "", "error", e.message)]) for e in orphans)]:
        suite = ET.SubElement(root, "testsuite", name=rule_id)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        classname = f"mlopskit.{report.provider}.{rule_id}"
        if not checked:
            case = ET.SubElement(suite, "testcase", classname=classname, name="(no resource)")
            ET.SubElement(case, "skipped", message="not applicable to any resource")
            counts["tests"] += 1
            counts["skipped"] += 1
        names: dict[str, int] = {}
        for item in checked:
            counts["tests"] += 1
            # one resource seen twice by a rule (a bucket that is also the audit log store) keeps two cases
            names[item.name] = names.get(item.name, 0) + 1
            name = item.name if names[item.name] == 1 else f"{item.name} #{names[item.name]}"
            case = ET.SubElement(suite, "testcase", classname=classname, name=name)
            waiver = waived.get((item.policy, item.resource, item.name))
            if waiver is not None and item.status in ("fail", "unknown"):
                ET.SubElement(case, "skipped", message=f"waived: {waiver.reason}").text = f"{name}: {item.message}"
                counts["skipped"] += 1
                continue
            outcome = _case(case, item, enforcement, enforcement == "mandatory" or fail_on == "advisory")
            if outcome:
                counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        if key != "skipped":  # the Jenkins schema has no skipped count on <testsuites>
            root.set(key, str(value))
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def rules_markdown(rules: list[ResolvedRule]) -> str:
    """docs/rules.md: every rule of the registry with what each pack says about it. Generated
    (``python -m mlopskit.docs_gen``) and compared by a test; SARIF's helpUri links its headings."""
    from mlopskit.policies.packs import packs

    available = packs()
    out = ["# Policy rules", "",
           "<!-- Generated from the rule registry by `python -m mlopskit.docs_gen`: do not edit. -->", "",
           "Each rule reads cloud-neutral facts (`modules/facts.py`); packs add severity, enforcement and",
           "the ids of equivalent public checks. A value the inputs do not determine is reported as",
           "`unknown`, never as a pass. `mlopskit policy --list` prints the same for the active presets;",
           "a policy config (`--config`) can change any rule's enforcement.", "",
           "| rule | title | baseline | applies to |", "|---|---|---|---|"]
    for item in rules:
        out.append(f"| [`{item.id}`](#{item.id}) | {item.rule.title} | {item.severity}, {item.enforcement} | "
                   f"{', '.join(item.rule.kinds)} |")
    for item in rules:
        out += ["", f"## {item.id}", "", f"**{item.rule.title}**", "", item.rule.description, "",
                f"- applies to: {', '.join(item.rule.kinds)} ({'all at once' if item.rule.scope == 'stack' else 'each'})"]
        for name, pack in available.items():
            entry = pack.entries.get(item.id)
            if entry is not None:
                said = ", ".join(x for x in (entry.severity, entry.enforcement) if x) or "listed"
                out.append(f"- {name}: {said}")
        anchors = [a for pack in available.values() for a in getattr(pack.entries.get(item.id), "anchors", ())]
        out.append(f"- equivalent checks: {'; '.join(dict.fromkeys(anchors)) or 'none known'}")
    return "\n".join(out) + "\n"
