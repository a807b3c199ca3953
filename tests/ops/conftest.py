"""Fixtures for the day-2 command tests: a fake clock, a moto world holding a deployed AWS
stack, and the one SageMaker call moto lacks (`update_endpoint`) as a small moto extension,
including SageMaker's guarded (blue/green) deployments."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mlopskit.commands import ops as ops_command
from tests.specs import baseline, write_spec as write_spec_file

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
PREFIX = "credit-risk-prod"
ENDPOINT = f"{PREFIX}-scoring"
OLD_CONFIG = f"{ENDPOINT}-config-1"
OLD_MODEL = f"{ENDPOINT}-model-1"


class FakeClock:
    """Time that moves only when the code sleeps; ``on_sleep`` lets a test act mid-wait."""

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self.time = start
        self.sleeps: list[float] = []
        self.on_sleep: Callable[[int], None] | None = None

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds
        if self.on_sleep is not None:
            self.on_sleep(len(self.sleeps))

    def now(self) -> float:
        return self.time


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(ops_command, "CLOCK", fake)
    return fake


def write_spec(tmp_path: Path, data: dict[str, Any], name: str = "spec.yaml") -> str:
    return str(write_spec_file(tmp_path, data, name))


@pytest.fixture
def spec_file(tmp_path: Path) -> str:
    """credit-risk with its one canary endpoint (`scoring`): the shadow challenger has its own tests."""
    data = baseline()
    data["endpoints"] = data["endpoints"][:1]
    return write_spec(tmp_path, data)


# -- the moto extension: SageMaker UpdateEndpoint -------------------------------------------


def _lookup(self: Any, endpoint_name: str, endpoint_config_name: str) -> tuple[Any, Any]:
    from moto.sagemaker.exceptions import ValidationError

    endpoint = self.endpoints.get(endpoint_name)
    if endpoint is None:
        raise ValidationError(message=f'Could not find endpoint "{endpoint_name}".')
    config = self.endpoint_configs.get(endpoint_config_name)
    if config is None:
        raise ValidationError(message=f'Could not find endpoint configuration "{endpoint_config_name}".')
    return endpoint, config


def _update_endpoint(self: Any, endpoint_name: str, endpoint_config_name: str, retain: bool) -> str:
    endpoint, config = _lookup(self, endpoint_name, endpoint_config_name)
    before = {v["VariantName"]: v for v in endpoint.production_variants}
    variants = endpoint._process_production_variants(config.production_variants)
    for variant in variants:
        # RetainAllVariantProperties keeps live weights and instance counts of kept variants.
        if retain and variant["VariantName"] in before:
            variant.update({k: v for k, v in before[variant["VariantName"]].items() if k != "VariantName"})
    endpoint.production_variants = variants
    endpoint.endpoint_config_name = endpoint_config_name
    endpoint.data_capture_config = config.data_capture_config
    return endpoint.arn


@dataclass
class Guardrails:
    """SageMaker's blue/green deployment behind an UpdateEndpoint that carries a DeploymentConfig.

    The endpoint reports ``Updating`` at the first describe_endpoint after the update and is
    done at the next one: serving the new config; or, with ``rollback_reason``, back on the old
    config (InService) with that FailureReason, as after an alarm-triggered auto-rollback; or,
    with ``final_status``, left in that status with ``rollback_reason`` (or none) as the reason.
    """

    sent: list[dict[str, Any]] = field(default_factory=list)  # UpdateEndpoint requests with a DeploymentConfig
    rollback_reason: str | None = None
    final_status: str | None = None
    pending: dict[str, tuple[str, int]] = field(default_factory=dict)  # endpoint -> (new config, describes seen)

    def start(self, backend: Any, endpoint_name: str, request: dict[str, Any]) -> str:
        endpoint, _ = _lookup(backend, endpoint_name, request["EndpointConfigName"])
        self.sent.append(request)
        endpoint.endpoint_status = "Updating"
        self.pending[endpoint_name] = (request["EndpointConfigName"], 0)
        return endpoint.arn

    def advance(self, backend: Any, endpoint_name: str) -> None:
        if endpoint_name not in self.pending:
            return
        config, seen = self.pending[endpoint_name]
        if seen == 0:
            self.pending[endpoint_name] = (config, 1)
            return
        del self.pending[endpoint_name]
        endpoint = backend.endpoints[endpoint_name]
        if self.final_status is None and self.rollback_reason is None:
            _update_endpoint(backend, endpoint_name, config, False)
        endpoint.endpoint_status = self.final_status or "InService"
        endpoint.failure_reason = self.rollback_reason


@pytest.fixture(autouse=True)
def moto_update_endpoint(monkeypatch: pytest.MonkeyPatch) -> Guardrails:
    from moto.core.responses import ActionResult
    from moto.sagemaker.models import SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    guardrails = Guardrails()
    describe = SageMakerModelBackend.describe_endpoint

    def backend_update(self: Any, endpoint_name: str, endpoint_config_name: str,
                       retain_all_variant_properties: bool = False, deployment_config: dict[str, Any] | None = None,
                       retain_deployment_config: bool = False) -> str:
        if deployment_config:
            return guardrails.start(self, endpoint_name, {
                "EndpointConfigName": endpoint_config_name, "DeploymentConfig": deployment_config,
                "RetainDeploymentConfig": retain_deployment_config})
        return _update_endpoint(self, endpoint_name, endpoint_config_name, retain_all_variant_properties)

    def backend_describe(self: Any, endpoint_name: str) -> dict[str, Any]:
        guardrails.advance(self, endpoint_name)
        return describe(self, endpoint_name)

    def response_update(self: Any) -> Any:
        arn = self.sagemaker_backend.update_endpoint(
            endpoint_name=self._get_param("EndpointName"),
            endpoint_config_name=self._get_param("EndpointConfigName"),
            retain_all_variant_properties=bool(self._get_param("RetainAllVariantProperties")),
            deployment_config=self._get_param("DeploymentConfig"),
            retain_deployment_config=bool(self._get_param("RetainDeploymentConfig")),
        )
        return ActionResult({"EndpointArn": arn})

    monkeypatch.setattr(SageMakerModelBackend, "update_endpoint", backend_update, raising=False)
    monkeypatch.setattr(SageMakerModelBackend, "describe_endpoint", backend_describe)
    monkeypatch.setattr(SageMakerResponse, "update_endpoint", response_update, raising=False)
    return guardrails


@pytest.fixture
def guardrails(moto_update_endpoint: Guardrails) -> Guardrails:
    """What SageMaker's guarded deployments received, and how the next one ends."""
    return moto_update_endpoint


