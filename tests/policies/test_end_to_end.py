"""End to end through real previews and the CLI on all three clouds."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from mlopskit.cli import main
from mlopskit.engine import preview
from mlopskit.load import load_checked
from mlopskit.modules import parse_stack
from mlopskit.modules.facts import ATTRS
from mlopskit.modules.targets import names as target_names
from mlopskit.policies.registry import RULES
from mlopskit.policies.report import junit, sarif
from mlopskit.policies.rule import Outcome, Rule, Status
from mlopskit.policies.runner import evaluate, provider_facts
from mlopskit.providers import get_provider
from tests.specs import baseline

ROOT = Path(__file__).resolve().parents[2]
HARDENED = str(ROOT / "stacks" / "credit-risk.yaml")
LIFECYCLE = str(ROOT / "stacks" / "lifecycle.yaml")  # batch inference
WEAKENED = str(Path(__file__).parent / "fixtures" / "weakened.yaml")
CLOUDS = tuple(target_names())  # every registered target, parametrized from the registry

# Mandatory rules the weakened spec breaks, per cloud (Azure's private switch also opens
# storage, registries and the workspace). Its US regions are priced, so its budget is evaluated
# (and met): the budget rule's unknown-when-incomplete case is tested in test_budget_rule.py.
WEAK_COMMON = {"container-registry-cmk", "data-capture-cmk", "data-residency", "endpoint-cmk", "endpoint-no-public-access",
               "endpoint-private-network", "iam-no-all-powerful-role", "storage-cmk", "training-cmk", "training-private-network"}
WEAK_EXPECTED = {
    "aws": WEAK_COMMON,
    "gcp": WEAK_COMMON,
    "azure": WEAK_COMMON | {"container-registry-no-public-access", "ml-network-private", "model-registry-no-public-access",
                            "storage-no-public-access", "workspace-cmk"},
}
# Concepts a cloud does not have (documented in providers/<cloud>/facts.py): no fact there.
# On GCP a registry-sourced model is resolved before the build, so no Vertex model resource is
# recorded for credit-risk (fraud-dev uploads one: model_registry facts appear there).
ABSENT = {("workspace-cmk", "aws"), ("workspace-cmk", "gcp"), ("iam-no-wildcard-actions", "azure"),
          ("model-registry-cmk", "gcp"), ("model-registry-no-public-access", "gcp"),
          # A namespace owns no KMS key, no audit log store and no workspace: the key behind etcd's
          # encryption and the API server's audit sink are the cluster operator's (providers/kubernetes/facts.py,
          # declared as placement.kubernetes.declared.encryptionAtRest / auditLogging).
          ("key-rotation", "kubernetes"), ("key-deletion-protection", "kubernetes"), ("key-no-public-access", "kubernetes"),
          ("audit-log-retention", "kubernetes"), ("workspace-cmk", "kubernetes"),
          # The kit's monitor job is not scheduled on a cluster yet (warned at the field): no monitor
          # output to judge.
          ("monitoring-output-cmk", "kubernetes")}


def _previews(spec: str) -> dict:
    out = {}
    for cloud in CLOUDS:
        stack = load_checked(spec, cloud)
        out[cloud] = (stack, preview(stack, cloud))
    return out


@pytest.fixture(scope="module")
def previews():
    return _previews(HARDENED)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_hardened_example_has_no_mandatory_violation(previews, cloud) -> None:
    stack, graph = previews[cloud]
    report = evaluate(stack, graph)
    assert [v for v in report.violations if v.enforcement == "mandatory"] == []
    assert report.errors == []
    assert report.mandatory_failed is False


@pytest.fixture(scope="module")
def lifecycle_previews():
    return _previews(LIFECYCLE)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_rule_sees_facts_on_every_cloud_with_the_concept(previews, lifecycle_previews, cloud) -> None:
    kinds = {f.kind for stack, graph in (previews[cloud], lifecycle_previews[cloud])
             for f in provider_facts(graph, stack)}
    blind = {r.id for r in RULES if not (set(r.kinds) & kinds)} - {rid for rid, c in ABSENT if c == cloud}
    assert blind == set()


# What the batch rules find on the lifecycle example: Vertex batch prediction jobs cannot join
# the VPC (providers/gcp/batch.py), which the GCP check reports instead of passing.
BATCH_FAILING = {"aws": set(), "gcp": {"batch-private-network"}, "azure": set(), "kubernetes": set()}
# lifecycle.yaml's cluster declares its platform guarantees (the bucket's key, private egress): both batch
# rules pass on the operator's word, reported as such (without a declaration both are unknown, never a
# pass: tests/policies/test_declared.py).
PASS_STATUS = {"kubernetes": "pass (declared)"}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_batch_rules_on_the_lifecycle_example(lifecycle_previews, cloud) -> None:
    stack, graph = lifecycle_previews[cloud]
    facts = [f for f in provider_facts(graph, stack) if f.kind == "batch"]
    assert len(facts) == len(stack.batch) == 2
    assert sorted(f.get("max_instances") for f in facts) == [1, 2]  # compute.count reaches every cloud
    report = evaluate(stack, graph)
    for rule_id in ("batch-output-cmk", "batch-private-network"):
        passed = report.counts[rule_id].get(PASS_STATUS.get(cloud, "pass"), 0)
        assert passed == (0 if rule_id in BATCH_FAILING[cloud] else 2), rule_id
        found = [v for v in report.violations if v.policy == rule_id]  # waived ones included
        assert len(found) == (2 if rule_id in BATCH_FAILING[cloud] else 0), rule_id
        # The example accepts GCP's batch network finding in its `waivers:` (Vertex batch jobs take no
        # network): still reported, marked waived, and not counted.
        waived = cloud == "gcp" and rule_id == "batch-private-network"
        assert all((v.waiver is not None) == waived for v in found), rule_id
        assert len(report.by_rule(rule_id)) == (0 if waived else len(found)), rule_id


# The lifecycle example's prod endpoints on confidential data ask for quality and bias
# monitoring: only the targets that schedule the kit's monitor job compute either (SageMaker, Azure ML,
# a cluster's CronJobs; Vertex AI does not schedule it yet, and warns); its LLM endpoint (endpoints[1]) declares neither and
# fails everywhere. Rule -> (the field, the finding without it).
MONITORING_RULES = {
    "endpoint-quality-monitoring": ("quality", "prod endpoint has no model-quality monitoring against ground truth"),
    "endpoint-bias-monitoring": ("bias", "endpoint serving confidential data has no bias monitoring"),
}


@pytest.mark.parametrize("rule_id", sorted(MONITORING_RULES))
@pytest.mark.parametrize("cloud", CLOUDS)
def test_monitoring_rules_on_the_lifecycle_example(lifecycle_previews, cloud, rule_id) -> None:
    stack, graph = lifecycle_previews[cloud]
    report = evaluate(stack, graph)
    field, message = MONITORING_RULES[rule_id]
    # Where the target schedules the kit's monitor job for the signal (its feature table says so).
    passes = get_provider(cloud).features[f"monitoring.{field}"][0] != "unsupported"
    assert report.counts[rule_id].get("pass", 0) == int(passes)
    failing = ["endpoints[1]"] if passes else ["endpoints[0]", "endpoints[1]"]
    assert sorted(f.spec_path for f in report.by_rule(rule_id)) == [f"{e}.monitoring.{field}" for e in failing]
    # Mutation: the same endpoint without the monitoring fails on every cloud, at that field.
    data = baseline("lifecycle.yaml")
    del data["endpoints"][0]["monitoring"][field]
    bare = parse_stack(data)
    findings = evaluate(bare, preview(bare, cloud)).by_rule(rule_id)
    assert [(f.message, f.spec_path) for f in findings if f.origin == "endpoints[0]"] == [
        (message, f"endpoints[0].monitoring.{field}")]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_facts_use_only_documented_attributes(previews, cloud) -> None:
    stack, graph = previews[cloud]
    for fact in provider_facts(graph, stack):
        assert set(fact.attrs) <= set(ATTRS[fact.kind]), (fact.kind, fact.name)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_cli_hardened_passes(cloud, capsys) -> None:
    assert main(["policy", HARDENED, "--provider", cloud, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["mandatory"] == 0 and data["summary"]["passed"] is True


@pytest.mark.parametrize("cloud", CLOUDS)
def test_cli_weakened_fails_with_expected_rules(cloud, capsys) -> None:
    import yaml

    if cloud not in yaml.safe_load(Path(WEAKENED).read_text())["placement"]:
        pytest.skip(f"the weakened fixture is not placed on {cloud}")
    assert main(["policy", WEAKENED, "--provider", cloud, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {v["policy"] for v in data["violations"] if v["enforcement"] == "mandatory"} == WEAK_EXPECTED[cloud]
    assert set(data["violations"][0]) >= {"policy", "severity", "enforcement", "resource", "type", "message"}


def test_cli_list(capsys) -> None:
    assert main(["policy", "--list"]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith(f"{len(RULES)} rules")
    line = next(text for text in out.splitlines() if text.startswith("key-rotation "))
    assert "high" in line and "mandatory" in line and "CKV_AWS_7" in line and "baseline" in line


def test_cli_bad_preset_is_bad_input(capsys) -> None:
    assert main(["policy", HARDENED, "--provider", "aws", "--preset", "hipaa"]) == 2


def test_config_disables_and_downgrades(previews, tmp_path) -> None:
    from mlopskit.policies.config import PolicyConfig

    stack, graph = previews["aws"]
    config = PolicyConfig.from_mapping({"storage-access-logging": "disabled", "iam-resource-scoped": {"enforcementLevel": "mandatory"}})
    report = evaluate(stack, graph, config=config)
    assert report.by_rule("storage-access-logging") == []
    assert {v.enforcement for v in report.by_rule("iam-resource-scoped")} == {"mandatory"}
    assert report.mandatory_failed is True


def test_lgpd_preset_rejects_eu_regions(previews) -> None:
    stack, graph = previews["gcp"]
    report = evaluate(stack, graph, preset="lgpd")
    residency = report.by_rule("data-residency")
    assert residency and {v.enforcement for v in residency} == {"mandatory"}
    assert "region europe-west4 is outside br" in {v.message for v in residency}


def test_a_raising_rule_fails_closed(previews, monkeypatch) -> None:
    import mlopskit.policies.runner as runner

    def boom(fact, context) -> Outcome:
        raise RuntimeError("broken rule")

    broken = Rule("broken", "Broken", ("bucket",), "resource", boom, "")
    monkeypatch.setattr(runner, "RULES", (broken,))
    stack, graph = previews["aws"]
    report = evaluate(stack, graph)
    assert report.violations == [] and report.failed is True
    assert report.errors[0].policy == "broken" and report.errors[0].message == "RuntimeError: broken rule"
    assert report.counts["broken"][Status.PASS.value] == 0


def test_sarif_validates_and_junit_parses(previews) -> None:
    stack, graph = previews["azure"]
    report = evaluate(stack, graph)
    log = sarif(report, tool_version="0.1.0")
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert [rule["id"] for rule in driver["rules"]] == [r.id for r in report.rules]
    for result in log["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    schema_file = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
    import jsonschema

    schema = json.loads(schema_file.read_text())
    jsonschema.validate(log, schema)
    # the check can fail: a run without its tool is not SARIF
    broken = json.loads(json.dumps(log))
    del broken["runs"][0]["tool"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_junit_one_suite_per_rule(previews) -> None:
    """Cases per rule x resource, advisory findings skipped: tests/policies/test_sarif_locations.py."""
    stack, graph = previews["azure"]
    report = evaluate(stack, graph)
    root = ET.fromstring(junit(report).split("?>", 1)[1])
    assert [s.get("name") for s in root.findall("testsuite")] == [r.id for r in report.rules if r.enforcement != "disabled"]
    failed = {s.get("name") for s in root.findall("testsuite") if s.find("testcase/failure") is not None}
    assert failed == {v.policy for v in report.violations if v.enforcement == "mandatory"}
