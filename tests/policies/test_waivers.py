"""Per-finding waivers (policies/waivers.py) and rule categories (policies/categories.py).

fraud-dev on GCP fails one mandatory rule, key-deletion-protection on its CMEK key: waived with a
reason it is shown in every format, as a SARIF suppression, and no longer fails the run.
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
SPEC = str(ROOT / "stacks" / "fraud-dev.yaml")
KEY = "fraud-dev-keys-europe-west4-key"
REASON = "dev keys are destroyed with the sandbox project; no recovery window is wanted"


def waiver_file(tmp_path: Path, **fields: str) -> str:
    entry = {"rule": "key-deletion-protection", "resource": KEY, "reason": REASON, **fields}
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n  - " + "\n    ".join(f"{k}: {json.dumps(v)}" for k, v in entry.items()) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def gcp_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    """policy on fraud-dev/GCP, waived and not, in the formats a run offers (one preview each)."""
    tmp = tmp_path_factory.mktemp("waivers")
    path = waiver_file(tmp, expires="2099-12-31")
    out = {}
    for name, extra in {"plain": [], "sarif": ["--waivers", path, "--format", "sarif"],
                        "json": ["--waivers", path, "--format", "json"], "junit": ["--waivers", path, "--format", "junit"],
                        "table": ["--waivers", path]}.items():
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            code = main(["policy", SPEC, "--provider", "gcp", *extra])
        out[name] = (code, captured.getvalue())
    return out


def test_without_the_waiver_the_mandatory_finding_fails(gcp_outputs: dict[str, tuple[int, str]]) -> None:
    code, text = gcp_outputs["plain"]
    assert code == 1 and "key-deletion-protection" in text and "0 waived" in text


def test_a_waived_finding_is_a_sarif_suppression_and_not_a_failure(gcp_outputs: dict[str, tuple[int, str]]) -> None:
    code, text = gcp_outputs["sarif"]
    assert code == 0
    results = json.loads(text)["runs"][0]["results"]
    [waived] = [r for r in results if r["ruleId"] == "key-deletion-protection"]
    assert waived["suppressions"] == [{"kind": "external", "status": "accepted", "justification": REASON}]
    assert waived["properties"]["waiver"]["expires"] == "2099-12-31"
    assert all("suppressions" not in r for r in results if r["ruleId"] != "key-deletion-protection")


def test_the_waiver_shows_in_json_junit_and_the_table(gcp_outputs: dict[str, tuple[int, str]]) -> None:
    code, text = gcp_outputs["json"]
    report = json.loads(text)
    assert code == 0 and report["summary"]["mandatory"] == 0 and report["summary"]["waived"] == 1
    [v] = [v for v in report["violations"] if v["policy"] == "key-deletion-protection"]
    assert v["waiver"]["reason"] == REASON
    code, text = gcp_outputs["junit"]
    case = next(c for c in ET.fromstring(text).iter("testcase") if c.get("classname", "").endswith("key-deletion-protection"))
    assert code == 0 and case.find("failure") is None and case.find("skipped").get("message") == f"waived: {REASON}"
    code, text = gcp_outputs["table"]
    assert code == 0 and "waived (1)" in text and "1 waived" in text


def test_an_expired_waiver_fails_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = waiver_file(tmp_path, expires="2020-01-31")
    assert main(["policy", SPEC, "--provider", "gcp", "--waivers", path]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: waivers.yaml: waivers[0].expires: expired on 2020-01-31 (rule key-deletion-protection): "
                   "fix the finding or renew the waiver with a reason"]


@pytest.mark.parametrize(("entry", "problem"), [
    ({"rule": "key-deletion-protection", "reason": REASON}, "names no resource and no specPath"),
    ({"rule": "key-deletion-protection", "resource": KEY}, "waivers[0].reason: required"),
    ({"rule": "no-such-rule", "resource": KEY, "reason": REASON}, "waivers[0].rule: unknown rule id"),
    ({"rule": "key-deletion-protection", "resource": KEY, "reason": "   "}, "waivers[0].reason: must be a non-empty"),
    ({"rule": "key-deletion-protection", "resource": KEY, "reason": REASON, "until": "2030-01-01"},
     "waivers[0].until: unknown field"),
    ({"rule": "key-deletion-protection", "resource": KEY, "reason": REASON, "expires": "soon"},
     "waivers[0].expires: must be a date"),
])
def test_a_waiver_must_name_a_finding_and_say_why(entry: dict[str, str], problem: str) -> None:
    with pytest.raises(SpecError) as caught:
        waivers.parse({"waivers": [entry]}, "w.yaml", set(BY_ID), today=dt.date(2026, 12, 7))
    assert any(problem in str(issue) for issue in caught.value.issues), caught.value.issues


def test_matching_by_glob_spec_path_and_provider() -> None:
    [w] = waivers.parse({"waivers": [{"rule": "storage-cmk", "resource": "acme-*-logs", "provider": "aws",
                                      "reason": "x"}]}, "w.yaml", set(BY_ID))
    assert w.matches("storage-cmk", "aws", "acme-prod-logs", None)
    assert not w.matches("storage-cmk", "gcp", "acme-prod-logs", None)
    assert not w.matches("storage-versioning", "aws", "acme-prod-logs", None)
    [w] = waivers.parse({"waivers": [{"rule": "storage-cmk", "specPath": "encryption.customerManagedKeys",
                                      "reason": "x"}]}, "w.yaml", set(BY_ID))
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
