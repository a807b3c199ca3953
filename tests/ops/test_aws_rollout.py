"""`rollout` and `rollback` on SageMaker (moto, plus the update_endpoint extension)."""

from __future__ import annotations

import boto3
import pytest

from mlopskit.cli import main
from tests.ops.conftest import ENDPOINT, OLD_CONFIG, OLD_MODEL, REGION, FakeClock, endpoint_config, live_variants

pytestmark = pytest.mark.usefixtures("aws")


def _weight_calls(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()


def test_canary_rollout_completes_and_serves_the_new_version(spec_file: str, clock: FakeClock,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rollout", spec_file, "--provider", "aws", "--endpoint", "scoring", "--model-version", "3"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"{ENDPOINT}: candidate at 10%, primary at 90%" in out
    assert f"{ENDPOINT}: candidate at 100%, primary at 0%" in out
    # canary waits 10 minutes after the 10% step, polling alarms each minute.
    assert clock.sleeps == [60] * 10
    assert live_variants() == [{"VariantName": "primary", "CurrentWeight": 1.0, "CurrentInstanceCount": 2}]
    sm = boto3.client("sagemaker", region_name=REGION)
    final = sm.describe_endpoint_config(EndpointConfigName=endpoint_config())
    model = final["ProductionVariants"][0]["ModelName"]
    assert model.startswith(f"{ENDPOINT}-v3-")
    container = sm.describe_model(ModelName=model)["PrimaryContainer"]
    assert container["ModelPackageName"].endswith(":model-package/credit-risk/3")
    assert final["DataCaptureConfig"]["InitialSamplingPercentage"] == 20
    arn = sm.describe_endpoint(EndpointName=ENDPOINT)["EndpointArn"]
    assert {"Key": "mlopskit:previous-config", "Value": OLD_CONFIG} in sm.list_tags(ResourceArn=arn)["Tags"]


def test_alarm_during_rollout_rolls_back_to_the_old_variant_at_full_weight(
        spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    seen: list[list[dict]] = []

    def alarm_after_three_minutes(sleeps: int) -> None:
        seen.append(live_variants())
        if sleeps == 3:
            cloudwatch.set_alarm_state(AlarmName=f"{ENDPOINT}-error-rate", StateValue="ALARM", StateReason="5xx")

    clock.on_sleep = alarm_after_three_minutes
    code = main(["rollout", spec_file, "--provider", "aws", "--endpoint", "scoring", "--model-version", "3"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{ENDPOINT}: alarm(s) firing: {ENDPOINT}-error-rate" in out
    assert f"{ENDPOINT}: rolled back: primary serves 100%, candidate removed" in out
    # During the canary the old variant kept serving 90% with all its instances.
    assert seen[0] == [{"VariantName": "primary", "CurrentWeight": 90.0, "CurrentInstanceCount": 2},
                       {"VariantName": "candidate", "CurrentWeight": 10.0, "CurrentInstanceCount": 2}]
    assert clock.sleeps == [60, 60, 60]  # stopped at the first poll that saw the alarm
    # At the end: the pre-rollout config, the old model, the old variant at full weight.
    assert endpoint_config() == OLD_CONFIG
    assert live_variants() == [{"VariantName": "primary", "CurrentWeight": 100.0, "CurrentInstanceCount": 2}]
    sm = boto3.client("sagemaker", region_name=REGION)
    assert sm.describe_endpoint_config(EndpointConfigName=OLD_CONFIG)["ProductionVariants"][0]["ModelName"] == OLD_MODEL


def test_rollout_of_an_unapproved_version_fails_before_touching_the_endpoint(
        spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rollout", spec_file, "--provider", "aws", "--endpoint", "scoring", "--model-version", "2"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().splitlines() == [
        "error: aws: sagemaker.describe_model_package: failed: credit-risk version 2 is PendingManualApproval, "
        "not Approved (registry.models.approval is manual): run `mlopskit promote` first"]
    assert endpoint_config() == OLD_CONFIG


def test_rollout_of_an_unknown_endpoint_is_bad_input(spec_file: str, clock: FakeClock,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rollout", spec_file, "--provider", "aws", "--endpoint", "nope", "--model-version", "3"])
    assert code == 2
    assert "endpoints: no endpoint named 'nope' (spec has: scoring)" in capsys.readouterr().err


def test_rollout_of_a_missing_version_is_one_not_found_line(spec_file: str, clock: FakeClock,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rollout", spec_file, "--provider", "aws", "--endpoint", "scoring", "--model-version", "9"])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("error: aws: sagemaker.describe_model_package: ")


def test_dry_run_rollout_prints_the_calls_and_changes_nothing(spec_file: str, clock: FakeClock,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rollout", spec_file, "--provider", "aws", "--endpoint", "scoring", "--model-version", "3", "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    writes = [line.split("(")[0].strip() for line in out.splitlines() if line.strip().startswith("would call")]
    assert writes == [
        "would call sagemaker.create_model", "would call sagemaker.create_endpoint_config", "would call sagemaker.add_tags",
        "would call sagemaker.update_endpoint", "would call sagemaker.update_endpoint_weights_and_capacities",
        "would call sagemaker.update_endpoint_weights_and_capacities", "would call sagemaker.create_endpoint_config",
        "would call sagemaker.update_endpoint"]
    assert "  wait 10 min, checking alarms every 60 s" in out
    assert clock.sleeps == []
    assert endpoint_config() == OLD_CONFIG
    assert live_variants() == [{"VariantName": "primary", "CurrentWeight": 1.0, "CurrentInstanceCount": 2}]


def test_rollback_after_a_completed_rollout_restores_the_previous_config(spec_file: str, clock: FakeClock,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rollout", spec_file, "--provider", "aws", "--endpoint", "scoring", "--model-version", "3"]) == 0
    assert endpoint_config() != OLD_CONFIG
    code = main(["rollback", spec_file, "--provider", "aws", "--endpoint", "scoring"])
    assert code == 0
    assert f"{ENDPOINT} serves {OLD_CONFIG} again (100%)" in capsys.readouterr().out
    assert endpoint_config() == OLD_CONFIG
    assert live_variants() == [{"VariantName": "primary", "CurrentWeight": 1.0, "CurrentInstanceCount": 2}]


def test_rollback_without_a_previous_version_fails(spec_file: str, clock: FakeClock,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rollback", spec_file, "--provider", "aws", "--endpoint", "scoring"])
    assert code == 1
    assert capsys.readouterr().err == (f"error: aws: sagemaker.list_tags: failed: {ENDPOINT}: no previous version "
                                       "recorded (tag mlopskit:previous-config): nothing to roll back to\n")
