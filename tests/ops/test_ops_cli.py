"""Every day-2 command: `--help`, and `--dry-run` on each cloud makes no write."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest

from mlopskit.cli import build_parser, main
from mlopskit.commands import ops as ops_command
from mlopskit.modules.endpoint import Deployment
from mlopskit.modules.targets import names as target_names, register, target, unregister, with_day2, without_day2
from mlopskit.ops.rollout import Step, plan_for
from mlopskit.providers.azure import ops as azure_ops
from mlopskit.providers.gcp import ops as gcp_ops
from tests.ops.conftest import FakeClock

COMMANDS = {
    "train": ["--job", "train-xgb"],
    "rollout": ["--endpoint", "scoring", "--model-version", "3"],
    "rollback": ["--endpoint", "scoring"],
    "promote": ["--package", "credit-risk", "--version", "2"],
    "backup verify": [],
    "status": [],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*command.split(), "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "--provider {aws,gcp,azure}" in out and "--dry-run" in out


@pytest.fixture
def target_without_day2() -> Iterator[str]:
    """A registered target whose provider has no day-2 backend (as the test target and kubernetes)."""
    name = "nodaytwo"
    register(dataclasses.replace(target(with_day2()[0]), name=name, day2=False, rank=99))
    yield name
    unregister(name)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_target_without_day2_is_a_usage_error_and_the_help_says_so(
    command: str, target_without_day2: str, capsys: pytest.CaptureFixture[str],
) -> None:
    # Every registered target is offered elsewhere (preview, cost); a day-2 command offers only
    # those whose provider implements the backend, so choosing another is argparse's one-line
    # usage error (exit 2), never the internal error (exit 3) of a backend that does not exist.
    assert target_without_day2 in target_names() and target_without_day2 not in with_day2()
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*command.split(), "spec.yaml", "--provider", target_without_day2, *COMMANDS[command]])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --provider: invalid choice: '{target_without_day2}'" in err
    with pytest.raises(SystemExit):
        build_parser().parse_args([*command.split(), "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert re.search(rf"no day-2 commands on [^)]*\b{target_without_day2}\b[^)]* yet", help_text), help_text


@pytest.mark.parametrize("name", without_day2())
def test_each_bundled_target_without_day2_is_refused_in_one_line(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["status", "spec.yaml", "--provider", name])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") <= 3 and f"invalid choice: '{name}'" in err, err


def test_rollout_help_says_when_to_choose_stepwise(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["rollout", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--stepwise" in out and "reading the alarms itself" in out and "the same way on every cloud" in out


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("command", ["train", "rollout", "promote", "status"])
def test_aws_dry_run_makes_no_write(command: str, spec_file: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    import boto3

    sm = boto3.client("sagemaker", region_name="eu-west-1")
    before = (sm.describe_endpoint(EndpointName="credit-risk-prod-scoring")["EndpointConfigName"],
              sm.list_model_packages(ModelPackageGroupName="credit-risk")["ModelPackageSummaryList"][1]["ModelApprovalStatus"])
    assert main([*command.split(), spec_file, "--provider", "aws", "--dry-run", *COMMANDS[command]]) == 0
    out = capsys.readouterr().out
    assert out.count("dry run: no change made; the calls:") == 1
    after = (sm.describe_endpoint(EndpointName="credit-risk-prod-scoring")["EndpointConfigName"],
             sm.list_model_packages(ModelPackageGroupName="credit-risk")["ModelPackageSummaryList"][1]["ModelApprovalStatus"])
    assert after == before
    assert sm.list_training_jobs()["TrainingJobSummaries"] == []


@pytest.mark.parametrize("command", ["train", "rollout", "promote", "backup verify", "status"])
def test_azure_dry_run_makes_no_write(command: str, spec_file: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from tests.ops.test_azure_ops import FakeWorkspace

    workspace = FakeWorkspace()
    workspace.restorable = {}
    writes: list[str] = []
    monkeypatch.setattr(ops_command, "make_backend",
                        lambda cloud, s, gateway: azure_ops.AzureOps(s, gateway, api=workspace))
    for name in ("submit_command_job", "create_deployment", "update_endpoint", "delete_deployment", "tag_model",
                 "restore_artifacts", "delete_blobs"):
        monkeypatch.setattr(workspace, name, lambda *a, _n=name, **k: writes.append(_n))
    assert main([*command.split(), spec_file, "--provider", "azure", "--dry-run", *COMMANDS[command]]) == 0
    assert writes == []
    assert "dry run: no change made; the calls:" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["rollout", "promote", "status"])
def test_gcp_dry_run_makes_no_write(command: str, spec_file: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from tests.ops.gcp_fakes import FakeClients

    clients = FakeClients()
    monkeypatch.setattr(ops_command, "make_backend", lambda cloud, s, gateway: gcp_ops.GcpOps(s, gateway, clients=clients))
    assert main([*command.split(), spec_file, "--provider", "gcp", "--dry-run", *COMMANDS[command]]) == 0
    assert clients.made["endpoints"].history == [] and clients.made["models"].aliases["2"] == []


@pytest.mark.parametrize(("deployment", "steps"), [
    (Deployment(strategy="canary", canary_percent=10, wait_minutes=10), (Step(10, 10), Step(100, 0))),
    (Deployment(strategy="linear", linear_step_percent=30, wait_minutes=5),
     (Step(30, 5), Step(60, 5), Step(90, 5), Step(100, 0))),
    (Deployment(strategy="blue-green", wait_minutes=15), (Step(0, 0), Step(100, 15))),
    (Deployment(strategy="all-at-once"), (Step(100, 0),)),
    (Deployment(strategy="shadow", mirror_percent=20, wait_minutes=5), (Step(0, 5),)),
])
def test_rollout_plans(deployment: Deployment, steps: tuple[Step, ...]) -> None:
    plan = plan_for(deployment)
    assert plan.steps == steps
    assert plan.mirror_percent == (20 if deployment.strategy == "shadow" else None)
