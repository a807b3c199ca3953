"""`mlopskit train` on a continuous job (AWS): one pipeline execution, followed step by step to the
gate's verdict with --wait; --dry-run prints the call and starts nothing."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from mlopskit.cli import main
from mlopskit.providers.aws import ops as aws_ops
from tests.continuous.test_aws_registration import REGION, definition, registry, spec_file  # noqa: F401

PIPELINE = "churn-ct-staging-churn-train"


@pytest.fixture
def deployed(registry: Any, definition: dict[str, Any]) -> Any:  # noqa: F811
    registry.create_pipeline(PipelineName=PIPELINE, PipelineDefinition=json.dumps(definition),
                             RoleArn="arn:aws:iam::123456789012:role/churn-ct-staging-pipeline")
    return registry


def test_train_dry_run_prints_the_execution_it_would_start(deployed, spec_file, capsys) -> None:  # noqa: F811
    assert main(["train", spec_file, "--provider", "aws", "--job", "churn-train", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would submit <execution of {PIPELINE}>" in out and "start_pipeline_execution" in out
    assert deployed.list_pipeline_executions(PipelineName=PIPELINE)["PipelineExecutionSummaries"] == []


def test_train_wait_follows_the_steps_to_the_gates_verdict(deployed, spec_file, capsys, monkeypatch) -> None:  # noqa: F811
    # moto runs no step: the run's states come from here, as SageMaker reports them.
    answers = iter([
        ({"PipelineExecutionStatus": "Executing"}, [{"StepName": "Tune", "StepStatus": "Executing"}]),
        ({"PipelineExecutionStatus": "Failed", "FailureReason": "Step failure: GateFailed"},
         [{"StepName": "Tune", "StepStatus": "Succeeded"}, {"StepName": "Evaluate", "StepStatus": "Succeeded"},
          {"StepName": "Gate", "StepStatus": "Succeeded"}, {"StepName": "RegisterRejected", "StepStatus": "Succeeded"},
          {"StepName": "GateFailed", "StepStatus": "Failed"}]),
    ])
    current: dict[str, Any] = {}
    real = aws_ops.AwsOps._read

    def read(self: Any, service: str, operation: str, **params: Any) -> Any:
        if operation == "describe_pipeline_execution":
            current["execution"], current["steps"] = next(answers)
            return current["execution"]
        if operation == "list_pipeline_execution_steps":
            return {"PipelineExecutionSteps": current["steps"]}
        return real(self, service, operation, **params)

    monkeypatch.setattr(aws_ops.AwsOps, "_read", read)
    monkeypatch.setattr("mlopskit.commands.ops.CLOCK.sleep", lambda seconds: None)
    code = main(["train", spec_file, "--provider", "aws", "--job", "churn-train", "--wait"])
    out = capsys.readouterr().out
    [execution] = boto3.client("sagemaker", region_name=REGION).list_pipeline_executions(
        PipelineName=PIPELINE)["PipelineExecutionSummaries"]
    arn = execution["PipelineExecutionArn"]
    assert code == 1
    assert f"{arn}: Executing: Tune Executing\n" in out
    assert ("Failed: Tune Succeeded, Evaluate Succeeded, Gate Succeeded, RegisterRejected Succeeded, GateFailed Failed; "
            "gate failed: the candidate is registered rejected; Step failure: GateFailed") in out
