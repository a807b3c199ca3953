"""Per-finding waivers (modules/waivers.py, policies/waivers.py) and rule categories (policies/categories.py).

fraud-dev on AWS with a $1 budget fails exactly one mandatory rule, budget-within-limit: waived with
a reason it is shown in every format, as a SARIF suppression, and no longer fails the run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mlopskit.cli import main
from mlopskit.modules.errors import SpecError
from mlopskit.policies import waivers
from mlopskit.policies.categories import CATEGORIES, CATEGORY
from mlopskit.policies.registry import BY_ID, RULES

ROOT = Path(__file__).resolve().parents[2]
RULE = "budget-within-limit"
STACK = "fraud-dev"  # a stack rule's finding names the stack
REASON = "the sandbox budget is raised next quarter; spend is approved until then"


def over_budget_spec(directory: Path) -> str:
    from tests.specs import baseline, change, write_spec

    return str(write_spec(directory, change(baseline("fraud-dev.yaml"), "budget.monthlyLimitUsd", 1)))


def waiver_file(tmp_path: Path, **fields: str) -> str:
    entry = {"rule": RULE, "resource": STACK, "reason": REASON, **fields}
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n  - " + "\n    ".join(f"{k}: {json.dumps(v)}" for k, v in entry.items()) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    """policy on the over-budget fraud-dev on AWS, waived and not, in each format a run offers."""
    tmp = tmp_path_factory.mktemp("waivers")
    path, spec = waiver_file(tmp, expires="2099-12-31"), over_budget_spec(tmp)
    out = {}
    for name, extra in {"plain": [], "sarif": ["--waivers", path, "--format", "sarif"],
                        "json": ["--waivers", path, "--format", "json"], "junit": ["--waivers", path, "--format", "junit"],
                        "table": ["--waivers", path]}.items():
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            code = main(["policy", spec, "--provider", "aws", *extra])
        out[name] = (code, captured.getvalue())
    return out


def test_without_the_waiver_the_mandatory_finding_fails(outputs: dict[str, tuple[int, str]]) -> None:
    code, text = outputs["plain"]
    assert code == 1 and RULE in text and "1 mandatory" in text and "0 waived" in text


def test_a_waived_finding_is_a_sarif_suppression_and_not_a_failure(outputs: dict[str, tuple[int, str]]) -> None:
    code, text = outputs["sarif"]
    assert code == 0
    results = json.loads(text)["runs"][0]["results"]
    [waived] = [r for r in results if r["ruleId"] == RULE]
    assert waived["suppressions"] == [{"kind": "external", "status": "accepted", "justification": REASON}]
    assert waived["properties"]["waiver"]["expires"] == "2099-12-31"
    assert all("suppressions" not in r for r in results if r["ruleId"] != RULE)


def test_the_waiver_shows_in_json_junit_and_the_table(outputs: dict[str, tuple[int, str]]) -> None:
    code, text = outputs["json"]
    report = json.loads(text)
    assert code == 0 and report["summary"]["mandatory"] == 0 and report["summary"]["waived"] == 1
    [v] = [v for v in report["violations"] if v["policy"] == RULE]
    assert v["waiver"]["reason"] == REASON and v["waiver"]["expires"] == "2099-12-31"
    code, text = outputs["junit"]
    case = next(c for c in ET.fromstring(text).iter("testcase") if c.get("classname", "").endswith(RULE))
    assert code == 0 and case.find("failure") is None and case.find("skipped").get("message") == f"waived: {REASON}"
    code, text = outputs["table"]
    assert code == 0 and "waived (1)" in text and "1 waived" in text


def test_an_expired_waiver_fails_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = waiver_file(tmp_path, expires="2020-01-31")
    assert main(["policy", over_budget_spec(tmp_path), "--provider", "aws", "--waivers", path]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: waivers.yaml: waivers[0].expires: expired on 2020-01-31 (rule {RULE}): "
                   "fix the finding or renew the waiver with a reason"]


@pytest.mark.parametrize(("entry", "problem"), [
    ({"rule": RULE, "reason": REASON}, "waivers[0].resource: names no resource and no specPath"),
    ({"rule": RULE, "resource": STACK}, "waivers[0].reason: required field is missing"),
    ({"rule": "no-such-rule", "resource": STACK, "reason": REASON}, "waivers[0].rule: unknown rule id 'no-such-rule'"),
    ({"rule": RULE, "resource": STACK, "reason": ""}, "waivers[0].reason:"),
    ({"rule": RULE, "resource": STACK, "reason": "two\nlines"}, "waivers[0].reason:"),
    ({"rule": RULE, "resource": STACK, "reason": REASON, "until": "2030-01-01"}, "waivers[0].until: unknown field"),
    ({"rule": RULE, "resource": STACK, "reason": REASON, "expires": "soon"},
     "waivers[0].expires: expected a date such as 2027-06-30"),
])
def test_a_waiver_must_name_a_finding_and_say_why(entry: dict[str, str], problem: str) -> None:
    with pytest.raises(SpecError) as caught:
        waivers.parse({"waivers": [entry]}, "w.yaml", today=dt.date(2026, 12, 7))
    assert any(str(issue).startswith(f"w.yaml: {problem}") for issue in caught.value.issues), caught.value.issues


def test_matching_by_glob_spec_path_and_provider() -> None:
    [w] = waivers.parse({"waivers": [{"rule": "storage-cmk", "resource": "acme-*-logs", "provider": "aws",
                                      "reason": "x"}]}, "w.yaml")
    assert w.matches("storage-cmk", "aws", "acme-prod-logs", None)
    assert not w.matches("storage-cmk", "gcp", "acme-prod-logs", None)
    assert not w.matches("storage-versioning", "aws", "acme-prod-logs", None)
    [w] = waivers.parse({"waivers": [{"rule": "storage-cmk", "specPath": "encryption.customerManagedKeys",
                                      "reason": "x"}]}, "w.yaml")
    assert w.matches("storage-cmk", "azure", "any", "encryption.customerManagedKeys")
    assert not w.matches("storage-cmk", "azure", "any", "storage.artifacts")


def test_every_rule_has_a_category_and_only_security_rules_carry_security_severity() -> None:
    from mlopskit.policies.report import _descriptor
    from mlopskit.policies.runner import resolve_rules

    assert {r.id for r in RULES} <= set(CATEGORY), sorted({r.id for r in RULES} - set(CATEGORY))
    assert set(CATEGORY.values()) <= set(CATEGORIES) and set(CATEGORY) <= set(BY_ID)
    for resolved in resolve_rules(()):
        properties = _descriptor(resolved)["properties"]
        assert properties["category"] == CATEGORY[resolved.id]
        assert ("security-severity" in properties) == (CATEGORY[resolved.id] == "security"), resolved.id
    assert CATEGORY["budget-within-limit"] == "cost" and CATEGORY["storage-cmk"] == "security"


def test_a_waiver_in_the_spec_is_applied_and_an_expired_one_makes_the_spec_invalid(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.specs import baseline, change, write_spec

    data = change(baseline("fraud-dev.yaml"), "budget.monthlyLimitUsd", 1)
    data["waivers"] = [{"rule": RULE, "provider": "aws", "resource": STACK, "reason": REASON}]
    spec = write_spec(tmp_path, data)
    assert main(["policy", str(spec), "--provider", "aws"]) == 0
    assert "1 waived" in capsys.readouterr().out
    data["waivers"][0]["expires"] = "2021-03-01"
    spec = write_spec(tmp_path, data)
    assert main(["validate", str(spec)]) == 2
    assert capsys.readouterr().err.strip() == (f"error: {spec.as_posix()}: waivers[0].expires: expired on 2021-03-01 "
                                               f"(rule {RULE}): fix the finding or renew the waiver with a reason")
