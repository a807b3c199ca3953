"""The training gate's file contract as every target's pipeline reads it.

The evaluator (``mlopskit.monitor.gate``, the job's own code, which imports nothing of the kit)
writes these paths; the pipelines, built by ``providers/``, which may not import the application
layer, read them from here. tests/continuous/test_cross.py holds the two equal and asserts each
cloud's condition reads exactly these.
"""

from __future__ import annotations

# Folders below the evaluation job's root (SageMaker Processing: /opt/ml/processing).
ROOT = "/opt/ml/processing"
LABELS = "input/holdout"
CANDIDATE = "input/candidate"
SERVING = "input/serving"
TRAINING_DATA = "input/training-data"
CODE = "input/code"
OUTPUT = "output/evaluation"
EVALUATION_JSON = "evaluation.json"
HOLDOUT_FEATURES = "features.csv"
HOLDOUT_LABELS = "labels.csv"
PASSED_PATH = "gate.passed"
DATA_MANIFEST_PATH = "lineage.data_manifest_sha256"
#: The evaluator's module, run with ``python -m`` from the unpacked gate code.
MODULE = "mlopskit.monitor.gate_entry"
GATE_ARCHIVE = "gate.tar.gz"


def metric_path(model: str, metric: str) -> str:
    """Where ``metric`` of ``model`` (candidate | serving) sits in the evaluation file."""
    return f"metrics.{model}.{metric}"


def environment(evaluation: object) -> dict[str, str]:
    """The evaluator's ``GATE_*`` variables for a spec's ``training[].evaluation``."""
    from mlopskit.modules.continuous import Evaluation

    assert isinstance(evaluation, Evaluation)
    env = {"GATE_PROBLEM_TYPE": evaluation.problem_type,
           "GATE_MINIMUMS": ",".join(f"{k}={v!r}" for k, v in sorted(evaluation.minimums.items()))}
    if evaluation.against is not None:
        env["GATE_MARGIN"] = repr(evaluation.against.margin)
    return env
