"""SARIF for GitHub code scanning and JUnit for CI, over the weakened example on every cloud.

Budget: one preview of the weakened spec per cloud (module fixture) plus one CLI run, ~10 s.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import xmlschema
import yaml

from mlopskit import __version__
from mlopskit.cli import main
from mlopskit.engine import preview
from mlopskit.load import load_checked
from mlopskit.modules.facts import Fact
from mlopskit.modules.targets import names as target_names
from mlopskit.policies.locate import Locator, parent_path, written
from mlopskit.policies.report import SpecFile, junit, sarif
from mlopskit.policies.runner import evaluate
from mlopskit.providers import get_provider

ROOT = Path(__file__).resolve().parents[2]
WEAKENED = Path(__file__).parent / "fixtures" / "weakened.yaml"
SCHEMAS = Path(__file__).parent / "schemas"
# Every registered target the fixture places (parametrized from the registry; the kubernetes target's
# weakened placement is tests/kubernetes', not this fixture's).
CLOUDS = tuple(c for c in target_names() if c in (yaml.safe_load(WEAKENED.read_text()) or {}).get("placement", {}))


@pytest.fixture(scope="module")
def reports():
    out = {}
    for cloud in CLOUDS:
        stack = load_checked(str(WEAKENED), cloud)
        graph = preview(stack, cloud)
        out[cloud] = (stack, graph, evaluate(stack, graph))
    return out


@pytest.fixture(scope="module")
def sarif_schema():
    return json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())


def _in_repo(monkeypatch) -> SpecFile:
    monkeypatch.chdir(ROOT)
    return SpecFile.read(WEAKENED.relative_to(ROOT))


def _holds(line: str, field: str) -> bool:
    """Whether a spec line holds ``field``: its key (``minInstances:``), or the start of the list
    entry ``x[i]`` (a ``-`` item)."""
    if field.endswith("]"):
        return line.lstrip().startswith("-")
    key = re.split(r"[.\[]", field)[-1]
    return re.search(rf"(^|[\s{{,]){re.escape(key)}\s*:", line) is not None


def _within(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith((ancestor + ".", ancestor + "["))


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_result_points_at_the_spec_line_holding_its_field(reports, sarif_schema, monkeypatch, cloud) -> None:
    _, _, report = reports[cloud]
    log = sarif(report, _in_repo(monkeypatch), tool_version=__version__)
    jsonschema.validate(log, sarif_schema)
    text = WEAKENED.read_text().splitlines()
    results = log["runs"][0]["results"]
    assert results, "the weakened spec must produce findings"
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "tests/policies/fixtures/weakened.yaml"
        line = location["region"]["startLine"]
        field, cause = result["properties"]["specField"], result["properties"]["specPath"]
        assert _holds(text[line - 1], field), (result["ruleId"], field, line, text[line - 1])
        # the line shows the cause, or (a default applies) its nearest written ancestor, else the
        # entry or section that built the resource, else metadata
        origin = result["properties"].get("specOrigin") or ""
        assert _within(cause, field) or _within(origin, field) or field == "metadata", (cause, origin, field)


def _line_of(pattern: str) -> int:
    """The 1-based line of the weakened spec matching ``pattern`` (the fixture may gain lines)."""
    lines = WEAKENED.read_text().splitlines()
    found = [n for n, text in enumerate(lines, 1) if re.search(pattern, text)]
    assert len(found) == 1, (pattern, found)
    return found[0]


def test_findings_name_the_fields_that_cause_them(reports, monkeypatch) -> None:
    _, _, report = reports["aws"]
    results = sarif(report, _in_repo(monkeypatch), tool_version=__version__)["runs"][0]["results"]
    where = {(r["ruleId"], r["properties"]["specField"]): r["locations"][0]["physicalLocation"]["region"]["startLine"]
             for r in results}
    assert where[("storage-cmk", "encryption.customerManagedKeys")] == _line_of(r"^encryption:.*customerManagedKeys: false")
    assert where[("endpoint-no-public-access", "network.private")] == _line_of(r"^network:.*private: false")
    assert where[("data-residency", "placement.aws.region")] == _line_of(r"^  aws: .*region: us-east-1")
    assert where[("iam-no-all-powerful-role", "access.roles[0].permissions")] == _line_of(r"^\s+permissions: \[")
    # the replica bucket lives in the backup region: the finding names that field
    assert any(r["properties"]["specPath"] == "placement.aws.backupRegion" for r in results)


def test_an_entry_field_is_located_inside_its_entry(reports, monkeypatch) -> None:
    """A finding on an endpoint's own setting points at that setting of that endpoint's entry."""
    stack, graph, _ = reports["aws"]
    locator = Locator(graph, stack)
    endpoint = next(r for r in graph.resources if r.type == "aws:sagemaker/endpoint:Endpoint")
    fact = Fact("endpoint", endpoint.urn, endpoint.type, endpoint.name)
    spec = _in_repo(monkeypatch)
    cause = locator.cause(fact, "min_instances")
    assert cause == "endpoints[0].autoscaling.minInstances"
    assert spec.lines[written(cause, locator.origin(endpoint.urn), spec.lines)] == _line_of(r"autoscaling: \{minInstances: 2")
    cause = locator.cause(fact, "alarms")
    assert cause == "endpoints[0].monitoring.alarms"
    assert spec.lines[written(cause, None, spec.lines)] == _line_of(r"^\s+alarms: \{errorRatePercent")


def test_a_default_points_at_the_entry_that_built_the_resource(reports, monkeypatch) -> None:
    _, _, report = reports["azure"]
    results = sarif(report, _in_repo(monkeypatch), tool_version=__version__)["runs"][0]["results"]
    rollback = next(r for r in results if r["ruleId"] == "deployment-auto-rollback")
    assert rollback["properties"]["specPath"] == "endpoints[0].deployment.autoRollback"
    assert rollback["properties"]["specField"] == "endpoints[0]"
    assert rollback["locations"][0]["physicalLocation"]["region"]["startLine"] == _line_of(r"^  - name: scoring$")
    assert "is not set in the spec" in rollback["message"]["text"]


def test_fingerprints_are_unique_and_survive_moved_lines(reports, monkeypatch, tmp_path) -> None:
    _, _, report = reports["gcp"]
    before = sarif(report, _in_repo(monkeypatch), tool_version=__version__)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["mlopskitFinding/v1"] for r in before]
    assert len(prints) == len(set(prints))
    moved = tmp_path / "weakened.yaml"
    moved.write_text("# one more line on top\n" + WEAKENED.read_text())
    monkeypatch.chdir(tmp_path)
    after = sarif(report, SpecFile.read("weakened.yaml"), tool_version=__version__)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == \
           [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 1 for r in before]


def test_one_category_per_cloud_and_a_help_page_per_rule(reports, monkeypatch) -> None:
    spec = _in_repo(monkeypatch)
    ids = set()
    rules_doc = (ROOT / "docs" / "rules.md").read_text()
    for cloud in CLOUDS:
        run = sarif(reports[cloud][2], spec, tool_version=__version__)["runs"][0]
        ids.add(run["automationDetails"]["id"])
        assert run["tool"]["driver"]["version"] == __version__
        for rule in run["tool"]["driver"]["rules"]:
            anchor = rule["helpUri"].split("#", 1)[1]
            assert anchor == rule["id"] and f"\n## {anchor}\n" in rules_doc
            assert rule["help"]["text"] and rule["id"] in rule["help"]["markdown"]
    assert ids == {f"mlopskit/{c}/credit-risk-prod/" for c in CLOUDS}


def test_cli_sarif_is_located_relative_to_the_working_directory(monkeypatch, capsys, tmp_path) -> None:
    shutil.copy(WEAKENED, tmp_path / "spec.yaml")
    shutil.copytree(WEAKENED.parent / "src", tmp_path / "src")  # its training code
    monkeypatch.chdir(tmp_path)
    assert main(["policy", "spec.yaml", "--provider", "aws", "--format", "sarif"]) == 1
    run = json.loads(capsys.readouterr().out)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"spec.yaml"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_a_spec_outside_the_working_directory_gets_an_absolute_uri(tmp_path) -> None:
    os.makedirs(tmp_path / "elsewhere")
    spec = tmp_path / "spec.yaml"
    shutil.copy(WEAKENED, spec)
    outside = SpecFile.read(spec, tmp_path / "elsewhere")
    assert outside.uri == spec.resolve().as_uri()
    assert outside.location("metadata")["physicalLocation"]["artifactLocation"] == {"uri": spec.resolve().as_uri()}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_resource_of_an_entry_finds_its_entry(reports, cloud) -> None:
    """Every resource a component built for an endpoint or training job (the entry it recorded) is
    traced to that entry; a stack-wide resource names its section."""
    stack, graph, _ = reports[cloud]
    locator = Locator(graph, stack)
    seen = set()
    for resource in graph.resources:
        provenance = graph.provenance(resource)
        if provenance is not None and provenance.entry != "stack":
            origin = locator.origin(resource.urn)
            assert origin.startswith(provenance.entry), (resource.name, origin)
            seen.add(provenance.entry)
    assert seen == {f"endpoints[{i}]" for i in range(len(stack.endpoints))} | \
                   {f"training[{i}]" for i in range(len(stack.training))}
    store = next(r for r in graph.resources if r.type == get_provider(cloud).components["storage"])
    assert locator.origin(store.urn) == "storage"


def test_batch_resources_find_their_batch_entry() -> None:
    """The same for batch jobs (stacks/lifecycle.yaml: two jobs; one cloud keeps it quick)."""
    stack = load_checked(str(ROOT / "stacks" / "lifecycle.yaml"), "gcp")
    graph = preview(stack, "gcp")
    locator = Locator(graph, stack)
    token = get_provider("gcp").components["batch"]
    origins = {locator.origin(r.urn) for r in graph.resources if r.type == token}
    assert origins == {f"batch[{i}]" for i in range(len(stack.batch))} and len(stack.batch) >= 2


def test_an_entry_is_found_by_what_its_component_recorded_not_by_its_name(reports) -> None:
    """Renaming the spec's entries after the build changes nothing: no name is matched (an entry
    named like another's prefix, ``scoring-v2`` beside ``scoring``, cannot be confused)."""
    stack, graph, _ = reports["aws"]
    first = stack.endpoints[0]
    twin = stack.model_copy(update={"endpoints": [first.model_copy(update={"name": "scoring-v2"})]})
    endpoint = next(r for r in graph.resources if r.type == "aws:sagemaker/endpoint:Endpoint")
    assert Locator(graph, twin).origin(endpoint.urn) == Locator(graph, stack).origin(endpoint.urn) == "endpoints[0]"


