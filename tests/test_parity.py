"""The same cloud-neutral expectations on every cloud. A new cloud joins the parametrization
(``CLOUDS``) and nothing else changes here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from mlopskit.cli import main
from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.features import setting_paths
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.placement import CLOUDS
from mlopskit.modules.provider import ModelRegistry, ResolvedModel
from mlopskit.modules.stack import Stack
from mlopskit.providers import base, get_provider
from mlopskit.providers.base import MISSING_MODEL, missing_model_issue
from tests.conftest import STACKS
from tests.specs import baseline, change, write_spec

# Each cloud's placement path and a region of it that no allowedRegions below contains.
PLACEMENT_PATH = {"aws": "placement.aws.region", "gcp": "placement.gcp.region", "azure": "placement.azure.location",
                  "kubernetes": "placement.kubernetes.region"}
BACKUP_PATH = {"aws": "placement.aws.backupRegion", "gcp": "placement.gcp.backupRegion",
               "azure": "placement.azure.backupLocation", "kubernetes": "placement.kubernetes.backupRegion"}


def _spec(tmp_path: Path, data: dict) -> str:
    return str(write_spec(tmp_path, data))


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
    code, lines = _validate(tmp_path, data, cloud, capsys)
    # Valid: no error. What a cloud honours another way is still said (`warning: ...`, validate --provider).
    assert (code, [line for line in lines if not line.startswith("warning: ")]) == (0, [])


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


# -- a registry package without an approved version ------------------------------------------

PACKAGE = "credit-risk"  # endpoints[0] (scoring) serves its latest approved version


def _two_packages() -> dict:
    """The baseline with the challenger (endpoints[1]) on a package of its own, so withholding
    ``PACKAGE`` concerns the scoring endpoint only."""
    data = baseline()
    change(data, "endpoints[1].model.package", "credit-risk-challenger")
    return data


class _WithoutApproved:
    """The cloud's offline registry, except that ``package`` has no approved version yet."""

    def __init__(self, inner: ModelRegistry, package: str) -> None:
        self.inner, self.package = inner, package

    def resolve(self, package: str, version: int | str) -> ResolvedModel | None:
        return None if package == self.package else self.inner.resolve(package, version)

    def __getattr__(self, name: str) -> Any:
        # Whatever else the cloud's registry tells its build (offline, model formats) is the inner one's.
        return getattr(self.inner, name)


@cache
def _preview(cloud: str, without: str | None = None) -> Graph:
    """The baseline previewed on ``cloud`` (``without``: that package has no approved version)."""
    provider = get_provider(cloud)  # type: ignore[arg-type]
    if without is not None:
        seeded = provider.offline_registry

        @contextmanager
        def registry(stack: Stack) -> Iterator[ModelRegistry]:
            with seeded(stack) as inner:
                yield _WithoutApproved(inner, without)

        provider.offline_registry = registry  # type: ignore[method-assign]
    return preview(parse_stack(_two_packages(), base_dir=STACKS), cloud, provider)  # type: ignore[arg-type]


def _of_endpoint(graph: Graph, cloud: str, abstraction: str, endpoint: str) -> list[RecordedResource]:
    """The components realising ``abstraction`` for one spec endpoint (its name is part of theirs)."""
    type_ = get_provider(cloud).components[abstraction]  # type: ignore[arg-type]
    return [r for r in graph.of_type(type_) if endpoint in r.name.split("-")]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_package_without_an_approved_version_gives_the_one_warning(cloud: str) -> None:
    graph, built = _preview(cloud, PACKAGE), _preview(cloud)
    expected = missing_model_issue(0, parse_stack(_two_packages(), base_dir=STACKS).endpoints[0])
    assert expected.message == MISSING_MODEL.format(package=PACKAGE, wanted="approved version", endpoint="scoring")
    # That warning and nothing else: no cloud adds its own about the same cause.
    assert set(graph.warnings) - set(built.warnings) == {expected}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_package_without_an_approved_version_builds_the_endpoint_without_a_model(cloud: str) -> None:
    graph, built = _preview(cloud, PACKAGE), _preview(cloud)
    assert len(_of_endpoint(graph, cloud, "endpoint", "scoring")) == 1
    monitoring = _of_endpoint(graph, cloud, "monitoring", "scoring")
    assert len(monitoring) == 1 and monitoring[0].parent is None  # beside the endpoint, as on every cloud
    assert _of_endpoint(graph, cloud, "autoscaling", "scoring") == []  # nothing deployed, nothing to scale
    assert _of_endpoint(graph, cloud, "autoscaling", "challenger")  # the other endpoint is untouched
    # Everything else is built, as with an approved version.
    others = lambda g: {(r.type, r.name) for r in g if "scoring" not in r.name.split("-")}  # noqa: E731
    assert others(graph) == others(built)


# -- settings a cloud cannot honour ------------------------------------------------------------

def _warned_at(graph: Graph, field: str) -> list[SpecIssue]:
    """Warnings about one spec field (or an element of it: ``principals[0]``)."""
    return [w for w in graph.warnings if w.path == field or w.path.startswith(f"{field}[")]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_setting_the_cloud_does_not_support_is_warned_about_at_its_field(cloud: str) -> None:
    declared = get_provider(cloud).features  # type: ignore[arg-type]
    graph = _preview(cloud)
    unsupported = {key: fields for key, fields in setting_paths(parse_stack(_two_packages(), base_dir=STACKS)).items()
                   if declared[key][0] == "unsupported"}
    for key, fields in unsupported.items():
        for field in fields:
            assert _warned_at(graph, field), f"{cloud}: {field} ({key}) is unsupported but not warned about"


def test_the_same_setting_is_warned_about_at_the_same_field_on_every_cloud() -> None:
    """When several clouds warn about one setting, they name the same field in the same form
    (an element index where the field is a list, as ``access.roles[0].principals[0]``)."""
    fields = [field for paths in setting_paths(parse_stack(_two_packages(), base_dir=STACKS)).values() for field in paths]
    for field in fields:
        forms = {cloud: {w.path for w in _warned_at(_preview(cloud), field)} for cloud in CLOUDS}
        shapes = {cloud: {re.sub(r"\[\d+\]$", "[i]", p) for p in paths} for cloud, paths in forms.items() if paths}
        assert len({frozenset(s) for s in shapes.values()}) <= 1, f"{field}: {shapes}"


def test_every_cloud_sees_the_alarms_the_spec_asks_for(credit_risk_comparison: Any) -> None:
    """The example sets monitoring.alarms and notify on both endpoints: on every cloud each
    endpoint fact counts at least one notifying alarm (AWS lost them when its alarms moved out
    of the endpoint component), so the endpoint-alarms rule passes everywhere."""
    for result in credit_risk_comparison.results:
        stack = parse_stack(baseline("credit-risk.yaml"), base_dir=STACKS)
        facts = get_provider(result.cloud).facts(result.graph, stack)
        endpoints = [f for f in facts if f.kind == "endpoint"]
        assert len(endpoints) == 2 and all(f.attrs["alarms"] >= 1 for f in endpoints), result.cloud
        assert result.policies.counts["endpoint-alarms"].get("pass") == 2, result.cloud
