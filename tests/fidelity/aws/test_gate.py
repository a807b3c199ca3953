"""The AWS fidelity gate: every recorded resource's API requests meet botocore's model.

Budget: six previews (two shared with tests/aws through the preview cache), ~10 s alone.
"""

from __future__ import annotations

import copy

import pytest

from tests.conftest import STACKS
from tests.fidelity.aws.gate import SPECS, graph_of, requests, unmapped, violations
from tests.fidelity.aws.requests import EXEMPT, REQUESTS
from tests.fidelity.aws.validator import validate

REGION = "eu-west-1"  # every spec's placement.aws.region


@pytest.fixture(scope="module", params=sorted(SPECS))
def spec_graph(request):
    return request.param, graph_of(SPECS[request.param]())


def test_every_recorded_type_is_mapped_or_exempt(spec_graph):
    name, graph = spec_graph
    assert not unmapped(graph), f"{name}: map these types in tests/fidelity/aws/requests.py or exempt them with a reason"


def test_no_violation_on_any_spec(spec_graph):
    name, graph = spec_graph
    found = violations(graph, REGION)
    assert not found, f"{name}:\n" + "\n".join(found)


def test_exemptions_say_why():
    assert all(len(reason) > 20 for reason in EXEMPT.values())
    assert not set(EXEMPT) & set(REQUESTS)


# The requests issue 11 names; the gate must produce (and so check) each of them.
NAMED = {
    ("sagemaker", "CreateModel"), ("sagemaker", "CreateEndpointConfig"), ("sagemaker", "CreateEndpoint"),
    ("sagemaker", "UpdateEndpoint"), ("sagemaker", "CreateTrainingJob"), ("sagemaker", "CreatePipeline"),
    ("sagemaker", "CreateModelPackageGroup"), ("sagemaker", "CreateDataQualityJobDefinition"),
    ("sagemaker", "CreateMonitoringSchedule"), ("application-autoscaling", "RegisterScalableTarget"),
    ("application-autoscaling", "PutScalingPolicy"), ("cloudwatch", "PutMetricAlarm"), ("iam", "CreateRole"),
    ("iam", "PutRolePolicy"), ("kms", "CreateKey"), ("kms", "EnableKeyRotation"), ("ecr", "CreateRepository"),
    ("backup", "CreateBackupPlan"), ("backup", "CreateBackupVault"), ("s3", "CreateBucket"),
    ("s3", "PutBucketPolicy"), ("scheduler", "CreateSchedule"), ("sagemaker", "CreateTransformJob"),
    ("sagemaker", "CreateModelQualityJobDefinition"), ("sagemaker", "CreateMlflowTrackingServer"),
    ("sagemaker", "CreateModelBiasJobDefinition"), ("sagemaker", "CreateModelExplainabilityJobDefinition"),
    # Issue 31: the continuous-training pipeline's steps.
    ("sagemaker", "CreateHyperParameterTuningJob"), ("sagemaker", "CreateProcessingJob"),
    ("sagemaker", "CreateModelPackage"),
}


def test_every_named_request_is_checked():
    sent = {(r.service, r.operation) for name in SPECS for r in requests(graph_of(SPECS[name]()), REGION)}
    assert NAMED <= sent, NAMED - sent


def test_ecr_replication_request_when_a_stack_owns_it(monkeypatch):
    # Only built with the opt-in (issue 11.9); its request is checked all the same.
    from mlopskit.engine import preview
    from mlopskit.modules import parse_stack

    monkeypatch.setenv("PULUMI_CONFIG", '{"mlopskit:ecrReplication": "managed"}')
    graph = preview(parse_stack(SPECS["longest-names"](), base_dir=STACKS), "aws")
    assert ("ecr", "PutReplicationConfiguration") in {(r.service, r.operation) for r in requests(graph, REGION)}
    assert not unmapped(graph) and not violations(graph, REGION)


# -- the gate can fail: one planted violation of each kind --------------------------------------


@pytest.fixture(scope="module")
def config_request():
    graph = graph_of(SPECS["credit-risk"]())
    return next(r.request for r in requests(graph, REGION) if r.operation == "CreateEndpointConfig")


