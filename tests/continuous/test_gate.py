"""The training gate on seeded hold-out data, every metric worked out by hand.

Eight labelled rows (four positive); a prediction is positive at a score of 0.5 or more.

  labels            1    1    1    1    0    0    0    0
  good candidate   .9   .8   .7   .3   .6   .2   .1   .4   TP 3 FN 1 FP 1 TN 3
  weaker model     .6   .4   .7   .2   .8   .3   .1   .5   TP 2 FN 2 FP 2 TN 2

good:   accuracy 6/8, precision 3/4, recall 3/4, f1 2*3/(2*3+1+1) = 0.75;
        AUC: of the 16 positive-negative pairs, .9 .8 .7 beat all four negatives (12), .3 beats .2 and .1 (2): 14/16
weaker: accuracy 4/8, precision 2/4, recall 2/4, f1 2*2/(2*2+2+2) = 0.5;
        AUC: .6 beats .3 .1 .5 (3), .4 beats .3 .1 (2), .7 beats .3 .1 .5 (3), .2 beats .1 (1): 9/16
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, r2_score, roc_auc_score

from mlopskit.monitor import contract, gate, gate_entry
from mlopskit.monitor.errors import MonitorInputError
from mlopskit.monitor.quality import Quality, auc

LABELS = pd.Series([1, 1, 1, 1, 0, 0, 0, 0])
GOOD = pd.Series([0.9, 0.8, 0.7, 0.3, 0.6, 0.2, 0.1, 0.4])
WEAKER = pd.Series([0.6, 0.4, 0.7, 0.2, 0.8, 0.3, 0.1, 0.5])
BINARY = gate.GateSettings("binary-classification", {"auc": 0.8, "f1": 0.6}, margin=0.05)


def test_metric_values_by_hand() -> None:
    assert gate.metrics_of(BINARY, LABELS, GOOD) == {"accuracy": 0.75, "precision": 0.75, "recall": 0.75,
                                                     "f1": 0.75, "auc": 0.875}
    assert gate.metrics_of(BINARY, LABELS, WEAKER) == {"accuracy": 0.5, "precision": 0.5, "recall": 0.5,
                                                       "f1": 0.5, "auc": 0.5625}


def test_the_gate_and_the_monitor_compute_one_metric_the_same_way() -> None:
    # The monitor job's own Quality counts and AUC on the same rows give the gate's numbers,
    # and an independent library agrees with both.
    monitor = Quality("binary-classification")
    monitor.update(LABELS, GOOD)
    assert gate.metrics_of(BINARY, LABELS, GOOD) == monitor.metrics(auc(LABELS, GOOD, 1)[0])
    assert roc_auc_score(LABELS, GOOD) == 0.875
    assert accuracy_score(LABELS, GOOD >= 0.5) == 0.75 and f1_score(LABELS, GOOD >= 0.5) == 0.75


def test_a_better_candidate_passes() -> None:
    result = gate.evaluate(BINARY, LABELS, GOOD, WEAKER)
    assert result.passed
    # auc: 0.875 >= 0.8 and >= 0.5625 + 0.05; f1: 0.75 >= 0.6 and >= 0.5 + 0.05
    assert [(c.metric, c.kind, c.value, c.bound, c.passed) for c in result.checks] == [
        ("auc", "minimum", 0.875, 0.8, True), ("auc", "serving", 0.875, pytest.approx(0.6125), True),
        ("f1", "minimum", 0.75, 0.6, True), ("f1", "serving", 0.75, pytest.approx(0.55), True)]


def test_a_worse_candidate_fails() -> None:
    result = gate.evaluate(BINARY, LABELS, WEAKER, GOOD)
    assert not result.passed
    assert [(c.metric, c.kind, c.passed) for c in result.checks] == [
        ("auc", "minimum", False), ("auc", "serving", False), ("f1", "minimum", False), ("f1", "serving", False)]


def test_meeting_the_minimums_is_not_enough_against_a_better_serving_model() -> None:
    lenient = gate.GateSettings("binary-classification", {"auc": 0.5, "f1": 0.4}, margin=0.0)
    result = gate.evaluate(lenient, LABELS, WEAKER, GOOD)
    assert [(c.kind, c.passed) for c in result.checks] == [("minimum", True), ("serving", False),
                                                          ("minimum", True), ("serving", False)]
    assert not result.passed
    assert gate.evaluate(lenient, LABELS, WEAKER).passed  # no serving model: the minimums decide


def test_regression_errors_gate_from_above() -> None:
    # labels 3 5 7 9; candidate 2.5 5 7.5 9: errors -.5 0 .5 0 -> mae 1/4, rmse sqrt(.5/4),
    # r2 1 - .5/20 (mean 6, total sum of squares 9+1+1+9); serving 4 4 8 8: errors 1 -1 1 -1 -> mae 1, r2 1 - 4/20
    labels, candidate, serving = (pd.Series(v) for v in ([3, 5, 7, 9], [2.5, 5, 7.5, 9], [4, 4, 8, 8]))
    settings = gate.GateSettings("regression", {"mae": 0.5, "r2": 0.9}, margin=0.1)
    result = gate.evaluate(settings, labels, candidate, serving)
    assert result.metrics["candidate"] == {"mae": 0.25, "rmse": math.sqrt(0.125), "r2": 0.975}
    assert result.metrics["serving"] == {"mae": 1.0, "rmse": 1.0, "r2": 0.8}
    assert mean_absolute_error(labels, candidate) == 0.25 and r2_score(labels, candidate) == 0.975
    assert [(c.kind, c.bound, c.passed) for c in result.checks] == [
        ("minimum", 0.5, True), ("serving", pytest.approx(0.9), True),  # mae at most 1 - 0.1
        ("minimum", 0.9, True), ("serving", pytest.approx(0.9), True)]  # r2 at least 0.8 + 0.1
    assert not gate.evaluate(settings, labels, serving, candidate).passed


def test_an_undefined_metric_fails_its_check() -> None:
    # All predictions negative: precision 0/0 is undefined, so its check cannot pass.
    settings = gate.GateSettings("binary-classification", {"precision": 0.1})
    result = gate.evaluate(settings, LABELS, pd.Series([0.0] * 8))
    assert result.metrics["candidate"]["precision"] is None and not result.passed


def test_misaligned_predictions_are_an_input_error() -> None:
    with pytest.raises(MonitorInputError, match="candidate: 7 predictions for 8 labelled rows"):
        gate.evaluate(BINARY, LABELS, GOOD[:7])


def _write(root: Path, folder: str, name: str, values: pd.Series) -> None:
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / name).write_text("".join(f"{v}\n" for v in values))


def test_the_entry_point_writes_one_evaluation_file_at_the_contract_paths(tmp_path: Path) -> None:
    _write(tmp_path, contract.GATE_LABELS, contract.HOLDOUT_LABELS, LABELS)
    _write(tmp_path, contract.GATE_CANDIDATE, "features.csv.out", GOOD)
    _write(tmp_path, contract.GATE_SERVING, "features.csv.out", WEAKER)
    _write(tmp_path, contract.GATE_TRAINING_DATA, "train.csv", pd.Series(["a,1", "b,0"]))
    env = {"GATE_ROOT": str(tmp_path), "GATE_PROBLEM_TYPE": "binary-classification",
           "GATE_MINIMUMS": "auc=0.8,f1=0.6", "GATE_MARGIN": "0.05"}
    assert gate_entry.main(env) == 0
    written = list((tmp_path / "output").rglob("*"))
    assert [p.relative_to(tmp_path).as_posix() for p in written if p.is_file()] == [
        f"{contract.GATE_OUTPUT}/{contract.EVALUATION_JSON}"]
    doc = json.loads((tmp_path / contract.GATE_OUTPUT / contract.EVALUATION_JSON).read_text())
    assert lookup(doc, contract.GATE_PASSED_PATH) == 1
    assert lookup(doc, contract.gate_metric_path("candidate", "auc")) == 0.875
    assert lookup(doc, contract.gate_metric_path("serving", "auc")) == 0.5625
    # sha256 of "train.csv\t8\t<sha256 of 'a,1\nb,0\n'>\n", computed independently
    content = hashlib.sha256(b"a,1\nb,0\n").hexdigest()
    line = f"train.csv\t8\t{content}\n"
    assert lookup(doc, contract.GATE_DATA_MANIFEST_PATH) == hashlib.sha256(line.encode()).hexdigest()


def test_bad_gate_settings_exit_2_naming_the_variable(tmp_path: Path, capsys) -> None:
    env = {"GATE_ROOT": str(tmp_path), "GATE_PROBLEM_TYPE": "regression", "GATE_MINIMUMS": "auc=0.8"}
    assert gate_entry.main(env) == 2
    assert "GATE_MINIMUMS: not metrics of regression: auc" in capsys.readouterr().err


def lookup(doc: dict, path: str) -> object:
    """A dotted JSONPath as SageMaker's JsonGet, Vertex's and Azure's condition read it."""
    value: object = doc
    for part in path.split("."):
        assert isinstance(value, dict), path
        value = value[part]
    return value