def test_every_abstraction_names_its_spec_section() -> None:
    """A new abstraction must say which spec section builds it, or its findings point at metadata."""
    from mlopskit.modules.provider import ABSTRACTIONS
    from mlopskit.modules.stack import Stack
    from mlopskit.policies.locate import ENTRY_PART, SECTION_OF

    assert [a for a in ABSTRACTIONS if a not in SECTION_OF] == []
    top = {field.alias or name for name, field in Stack.model_fields.items()}
    assert {section.split(".")[0] for section in SECTION_OF.values()} <= top
    assert set(ENTRY_PART) <= set(ABSTRACTIONS)


def test_parent_path() -> None:
    assert parent_path("endpoints[0].autoscaling.minInstances") == "endpoints[0].autoscaling"
    assert parent_path("endpoints[0]") == "endpoints"
    assert parent_path("endpoints") == ""


# --- JUnit ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def junit_schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


def _resource(case: ET.Element) -> str:
    """A case's resource name (a second check of one resource by one rule is named ``name #2``)."""
    return case.get("name", "").split(" #")[0]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_junit_validates_one_case_per_rule_and_resource(reports, junit_schema, cloud) -> None:
    _, _, report = reports[cloud]
    xml = junit(report)
    junit_schema.validate(xml)
    root = ET.fromstring(xml.split("?>", 1)[1])
    cases = [(suite.get("name"), case) for suite in root.findall("testsuite") for case in suite.findall("testcase")]
    assert len(cases) == sum(max(1, len([c for c in report.checked if c.policy == r.id]))
                             for r in report.rules if r.enforcement != "disabled")
    assert len({(rule, case.get("name")) for rule, case in cases}) == len(cases), "case names are unique per rule"
    failed = {(rule, _resource(case)) for rule, case in cases if case.find("failure") is not None}
    mandatory = {(v.policy, v.name) for v in report.violations if v.enforcement == "mandatory"}
    assert failed == mandatory
    advisory = {(v.policy, v.name) for v in report.violations if v.enforcement == "advisory"}
    assert advisory, "the weakened spec has advisory findings"
    skipped = {(rule, _resource(case)) for rule, case in cases
               if (node := case.find("skipped")) is not None and node.get("message", "").startswith("advisory")}
    assert skipped == advisory
    assert root.get("failures") == str(sum(1 for _, case in cases if case.find("failure") is not None))


