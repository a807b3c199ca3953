"""The Pulumi program `pulumi up` runs: stack config -> spec -> provider build."""

from __future__ import annotations

import pulumi
import pytest
import yaml

from mlopskit.engine import run_program
from mlopskit.modules import load_stack
from mlopskit.modules.targets import names as target_names
from mlopskit.program import run
from mlopskit.providers.aws import AwsProvider
from tests.conftest import ROOT, STACKS


def _configured(spec: str, cloud: str):
    def program() -> None:
        pulumi.runtime.set_config("mlopskit:spec", spec)
        pulumi.runtime.set_config("mlopskit:provider", cloud)
        run()

    return program


def test_stack_configs_point_at_bundled_specs() -> None:
    configs = sorted(STACKS.glob("Pulumi.*.yaml"))
    assert {c.name.split(".")[1].split("-")[-1] for c in configs} == set(target_names())
    for config in configs:
        values = yaml.safe_load(config.read_text())["config"]
        assert (ROOT / values["mlopskit:spec"]).is_file()
        assert values["mlopskit:provider"] in target_names()


def test_program_builds_the_configured_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = AwsProvider()
    stack = load_stack(STACKS / "credit-risk.yaml", "aws")
    with provider.offline_registry(stack) as registry:
        # `pulumi up` asks the live registry; here the same client runs inside moto.
        monkeypatch.setattr(AwsProvider, "registry", lambda self, s: registry)
        monkeypatch.setattr("mlopskit.providers.get_provider", lambda cloud: provider)
        monitor = run_program(provider, "prod-aws", _configured("stacks/credit-risk.yaml", "aws"))
    types = {r.type for r in monitor.records.values()}
    assert {"aws:sagemaker/endpoint:Endpoint", "aws:kms/key:Key", "aws:budgets/budget:Budget"} <= types


def test_program_rejects_an_invalid_spec_without_traceback(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.yaml"
    data = yaml.safe_load((STACKS / "fraud-dev.yaml").read_text())
    data["metadata"]["environment"] = "live"
    bad.write_text(yaml.safe_dump(data))
    monkeypatch.chdir(tmp_path)  # the spec path is relative to the Pulumi project (here: the working directory)
    with pytest.raises(pulumi.RunError, match="metadata.environment: Input should be"):
        run_program(AwsProvider(), "bad", _configured("bad.yaml", "aws"))
