"""training[].tuning / evaluation / register: optional, strict, and each bad value named at its field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from mlopskit.cli import main
from mlopskit.modules import parse_stack
from tests.conftest import STACKS
from tests.specs import baseline, change, write_spec
from tests.test_spec_validation import issues

TUNING = {"objective": {"metric": "validation-auc", "goal": "maximize"}, "maxTrials": 12, "parallelTrials": 3,
          "parameters": {"eta": {"type": "continuous", "min": 0.01, "max": 0.3, "scale": "log"},
                         "depth": {"type": "integer", "min": 3, "max": 9},
                         "booster": {"type": "categorical", "values": ["gbtree", "dart"]}}}
EVALUATION = {"holdout": "holdout/credit/", "problemType": "binary-classification",
              "minimums": {"auc": 0.8, "f1": 0.5}, "against": {"endpoint": "endpoints[0]", "margin": 0.01}}
REGISTER = {"package": "credit-risk", "approval": "automatic-when-gate-passes"}


def continuous(**overrides: Any) -> dict[str, Any]:
    data = baseline()
    job = data["training"][0]
    job.update(copy.deepcopy({"tuning": TUNING, "evaluation": EVALUATION, "register": REGISTER}))
    for path, value in overrides.items():
        change(data, path, value)
    return data


def test_a_full_continuous_job_is_valid_and_typed() -> None:
    job = parse_stack(continuous(), base_dir=STACKS).training[0]
    assert job.tuning is not None and job.evaluation is not None and job.registration is not None
    assert job.tuning.parameters["eta"].log and job.tuning.strategy == "bayesian"
    assert job.evaluation.against is not None and job.evaluation.against.index == 0
    assert job.registration.approval == "automatic-when-gate-passes"


def test_existing_specs_need_none_of_it() -> None:
    job = parse_stack(baseline(), base_dir=STACKS).training[0]
    assert (job.tuning, job.evaluation, job.registration) == (None, None, None)


@pytest.mark.parametrize(("path", "value", "expected"), [
    ("training[0].tuning.parallelTrials", 20, "training[0].tuning.parallelTrials: must not exceed maxTrials (12)"),
    ("training[0].tuning.parameters.eta.min", 0, "training[0].tuning.parameters.eta.min: must be above 0 with scale log"),
    ("training[0].tuning.parameters.depth.max", 2, "training[0].tuning.parameters.depth.max: must be above min"),
    ("training[0].tuning.strategy", "hyperband", "training[0].tuning.strategy"),
    ("training[0].tuning.maxTrials", 501, "training[0].tuning.maxTrials"),
    ("training[0].tuning.parameters.booster.values", ["a", "a"], "training[0].tuning.parameters.booster.values: duplicate"),
    ("training[0].hyperparameters", {"eta": "0.1"}, "training[0].tuning.parameters.eta: is also a fixed hyperparameter"),
    ("training[0].evaluation.minimums", {"rmse": 2.0}, "training[0].evaluation.minimums.rmse: is not computed for problemType binary-classification"),
    ("training[0].evaluation.against.endpoint", "endpoints[3]", "training[0].evaluation.against.endpoint: endpoints[3] does not exist"),
    ("training[0].register.package", "other", "training[0].evaluation.against.endpoint: endpoints[0] serves package credit-risk, not other"),
    ("training[0].register", ..., "training[0].register: required with evaluation"),
    ("training[0].evaluation.holdout", "models/x/", "training[0].evaluation.holdout"),
    ("training[0].evaluation.holdout", "evaluation/train-xgb/", "training[0].evaluation.holdout: evaluation/train-xgb/ "
                                                                "overlaps evaluation/, the kit's folder for training gates'"),
    ("training[0].evaluation.holdout", "data/train-xgb/holdout/", "overlaps data/train-xgb/, the kit's folder for "
                                                                  "training job train-xgb's input data"),
    ("training[0].evaluation.colour", "red", "training[0].evaluation.colour: unknown field"),
])
def test_each_rule_names_the_field(path: str, value: Any, expected: str) -> None:
    found = issues(continuous(**{path: value}))
    assert any(expected in line for line in found), found


def test_automatic_approval_needs_the_gate() -> None:
    data = continuous(**{"training[0].evaluation": ...})
    assert any("training[0].register.approval: automatic-when-gate-passes needs an evaluation" in i for i in issues(data))


def test_grid_size_and_trials() -> None:
    grid = {**TUNING, "strategy": "grid", "parameters": {"depth": {"type": "integer", "min": 3, "max": 5},
                                                         "booster": {"type": "categorical", "values": ["a", "b"]}}}
    tuning = parse_stack(continuous(**{"training[0].tuning": grid}), base_dir=STACKS).training[0].tuning
    assert tuning is not None and tuning.grid_size() == 6 and tuning.trials == 6  # 3 depths x 2 boosters < 12


@pytest.mark.parametrize(("cloud", "strategy", "early", "expected"), [
    ("aws", "grid", False, "training[0].tuning.strategy: SageMaker Pipelines' published definition schema takes"),
    ("gcp", "grid", False, "training[0].tuning.parameters.eta.type: Vertex AI grid search takes integer and categorical"),
    ("azure", "grid", False, "training[0].tuning.parameters.depth.type: Azure ML grid sampling takes categorical"),
    ("azure", "bayesian", False, "training[0].tuning.parameters.eta.scale: Azure ML Bayesian sampling has no log-scale"),
    ("azure", "bayesian", True, "training[0].tuning.earlyStopping: Azure ML Bayesian sampling supports no early"),
])
def test_each_clouds_tuning_limits_exit_2_from_validate(tmp_path: Path, capsys, cloud: str, strategy: str,
                                                         early: bool, expected: str) -> None:
    spec = write_spec(tmp_path, continuous(**{"training[0].tuning.strategy": strategy,
                                              "training[0].tuning.earlyStopping": early}))
    assert main(["validate", str(spec), "--provider", cloud]) == 2
    assert expected in capsys.readouterr().err


def test_aws_tuning_needs_a_framework_image(tmp_path: Path, capsys) -> None:
    data = continuous(**{"training[0].image": {"uri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/train:1"},
                         "training[0].code": ...})
    assert main(["validate", str(write_spec(tmp_path, data)), "--provider", "aws"]) == 2
    assert "training[0].tuning: SageMaker tuning runs a framework image in script mode only" in capsys.readouterr().err


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_random_search_is_accepted_everywhere(tmp_path: Path, cloud: str) -> None:
    spec = write_spec(tmp_path, continuous(**{"training[0].tuning.strategy": "random"}))
    assert main(["validate", str(spec), "--provider", cloud]) == 0
