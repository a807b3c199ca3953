"""``pass (declared)``: a rule that passes only on a value the platform's operator declared is told
apart from a pass on what the kit built, and counted apart, in every output format."""

from __future__ import annotations

import json
from functools import cache

from mlopskit.engine import preview
from mlopskit.modules.facts import Fact
from mlopskit.policies.report import junit, sarif, table
from mlopskit.policies.rule import Status
from mlopskit.policies.runner import PolicyReport, evaluate
from tests.specs import stack

CLOUD = "kubernetes"


def _report(declared: bool = True) -> PolicyReport:
    spec = stack() if declared else stack(placement__kubernetes__declared=...)
    graph = preview(spec, CLOUD)
    return evaluate(spec, graph)


@cache
def _declared_report() -> PolicyReport:
    return _report()


def _status(report: PolicyReport, policy: str, name: str) -> str:
    return next(c.status for c in report.checked if c.policy == policy and c.name == name)


def test_a_pass_resting_on_a_declared_value_is_pass_declared() -> None:
    report = _declared_report()
    assert _status(report, "storage-versioning", "credit-risk-prod-artifacts-references") == Status.DECLARED.value
    found = next(c for c in report.checked if c.policy == "storage-versioning")
    assert found.message == "passes on the operator's declaration (versioning), not on what the kit checked"


def test_a_pass_on_what_the_kit_recorded_stays_a_plain_pass_beside_declared_values() -> None:
    # The endpoint fact carries declared values, but its replica count is the kit's own.
    assert _status(_declared_report(), "prod-endpoint-ha", "credit-risk-prod-scoring-isvc") == "pass"


def test_declared_passes_are_counted_apart_and_not_as_violations() -> None:
    report = _declared_report()
    declared = sum(1 for c in report.checked if c.status == Status.DECLARED.value)
    assert declared > 0 and report.summary["declared"] == declared
    assert not any(v.policy == "storage-versioning" for v in report.violations)


def test_without_the_declaration_the_same_rules_are_unknown_never_a_pass() -> None:
    report = _report(declared=False)
    assert report.summary["declared"] == 0
    assert _status(report, "storage-versioning", "credit-risk-prod-artifacts-references") == "unknown"
    assert report.failed


def test_every_format_shows_declared_passes_apart() -> None:
    report = _declared_report()
    assert f"{report.summary['declared']} pass (declared)" in table(report)
    assert "DECLARED    storage-versioning" in table(report)
    assert json.loads(json.dumps(report.to_json()))["summary"]["declared"] == report.summary["declared"]
    results = sarif(report, tool_version="0")["runs"][0]["results"]
    passes = [r for r in results if r.get("kind") == "pass"]
    assert len(passes) == report.summary["declared"]
    assert all(r["level"] == "none" and r["properties"]["status"] == "pass (declared)" for r in passes)
    assert junit(report).count("pass (declared): ") == report.summary["declared"]


def test_a_declared_value_never_overrides_a_recorded_one() -> None:
    from mlopskit.providers.kubernetes.facts import declare

    fact = Fact("bucket", "urn:b", "t", "b", attrs={"versioning": False, "cmk": None})
    declared = declare(fact, versioning=True, cmk=True)
    assert declared.get("versioning") is False and declared.get("cmk") is True
    assert declared.declared == frozenset({"cmk"})