@pytest.mark.parametrize(("plant", "path", "problem"), [
    (lambda r: r.pop("ProductionVariants"), "CreateEndpointConfig.ProductionVariants", "required"),
    (lambda r: r["ProductionVariants"][0].update(InitialInstanceCount="2"),
     "CreateEndpointConfig.ProductionVariants[0].InitialInstanceCount", "type"),
    (lambda r: r["ProductionVariants"][0].update(InitialInstanceCount=0),
     "CreateEndpointConfig.ProductionVariants[0].InitialInstanceCount", "min"),
    (lambda r: r.update(KmsKeyId="a" * 2049), "CreateEndpointConfig.KmsKeyId", "max"),
    (lambda r: r["ProductionVariants"][0].update(InstanceType="ml.t3.medium"),
     "CreateEndpointConfig.ProductionVariants[0].InstanceType", "enum"),
    (lambda r: r.update(EndpointConfigName="under_score"), "CreateEndpointConfig.EndpointConfigName", "pattern"),
    (lambda r: r.update(ShadowVariants=[]), "CreateEndpointConfig.ShadowVariants", "unknown"),
    (lambda r: r.update(ProductionVariants=[]), "CreateEndpointConfig.ProductionVariants", "min"),
])
def test_a_planted_violation_is_caught(config_request, plant, path, problem):
    assert validate("sagemaker", "CreateEndpointConfig", config_request) == []
    request = copy.deepcopy(config_request)
    plant(request)
    found = validate("sagemaker", "CreateEndpointConfig", request)
    assert [(v.path, v.problem) for v in found] == [(path, problem)]
    assert str(found[0]).startswith(f"{path}: {problem} (")


def test_a_planted_recorded_input_flows_through_the_mapping():
    # The translation carries recorded values into the request: a bad recorded name is caught.
    graph = graph_of(SPECS["credit-risk"]())
    model = next(r for r in graph if r.type == "aws:sagemaker/model:Model")
    inputs = {**model.inputs, "name": "x" * 64}
    ((service, operation, request),) = REQUESTS[model.type](inputs, model.name, REGION)
    assert [(v.path, v.problem) for v in validate(service, operation, request)] == [("CreateModel.ModelName", "max")]


def test_documented_limits_outside_the_model_are_checked_too():
    # Issue 11.10/11.11: AWS documents these; botocore's model does not carry them.
    graph = graph_of(SPECS["credit-risk"]())
    endpoint = next(r.request for r in requests(graph, REGION)
                    if r.operation == "UpdateEndpoint" and r.request["DeploymentConfig"]["BlueGreenUpdatePolicy"][
                        "TrafficRoutingConfiguration"]["Type"] == "CANARY")
    planted = copy.deepcopy(endpoint)
    planted["DeploymentConfig"]["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]["CanarySize"]["Value"] = 60
    assert [v.problem for v in validate("sagemaker", "UpdateEndpoint", planted)] == ["max"]
    # Audit 5: the deployment must outlast its waits (canary: two of them) and termination wait.
    timed_out = copy.deepcopy(endpoint)
    policy = timed_out["DeploymentConfig"]["BlueGreenUpdatePolicy"]
    policy["MaximumExecutionTimeoutInSeconds"] = 2 * policy["TrafficRoutingConfiguration"]["WaitIntervalInSeconds"]
    assert [v.problem for v in validate("sagemaker", "UpdateEndpoint", timed_out)] == ["timeout"]
    long_bucket = {"Bucket": "b" * 64, "CreateBucketConfiguration": {"LocationConstraint": REGION}}
    assert [v.path for v in validate("s3", "CreateBucket", long_bucket)] == ["CreateBucket.Bucket"]


def test_the_training_code_upload_is_a_checked_put_object():
    # training[].code is uploaded as one object: its PutObject request is validated like the rest.
    graph = graph_of(SPECS["credit-risk"]())
    (upload,) = [r for r in requests(graph, REGION) if r.operation == "PutObject"
                 and r.request["Key"].endswith("/sourcedir.tar.gz")]
    assert upload.request["Key"].endswith("/sourcedir.tar.gz") and validate("s3", "PutObject", upload.request) == []
    planted = {**upload.request, "ServerSideEncryption": "aws:kms:dsse:nope"}
    assert [v.problem for v in validate("s3", "PutObject", planted)] == ["enum"]