# -- a deployed stack in moto -------------------------------------------------------------


@pytest.fixture(scope="module")
def pipeline_definition() -> str:
    """The training pipeline definition the AWS provider builds (from a mocked preview)."""
    from mlopskit.engine import preview
    from tests.specs import stack

    graph = preview(stack(), "aws")
    # By name: the stack has more than one pipeline (each endpoint's monitor job is one too).
    (pipeline,) = [r for r in graph.resources
                   if r.type == "aws:sagemaker/pipeline:Pipeline" and r.inputs.get("pipelineName") == f"{PREFIX}-train-xgb"]
    return pipeline.inputs["pipelineDefinition"]


def seed(pipeline_definition: str) -> None:
    """What `pulumi up` leaves behind for the `scoring` endpoint and the training job."""
    import boto3

    sm = boto3.client("sagemaker", region_name=REGION)
    sm.create_model_package_group(ModelPackageGroupName="credit-risk")
    for version, status in ((1, "Approved"), (2, "PendingManualApproval"), (3, "Approved")):
        sm.create_model_package(
            ModelPackageGroupName="credit-risk", ModelApprovalStatus=status,
            InferenceSpecification={
                "Containers": [{"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/credit-risk:{version}"}],
                "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]})
    sm.create_model(ModelName=OLD_MODEL, ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-inference",
                    PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/credit-risk:1"})
    sm.create_endpoint_config(
        EndpointConfigName=OLD_CONFIG,
        ProductionVariants=[{"VariantName": "primary", "ModelName": OLD_MODEL, "InstanceType": "ml.g4dn.xlarge",
                             "InitialInstanceCount": 2, "InitialVariantWeight": 1.0}],
        DataCaptureConfig={"EnableCapture": True, "InitialSamplingPercentage": 20,
                           "DestinationS3Uri": f"s3://{PREFIX}-artifacts-{ACCOUNT}/data-capture/scoring",
                           "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]},
    )
    sm.create_endpoint(EndpointName=ENDPOINT, EndpointConfigName=OLD_CONFIG)
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    for alarm in (f"{ENDPOINT}-latency-p99", f"{ENDPOINT}-error-rate"):
        cloudwatch.put_metric_alarm(AlarmName=alarm, Namespace="AWS/SageMaker", MetricName="ModelLatency",
                                    Statistic="Average", Period=60, EvaluationPeriods=3, Threshold=1.0,
                                    ComparisonOperator="GreaterThanThreshold")
    boto3.client("application-autoscaling", region_name=REGION).register_scalable_target(
        ServiceNamespace="sagemaker", ResourceId=f"endpoint/{ENDPOINT}/variant/primary",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount", MinCapacity=2, MaxCapacity=6)
    sm.create_pipeline(PipelineName=f"{PREFIX}-train-xgb", PipelineDefinition=pipeline_definition,
                       RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-pipeline")


@pytest.fixture
def aws(pipeline_definition: str) -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        seed(pipeline_definition)
        yield


def live_variants() -> list[dict[str, Any]]:
    import boto3

    described = boto3.client("sagemaker", region_name=REGION).describe_endpoint(EndpointName=ENDPOINT)
    return [{k: v.get(k) for k in ("VariantName", "CurrentWeight", "CurrentInstanceCount")}
            for v in described["ProductionVariants"]]


def endpoint_config() -> str:
    import boto3

    return boto3.client("sagemaker", region_name=REGION).describe_endpoint(EndpointName=ENDPOINT)["EndpointConfigName"]


