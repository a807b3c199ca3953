"""The CrossGuard pack through the real pulumi_policy library, with unknown values as on a first preview.

pulumi-policy pins protobuf 5.x, the kit's Google SDKs need 6.x: the library lives in the pack's
own environment (``.venv-policy``, made by ``make policy-env`` from policies/crossguard/requirements.txt,
which ``make test`` and so ``.ci/run`` always create). The cases run through tests/policies/crossguard_probe.py
there: the resources become the ``AnalyzeStackRequest`` the engine sends and go through the library's
analyzer, whose proxies raise ``UnknownValueError`` on any unknown a policy reads. Without that
environment the tests skip with the reason, except under CI (``CI`` set), where they fail.
Budget: ~30 s CPU (four offline previews in the kit, one probe run over five cases).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from mlopskit.engine import preview
from mlopskit.load import load_checked
from mlopskit.modules.graph import Graph
from mlopskit.policies.crossguard.adapter import identity
from mlopskit.policies.report import rule_url
from mlopskit.policies.runner import evaluate
from mlopskit.report import preview_json
from tests.conftest import missing_environment

ROOT = Path(__file__).resolve().parents[2]
PACK_PYTHON = ROOT / ".venv-policy" / "bin" / "python"
PROBE = Path(__file__).with_name("crossguard_probe.py")
WEAKENED = Path(__file__).parent / "fixtures" / "weakened.yaml"
# What the Pulumi engine sends for a string it cannot know yet (pulumi_policy.proxy.UNKNOWN_STRING_VALUE).
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# How the engine marks an asset in resource properties (pulumi_policy.deserialize: SPECIAL_SIG_KEY, SPECIAL_ASSET_SIG).
ASSET_SIG_KEY, FILE_ASSET_SIG = "4dabf18193072939515e22adb298388d", "c44067f5952c0a294b673a41bacd8c17"
# Outputs a first preview cannot know: ARNs (AWS), resource names the API assigns (GCP), resource ids (Azure).
OUTPUT_PREFIXES = ("arn:", "projects/", "/subscriptions/")


def pack_python() -> Path:
    """The pack environment's interpreter; skip (fail under CI) when it is absent."""
    if PACK_PYTHON.exists():
        return PACK_PYTHON
    reason = f"the CrossGuard pack environment {PACK_PYTHON.relative_to(ROOT)} is absent (`make policy-env` makes it)"
    missing_environment(reason)


def unknown_outputs(value: Any, prefixes: tuple[str, ...] = OUTPUT_PREFIXES) -> Any:
    """``value`` as the engine sends it, every output a first preview cannot know replaced by its unknown."""
    if isinstance(value, pulumi.FileAsset):  # an uploaded file (training code): the engine's asset signature
        return {ASSET_SIG_KEY: FILE_ASSET_SIG, "path": str(value.path)}
    if isinstance(value, dict):
        return {k: unknown_outputs(v, prefixes) for k, v in value.items()}
    if isinstance(value, list):
        return [unknown_outputs(v, prefixes) for v in value]
    if isinstance(value, str) and prefixes and value.startswith(prefixes):
        return UNKNOWN_STRING
    return value


