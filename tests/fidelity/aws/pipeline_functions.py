"""SageMaker pipeline functions, resolved as SageMaker Pipelines resolves them at run time.

A step's Arguments hold ``{"Get": "<path>"}`` (a step property, a parameter or an execution
variable), ``{"Std:Join": {"On": sep, "Values": [...]}}`` and ``{"Std:JsonGet": {"PropertyFile":
{"Get": "Steps.<step>.PropertyFiles.<name>"}, "Path": "<json path>"}}`` (the forms
sagemaker-python-sdk's ``sagemaker/workflow/functions.py`` and ``properties.py`` emit).
``resolve`` turns them into the values a run would send: the fidelity gate with realistic
placeholders, the moto test with the evaluation file the evaluator wrote.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

GetResolver = Callable[[str], Any]


@dataclass
class Runtime:
    """What a run knows: step properties and parameters by ``Get`` path, property files by name."""

    properties: Mapping[str, Any] = field(default_factory=dict)
    property_files: Mapping[str, dict[str, Any]] = field(default_factory=dict)  # "Steps.X.PropertyFiles.Y" -> doc
    fallback: GetResolver | None = None  # a Get path not in ``properties``
    read: list[str] = field(default_factory=list)  # every JsonGet path resolved, in order

    def get(self, path: str) -> Any:
        if path in self.properties:
            return self.properties[path]
        if self.fallback is not None:
            return self.fallback(path)
        raise KeyError(f"no value for Get {path!r}")

    def json_get(self, file: str, path: str) -> Any:
        self.read.append(path)
        value: Any = self.property_files[file]
        for part in path.split("."):
            value = value[part]
        return value


def resolve(value: Any, runtime: Runtime) -> Any:
    """``value`` with every pipeline function replaced by its run-time value."""
    if isinstance(value, list):
        return [resolve(v, runtime) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Get"}:
        return runtime.get(value["Get"])
    if set(value) == {"Std:Join"}:
        join = value["Std:Join"]
        return join["On"].join(str(resolve(v, runtime)) for v in join["Values"])
    if set(value) == {"Std:JsonGet"}:
        spec = value["Std:JsonGet"]
        return runtime.json_get(spec["PropertyFile"]["Get"], spec["Path"])
    return {k: resolve(v, runtime) for k, v in value.items()}


def json_get_paths(value: Any) -> list[tuple[str, str]]:
    """Every (property file, path) a value reads with Std:JsonGet."""
    found: list[tuple[str, str]] = []
    if isinstance(value, list):
        for v in value:
            found += json_get_paths(v)
    elif isinstance(value, dict):
        if set(value) == {"Std:JsonGet"}:
            spec = value["Std:JsonGet"]
            return [(spec["PropertyFile"]["Get"], spec["Path"])]
        for v in value.values():
            found += json_get_paths(v)
    return found


# PLACEHOLDER values of step properties a run produces, shaped as SageMaker returns them.
EXECUTION_ID = "a1b2c3d4e5f6"
_PLACEHOLDERS: tuple[tuple[str, Any], ...] = (
    (r"\.ModelName$", "pipelines-a1b2c3d4e5f6-CandidateModel-0123456789"),
    (r"\.BestTrainingJob\.TrainingJobName$", "a1b2c3d4e5f6-001-0123abcd"),
    (r"\.TunedHyperParameters\['[^']+'\]$", "6"),
    (r"\.(S3OutputPath|S3Uri|S3ModelArtifacts)$", "s3://placeholder-bucket/evaluation/job/a1b2c3d4e5f6/part/"),
    (r"^Execution\.PipelineExecutionId$", EXECUTION_ID),
)


def placeholder_runtime(definition: dict[str, Any], evaluation: dict[str, Any] | None = None) -> Runtime:
    """A run of ``definition`` with placeholder properties and, for JsonGet, ``evaluation``."""
    parameters = {f"Parameters.{p['Name']}": p.get("DefaultValue", "") for p in definition.get("Parameters", [])}

    def fallback(path: str) -> Any:
        for pattern, value in _PLACEHOLDERS:
            if re.search(pattern, path):
                return value
        raise KeyError(f"no placeholder for Get {path!r}")

    files = {}
    for step in definition["Steps"]:
        for pf in step.get("PropertyFiles", []):
            files[f"Steps.{step['Name']}.PropertyFiles.{pf['PropertyFileName']}"] = evaluation or _SAMPLE_EVALUATION
    return Runtime(parameters, files, fallback)


# A realistic evaluation file (the evaluator's shape) for the placeholder run.
_SAMPLE_EVALUATION = json.loads(json.dumps({
    "gate": {"passed": 1, "problem_type": "binary-classification"},
    "metrics": {"candidate": {"accuracy": 0.75, "precision": 0.75, "recall": 0.75, "f1": 0.75, "auc": 0.875,
                              "mae": 0.25, "rmse": 0.35, "r2": 0.975},
                "serving": {"accuracy": 0.5, "precision": 0.5, "recall": 0.5, "f1": 0.5, "auc": 0.5625,
                            "mae": 1.0, "rmse": 1.0, "r2": 0.8}},
    "lineage": {"data_manifest_sha256": "0" * 64},
}))


def all_steps(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step, the condition steps' branches included."""
    steps = []
    for step in definition["Steps"]:
        steps.append(step)
        if step["Type"] == "Condition":
            steps += step["Arguments"].get("IfSteps", []) + step["Arguments"].get("ElseSteps", [])
    return steps
