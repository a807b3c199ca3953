"""`mlopskit train` of a gated job hands the pipeline the model its `against` endpoint serves now
(issue 31): a rollout may have moved the endpoint since `pulumi up` wrote the parameter's default,
and a gate comparing with a retired version would approve a candidate worse than the champion."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from mlopskit.cli import main
from mlopskit.modules.loader import load_stack
from mlopskit.providers.aws import names
from tests.conftest import STACKS

REGION, ACCOUNT = "eu-west-1", "123456789012"
SPEC = str(STACKS / "continuous-training.yaml")


@pytest.fixture
def sagemaker() -> Iterator[object]:
    with mock_aws():
        yield boto3.client("sagemaker", region_name=REGION)


def _deployed(sm: object, weights: dict[str, tuple[float, str | None]]) -> tuple[str, str]:
    """The stack's gated pipeline and its endpoint serving a model per variant: name -> (weight,
    the version's package ARN or None for a model without one)."""
    stack = load_stack(SPEC)
    pipeline = names.pipeline(stack, "churn-train")
    prefix = pipeline.removesuffix("-churn-train")
    sm.create_pipeline(PipelineName=pipeline, RoleArn=f"arn:aws:iam::{ACCOUNT}:role/pipeline",  # type: ignore[attr-defined]
                       PipelineDefinition='{"Version": "2020-12-01", "Steps": []}')
    variants = []
    for variant, (weight, package) in weights.items():
        container = {"ModelPackageName": package} if package else {"Image": "x.dkr.ecr.eu-west-1.amazonaws.com/m:1"}
        sm.create_model(ModelName=f"{prefix}-model-{variant}", ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/inference",  # type: ignore[attr-defined]
                        PrimaryContainer=container)
        variants.append({"VariantName": variant, "ModelName": f"{prefix}-model-{variant}", "InstanceType": "ml.m5.large",
                         "InitialInstanceCount": 1, "InitialVariantWeight": weight})
    endpoint = names.endpoint(stack, stack.endpoints[0])
    sm.create_endpoint_config(EndpointConfigName=f"{prefix}-config-1", ProductionVariants=variants)  # type: ignore[attr-defined]
    sm.create_endpoint(EndpointName=endpoint, EndpointConfigName=f"{prefix}-config-1")  # type: ignore[attr-defined]
    return pipeline, endpoint


def _parameters(sm: object, pipeline: str) -> dict[str, str]:
    (execution,) = sm.list_pipeline_executions(PipelineName=pipeline)["PipelineExecutionSummaries"]  # type: ignore[attr-defined]
    listed = sm.list_pipeline_parameters_for_execution(  # type: ignore[attr-defined]
        PipelineExecutionArn=execution["PipelineExecutionArn"]).get("PipelineParameters") or []
    return {p["Name"]: p["Value"] for p in listed}


def _package(version: int) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/churn/{version}"


def test_train_passes_the_version_taking_most_traffic(sagemaker: object) -> None:
    # Mid-canary: version 7 has taken 90% of the traffic from version 6.
    pipeline, _ = _deployed(sagemaker, {"primary": (0.1, _package(6)), "canary": (0.9, _package(7))})
    assert main(["train", SPEC, "--provider", "aws", "--job", "churn-train"]) == 0
    assert _parameters(sagemaker, pipeline) == {names.SERVING_PARAMETER: _package(7)}


def test_an_endpoint_serving_no_registry_version_keeps_the_default(sagemaker: object) -> None:
    pipeline, _ = _deployed(sagemaker, {"primary": (1.0, None)})
    assert main(["train", SPEC, "--provider", "aws", "--job", "churn-train"]) == 0
    assert _parameters(sagemaker, pipeline) == {}


def test_every_call_of_the_champion_lookup_is_granted(sagemaker: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """The day-2 permission gate's rule on this path: each call is granted by `training.submit`."""
    from mlopskit.modules.day2.calls import Gateway
    from mlopskit.providers.aws.permissions import StackArns, statements
    from tests.aws.day2.test_permissions import granted, requirements

    made: list[tuple[str, str, dict]] = []
    read, write = Gateway.read, Gateway.write
    monkeypatch.setattr(Gateway, "read", lambda self, s, o, fn, /, **p: (made.append((s, o, p)), read(self, s, o, fn, **p))[1])
    monkeypatch.setattr(Gateway, "write", lambda self, s, o, fn, /, dry_result=None, **p: (
        made.append((s, o, p)), write(self, s, o, fn, dry_result=dry_result, **p))[1])
    pipeline, endpoint = _deployed(sagemaker, {"primary": (1.0, _package(6))})
    assert main(["train", SPEC, "--provider", "aws", "--job", "churn-train"]) == 0
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{{}}"
    prefix = pipeline.removesuffix("-churn-train")  # the stack prefix the stack's resources start with
    policy = [dict(s, Action=[s["Action"]] if isinstance(s["Action"], str) else s["Action"],
                   Resource=[s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
              for s in statements("training.submit", StackArns(
                  bucket="arn:aws:s3:::b", key=None, repository=arn.format("repository/r"), model_groups=(),
                  model_packages=(), pipelines=(arn.format(f"pipeline/{pipeline}"),),
                  training_jobs=arn.format(f"training-job/{prefix}-*"), endpoints=(arn.format(f"endpoint/{endpoint}"),),
                  champions=(arn.format(f"endpoint/{endpoint}"),),
                  endpoint_configs=arn.format(f"endpoint-config/{prefix}-*"), models=arn.format(f"model/{prefix}-*"),
                  alarms="a", scratch_bucket=None, log_groups="l", backup_vault=None, recovery_points=None,
                  training_role=f"arn:aws:iam::{ACCOUNT}:role/t", inference_role=f"arn:aws:iam::{ACCOUNT}:role/i",
                  backup_role=None))]
    missing = [pair for service, operation, params in made for pair in requirements(service, operation, params)
               if not granted(policy, *pair)]
    assert made and missing == []