def test_junit_fail_on_advisory_turns_advisory_findings_into_failures(reports, junit_schema) -> None:
    _, _, report = reports["aws"]
    xml = junit(report, fail_on="advisory")
    junit_schema.validate(xml)
    root = ET.fromstring(xml.split("?>", 1)[1])
    failures = [f for f in root.iter("failure")]
    assert len(failures) == len(report.violations)
    assert {f.get("type") for f in failures} >= {"mandatory-fail", "advisory-fail"}


def test_the_junit_schema_can_fail(junit_schema) -> None:
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        junit_schema.validate('<testsuites><testsuite name="x"><testcase/></testsuite></testsuites>')


def test_cli_fail_on_advisory_sets_the_exit_code(reports, monkeypatch, capsys) -> None:
    """A spec with only advisory findings passes by default and fails with --fail-on advisory."""
    from mlopskit.policies import runner

    report = dataclasses.replace(reports["aws"][2], violations=[v for v in reports["aws"][2].violations
                                                                if v.enforcement == "advisory"])
    monkeypatch.setattr(runner, "evaluate", lambda *a, **k: report)
    monkeypatch.setattr("mlopskit.engine.preview", lambda *a, **k: None)
    assert main(["policy", str(WEAKENED), "--provider", "aws", "--format", "junit"]) == 0
    assert main(["policy", str(WEAKENED), "--provider", "aws", "--format", "junit", "--fail-on", "advisory"]) == 1
    capsys.readouterr()
