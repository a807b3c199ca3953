"""A build warning carries the feature key it is about and the support level it leaves, and the
comparison reads those fields, never the message.

- On every bundled spec and cloud, each warning raised at a field that sets a feature of
  ``modules/features.py`` (or at an element of it) names that feature, with a support level.
- ``BuildContext.warn(path, message)`` keeps working for call sites that give neither: the
  feature comes from the field path (``feature_at``).
- Azure's spec-only warnings (providers/azure/limits.py) are what ``validate --provider azure``
  prints, and the build records the same ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlopskit.cli import main
from mlopskit.compare.run import features
from mlopskit.engine import preview
from mlopskit.load import load_checked
from mlopskit.modules.errors import SpecIssue, one_line
from mlopskit.modules.features import FEATURES, SUPPORT_LEVELS, feature_at, setting_paths
from mlopskit.modules.graph import Graph
from mlopskit.modules.stack import Stack
from mlopskit.providers import get_provider
from mlopskit.providers.azure import limits
from mlopskit.providers.base import BuildContext
from tests.conftest import EXAMPLE_SPECS, STACKS
from tests.specs import stack as parse, write_spec

CLOUDS = ("aws", "gcp", "azure")


def untyped(stack: Stack, warnings: list[SpecIssue]) -> list[str]:
    """Warnings raised at a feature's field (or an element of it) that do not name that feature,
    and warnings naming an unknown feature or support level."""
    owner = {path: key for key, paths in setting_paths(stack).items() for path in paths}
    problems = []
    for w in warnings:
        field = next((p for p in owner if w.path == p or w.path.startswith(f"{p}[")), None)
        if field is not None and (w.feature is None or field not in setting_paths(stack)[w.feature]):
            problems.append(f"{w.path}: feature {w.feature!r}, field of {owner[field]!r}")
        if w.feature is not None and (w.feature not in FEATURES or w.support not in SUPPORT_LEVELS):
            problems.append(f"{w.path}: {w.feature!r} / {w.support!r} is no feature key and support level")
    return problems


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=lambda p: p.name)
def test_every_warning_on_a_bundled_spec_names_its_feature(spec: Path, cloud: str) -> None:
    stack = load_checked(str(spec), cloud)  # type: ignore[arg-type]
    graph = preview(stack, cloud)  # type: ignore[arg-type]
    assert untyped(stack, graph.warnings) == []


def test_a_warning_without_its_feature_is_caught() -> None:
    stack = parse("credit-risk.yaml")
    assert untyped(stack, [SpecIssue("endpoints[0].deployment.strategy", "canary: emulated")]) != []
    assert untyped(stack, [SpecIssue("access.roles[0].principals[0]", "x", feature="monitoring.drift",
                                     support="emulated")]) != []
    assert untyped(stack, [SpecIssue("endpoints[0].autoscaling", "x", feature="autoscaling", support="partly")]) != []


def test_a_warning_without_keywords_takes_its_feature_from_its_field() -> None:
    stack = parse("credit-risk.yaml")
    ctx = BuildContext(stack)
    ctx.warn("endpoints[0].autoscaling", "scales on another metric")
    ctx.warn("training[0].compute.spot", "no spot here")
    ctx.warn("network.private", "batch job score: outside the network", feature="batch: private network")
    ctx.warn("endpoints[0].monitoring.quality", "unsupported: not built", support="unsupported")
    ctx.warn("metadata.owner", "not a feature")
    assert [(w.feature, w.support) for w in ctx.warnings] == [
        ("autoscaling", "emulated"), ("training.compute.spot", "emulated"), ("batch: private network", "emulated"),
        ("monitoring.quality", "unsupported"), (None, None)]
    strategy = stack.endpoints[0].deployment.strategy
    expected = "deployment.strategy: canary/linear" if strategy in ("canary", "linear") else f"deployment.strategy: {strategy}"
    assert feature_at(stack, "endpoints[0].deployment.strategy") == expected


def test_the_comparison_reads_the_typed_fields_not_the_message() -> None:
    """A message that reads like another setting changes nothing; the typed fields decide, and a
    warning never raises a declared level."""
    stack = parse("credit-risk.yaml")
    declared = dict(get_provider("gcp").features)
    native = next(k for k, (level, _) in declared.items() if level == "native")
    emulated = next(k for k, (level, _) in declared.items() if level == "emulated")
    warnings = [
        SpecIssue("endpoints[0].deployment.strategy", "shadow: streaming autoscaling", feature=native, support="unsupported"),
        SpecIssue("endpoints[0].autoscaling", "autoscaling is not native"),  # no feature: reads as nothing
        SpecIssue(emulated, "still emulated", feature=emulated, support="emulated"),
    ]
    rows = {r.setting: (r.support, r.note) for r in features("gcp", stack, Graph("gcp", stack.name, [], warnings))}
    changed = {k: v for k, v in rows.items() if v != declared[k]}
    assert changed == {native: ("unsupported", "shadow: streaming autoscaling")}


def test_validate_reports_azure_spec_only_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    spec = STACKS / "credit-risk.yaml"
    expected = limits.spec_warnings(parse("credit-risk.yaml"))
    assert expected, "the example sets something Azure honours another way"
    assert main(["validate", str(spec), "--provider", "azure"]) == 0
    printed = capsys.readouterr().err.splitlines()
    for warning in expected:  # printed as every CLI line is: one line, capped (one_line)
        assert one_line(f"warning: {warning.path}: {warning.message}") in printed


def test_validate_reports_a_planted_azure_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Hourly backups: Azure backs up at most daily, known without building anything."""
    from tests.specs import baseline, change

    data = baseline("credit-risk.yaml")
    change(data, "backups.schedule", "hourly")
    spec = write_spec(tmp_path, data)
    assert main(["validate", str(spec), "--provider", "azure"]) == 0
    assert any(line.startswith("warning: backups.schedule: Azure vaulted blob backups run at most daily")
               for line in capsys.readouterr().err.splitlines())


def test_validate_reports_the_azure_vault_that_stays_geo_redundant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """crossRegion off with a backupLocation placed: the vault keeps its redundancy, said at validate."""
    from tests.specs import baseline, change

    data = baseline("credit-risk.yaml")
    change(data, "backups.crossRegion", False)
    assert data["placement"]["azure"].get("backupLocation"), "the example places an Azure backup location"
    spec = write_spec(tmp_path, data)
    assert main(["validate", str(spec), "--provider", "azure"]) == 0
    printed = capsys.readouterr().err.splitlines()
    assert any(line.startswith("warning: backups.crossRegion: false, but the backup vault stays geo-redundant")
               for line in printed)
    assert not any(line.startswith("warning: backups.crossRegion") for line in _validated(tmp_path, capsys))


def _validated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The warning lines of the unchanged example (crossRegion on): no vault warning there."""
    from tests.specs import baseline

    (tmp_path / "unchanged").mkdir()
    spec = write_spec(tmp_path / "unchanged", baseline("credit-risk.yaml"))
    assert main(["validate", str(spec), "--provider", "azure"]) == 0
    return capsys.readouterr().err.splitlines()


def test_the_azure_build_records_its_spec_only_warnings() -> None:
    stack = load_checked(str(STACKS / "credit-risk.yaml"), "azure")
    recorded = {(w.path, w.message) for w in preview(stack, "azure").warnings}
    assert {(w.path, w.message) for w in limits.spec_warnings(stack)} <= recorded
