"""Model registry resolution (moto) and a stack whose package has no approved version."""

from __future__ import annotations

from contextlib import contextmanager

import boto3
import pytest
from moto import mock_aws

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.providers.aws import AwsProvider
from mlopskit.providers.aws.registry import SageMakerModelRegistry, offline_registry, referenced_packages
from mlopskit.providers.base import MISSING_MODEL
from tests.aws.helpers import (
    ACCOUNT,
    AUTOSCALING,
    DRIFT,
    ENDPOINT,
    KEYS,
    MODELS,
    MONITORING,
    PROD,
    TRAINING,
    artifact_bucket,
    beside,
    children,
    component,
    of_endpoint,
    spec,
)
from tests.conftest import STACKS

ARN = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package"
MISSING = "credit-risk-next"


def _register(client, package, status):
    client.create_model_package(
        ModelPackageGroupName=package, ModelApprovalStatus=status,
        InferenceSpecification={"Containers": [{"Image": f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/{package}:1"}],
                                "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]})


def test_offline_registry_latest_approved_is_the_newest_seeded():
    stack = parse_stack(spec("credit-risk.yaml"), base_dir=STACKS)
    with offline_registry(stack, "eu-west-1") as registry:
        latest = registry.resolve("credit-risk", "latest-approved")
        assert (latest.package, latest.version, latest.reference) == ("credit-risk", 7, f"{ARN}/credit-risk/7")
        pinned = registry.resolve("credit-risk", 3)
        assert (pinned.version, pinned.reference) == (3, f"{ARN}/credit-risk/3")
        assert registry.resolve("credit-risk", 8) is None
        assert registry.resolve("unknown", "latest-approved") is None


def _moto_seeded(client, stack):
    """What the offline registry seeded in moto before ``SeededSageMaker`` replaced it."""
    for package, pinned in referenced_packages(stack).items():
        client.create_model_package_group(ModelPackageGroupName=package)
        for _ in range(max(pinned, 1)):
            _register(client, package, "Approved")


@pytest.mark.parametrize("example", ["credit-risk.yaml", "lifecycle.yaml"])
def test_the_offline_stand_in_answers_as_moto_seeded_the_same_way(example):
    """Every question a preview can ask (each package, latest or each pinned version, one past the
    newest, an unknown package or a foreign ARN) gets moto's answer; each request the registry
    sends passes botocore's validation of the SageMaker model (required, types, min)."""
    from botocore.session import get_session
    from botocore.validate import ParamValidator

    stack = parse_stack(spec(example), base_dir=STACKS)
    packages = referenced_packages(stack)
    questions = [(p, "latest-approved") for p in [*packages, "unknown"]]
    questions += [(p, v) for p, newest in packages.items() for v in range(1, max(newest, 1) + 2)]
    with offline_registry(stack, "eu-west-1") as stand_in, mock_aws():
        client = boto3.client("sagemaker", region_name="eu-west-1")
        _moto_seeded(client, stack)
        reference = SageMakerModelRegistry(client)
        for package, version in questions:
            assert stand_in.resolve(package, version) == reference.resolve(package, version), (package, version)
        foreign = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package/elsewhere/{next(iter(packages))}/1"
        with pytest.raises(Exception) as from_moto:
            client.describe_model_package(ModelPackageName=foreign)
        with pytest.raises(type(from_moto.value)) as from_stand_in:
            stand_in.client.describe_model_package(ModelPackageName=foreign)
        assert from_stand_in.value.response["Error"]["Code"] == from_moto.value.response["Error"]["Code"]
    model = get_session().get_service_model("sagemaker")
    sent = stand_in.client.calls
    assert {operation for operation, _ in sent} == {"ListModelPackages", "DescribeModelPackage"}
    for operation, params in sent:
        report = ParamValidator().validate(params, model.operation_model(operation).input_shape)
        assert not report.has_errors(), (operation, report.generate_report())


def test_a_preview_imports_neither_moto_nor_boto3():
    """The stand-in is what keeps ~0.75 s of moto out of every AWS preview."""
    import subprocess
    import sys

    code = ("import sys\nfrom mlopskit.engine import preview\nfrom mlopskit.modules import load_stack\n"
            f"preview(load_stack({str(STACKS / 'credit-risk.yaml')!r}, 'aws'), 'aws')\n"
            "print(sorted(m for m in ('moto', 'boto3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_latest_approved_skips_unapproved_versions():
    with mock_aws():
        client = boto3.client("sagemaker", region_name="eu-west-1")
        client.create_model_package_group(ModelPackageGroupName="p")
        for status in ("Approved", "Approved", "PendingManualApproval", "Rejected"):
            _register(client, "p", status)
        resolved = SageMakerModelRegistry(client).resolve("p", "latest-approved")
        assert (resolved.version, resolved.reference) == (2, f"{ARN}/p/2")


def test_latest_approved_none_when_nothing_approved():
    with mock_aws():
        client = boto3.client("sagemaker", region_name="eu-west-1")
        client.create_model_package_group(ModelPackageGroupName="p")
        _register(client, "p", "PendingManualApproval")
        assert SageMakerModelRegistry(client).resolve("p", "latest-approved") is None


def test_pinned_version_must_be_approved():
    with mock_aws():
        client = boto3.client("sagemaker", region_name="eu-west-1")
        client.create_model_package_group(ModelPackageGroupName="p")
        for status in ("Approved", "PendingManualApproval"):
            _register(client, "p", status)
        registry = SageMakerModelRegistry(client)
        assert registry.resolve("p", 1).reference == f"{ARN}/p/1"
        assert registry.resolve("p", 2) is None  # registered, not approved
        assert registry.resolve("p", 3) is None  # does not exist


class _NoApproved:
    """A registry where MISSING has no approved version; other packages resolve as offline."""

    def __init__(self, inner):
        self.inner = inner

    def resolve(self, package, version):
        return None if package == MISSING else self.inner.resolve(package, version)


class _Provider(AwsProvider):
    @contextmanager
    def offline_registry(self, stack):
        with super().offline_registry(stack) as inner:
            yield _NoApproved(inner)


@pytest.fixture(scope="module")
def unapproved():
    stack = parse_stack(spec("credit-risk.yaml", ("endpoints[0].model.package", MISSING)), base_dir=STACKS)
    return preview(stack, "aws", _Provider())


def test_endpoint_without_approved_version_is_not_deployed(unapproved):
    # The endpoint component and its monitoring exist (as on every cloud); no SageMaker model,
    # configuration or endpoint is invented, so nothing to autoscale or watch for drift yet.
    scoring = component(unapproved, ENDPOINT, f"{PROD}-endpoint-scoring")
    assert children(unapproved, scoring) == []
    assert beside(unapproved, "scoring", MONITORING)
    assert of_endpoint(unapproved, "scoring", AUTOSCALING) == of_endpoint(unapproved, "scoring", DRIFT) == []
    assert {e.inputs["name"] for e in unapproved.of_type("aws:sagemaker/endpoint:Endpoint")} == {f"{PROD}-challenger"}
    assert unapproved.outputs["endpoints"] == {"challenger": f"{PROD}-challenger"}


def test_warning_names_the_package(unapproved):
    (warning,) = [w for w in unapproved.warnings if w.path == "endpoints[0].model.version"]
    assert warning.message == MISSING_MODEL.format(package=MISSING, wanted="approved version", endpoint="scoring")


def test_everything_else_is_still_built(unapproved):
    assert component(unapproved, KEYS)
    assert artifact_bucket(unapproved)
    assert component(unapproved, TRAINING, f"{PROD}-training-train-xgb")
    groups = {g.inputs["modelPackageGroupName"]
              for g in children(unapproved, component(unapproved, MODELS),
                                "aws:sagemaker/modelPackageGroup:ModelPackageGroup")}
    assert groups == {"credit-risk", MISSING}  # the group exists so a version can be registered