def as_deployed(graph: Graph, prefixes: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """The graph as a real stack ``prod`` hands it to the pack (its own stack name in every URN)."""
    rename = lambda urn: urn.replace(f"::{graph.stack}::", "::prod::") if urn else urn  # noqa: E731
    return [{"urn": rename(r.urn), "type": r.type, "name": r.name, "parent": rename(r.parent),
             "dependencies": [rename(d) for d in r.dependencies], "protect": r.protect,
             "props": unknown_outputs(r.inputs, prefixes or ())} for r in graph.resources]


@cache
def offline(spec: str, cloud: str) -> Graph:
    return preview(load_checked(spec, cloud), cloud)  # type: ignore[arg-type]


def verdicts(diagnostics: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:
    """(rule, resource identity, enforcement, status) of each diagnostic the pack reported."""
    return {(d["policy"], identity(d["urn"]) if d["urn"] else "stack", d["enforcement"],
             d["message"].splitlines()[-1].split("]")[0].lstrip("[")) for d in diagnostics}


def rotation_spec(folder: Path) -> Path:
    """The bundled example (gdpr: keys rotate within 90 days) with yearly key rotation."""
    spec = yaml.safe_load((ROOT / "stacks" / "credit-risk.yaml").read_text())
    spec["encryption"]["keyRotationDays"] = 365
    shutil.copytree(ROOT / "stacks" / "src", folder / "src")  # the training code the spec names (./src)
    path = folder / "rotation.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def stray_buckets() -> list[dict[str, Any]]:
    """Two buckets the spec does not build: one whose name is unknown, one fully known and unencrypted."""
    return [{"urn": f"urn:pulumi:prod::mlopskit::aws:s3/bucket:Bucket::{name}", "type": "aws:s3/bucket:Bucket",
             "name": name, "parent": None, "dependencies": [], "protect": False,
             "props": {"bucket": bucket, "tags": {"owner": "x"}}}
            for name, bucket in (("stray-unknown", UNKNOWN_STRING), ("stray-known", "stray-known-bucket"))]


PARITY = [("aws", None), ("aws", OUTPUT_PREFIXES), ("gcp", OUTPUT_PREFIXES), ("azure", OUTPUT_PREFIXES)]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every case through the library in one run of the pack's interpreter (one start-up, not five)."""
    python = pack_python()
    rotation = rotation_spec(tmp_path_factory.mktemp("crossguard"))
    cases: dict[str, dict[str, Any]] = {}
    graph = offline(str(rotation), "aws")
    cases["rotation"] = {"spec": str(rotation), "spec_graph": json.loads(preview_json(graph)), "naive": True,
                         "resources": as_deployed(graph, ("arn:aws:kms:",)) + stray_buckets()}
    for cloud, prefixes in PARITY:
        graph = offline(str(WEAKENED), cloud)
        cases[f"{cloud}-{bool(prefixes)}"] = {"spec": str(WEAKENED), "spec_graph": json.loads(preview_json(graph)),
                                              "resources": as_deployed(graph, prefixes)}
    done = subprocess.run([str(python), str(PROBE)], input=json.dumps(list(cases.values())), capture_output=True,
                          text=True, check=False, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return {"cases": cases, **dict(zip(cases, json.loads(done.stdout), strict=True))}


def test_unknown_key_arns_still_fail_the_mandatory_rule_the_spec_violates(results: dict[str, Any]) -> None:
    resources = results["cases"]["rotation"]["resources"]
    assert sum(json.dumps(r["props"]).count(UNKNOWN_STRING) for r in resources) >= 5  # key ARNs really unknown
    diagnostics = results["rotation"]["diagnostics"]
    key = next(r["urn"] for r in resources if r["type"] == "aws:kms/key:Key")
    rotation = [d for d in diagnostics if d["policy"] == "key-rotation"]
    assert rotation and all(d["enforcement"] == "mandatory" and d["severity"] == "high" for d in rotation)
    assert (key, "[fail] key rotates every 365 days, more than 90") in {
        (d["urn"], d["message"].splitlines()[-1]) for d in rotation}
    # No mlopskit policy stopped on an unknown; the spec's CMKs count although their ARNs are unknown;
    # a bucket the spec does not build is judged by its inputs: unknown when they hold unknowns.
    assert [d["policy"] for d in diagnostics if "can't run policy" in d["message"]] == ["naive-read"]
    storage = {d["urn"].rsplit("::", 1)[-1]: d["message"].splitlines()[-1] for d in diagnostics
               if d["policy"] == "storage-cmk"}
    assert storage == {"stray-unknown": "[unknown] cannot tell cmk from the recorded inputs",
                       "stray-known": "[fail] bucket is not encrypted with a customer-managed key"}


def test_the_library_stops_a_policy_that_reads_those_unknowns(results: dict[str, Any]) -> None:
    """The control: the same request makes the library's proxies raise for a policy that reads every input."""
    [naive] = [d for d in results["rotation"]["diagnostics"] if d["policy"] == "naive-read"]
    assert "can't run policy 'naive-read'" in naive["message"] and "can't be known during preview" in naive["message"]


@pytest.mark.parametrize(("cloud", "prefixes"), PARITY)
def test_pack_reports_what_mlopskit_policy_reports(results: dict[str, Any], cloud: str,
                                                   prefixes: tuple[str, ...] | None) -> None:
    """Every input known, or every output unknown: the same rule, resource, enforcement and status as the CLI."""
    result = results[f"{cloud}-{bool(prefixes)}"]
    report = evaluate(load_checked(str(WEAKENED), cloud), offline(str(WEAKENED), cloud))  # type: ignore[arg-type]
    expected = {(v.policy, identity(v.resource) if v.resource != "stack" else "stack", v.enforcement, v.status)
                for v in report.violations}
    assert expected and any(e[2] == "mandatory" for e in expected)
    assert verdicts(result["diagnostics"]) == expected
    # The library's own fields carry the packs' severity, framework and anchors.
    storage = next(p for p in result["policies"] if p["name"] == "storage-cmk")
    assert storage["severity"] == "high" and storage["framework"] == "gdpr" and storage["enforcement"] == "mandatory"
    assert "CKV_AWS_145" in storage["reference"] and {"baseline", "gdpr", "CKV_AWS_145"} <= set(storage["tags"])
    assert storage["url"] == rule_url("storage-cmk")  # the rule's section of docs/rules.md, as SARIF's helpUri
