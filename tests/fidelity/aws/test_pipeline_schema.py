"""Every SageMaker pipeline the bundled specs build meets the published pipeline-definition schema
(tests/fidelity/aws/pipeline_schema.py), and each kind of violation is caught."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.fidelity.aws.gate import SPECS, graph_of
from tests.fidelity.aws.pipeline_schema import GAPS, SCHEMA, violations

PIPELINE = "aws:sagemaker/pipeline:Pipeline"


def definitions(name: str) -> list[tuple[str, dict[str, Any]]]:
    graph = graph_of(SPECS[name]())
    return [(r.name, json.loads(r.inputs["pipelineDefinition"])) for r in graph.of_type(PIPELINE)]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_pipeline_meets_the_published_schema(name: str) -> None:
    found = [f"{pipeline}: {v}" for pipeline, d in definitions(name) for v in violations(d)]
    assert found == []


@pytest.fixture(scope="module")
def gated() -> dict[str, Any]:
    [definition] = [d for pipeline, d in definitions("continuous-training") if "churn-train" in pipeline]
    return definition


def test_the_continuous_pipeline_has_each_step_kind(gated) -> None:
    kinds = [s["Type"] for s in gated["Steps"]]
    assert kinds == ["Tuning", "Model", "Transform", "Model", "Transform", "Processing", "Condition"]
    condition = gated["Steps"][-1]["Arguments"]
    assert [s["Type"] for s in condition["IfSteps"]] == ["RegisterModel"]
    assert [s["Type"] for s in condition["ElseSteps"]] == ["RegisterModel", "Fail"]


def _step(definition: dict[str, Any], name: str) -> dict[str, Any]:
    for step in definition["Steps"]:
        if step["Name"] == name:
            return step
        for branch in step["Arguments"].get("IfSteps", []) + step["Arguments"].get("ElseSteps", []):
            if branch["Name"] == name:
                return branch
    raise KeyError(name)


PLANTED = {
    "unknown member": (lambda d: _step(d, "Evaluate")["Arguments"].update(Colour="red"),
                       "step Evaluate: Arguments: Additional properties are not allowed"),
    "strategy outside the enum": (lambda d: _step(d, "Tune")["Arguments"]["HyperParameterTuningJobConfig"].update(
        Strategy="Grid"), "step Tune: Arguments/HyperParameterTuningJobConfig/Strategy: 'Grid' is not one of"),
    "approval outside the enum": (lambda d: _step(d, "Register")["Arguments"].update(ModelApprovalStatus="Yes"),
                                  "step Register: Arguments/ModelApprovalStatus: 'Yes' is not one of"),
    "a branch kind the condition refuses": (
        lambda d: d["Steps"][-1]["Arguments"]["ElseSteps"].append(copy.deepcopy(_step(d, "CandidateModel"))),
        "step CandidateModel: a Model step may not be a condition branch"),
    "a JsonGet without a path": (
        lambda d: d["Steps"][-1]["Arguments"]["Conditions"][0]["LeftValue"]["Std:JsonGet"].pop("Path"),
        "step Gate: Arguments/Conditions/0"),
    "a bad step name": (lambda d: _step(d, "Evaluate").update(Name="Evaluate step"),
                        "step Evaluate step: Name: 'Evaluate step' does not match"),
    "an unknown step kind": (lambda d: d["Steps"].append({"Name": "X", "Type": "Train", "Arguments": {}}),
                             "step X: Type 'Train' is not a step kind of the schema"),
}


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_a_planted_violation_is_caught(gated, kind: str) -> None:
    plant, expected = PLANTED[kind]
    definition = copy.deepcopy(gated)
    plant(definition)
    found = violations(definition)
    assert any(v.startswith(expected) for v in found), found


def test_the_vendored_schema_is_unchanged_and_the_gaps_are_few() -> None:
    # The published file, byte for byte (sha256 of the blob at the commit the module names).
    import hashlib

    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == VENDORED_SHA256
    assert len(GAPS) == 5


VENDORED_SHA256 = "35633f4376dda695d1847bd16d72d3b3d9201f0106e75107eafbeef11ef5ce30"
