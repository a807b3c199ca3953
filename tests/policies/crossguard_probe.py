"""Runs the CrossGuard pack's policies through the real pulumi_policy library (not a pytest module).

Run by tests/policies/test_crossguard_real.py with the pack's own interpreter (``.venv-policy``),
which holds pulumi-policy and its older protobuf. Reads a JSON list of cases on stdin, each

    {"spec": PATH, "spec_graph": <mlopskit preview --format json>, "naive": false,
     "resources": [{"urn", "type", "name", "parent", "dependencies", "protect", "props"}]}

``props`` may hold the engine's unknown sentinels (pulumi_policy.proxy.UNKNOWN_*_VALUE). The
resources go into an ``AnalyzeStackRequest`` proto and through the library's own analyzer
servicer, the path ``pulumi preview --policy-pack`` takes after the gRPC call, including its
``UnknownValueError`` handling. Prints a list of {"policies": [...], "diagnostics": [...]} as JSON.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# The pack's virtualenv has no install of the kit: map mlopskit.* onto this checkout, as the pack does.
runpy.run_path(str(ROOT / "policies" / "crossguard" / "checkout_layers.py"))["install"](ROOT)

import pulumi_policy  # noqa: E402
import pulumi_policy.proxy  # noqa: E402
from google.protobuf import struct_pb2  # noqa: E402
from pulumi.runtime.proto import analyzer_pb2  # noqa: E402
from pulumi_policy.policy import _PolicyAnalyzerServicer  # noqa: E402

from mlopskit.policies.crossguard.adapter import build_policies, graph_from_json, spec_loader  # noqa: E402


def request(resources: list[dict[str, Any]]) -> Any:
    """The AnalyzeStackRequest the Pulumi engine sends for these resources."""
    out = []
    for r in resources:
        props = struct_pb2.Struct()
        props.update(r["props"])
        out.append(analyzer_pb2.AnalyzerResource(
            type=r["type"], properties=props, urn=r["urn"], name=r["name"],
            options=analyzer_pb2.AnalyzerResourceOptions(protect=r["protect"], parent=r["parent"] or ""),
            parent=r["parent"] or "", dependencies=r["dependencies"]))
    return analyzer_pb2.AnalyzeStackRequest(resources=out)


def _read(value: Any) -> Any:
    """Every item of a props proxy, read the plain way (raises on the first unknown)."""
    if isinstance(value, dict | Mapping):
        return {k: _read(value[k]) for k in value}
    if isinstance(value, list | Sequence) and not isinstance(value, str):
        return [_read(value[i]) for i in range(len(value))]
    return value


def analyze(case: dict[str, Any]) -> dict[str, Any]:
    """One case through the library's analyzer."""
    spec_graph = graph_from_json(case["spec_graph"])
    os.environ["MLOPSKIT_SPEC"] = case["spec"]
    policies = build_policies(pulumi_policy, spec_loader(), lambda cloud: spec_graph)
    described = [{"name": p.name, "enforcement": p.enforcement_level.value, "severity": p.severity.value,
                  "framework": p.framework.name, "reference": p.framework.reference, "tags": p.tags,
                  "url": p.url}
                 for p in policies]
    if case.get("naive"):
        # The control: a policy that reads every input, as the pack's first version did.
        policies.append(pulumi_policy.StackValidationPolicy(
            name="naive-read", description="reads every input",
            validate=lambda args, report: [json.dumps(_read(r.props)) for r in args.resources]))
    servicer = _PolicyAnalyzerServicer("mlopskit", "0.0.1", policies, pulumi_policy.EnforcementLevel.ADVISORY)
    response = servicer.AnalyzeStack(request(case["resources"]), None)
    levels = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory"}
    severities = {analyzer_pb2.POLICY_SEVERITY_LOW: "low", analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
                  analyzer_pb2.POLICY_SEVERITY_HIGH: "high", analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical"}
    return {
        "policies": described,
        "diagnostics": [{"policy": d.policyName, "urn": d.urn, "message": d.message,
                         "enforcement": levels.get(d.enforcementLevel, str(d.enforcementLevel)),
                         "severity": severities.get(d.severity, "unspecified")} for d in response.diagnostics],
    }


def main() -> None:
    json.dump([analyze(case) for case in json.load(sys.stdin)], sys.stdout)


if __name__ == "__main__":
    main()
