"""The target registry (modules/targets.py): what shared code iterates over instead of naming clouds."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from mlopskit.modules import targets
from mlopskit.modules.placement import CLOUDS, Placement
from mlopskit.providers.aws.target import TARGET as AWS

ROOT = Path(__file__).resolve().parent.parent
# Shared modules that held per-cloud tables before the registry (issue 24): they must stay free of them.
SHARED = ("modules/placement.py", "modules/compute.py", "modules/spec_schema.py", "providers/__init__.py",
          "providers/references.py", "providers/catalog/regions.py", "providers/catalog/resolver.py",
          "providers/catalog/gpu_memory.py", "providers/catalog/prices/__init__.py", "mlopskit/report_html.py",
          "mlopskit/cli.py", "mlopskit/commands/compare.py")


def test_bundled_targets_register_themselves_in_rank_order() -> None:
    assert targets.names() == CLOUDS == ("aws", "gcp", "azure", "kubernetes")
    assert targets.target("gcp").display_name == "Google Cloud"


def test_an_unknown_target_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown target 'moon' \(choose from aws, gcp, azure, kubernetes\)"):
        targets.target("moon")


@pytest.mark.parametrize("name", ["A1", "x", "has-dash", "k" * 17])
def test_a_target_name_is_a_spec_key(name: str) -> None:
    with pytest.raises(ValueError, match="is not 2-16 lowercase letters and digits"):
        targets.register(replace(AWS, name=name))


def test_reading_the_registry_while_it_loads_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A module that read the registry while the bundled targets register would see half of it."""
    monkeypatch.setattr(targets, "_LOADERS", [targets.names])
    with pytest.raises(RuntimeError, match="read while the bundled targets were registering"):
        targets.names()


def test_placement_entries_follow_the_registry() -> None:
    """A registered target's entry is typed by its own model; unregistered, it is an unknown field again."""
    registered = replace(AWS, name="moon", rank=9)
    targets.register(registered)
    try:
        placement = Placement.model_validate({"moon": {"region": "eu-west-1"}})
        assert type(placement.moon) is AWS.placement_model and placement.for_cloud("moon") is placement.moon
        assert placement.aws is None  # a registered target the spec does not place
    finally:
        targets.unregister("moon")
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        Placement.model_validate({"moon": {"region": "eu-west-1"}})


def _cloud_literals(path: Path) -> list[str]:
    names = set(CLOUDS)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return sorted(f"{path.name}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and (node.value in names or any(node.value.startswith(f"{n}:") for n in names)))


def test_shared_modules_name_no_cloud() -> None:
    assert [hit for path in SHARED for hit in _cloud_literals(ROOT / path)] == []


def test_the_cloud_literal_check_can_fail(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Mentions aws in prose."""\nCOLORS = {"aws": "#d97706"}\nTOKEN = "gcp:storage"\n')
    assert _cloud_literals(sample) == ["sample.py:2: 'aws'", "sample.py:3: 'gcp:storage'"]


def test_a_target_reads_its_own_entry_typed() -> None:
    from mlopskit.providers.azure.target import AzurePlacement
    from mlopskit.providers.gcp.target import GcpPlacement

    placement = Placement.model_validate({"gcp": {"project": "acme-ml-prod", "region": "europe-west4"}})
    gcp = placement.of("gcp", GcpPlacement)
    assert gcp is not None and gcp.project == "acme-ml-prod"
    assert placement.of("azure", AzurePlacement) is None
    with pytest.raises(TypeError, match="placement.gcp is a GcpPlacement, not a AzurePlacement"):
        placement.of("gcp", AzurePlacement)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_every_target_has_a_colour_of_its_own() -> None:
    """The report's bars and diagrams tell the targets apart by colour: no two closer than a
    quarter of the RGB range (Kubernetes blue #326ce5 beside GCP's #2563eb was 17 apart)."""
    colours = {t.name: _rgb(t.colour) for t in targets.targets()}
    close = [(a, b) for a in colours for b in colours if a < b
             and sum((x - y) ** 2 for x, y in zip(colours[a], colours[b], strict=True)) ** 0.5 < 64]
    assert close == []
    assert sum((x - y) ** 2 for x, y in zip(_rgb("#326ce5"), _rgb("#2563eb"), strict=True)) ** 0.5 < 64  # can fail
