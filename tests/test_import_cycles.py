"""No module of the application package (``mlopskit/``) is in an import cycle.

The graph is computed from the source (an AST walk, no import executed), counting every
import a module makes: at the top, inside a function (the CLI's lazy imports) or under
``TYPE_CHECKING``. Only modules of the application folder are nodes: the lower layers
(``modules/``, ``providers/``, ``policies/``) never import the application
(tests/test_provider_contract.py), so no cycle of application modules can pass through them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module_names(folder: Path, package: str) -> dict[str, Path]:
    """Every module of the package in ``folder``: dotted name -> file (a package is its ``__init__``)."""
    names = {}
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join((package, *parts))] = path
    return names


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names one import statement may load: the module, and for ``from X import y``
    also ``X.y`` (a submodule when it is one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: from the module's own package upwards
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    return [target, *(f"{target}.{alias.name}" for alias in node.names)]


def import_graph(folder: Path, package: str) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (importing ``a.b.c`` also runs ``a``
    and ``a.b``, but a module importing its own parent package is no cycle the code can fix:
    Python runs the parent first, so those edges are left out)."""
    modules = _module_names(folder, package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(node, name, path.name == "__init__.py"):
                if target in modules and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += graph[node]
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other (directly or not), each sorted: a module is in
    a cycle when it reaches itself, and its group is what it reaches that reaches it back."""
    reach = {node: _reachable(graph, node) for node in graph}
    groups = {tuple(sorted(m for m in reach[node] if node in reach[m])) for node in graph if node in reach[node]}
    return sorted(list(group) for group in groups)


def test_no_module_of_the_application_is_in_an_import_cycle() -> None:
    graph = import_graph(ROOT / "mlopskit", "mlopskit")
    assert "mlopskit.commands.compare" in graph and graph["mlopskit.cli"], "the walk found the CLI's imports"
    assert cycles(graph) == []


def test_the_library_never_imports_the_command_line() -> None:
    """The comparison, the engine and the reports are usable without the CLI: nothing outside
    the CLI (``cli``, ``commands/``, ``hooks``) imports it."""
    graph = import_graph(ROOT / "mlopskit", "mlopskit")
    front = {"mlopskit.cli", "mlopskit.hooks", "mlopskit.__main__"}
    command_line = {n for n in graph if n in front or n.startswith("mlopskit.commands")}
    leaks = {name: sorted(graph[name] & command_line) for name in graph if name not in command_line}
    assert {name: targets for name, targets in leaks.items() if targets} == {}


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_planted_cycle_is_found(tmp_path: Path) -> None:
    """A three-module cycle through a lazy import and a relative import, beside a module that
    imports its own parent package (no cycle): the test above would fail on it."""
    root = _package(tmp_path, {
        "__init__.py": "VERSION = 1\n",
        "cli.py": "from pkg.commands import run\n",
        "commands/__init__.py": "",
        "commands/run.py": "def go():\n    from pkg import engine\n",
        "engine.py": "from .cli import main\n",
        "version.py": "from pkg import VERSION\n",
    })
    graph = import_graph(root, "pkg")
    assert cycles(graph) == [["pkg.cli", "pkg.commands.run", "pkg.engine"]]


def test_the_library_check_catches_a_library_importing_the_cli(tmp_path: Path) -> None:
    """The shape this package had: the library's comparison importing ``load_checked`` from the CLI."""
    root = _package(tmp_path, {"__init__.py": "", "cli.py": "def load_checked(): ...\n",
                               "compare.py": "def compare():\n    from pkg.cli import load_checked\n"})
    assert import_graph(root, "pkg")["pkg.compare"] == {"pkg.cli"}
