"""`rollout` and `rollback` on SageMaker (moto, plus the update_endpoint extension).

Canary, linear, blue-green and all-at-once go to SageMaker's deployment guardrails; shadow
and `--stepwise` move variant weights in the kit's own steps.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from mlopskit.cli import main
from tests.ops.conftest import (
    ENDPOINT,
    OLD_CONFIG,
    OLD_MODEL,
    REGION,
    FakeClock,
    Guardrails,
    endpoint_config,
    live_variants,
    write_spec,
)
from tests.specs import baseline, change

pytestmark = pytest.mark.usefixtures("aws")

ROLLOUT = ["rollout", "--provider", "aws", "--endpoint", "scoring", "--model-version", "3"]
ALARMS = [f"{ENDPOINT}-latency-p99", f"{ENDPOINT}-error-rate",
          f"{ENDPOINT}-candidate-latency-p99", f"{ENDPOINT}-candidate-error-rate"]


def _rollout(spec: str, *extra: str) -> int:
    return main([ROLLOUT[0], spec, *ROLLOUT[1:], *extra])


def _serving_model() -> str:
    sm = boto3.client("sagemaker", region_name=REGION)
    return sm.describe_endpoint_config(EndpointConfigName=endpoint_config())["ProductionVariants"][0]["ModelName"]


# -- native: SageMaker's deployment guardrails -----------------------------------------------


def test_native_canary_hands_the_update_to_sagemaker_guardrails(spec_file: str, clock: FakeClock, guardrails: Guardrails,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code = _rollout(spec_file)
    out = capsys.readouterr().out
    assert code == 0
    (request,) = guardrails.sent
    config = request["DeploymentConfig"]
    policy = config["BlueGreenUpdatePolicy"]
    assert policy["TrafficRoutingConfiguration"] == {
        "Type": "CANARY", "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 10}, "WaitIntervalInSeconds": 600}
    assert config["AutoRollbackConfiguration"] == {"Alarms": [{"AlarmName": name} for name in ALARMS]}
    assert request["RetainDeploymentConfig"] is False
    # SageMaker moved the traffic: the kit made no weight call and only polled the endpoint.
    assert "update_endpoint_weights_and_capacities" not in out and "candidate at" not in out
    assert clock.sleeps == [30]
    assert out.rstrip().endswith(f"{ENDPOINT}: rollout complete: version 3 serves 100%")
    # The endpoint ends on the new config: one `primary` variant with the new model at full size.
    assert endpoint_config() == request["EndpointConfigName"] != OLD_CONFIG
    assert live_variants() == [{"VariantName": "primary", "CurrentWeight": 1.0, "CurrentInstanceCount": 2}]
    sm = boto3.client("sagemaker", region_name=REGION)
    model = _serving_model()
    assert model.startswith(f"{ENDPOINT}-v3-") and endpoint_config() == model
    assert sm.describe_model(ModelName=model)["PrimaryContainer"]["ModelPackageName"].endswith(":model-package/credit-risk/3")
    final = sm.describe_endpoint_config(EndpointConfigName=endpoint_config())
    assert final["ProductionVariants"][0]["InstanceType"] == "ml.g4dn.xlarge"
    assert final["DataCaptureConfig"]["InitialSamplingPercentage"] == 20
    arn = sm.describe_endpoint(EndpointName=ENDPOINT)["EndpointArn"]
    assert {"Key": "mlopskit:previous-config", "Value": OLD_CONFIG} in sm.list_tags(ResourceArn=arn)["Tags"]


def test_native_auto_rollback_exits_1_with_the_alarm_and_the_old_config_serving(
        spec_file: str, clock: FakeClock, guardrails: Guardrails, capsys: pytest.CaptureFixture[str]) -> None:
    reason = f"Rolled back: CloudWatch alarm {ENDPOINT}-error-rate went into ALARM during the baking period"
    guardrails.rollback_reason = reason
    code = _rollout(spec_file)
    out = capsys.readouterr().out
    assert code == 1
    (line,) = [line for line in out.splitlines() if reason in line]
    assert line == f"{ENDPOINT}: rolled back by the deployment guardrails, {OLD_CONFIG} serves 100%: {reason}"
    assert endpoint_config() == OLD_CONFIG
    assert _serving_model() == OLD_MODEL
    assert live_variants() == [{"VariantName": "primary", "CurrentWeight": 1.0, "CurrentInstanceCount": 2}]


def test_native_update_rollback_failed_exits_1_naming_the_status(spec_file: str, clock: FakeClock, guardrails: Guardrails,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    guardrails.final_status, guardrails.rollback_reason = "UpdateRollbackFailed", "old fleet could not be restored"
    assert _rollout(spec_file) == 1
    out = capsys.readouterr().out
    assert (f"{ENDPOINT}: deployment ended UpdateRollbackFailed on {OLD_CONFIG}: old fleet could not be restored; "
            f"`mlopskit rollback` restores {OLD_CONFIG}") in out


@pytest.mark.parametrize(("deployment", "routing"), [
    ({"strategy": "linear", "linearStepPercent": 25, "waitMinutes": 5},
     {"Type": "LINEAR", "LinearStepSize": {"Type": "CAPACITY_PERCENT", "Value": 25}, "WaitIntervalInSeconds": 300}),
    ({"strategy": "blue-green", "waitMinutes": 15}, {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 900}),
    ({"strategy": "all-at-once"}, {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 0}),
])
def test_native_strategies_send_the_provider_routing(deployment: dict, routing: dict, tmp_path: Path, clock: FakeClock,
                                                     guardrails: Guardrails) -> None:
    data = baseline()
    data["endpoints"] = data["endpoints"][:1]
    change(data, "endpoints[0].deployment", deployment)
    assert _rollout(write_spec(tmp_path, data)) == 0
    (request,) = guardrails.sent
    assert request["DeploymentConfig"]["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"] == routing
    assert endpoint_config() == request["EndpointConfigName"]


def test_native_dry_run_prints_the_guarded_update_and_changes_nothing(spec_file: str, clock: FakeClock,
                                                                      guardrails: Guardrails,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert _rollout(spec_file, "--dry-run") == 0
    out = capsys.readouterr().out
    writes = [line.strip() for line in out.splitlines() if line.strip().startswith("would call")]
    assert [w.split("(")[0] for w in writes] == [
        "would call sagemaker.create_model", "would call sagemaker.create_endpoint_config", "would call sagemaker.add_tags",
        "would call sagemaker.update_endpoint"]
    assert '"Type": "CANARY"' in writes[-1] and "RetainDeploymentConfig=false" in writes[-1]
    assert "reading describe_endpoint every 30 s" in out
    assert clock.sleeps == [] and guardrails.sent == []
    assert endpoint_config() == OLD_CONFIG


# -- stepwise: shadow, and --stepwise -------------------------------------------------------


def test_shadow_rollout_stays_stepwise(tmp_path: Path, clock: FakeClock, guardrails: Guardrails,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = baseline()
    data["endpoints"] = data["endpoints"][:1]
    change(data, "endpoints[0].deployment", {"strategy": "shadow", "mirrorPercent": 20, "waitMinutes": 5})
    assert _rollout(write_spec(tmp_path, data)) == 0
    out = capsys.readouterr().out
    assert guardrails.sent == []
    assert f"{ENDPOINT}: shadow mirrors 20% of requests; primary still serves 100%" in out
    assert clock.sleeps == [60] * 5  # the kit watched the alarms itself
    # The rollout's config (moto drops its shadow variant) keeps the old model serving.
    assert endpoint_config().startswith(f"{ENDPOINT}-v3-")
    assert _serving_model() == OLD_MODEL
    assert live_variants() == [{"VariantName": "primary", "CurrentWeight": 1.0, "CurrentInstanceCount": 2}]


def test_stepwise_canary_rollout_completes_and_serves_the_new_version(spec_file: str, clock: FakeClock,
                                                                      guardrails: Guardrails,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = _rollout(spec_file, "--stepwise")
    out = capsys.readouterr().out
    assert code == 0
    assert guardrails.sent == []
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
    code = _rollout(spec_file, "--stepwise")
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


def test_stepwise_dry_run_rollout_prints_the_calls_and_changes_nothing(spec_file: str, clock: FakeClock,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code = _rollout(spec_file, "--stepwise", "--dry-run")
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


@pytest.mark.parametrize("mode", [(), ("--stepwise",)], ids=["native", "stepwise"])
def test_rollback_after_a_completed_rollout_restores_the_previous_config(mode: tuple[str, ...], spec_file: str,
                                                                         clock: FakeClock,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert _rollout(spec_file, *mode) == 0
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
