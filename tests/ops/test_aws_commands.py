"""`train`, `promote`, `status` and `backup verify` on AWS, and the call gateway's retries."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from mlopskit.cli import main
from mlopskit.commands import ops as ops_command
from mlopskit.modules.day2.calls import Gateway
from mlopskit.providers.aws import ops as aws_ops
from tests.ops.conftest import ACCOUNT, ENDPOINT, PREFIX, REGION, FakeClock, write_spec
from tests.specs import baseline

pytestmark = pytest.mark.usefixtures("aws")


# -- train ----------------------------------------------------------------------------------


def test_train_submits_the_pipeline_request_with_the_spec_compute(spec_file: str, clock: FakeClock,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["train", spec_file, "--provider", "aws", "--job", "train-xgb", "--wait"])
    out = capsys.readouterr().out
    run = f"{PREFIX}-train-xgb-20260921"
    assert code == 0
    assert out.startswith(f"submitted {run}")
    name = out.split()[1]
    job = boto3.client("sagemaker", region_name=REGION).describe_training_job(TrainingJobName=name)
    assert job["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-training"
    assert job["AlgorithmSpecification"]["TrainingImage"] == "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    assert job["ResourceConfig"]["InstanceType"] == "ml.m7i-flex.xlarge"  # the cheapest training type in eu-west-1
    assert job["ResourceConfig"]["InstanceCount"] == 1
    assert job["StoppingCondition"]["MaxRuntimeInSeconds"] == 180 * 60
    assert job["EnableManagedSpotTraining"] is True
    assert job["HyperParameters"]["max_depth"] == "6"
    assert f"{name}: Completed" in out and out.rstrip().endswith(f"{name}: succeeded")


def test_train_wait_exits_1_when_the_run_fails(spec_file: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    # moto completes training jobs at once; the run's later states come from here instead.
    answers = iter([{"TrainingJobStatus": "InProgress", "SecondaryStatus": "Training"},
                    {"TrainingJobStatus": "Failed", "SecondaryStatus": "Failed", "FailureReason": "AlgorithmError: boom"}])
    real_read = aws_ops.AwsOps._read

    def read(self: Any, service: str, operation: str, **params: Any) -> Any:
        return next(answers) if operation == "describe_training_job" else real_read(self, service, operation, **params)

    monkeypatch.setattr(aws_ops.AwsOps, "_read", read)
    code = main(["train", spec_file, "--provider", "aws", "--job", "train-xgb", "--wait"])
    out = capsys.readouterr().out
    assert code == 1
    assert ": InProgress (Training)\n" in out and ": Failed (Failed): AlgorithmError: boom\n" in out
    assert out.rstrip().endswith(": failed")
    assert clock.sleeps == [30]


def test_train_without_the_pipeline_is_one_not_found_line(spec_file: str, clock: FakeClock,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    boto3.client("sagemaker", region_name=REGION).delete_pipeline(PipelineName=f"{PREFIX}-train-xgb", ClientRequestToken="x" * 32)
    code = main(["train", spec_file, "--provider", "aws", "--job", "train-xgb"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: aws: sagemaker.describe_pipeline: not-found: ") and err.count("\n") == 1


def test_train_unknown_job_is_bad_input(spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", spec_file, "--provider", "aws", "--job", "nope"]) == 2
    assert "training: no training job named 'nope' (spec has: train-xgb)" in capsys.readouterr().err


def test_train_dry_run_creates_no_job(spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", spec_file, "--provider", "aws", "--job", "train-xgb", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  read sagemaker.describe_pipeline(PipelineName=\"credit-risk-prod-train-xgb\")" in out
    assert "  would call sagemaker.create_training_job(TrainingJobName=" in out
    assert out.startswith("would submit ") and "submitted" not in out  # a dry run submits nothing
    assert boto3.client("sagemaker", region_name=REGION).list_training_jobs()["TrainingJobSummaries"] == []


# -- promote --------------------------------------------------------------------------------


def test_promote_approves_the_model_package(spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/credit-risk/2"
    assert main(["promote", spec_file, "--provider", "aws", "--package", "credit-risk", "--version", "2"]) == 0
    assert capsys.readouterr().out == f"approved {arn}\n"
    described = boto3.client("sagemaker", region_name=REGION).describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"


def test_promote_of_a_missing_version_fails(spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["promote", spec_file, "--provider", "aws", "--package", "credit-risk", "--version", "9"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: aws: sagemaker.describe_model_package: ") and err.count("\n") == 1


# -- status ---------------------------------------------------------------------------------


def test_status_without_drift(spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", spec_file, "--provider", "aws"]) == 0
    out = capsys.readouterr().out
    assert "scoring   autoscaling.maxInstances     6" in out
    assert out.rstrip().endswith("no drift")


def test_status_reports_autoscaling_and_capture_drift_as_json(tmp_path: Path, clock: FakeClock,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = baseline()
    data["endpoints"] = data["endpoints"][:1]
    data["endpoints"][0]["dataCapture"] = {"enabled": True, "samplingPercent": 50}
    spec = write_spec(tmp_path, data)
    boto3.client("application-autoscaling", region_name=REGION).register_scalable_target(
        ServiceNamespace="sagemaker", ResourceId=f"endpoint/{ENDPOINT}/variant/primary",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount", MinCapacity=2, MaxCapacity=4)
    assert main(["status", spec, "--provider", "aws", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    drifted = [f for f in report["findings"] if f["status"] != "ok"]
    assert drifted == [
        {"endpoint": "scoring", "field": "autoscaling.maxInstances", "desired": 6, "live": 4, "status": "drift"},
        {"endpoint": "scoring", "field": "dataCapture.samplingPercent", "desired": 50, "live": 20, "status": "drift"},
    ]


def test_status_of_a_missing_endpoint_is_drift(tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, baseline())  # also has `challenger`, which was never deployed
    assert main(["status", spec, "--provider", "aws", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {"endpoint": "challenger", "field": "endpoint", "desired": "deployed", "live": "missing",
            "status": "drift"} in findings


# -- backup verify (moto has S3; AWS Backup's restore calls are stubbed) --------------------------


def _backup_world(monkeypatch: pytest.MonkeyPatch, restored: dict[str, bytes]) -> Stubber:
    s3 = boto3.client("s3", region_name=REGION)
    source = f"{PREFIX}-artifacts-{ACCOUNT}"
    scratch = f"{PREFIX}-restore-check-{ACCOUNT}"
    for bucket in (source, scratch):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    for key, body in {"models/credit-risk/3/model.tar.gz": b"weights-v3", "data/train.csv": b"a,b\n1,2\n"}.items():
        s3.put_object(Bucket=source, Key=key, Body=body)
    for key, body in restored.items():  # what AWS Backup's restore job wrote
        s3.put_object(Bucket=scratch, Key=key, Body=body)
    backup = boto3.client("backup", region_name=REGION)
    stub = Stubber(backup)
    point = f"arn:aws:backup:{REGION}:{ACCOUNT}:recovery-point:p-2"
    later = datetime.now(UTC) + timedelta(hours=1)
    stub.add_response("list_recovery_points_by_backup_vault", {"RecoveryPoints": [
        {"RecoveryPointArn": f"arn:aws:backup:{REGION}:{ACCOUNT}:recovery-point:p-1", "Status": "COMPLETED",
         "CreationDate": later - timedelta(days=1)},
        {"RecoveryPointArn": point, "Status": "COMPLETED", "CreationDate": later},
        {"RecoveryPointArn": f"arn:aws:backup:{REGION}:{ACCOUNT}:recovery-point:p-3", "Status": "RUNNING",
         "CreationDate": later + timedelta(hours=1)},
    ]}, {"BackupVaultName": f"{PREFIX}-vault", "ByResourceArn": f"arn:aws:s3:::{source}"})
    stub.add_response("get_recovery_point_restore_metadata", {"RestoreMetadata": {"DestinationBucketName": source}},
                      {"BackupVaultName": f"{PREFIX}-vault", "RecoveryPointArn": point})
    stub.add_response("start_restore_job", {"RestoreJobId": "job-1"}, {
        "RecoveryPointArn": point, "ResourceType": "S3", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-backup",
        "Metadata": {"DestinationBucketName": scratch, "NewBucket": "true"}})
    stub.add_response("describe_restore_job", {"RestoreJobId": "job-1", "Status": "RUNNING"}, {"RestoreJobId": "job-1"})
    stub.add_response("describe_restore_job", {"RestoreJobId": "job-1", "Status": "COMPLETED"}, {"RestoreJobId": "job-1"})
    stub.activate()
    real = ops_command.make_backend

    def with_stubbed_backup(cloud: str, stack: Any, gateway: Gateway) -> Any:
        made = real(cloud, stack, gateway)
        made._clients["backup"] = backup
        return made

    monkeypatch.setattr(ops_command, "make_backend", with_stubbed_backup)
    return stub


def test_backup_verify_passes_when_every_object_comes_back_identical(
        spec_file: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stub = _backup_world(monkeypatch, {"models/credit-risk/3/model.tar.gz": b"weights-v3", "data/train.csv": b"a,b\n1,2\n"})
    assert main(["backup", "verify", spec_file, "--provider", "aws"]) == 0
    out = capsys.readouterr().out
    assert "  same     data/train.csv\n  same     models/credit-risk/3/model.tar.gz\n" in out
    assert out.rstrip().endswith("OK: 2 object(s) restored with identical checksums")
    assert clock.sleeps == [30]
    stub.assert_no_pending_responses()
    buckets = [b["Name"] for b in boto3.client("s3", region_name=REGION).list_buckets()["Buckets"]]
    assert f"{PREFIX}-restore-check-{ACCOUNT}" not in buckets  # scratch copy removed


def test_backup_verify_fails_when_an_object_differs_or_is_missing(
        spec_file: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _backup_world(monkeypatch, {"models/credit-risk/3/model.tar.gz": b"corrupted"})
    assert main(["backup", "verify", spec_file, "--provider", "aws"]) == 1
    out = capsys.readouterr().out
    assert "  missing  data/train.csv\n  differs  models/credit-risk/3/model.tar.gz\n" in out
    assert out.rstrip().endswith("FAILED: 2 of 2 object(s) missing or different")
    assert hashlib.sha256(b"weights-v3").hexdigest() != hashlib.sha256(b"corrupted").hexdigest()


# -- the gateway: throttling, errors, credentials --------------------------------------------


def _throttled(operation: str = "DescribeEndpoint") -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, operation)


def test_gateway_retries_throttling_with_exponential_backoff() -> None:
    clock = FakeClock()
    answers: list[Any] = [_throttled(), _throttled(), {"EndpointStatus": "InService"}]

    def describe(**_: Any) -> Any:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    gateway = Gateway(aws_ops.classify, clock=clock)
    assert gateway.read("sagemaker", "describe_endpoint", describe, EndpointName="e") == {"EndpointStatus": "InService"}
    assert clock.sleeps == [1.0, 2.0]


def test_persistent_throttling_becomes_one_line_and_exit_1(spec_file: str, clock: FakeClock,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    def throttled(self: Any, name: str) -> Any:
        return self._read("sagemaker", "describe_endpoint", EndpointName=name)

    sm = boto3.client("sagemaker", region_name=REGION)
    stub = Stubber(sm)
    for _ in range(5):
        stub.add_client_error("describe_endpoint", service_error_code="ThrottlingException", service_message="Rate exceeded")
    stub.activate()
    real = ops_command.make_backend

    def with_throttled_sagemaker(cloud: str, stack: Any, gateway: Gateway) -> Any:
        made = real(cloud, stack, gateway)
        made._clients["sagemaker"] = sm
        return made

    monkeypatch.setattr(ops_command, "make_backend", with_throttled_sagemaker)
    assert main(["rollback", spec_file, "--provider", "aws", "--endpoint", "scoring"]) == 1
    assert capsys.readouterr().err == "error: aws: sagemaker.describe_endpoint: throttled: Rate exceeded\n"
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]


def test_classify_maps_access_denied_and_missing_credentials() -> None:
    from botocore.exceptions import NoCredentialsError

    denied = aws_ops.classify(ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "X"))
    assert (denied.kind, denied.message) == ("access-denied", "not allowed")
    missing = aws_ops.classify(NoCredentialsError())
    assert (missing.kind, missing.message) == ("access-denied", aws_ops.NO_AWS_CREDENTIALS)
    assert "AWS_PROFILE" in missing.message  # says how to provide them
    assert aws_ops.classify(ValueError("mine")) is None


@pytest.mark.parametrize(("argv", "flag"), [
    (["rollout", "--endpoint", "scoring", "--model-version", "abc"], "--model-version"),
    (["rollout", "--endpoint", "scoring", "--model-version", "0"], "--model-version"),
    (["rollout", "--endpoint", "scoring", "--model-version", "1001"], "--model-version"),
    (["rollout", "--endpoint", "scoring", "--model-version", "3\x1b[2J"], "--model-version"),
    (["promote", "--package", "credit-risk", "--version", "latest-approved"], "--version"),
    (["promote", "--package", "credit-risk", "--version", "-2"], "--version"),
    (["promote", "--package", "Credit Risk;rm", "--version", "2"], "--package"),
])
def test_day2_flags_are_checked_like_the_spec_fields(spec_file: str, capsys: pytest.CaptureFixture[str],
                                                     argv: list[str], flag: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main([argv[0], spec_file, "--provider", "aws", *argv[1:]])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.count("\n") == 1 and err.rstrip("\n").isprintable(), err
    assert f"error: argument {flag}: expected " in err
