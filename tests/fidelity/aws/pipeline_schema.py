"""The SageMaker pipeline definition against its published JSON schema.

``pipeline-definition.schema.json`` is vendored unchanged from
https://github.com/aws-sagemaker-mlops/sagemaker-model-building-pipeline-definition-JSON-schema
(file ``schema/pipeline-definition.schema.json``, commit b4012b0aa4474afdc6ef3d0409d17d0049dfcd85 of
2025-04-03, the repository the SageMaker API reference links from CreatePipeline's
PipelineDefinition). It has no version of its own; its ``Version`` enum is 2020-12-01.

The published schema lags the service: it lacks members the SageMaker Python SDK emits and the
service accepts. Each is added by ``GAPS`` below, in code, with the SDK source that emits it, so
the vendored file stays byte-for-byte the published one and every addition is visible here.
Everything else of the schema applies as published.

Each step is validated against the definition its ``Type`` selects (the schema's ``oneOf`` over
step kinds would otherwise report only that no kind matched), a condition's branches likewise.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA = Path(__file__).with_name("pipeline-definition.schema.json")

_FUNCTIONS = [
    # sagemaker/workflow/functions.py (sagemaker-python-sdk): Join.expr and JsonGet.expr.
    {"type": "object", "required": ["Std:Join"], "additionalProperties": False,
     "properties": {"Std:Join": {"type": "object", "required": ["On", "Values"], "additionalProperties": False,
                                 "properties": {"On": {"type": "string"}, "Values": {"type": "array"}}}}},
    {"type": "object", "required": ["Std:JsonGet"], "additionalProperties": False,
     "properties": {"Std:JsonGet": {"type": "object", "required": ["PropertyFile", "Path"], "additionalProperties": False,
                                    "properties": {"PropertyFile": {"$ref": "#/definitions/GetFunction"},
                                                   "Path": {"type": "string"}}}}},
]


def _add_functions(schema: dict[str, Any]) -> None:
    """A string, integer or float argument may be a Std:Join or Std:JsonGet expression too."""
    for name in ("StringArgumentValue", "IntegerArgumentValue", "FloatArgumentValue"):
        schema["definitions"][name]["oneOf"] += copy.deepcopy(_FUNCTIONS)


def _add_property_files(schema: dict[str, Any]) -> None:
    # sagemaker/workflow/steps.py ProcessingStep.to_request: "PropertyFiles" beside "Arguments",
    # each PropertyFile.expr of sagemaker/workflow/properties.py.
    schema["definitions"]["ProcessingStep"]["properties"]["PropertyFiles"] = {
        "type": "array", "items": {"type": "object", "additionalProperties": False,
                                   "required": ["PropertyFileName", "OutputName", "FilePath"],
                                   "properties": {"PropertyFileName": {"type": "string"}, "OutputName": {"type": "string"},
                                                  "FilePath": {"type": "string"}}}}


def _add_register_members(schema: dict[str, Any]) -> None:
    # sagemaker/workflow/_utils.py _RegisterModelStep.arguments: ModelApprovalStatus and
    # CustomerMetadataProperties from the ModelPackage request (botocore CreateModelPackage).
    arguments = schema["definitions"]["RegisterModelStep"]["properties"]["Arguments"]["properties"]
    arguments["ModelApprovalStatus"] = {"type": "string", "enum": ["Approved", "Rejected", "PendingManualApproval"]}
    arguments["CustomerMetadataProperties"] = {"type": "object", "maxProperties": 50,
                                               "additionalProperties": {"$ref": "#/definitions/StringArgumentValue"}}


def _model_data_from_a_step(schema: dict[str, Any]) -> None:
    # The schema types a Model step's ModelDataUrl as a literal string, yet the SDK's own model
    # step takes a training step's property there (sagemaker/workflow/model_step.py; the SageMaker
    # guide's example: model_data=step_train.properties.ModelArtifacts.S3ModelArtifacts).
    container = schema["definitions"]["ContainerDefinition"]["properties"]
    container["ModelDataUrl"] = {"anyOf": [container["ModelDataUrl"], {"$ref": "#/definitions/StringArgumentValue"}]}


def _training_container_entrypoint(schema: dict[str, Any]) -> None:
    # CreateTrainingJob's AlgorithmSpecification.ContainerEntrypoint / ContainerArguments (botocore's
    # sagemaker model, which the request gate checks each step against) postdate the schema.
    spec = schema["definitions"]["TrainingStep"]["properties"]["Arguments"]["properties"]["AlgorithmSpecification"]
    for name in ("ContainerEntrypoint", "ContainerArguments"):
        spec["properties"][name] = {"type": "array", "items": {"$ref": "#/definitions/StringArgumentValue"}}


GAPS = (_add_functions, _add_property_files, _add_register_members, _model_data_from_a_step,
        _training_container_entrypoint)


@cache
def schema() -> dict[str, Any]:
    published = json.loads(SCHEMA.read_text())
    for gap in GAPS:
        gap(published)
    return published


def _kinds() -> dict[str, str]:
    """Step Type -> the schema definition describing it."""
    found = {}
    for name, definition in schema()["definitions"].items():
        kind = definition.get("properties", {}).get("Type", {}).get("enum")
        if name.endswith("Step") and kind:
            found[kind[0]] = name
    return found


def _errors(instance: Any, ref: str | None) -> list[str]:
    root = schema() if ref is None else {"$ref": ref, "definitions": schema()["definitions"]}
    validator = jsonschema.Draft7Validator(root)
    return [f"{'/'.join(map(str, e.absolute_path)) or '.'}: {e.message[:200]}" for e in validator.iter_errors(instance)]


def violations(definition: dict[str, Any]) -> list[str]:
    """Every way ``definition`` breaks the published schema (plus GAPS), step by step."""
    kinds = _kinds()
    top = {k: v for k, v in definition.items() if k != "Steps"}
    found = [f"definition {e}" for e in _errors({**top, "Steps": []}, None)]
    for step in definition.get("Steps", []):
        found += _step(step, kinds)
    return found


def _step(step: dict[str, Any], kinds: dict[str, str]) -> list[str]:
    kind = kinds.get(step.get("Type", ""))
    if kind is None:
        return [f"step {step.get('Name')}: Type {step.get('Type')!r} is not a step kind of the schema"]
    branches: list[dict[str, Any]] = []
    if step["Type"] == "Condition":
        args = step.get("Arguments", {})
        branches = args.get("IfSteps", []) + args.get("ElseSteps", [])
        allowed = {s["$ref"].rsplit("/", 1)[-1] for s in
                   schema()["definitions"]["ConditionStep"]["properties"]["Arguments"]["properties"]["IfSteps"]["items"]["oneOf"]}
        found = [f"step {b.get('Name')}: a {b.get('Type')} step may not be a condition branch"
                 for b in branches if kinds.get(b.get("Type", "")) not in allowed]
        step = {**step, "Arguments": {**args, "IfSteps": [], "ElseSteps": []}}
    else:
        found = []
    found += [f"step {step.get('Name')}: {e}" for e in _errors(step, f"#/definitions/{kind}")]
    for branch in branches:
        found += _step(branch, kinds)
    return found
