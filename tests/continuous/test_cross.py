"""The gate's file contract, both sides: the evaluator (mlopskit.monitor, the job's code) writes
exactly what every built pipeline reads (modules/gate.py, the providers' copy)."""

from __future__ import annotations

import json
from pathlib import Path

from mlopskit.modules import gate
from mlopskit.monitor import contract, gate_entry
from tests.continuous.test_aws_registration import evaluate
from tests.continuous.test_gate import GOOD, WEAKER
from tests.fidelity.aws.gate import SPECS, graph_of
from tests.fidelity.aws.pipeline_functions import all_steps, json_get_paths


def test_the_providers_copy_of_the_contract_is_the_evaluators() -> None:
    pairs = {"ROOT": "PROCESSING_ROOT", "LABELS": "GATE_LABELS", "CANDIDATE": "GATE_CANDIDATE", "SERVING": "GATE_SERVING",
             "TRAINING_DATA": "GATE_TRAINING_DATA", "OUTPUT": "GATE_OUTPUT", "EVALUATION_JSON": "EVALUATION_JSON",
             "HOLDOUT_FEATURES": "HOLDOUT_FEATURES", "HOLDOUT_LABELS": "HOLDOUT_LABELS",
             "PASSED_PATH": "GATE_PASSED_PATH", "DATA_MANIFEST_PATH": "GATE_DATA_MANIFEST_PATH"}
    assert {k: getattr(gate, k) for k in pairs} == {k: getattr(contract, v) for k, v in pairs.items()}
    assert gate.metric_path("serving", "auc") == contract.gate_metric_path("serving", "auc")
    assert gate.MODULE == gate_entry.__name__


def _aws_pipeline() -> dict:
    graph = graph_of(SPECS["continuous-training"]())
    [pipeline] = [r for r in graph.of_type("aws:sagemaker/pipeline:Pipeline") if "churn-train" in r.name]
    return json.loads(pipeline.inputs["pipelineDefinition"])


def test_the_aws_pipeline_reads_exactly_what_the_evaluator_writes(tmp_path: Path) -> None:
    definition = _aws_pipeline()
    evaluate_step = next(s for s in definition["Steps"] if s["Name"] == "Evaluate")
    [property_file] = evaluate_step["PropertyFiles"]
    [output] = evaluate_step["Arguments"]["ProcessingOutputConfig"]["Outputs"]
    # The file the condition reads is the one the evaluator writes, in the folder it writes it to.
    assert property_file["FilePath"] == contract.EVALUATION_JSON
    assert output["S3Output"]["LocalPath"] == f"{contract.PROCESSING_ROOT}/{contract.GATE_OUTPUT}"
    assert property_file["OutputName"] == output["OutputName"]
    local = {i["InputName"]: i["S3Input"]["LocalPath"] for i in evaluate_step["Arguments"]["ProcessingInputs"]}
    assert local == {name: f"{contract.PROCESSING_ROOT}/{folder}" for name, folder in (
        ("code", gate.CODE), ("labels", contract.GATE_LABELS), ("candidate", contract.GATE_CANDIDATE),
        ("training-data", contract.GATE_TRAINING_DATA), ("serving", contract.GATE_SERVING))}
    assert set(evaluate_step["Arguments"]["Environment"]) <= set(contract.GATE_ENV)
    # Every path any step reads with JsonGet, and only those, is one the evaluator writes.
    read = {path for step in all_steps(definition) for _, path in json_get_paths(step)}
    metrics = {contract.gate_metric_path(model, m) for model in ("candidate", "serving") for m in ("auc", "f1")}
    assert read == {contract.GATE_PASSED_PATH, contract.GATE_DATA_MANIFEST_PATH, *metrics}
    written = evaluate(tmp_path, GOOD, WEAKER)
    for path in read:
        value = written
        for part in path.split("."):
            value = value[part]
        assert value is not None, path


def test_a_renamed_path_on_one_side_is_caught(tmp_path: Path) -> None:
    written = evaluate(tmp_path, GOOD, WEAKER)
    written["verdict"] = written.pop("gate")  # the evaluator renames its verdict key
    missing = []
    for _, path in json_get_paths(_aws_pipeline()["Steps"]):
        value = written
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                missing.append(path)
                break
            value = value[part]
    assert contract.GATE_PASSED_PATH in missing
