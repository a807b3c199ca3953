"""The provider contract: typed, complete, and the only way into a cloud.

- ``import_module``/``__import__`` appear only in the provider table (``providers/__init__.py``);
- no module of ``modules/``, ``providers/`` or ``policies/`` imports the application (the rest of
  ``mlopskit``), ``modules/`` imports neither ``providers`` nor ``policies``, and only a cloud's own
  package imports ``providers.<cloud>``; all three are imported as ``mlopskit.<folder>``, the names
  the wheel installs them under;
- every provider is complete, and an incomplete one is told exactly what it lacks.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlopskit.modules.placement import CLOUDS
from mlopskit.modules.provider import Provider, contract_gaps
from mlopskit.providers import get_provider

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("modules", "providers", "policies", "mlopskit")
PROVIDER_TABLE = Path("providers/__init__.py")


def _sources(*packages: str) -> list[Path]:
    return sorted(p.relative_to(ROOT) for package in packages for p in (ROOT / package).rglob("*.py"))


def _imports(path: Path) -> list[str]:
    """Every module name ``path`` imports (absolute imports; the kit uses no relative ones)."""
    names: list[str] = []
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            names.append(node.module or "")
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _dynamic_imports(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Name) and node.id in ("import_module", "__import__"):
            lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr in ("import_module", "__import__"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "importlib":
            lines += [node.lineno for alias in node.names if alias.name == "import_module"]
    return lines


def test_dynamic_imports_only_in_the_provider_table() -> None:
    found = {str(p): lines for p in _sources(*PACKAGES, "tests", "bench") if (lines := _dynamic_imports(p))}
    assert set(found) == {str(PROVIDER_TABLE)}, found


def test_the_ast_check_sees_a_dynamic_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"  # an absolute path: ROOT / sample is sample itself
    sample.write_text("from importlib import import_module\nmod = import_module('mlopskit.providers.aws.facts')\n")
    assert _dynamic_imports(sample) == [1, 2]


LOWER_LAYERS = ("modules", "providers", "policies")
#: The monitor job's contract (metric names, namespaces, paths) is a leaf: it imports only the standard
#: library (tests/monitor/test_imports.py), and each target's alarms and job read it (issue 25), so the
#: alarm side and the publisher side cannot drift apart. Nothing else of ``mlopskit.monitor``.
CONTRACT = ("mlopskit.monitor", "mlopskit.monitor.contract", "mlopskit.monitor.contract.contract")


def _layer_name(imported: str) -> str:
    """``mlopskit.providers.aws`` -> ``providers.aws``: the lower layers are installed inside the
    ``mlopskit`` package, so the rest of ``mlopskit`` is the application."""
    parts = imported.split(".")
    if parts[0] == "mlopskit" and len(parts) > 1 and parts[1] in LOWER_LAYERS:
        return ".".join(parts[1:])
    return imported


def _layer_violations(path: Path) -> list[str]:
    package = path.parts[0]
    own_cloud = path.parts[1] if package == "providers" and len(path.parts) > 2 else None
    bad = []
    for imported in _imports(path):
        if imported.split(".")[0] in LOWER_LAYERS:
            bad.append(imported)  # the wheel installs these only under mlopskit.
        name = _layer_name(imported)
        top = name.split(".")[0]
        if package in ("modules", "providers", "policies") and top == "mlopskit" and not (
                package == "providers" and imported in CONTRACT):
            bad.append(name)
        if package == "modules" and top in ("providers", "policies"):
            bad.append(name)
        parts = name.split(".")
        if top == "providers" and len(parts) > 1 and parts[1] in CLOUDS and parts[1] != own_cloud:
            bad.append(name)  # a cloud package reached by name, outside itself
    return [f"{path}: imports {name}" for name in bad]


def test_lower_layers_never_import_the_application() -> None:
    problems = [line for p in _sources(*PACKAGES) for line in _layer_violations(p)]
    assert problems == []


def test_the_layer_check_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _layer_violations(Path("policies/runner.py")) == []
    sample = tmp_path / "policies" / "_layer_sample.py"
    sample.parent.mkdir()
    sample.write_text("from mlopskit.cost import estimate\nfrom mlopskit.providers.aws import facts\n"
                      "import modules.graph\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert _layer_violations(Path("policies/_layer_sample.py")) == [
        "policies/_layer_sample.py: imports mlopskit.cost", "policies/_layer_sample.py: imports mlopskit.cost.estimate",
        "policies/_layer_sample.py: imports providers.aws", "policies/_layer_sample.py: imports providers.aws.facts",
        "policies/_layer_sample.py: imports modules.graph"]


def test_nothing_imports_the_lower_layers_by_their_bare_names() -> None:
    """The wheel installs ``modules``, ``providers`` and ``policies`` only as ``mlopskit.*``."""
    bare = [f"{p}: {name}" for p in _sources(*PACKAGES, "tests", "bench") + [Path("__main__.py")]
            for name in _imports(p) if name.split(".")[0] in LOWER_LAYERS]
    assert bare == []


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_provider_fulfils_the_contract(cloud: str) -> None:
    provider = get_provider(cloud)  # type: ignore[arg-type]
    assert provider.cloud == cloud
    assert contract_gaps(type(provider)) == []


def test_an_incomplete_provider_is_told_what_it_lacks() -> None:
    class HalfCloud(Provider):
        cloud = "aws"  # type: ignore[assignment]
        type_prefix = "half:"
        components = {"keys": "mlopskit:aws:Keys"}

        def build(self, stack: Any, registry: Any) -> Any: ...
        def registry(self, stack: Any) -> Any: ...
        def offline_registry(self, stack: Any) -> Any: ...
        def mock_resource(self, type_: str, name: str, inputs: dict[str, Any]) -> Any: ...
        def mock_call(self, token: str, args: dict[str, Any]) -> Any: ...

    assert contract_gaps(HalfCloud) == [
        "HalfCloud: implement classify_error",
        "HalfCloud: implement cost_handlers",
        "HalfCloud: implement diagram",
        "HalfCloud: implement facts",
        "HalfCloud: implement features",
        "HalfCloud: implement ops_backend",
    ]

    class AlmostCloud(HalfCloud):
        features = {"autoscaling": ("native", "yes"), "teleport": ("magic", "no")}  # type: ignore[assignment]
        cost_handlers = None  # type: ignore[assignment]
        diagram = {"mlopskit:aws:Storage": ("artifacts", "a bucket")}  # type: ignore[assignment]

        def facts(self, graph: Any, stack: Any) -> Any: ...
        def ops_backend(self, stack: Any, gateway: Any) -> Any: ...
        def classify_error(self, error: BaseException) -> Any: ...

    gaps = contract_gaps(AlmostCloud)
    assert "AlmostCloud: map the abstraction 'storage' to a component" in gaps
    assert "AlmostCloud: declare the feature 'dataCapture'" in gaps
    assert "AlmostCloud: feature 'teleport' is not a spec setting the comparison knows" in gaps
    assert "AlmostCloud: feature 'teleport' has support 'magic', not one of ('native', 'kit', 'emulated', 'unsupported')" in gaps
    assert not any("'keys'" in gap for gap in gaps)
    assert "AlmostCloud: map the component 'mlopskit:aws:Keys' in the architecture diagram" in gaps


def test_validate_loads_no_cloud_sdk() -> None:
    """A provider's module stays thin (its build lives in build.py): validating a spec on every
    cloud imports neither Pulumi nor any cloud's SDK (a fresh interpreter, so nothing is cached)."""
    probe = ("import sys; from mlopskit.cli import main; main(['validate', 'stacks/credit-risk.yaml']); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('pulumi', 'pulumi_aws', 'pulumi_gcp', 'pulumi_azure_native', 'boto3', 'botocore') "
             "or m.startswith(('google.cloud.aiplatform', 'azure.'))))")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.stdout.splitlines()[-1] == "[]"


def test_providers_may_read_the_monitor_contract_and_nothing_else_of_the_monitor(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    sample = tmp_path / "providers" / "_monitor_sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("from mlopskit.monitor import contract\nfrom mlopskit.monitor import drift\n")
    assert _layer_violations(Path("providers/_monitor_sample.py")) == [
        "providers/_monitor_sample.py: imports mlopskit.monitor.drift"]
