"""The monitor package is the job's whole uploaded code: it imports nothing of the kit but itself,
no explainer or fairness library, and runs on the Python of the targets' images (3.9, 3.10)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "mlopskit" / "monitor"
FORBIDDEN_LIBRARIES = ("shap", "evidently", "fairlearn")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names if node.module == "mlopskit"]
        elif isinstance(node, ast.ImportFrom) and node.level:
            names.append("." * node.level + (node.module or ""))
    return names


def violations(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if name.startswith("."):
                found.append(f"{path.name}: relative import {name}")
            elif top == "mlopskit" and name not in ("mlopskit", "mlopskit.monitor") \
                    and not name.startswith("mlopskit.monitor."):
                found.append(f"{path.name}: imports {name}")
            elif top in FORBIDDEN_LIBRARIES:
                found.append(f"{path.name}: imports {name}")
    return found


def test_the_monitor_imports_only_itself_of_the_kit() -> None:
    assert violations(PACKAGE) == []


def test_the_import_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("import shap\nfrom mlopskit.modules import stack\nfrom mlopskit import cost\n"
                                     "from . import drift\nfrom mlopskit.monitor import drift\n", encoding="utf-8")
    assert violations(tmp_path) == ["bad.py: imports shap", "bad.py: imports mlopskit.modules",
                                    "bad.py: imports mlopskit.cost", "bad.py: relative import ."]


def _module_level_imports(path: Path) -> list[str]:
    """Imports that run when the module is imported (not those inside a function)."""
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or ".")
    return names


def test_the_kit_package_root_imports_nothing_of_the_kit() -> None:
    """The job's code is ``mlopskit/__init__.py`` and this package: importing the root must load
    nothing else (``MlopsStack`` is imported on first use, inside ``__getattr__``)."""
    assert set(_module_level_imports(ROOT / "mlopskit" / "__init__.py")) <= {"__future__", "typing"}


def test_the_root_check_can_fail(tmp_path: Path) -> None:
    planted = tmp_path / "__init__.py"
    planted.write_text("from typing import Any\nimport mlopskit.modules\n\ndef f():\n    import shap\n", encoding="utf-8")
    assert _module_level_imports(planted) == ["typing", "mlopskit.modules"]


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_every_module_postpones_annotations(path: Path) -> None:
    """Python 3.9 (SageMaker's scikit-learn image) evaluates ``X | Y`` annotations without it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    futures = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    assert any(a.name == "annotations" for n in futures for a in n.names)
    match = getattr(ast, "Match", ())  # the statement itself exists from 3.10 on
    assert not [n for n in ast.walk(tree) if isinstance(n, match)]
