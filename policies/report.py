"""Policy report renderers: terminal table, JSON, SARIF 2.1.0 and JUnit XML."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from mlopskit.policies.runner import PolicyReport, ResolvedRule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
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
            lines.append(f"{v.enforcement:11} {v.severity:8} {v.status:7} {v.policy:30} {v.name:50} {v.message}")
    for error in report.errors:
        lines.append(f"ERROR {error.policy} on {error.resource}: {error.message}")
    s = report.summary
    lines.append(f"{s['rules']} rules, {s['violations']} violations ({s['mandatory']} mandatory, {s['advisory']} advisory, "
                 f"{s['unknown']} unknown), {s['errors']} errors: {'PASSED' if s['passed'] else 'FAILED'}")
    return "\n".join(lines)


def to_json(report: PolicyReport) -> str:
    return json.dumps(report.to_json(), indent=2, sort_keys=True)


def sarif(report: PolicyReport) -> dict[str, Any]:
    """SARIF 2.1.0: one reportingDescriptor per rule, one result per violation or error."""
    active = [r for r in report.rules if r.enforcement != "disabled"]
    index = {r.id: i for i, r in enumerate(active)}
    descriptors = [{
        "id": r.id,
        "name": "".join(part.capitalize() for part in r.id.split("-")),
        "shortDescription": {"text": r.rule.title},
        "fullDescription": {"text": r.rule.description},
        "defaultConfiguration": {"level": _LEVEL[r.severity] if r.enforcement == "mandatory" else "warning"},
        "properties": {"severity": r.severity, "enforcement": r.enforcement, "frameworks": list(r.frameworks),
                       "anchors": list(r.anchors), "security-severity": _SCORE[r.severity],
                       "tags": ["security", "compliance", *r.frameworks]},
    } for r in active]
    results = []
    for v in report.violations:
        results.append({
            "ruleId": v.policy,
            "ruleIndex": index[v.policy],
            "level": "error" if v.enforcement == "mandatory" else "warning",
            "message": {"text": f"{v.name}: {v.message}" + (" (unknown: never a pass)" if v.status == "unknown" else "")},
            "locations": [{"logicalLocations": [{"name": v.name, "fullyQualifiedName": v.resource, "kind": "resource"}]}],
            "properties": {"status": v.status, "type": v.type, "path": v.path, "enforcement": v.enforcement},
        })
    for e in report.errors:
        result: dict[str, Any] = {"ruleId": e.policy, "level": "error", "message": {"text": f"rule raised: {e.message}"},
                                  "locations": [{"logicalLocations": [{"fullyQualifiedName": e.resource, "kind": "resource"}]}],
                                  "properties": {"status": "error"}}
        if e.policy in index:
            result["ruleIndex"] = index[e.policy]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "mlopskit-policy", "informationUri": "https://github.com/mlopskit/mlopskit",
                                "version": "1.0.0", "rules": descriptors}},
            "results": results,
            "invocations": [{"executionSuccessful": not report.errors}],
            "properties": {"provider": report.provider, "stack": report.stack, "presets": list(report.presets)},
        }],
    }


def junit(report: PolicyReport) -> str:
    """One test case per active rule; its violations are the failure, a raised rule an error."""
    active = [r for r in report.rules if r.enforcement != "disabled"]
    suite = ET.Element("testsuite", name=f"mlopskit-policy.{report.provider}", tests=str(len(active)))
    failures = errors = 0
    for r in active:
        case = ET.SubElement(suite, "testcase", classname=f"policies.{report.provider}", name=r.id)
        violations = report.by_rule(r.id)
        raised = [e for e in report.errors if e.policy == r.id]
        if raised:
            errors += 1
            ET.SubElement(case, "error", message=raised[0].message).text = "\n".join(f"{e.resource}: {e.message}" for e in raised)
        elif violations:
            failures += 1
            node = ET.SubElement(case, "failure", message=f"{len(violations)} {r.enforcement} violation(s)",
                                 type=r.enforcement)
            node.text = "\n".join(f"[{v.status}] {v.name}: {v.message}" for v in violations)
        counts = report.counts.get(r.id, {})
        if not raised and not violations and not counts.get("pass"):
            ET.SubElement(case, "skipped", message="not applicable to any resource")
    for e in report.errors:
        if e.policy not in {r.id for r in active}:
            errors += 1
            case = ET.SubElement(suite, "testcase", classname=f"policies.{report.provider}", name=e.policy)
            ET.SubElement(case, "error", message=e.message)
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)
