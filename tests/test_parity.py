"""The same cloud-neutral expectations on every cloud. A new cloud joins the parametrization
(``CLOUDS``) and nothing else changes here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlopskit.cli import main
from modules.placement import CLOUDS
from providers import base
from tests.specs import baseline, change

# Each cloud's placement path and a region of it that no allowedRegions below contains.
PLACEMENT_PATH = {"aws": "placement.aws.region", "gcp": "placement.gcp.region", "azure": "placement.azure.location"}
BACKUP_PATH = {"aws": "placement.aws.backupRegion", "gcp": "placement.gcp.backupRegion",
               "azure": "placement.azure.backupLocation"}


def _spec(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def _placed_regions(data: dict, cloud: str) -> tuple[str, str]:
    placement = data["placement"][cloud]
    if cloud == "azure":
        return placement["location"], placement["backupLocation"]
    return placement["region"], placement["backupRegion"]


def _validate(tmp_path: Path, data: dict, cloud: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["validate", _spec(tmp_path, data), "--provider", cloud])
    return code, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_region_outside_allowed_regions_exits_2_naming_the_placement(
        cloud: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = baseline()
    primary, backup = _placed_regions(data, cloud)
    change(data, "compliance.allowedRegions", [backup])  # the backup region only
    code, lines = _validate(tmp_path, data, cloud, capsys)
    assert code == 2
    assert lines == [f"error: {tmp_path / 'spec.yaml'}: {PLACEMENT_PATH[cloud]}: {primary} is not in compliance.allowedRegions"]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_backup_region_outside_allowed_regions_exits_2(cloud: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    data = baseline()
    primary, backup = _placed_regions(data, cloud)
    change(data, "compliance.allowedRegions", [primary])
    code, lines = _validate(tmp_path, data, cloud, capsys)
    assert code == 2
    assert [line.rsplit(": ", 2)[1] for line in lines] == [BACKUP_PATH[cloud]]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_regions_inside_allowed_regions_validate(cloud: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = baseline()
    change(data, "compliance.allowedRegions", list(_placed_regions(data, cloud)))
    assert _validate(tmp_path, data, cloud, capsys) == (0, [])


@pytest.mark.parametrize("dropped", CLOUDS)
def test_the_parity_check_fails_when_one_cloud_drops_the_allowed_regions_check(
        dropped: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    real = base.placement_issues
    monkeypatch.setattr(base, "placement_issues", lambda stack, cloud: [] if cloud == dropped else real(stack, cloud))
    outcomes = {}
    for cloud in CLOUDS:
        data = baseline()
        change(data, "compliance.allowedRegions", [_placed_regions(data, cloud)[1]])
        outcomes[cloud] = _validate(tmp_path, data, cloud, capsys)[0]
    assert [c for c, code in outcomes.items() if code != 2] == [dropped]
