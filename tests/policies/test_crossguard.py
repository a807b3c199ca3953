"""The CrossGuard pack's files and its hand-over from the kit (the real library: test_crossguard_real.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from mlopskit.modules.errors import SpecError
from mlopskit.policies.crossguard.adapter import identity, spec_graph_loader, spec_path

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policies" / "crossguard"


def test_pack_files_exist_and_pin_a_small_environment() -> None:
    project = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert (PACK / project["runtime"]["options"]["virtualenv"]).resolve() == ROOT / ".venv-policy"  # what make builds
    requirements = [line for line in (PACK / "requirements.txt").read_text().splitlines()
                    if line.strip() and not line.startswith("#")]
    assert "pulumi-policy==1.21.0" in requirements
    assert all("==" in line for line in requirements), requirements  # exact pins: the pack's own lock
    # No cloud SDK: the facts read recorded inputs only; the spec's build runs in the kit's environment.
    assert not [line for line in requirements if line.startswith(("pulumi-aws", "pulumi-gcp", "pulumi-azure", "boto"))]
    assert "PolicyPack(" in (PACK / "__main__.py").read_text()


def test_spec_path_is_required_and_relative_to_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLOPSKIT_SPEC", raising=False)
    with pytest.raises(SpecError, match="MLOPSKIT_SPEC: not set"):
        spec_path()
    monkeypatch.setenv("MLOPSKIT_SPEC", "stacks/credit-risk.yaml")
    assert spec_path() == str(ROOT / "stacks" / "credit-risk.yaml")


def test_the_spec_graph_comes_from_the_kits_own_preview(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the pack reads on a first preview: `mlopskit preview --format json` run by the kit's interpreter."""
    monkeypatch.setenv("MLOPSKIT_SPEC", "stacks/fraud-dev.yaml")
    graph = spec_graph_loader(sys.executable)("aws")
    assert graph.provider == "aws" and graph.stack == "fraud-dev"
    endpoint = next(r for r in graph.resources if r.type == "aws:sagemaker/endpoint:Endpoint")
    assert identity(endpoint.urn).startswith("mlopskit:aws:Endpoint$aws:sagemaker/endpoint:Endpoint::")
    assert endpoint.custom and not next(r for r in graph.resources if r.type.startswith("mlopskit:")).custom
    monkeypatch.setenv("MLOPSKIT_SPEC", "stacks/missing.yaml")
    with pytest.raises(RuntimeError, match="the spec's offline build failed"):
        spec_graph_loader(sys.executable)("aws")
