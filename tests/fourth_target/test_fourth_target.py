"""A fourth target plugs in through its own package only (docs/architecture.md, "How to add a cloud").

Every command runs through ``mlopskit.cli.main`` on a stack placed on the fictional target of
this package. Figures are worked out by hand from ``catalog/prices.csv`` (north-1):

- endpoint ``vision``: explicit fx.gpu, 2 instances x 730 h x $0.90 = $1,314.00;
- endpoint ``scoring``: 2 vCPU / 8 GiB -> fx.small (identical, cheapest), 2 x 730 h x $0.10 = $146.00,
  up to 4 x 730 x $0.10 = $292.00 at maximum autoscaling;
- batch ``nightly`` (daily): 365 runs in 2025 -> 365 x 730 / 8760 = 30.4167 runs x 1 instance x 1 h
  x $0.40 (fx.large: 8 vCPU / 32 GiB) = $12.17;
- training ``train`` (Mondays): 52 runs -> 52 x 730 / 8760 = 4.3333 runs x 2 instances x 2 h = 17.3333 h
  x $0.40 (fx.large: nearest to 4 vCPU / 16 GiB, fx.small is too small) = $6.93;
- artifacts: 100 GB (usage default) x $0.02 = $2.00; the key: 1 month x $1.00 = $1.00.
Baseline $1,482.10; at maximum autoscaling $1,628.10 (146 more for scoring).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlopskit.cli import main
from mlopskit.modules import targets
from mlopskit.modules.provider import contract_gaps
from mlopskit.providers import get_provider
from tests.fourth_target.provider import FourthProvider
from tests.fourth_target.target import NAME, TARGET, register_fourth, unregister_fourth

SPEC = Path(__file__).with_name("stack.yaml")


@pytest.fixture(autouse=True)
def fourth() -> Iterator[None]:
    register_fourth()
    yield
    unregister_fourth()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def spec_with(tmp_path: Path, path: str, value: Any) -> Path:
    data = yaml.safe_load(SPEC.read_text())
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = value
    written = tmp_path / "spec.yaml"
    written.write_text(yaml.safe_dump(data))
    return written


def test_it_is_a_registered_complete_provider() -> None:
    assert NAME in targets.names()
    assert targets.names()[:3] == ("aws", "gcp", "azure")  # rank keeps the bundled order
    assert contract_gaps(FourthProvider) == []
    assert get_provider(NAME).cloud == NAME


def test_unregistered_it_is_gone() -> None:
    unregister_fourth()
    assert NAME not in targets.names()
    with pytest.raises(ValueError, match="unknown provider 'fourth'"):
        get_provider(NAME)


def test_validate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(SPEC))
    assert code == 0
    assert out.strip() == f"{SPEC}: valid (quad-prod; fourth)"


def test_validate_checks_its_region_catalog(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(spec_with(tmp_path, "placement.fourth.region", "north-2")))
    assert code == 2
    assert ("placement.fourth.region: north-2 is not a known fourth region: Fourth ML is offered in 2 regions "
            "(did you mean north-1?)") in err


def test_validate_checks_its_instance_type_pattern(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(spec_with(tmp_path, "endpoints.1.compute", {"instanceType": {NAME: "big"}})))
    assert code == 2
    assert "endpoints[1].compute.instanceType.fourth" in err and "fx" in err


def test_another_targets_image_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ecr = {"uri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/train:1.0"}
    code, _, err = run(capsys, "validate", str(spec_with(tmp_path, "training.0.image", ecr)))
    assert code == 2
    assert "training[0].image.uri: AWS registry image cannot be pulled on Fourth Cloud" in err


def test_preview(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "preview", str(SPEC), "--provider", NAME, "--format", "json")
    assert code == 0
    types = sorted({r["type"] for r in json.loads(out)["resources"]})
    assert f"{NAME}:ml/Endpoint:Endpoint" in types and f"{NAME}:ml/BatchJob:BatchJob" in types
    assert all(t.startswith((f"{NAME}:", f"mlopskit:{NAME}:")) for t in types)


def test_policy_reads_its_facts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "policy", str(SPEC), "--provider", NAME, "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["violations"] == 0
    # One endpoint below two instances in prod: the facts carry it to the rule.
    one = spec_with(tmp_path, "endpoints.1.autoscaling", {"minInstances": 1, "maxInstances": 2})
    code, out, _ = run(capsys, "policy", str(one), "--provider", NAME, "--format", "json")
    assert code == 1
    assert [(v["policy"], v["resource"].rsplit("::", 1)[1]) for v in json.loads(out)["violations"]] == [
        ("prod-endpoint-ha", "quad-prod-vision-endpoint")]


def test_cost_is_priced_from_its_own_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cost", str(SPEC), "--provider", NAME, "--format", "json")
    assert code == 0
    project = json.loads(out)["projects"][0]
    lines = {(r["name"], c["name"]): (c["monthlyQuantity"], c["price"], c["monthlyCost"])
             for r in project["breakdown"]["resources"] for c in r.get("costComponents", [])}
    assert lines == {
        ("quad-prod-vision-endpoint", "Instance usage (fx.gpu)"): ("1460", "0.9000", "1314.00"),
        ("quad-prod-scoring-endpoint", "Instance usage (fx.small)"): ("1460", "0.1000", "146.00"),
        ("quad-prod-nightly-batch", "Batch instance usage (on-demand, fx.large)"): ("30.4167", "0.4000", "12.17"),
        ("quad-prod-train-job", "Training instance usage (fx.large)"): ("17.3333", "0.4000", "6.93"),
        ("quad-prod-artifacts-bucket", "Storage (standard)"): ("100", "0.0200", "2.00"),
        ("quad-prod-key", "Customer-managed key"): ("1", "1.0000", "1.00"),
    }
    assert project["breakdown"]["totalMonthlyCost"] == "1482.10"


def test_compare(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "compare", str(SPEC), "--providers", NAME, "--format", "json", "--jobs", "1")
    assert code == 0
    result = json.loads(out)
    cloud = next(c for c in result["clouds"] if c["cloud"] == NAME)
    assert (cloud["unpricedComponents"], cloud["monthlyCost"], cloud["maxMonthlyCost"]) == (0, "1482.10", "1628.10")
    assert cloud["policies"]["passed"] is True
    assert cloud["catalogDate"] == "2026-12-01"  # its own price file's date
    assert {row["setting"]: row["support"] for row in cloud["features"]}["monitoring.drift"] == "unsupported"
    assert [(c["path"], c["instance"], c["basis"]) for c in cloud["compute"]] == [
        ("endpoints[0].compute", "fx.small", "cheapest"), ("endpoints[1].compute", "fx.gpu", "explicit"),
        ("training[0].compute", "fx.large", "cheapest"), ("batch[0].compute", "fx.large", "cheapest")]
    code, _, _ = run(capsys, "compare", str(SPEC), "--providers", NAME, "--format", "html", "--out", str(tmp_path),
                     "--jobs", "1")
    html = (tmp_path / "compare.html").read_text()
    assert code == 0 and "#7c3aed" in html and "Fourth Endpoint" in html  # its colour and its diagram entry


def test_a_declared_placement_needs_no_region_catalog(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A target without a region catalog and without compute resolution (a cluster, say): any region
    is its own to declare, and a generic size is refused with the field to give instead."""
    targets.register(replace(TARGET, regions=None, compute=None))
    anywhere = spec_with(tmp_path, "placement.fourth.region", "my-cluster")
    code, _, err = run(capsys, "validate", str(anywhere))
    assert code == 2
    assert "placement.fourth" not in err  # no region catalog: the region is not looked up
    assert ("endpoints[0].compute.instanceType.fourth: fourth has no instance catalog to size a generic request "
            "from: give instanceType.fourth") in err
