"""The wheel's layout: the repository's folders installed as ``mlopskit.*`` with every data file, and
a checkout that holds no symbolic link.

The built wheel itself is installed and run from outside the checkout by ``make wheel-check``
(set-up work, run by ``.ci/run``; pytest keeps sockets blocked and installs nothing), and so is the
environment `pulumi install` makes from requirements.txt.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
FOLDERS = {"mlopskit": "mlopskit", **SETUPTOOLS["package-dir"]}
LAYERS = ("modules", "providers", "policies")


def _setup_module(root: Path = ROOT) -> ModuleType:
    """setup.py imported as a module (its ``setup()`` call runs only as ``__main__``)."""
    spec = importlib.util.spec_from_file_location("mlopskit_setup", root / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _folder(package: str) -> Path:
    """The repository folder a package name is built from (the longest package-dir prefix)."""
    for name in sorted(FOLDERS, key=len, reverse=True):
        if package == name or package.startswith(name + "."):
            return ROOT / FOLDERS[name] / Path(*package[len(name):].split(".")[1:])
    raise AssertionError(f"{package} maps to no folder")


def _repository_packages(root: Path = ROOT) -> set[str]:
    found = set()
    for name, folder in FOLDERS.items():
        for init in (root / folder).rglob("__init__.py"):
            found.add(".".join((name, *init.parent.relative_to(root / folder).parts)))
    return found


def test_every_folder_with_code_is_a_discovered_package() -> None:
    assert set(_setup_module().packages()) == _repository_packages()


def test_a_new_subpackage_is_discovered_without_being_listed(tmp_path: Path) -> None:
    """A copy of the layout with a new application subpackage and a new target package: setup.py
    finds both, and nothing in pyproject.toml names them."""
    for name in ("setup.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("mlopskit", "mlopskit/monitor", *LAYERS, "providers/kubernetes"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "tests").mkdir()  # not a package of the kit
    (tmp_path / "tests" / "__init__.py").write_text("")
    found = set(_setup_module(tmp_path).packages())
    assert {"mlopskit.monitor", "mlopskit.providers.kubernetes"} <= found
    assert not any(p.startswith("tests") or p in LAYERS for p in found)
    # Nothing in the build configuration names a package (a dependency's comment may name a target).
    build = tomllib.loads((tmp_path / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "kubernetes" not in str(build) and "monitor" not in str(build["package-dir"])


def test_every_data_file_is_package_data() -> None:
    data = SETUPTOOLS["package-data"]
    missing = []
    for package in _setup_module().packages():
        folder = _folder(package)
        for path in folder.iterdir():
            if path.is_dir() and (path / "__init__.py").exists() or path.name == "__pycache__":
                continue
            files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
            for file in files:
                if file.suffix in (".py", ".pyc"):
                    continue
                relative = str(file.relative_to(folder))
                if not any(fnmatch.fnmatch(relative, pattern) for pattern in data.get(package, [])):
                    missing.append(f"{package}: {relative}")
    assert missing == []


def _committed_links(root: Path) -> list[str]:
    """Paths git records as symbolic links (mode 120000)."""
    listing = subprocess.run(["git", "ls-files", "-s"], cwd=root, capture_output=True, text=True, check=True).stdout
    return [line.split("\t", 1)[1] for line in listing.splitlines() if line.startswith("120000 ")]


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_the_repository_holds_no_symbolic_link() -> None:
    assert _committed_links(ROOT) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_committed_link_is_found(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=tmp_path,
                       check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "a.py").write_text("")
    (tmp_path / "link").symlink_to("modules", target_is_directory=True)
    git("add", "-A")
    assert _committed_links(tmp_path) == ["link"]


def test_the_layers_import_from_the_top_level_folders() -> None:
    """As pytest runs (the checkout first on sys.path) and from outside the checkout, as a tool
    would: ``mlopskit.<layer>`` is the top-level folder, and no generic top-level name exists."""
    probe = ("import importlib.util, json, mlopskit.modules, mlopskit.providers, mlopskit.policies\n"
             "print(json.dumps({n: str(__import__('pathlib').Path(getattr(mlopskit, n).__file__).resolve().parent)"
             " for n in ('modules', 'providers', 'policies')}))\n")
    for cwd in (ROOT, Path("/")):
        out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True).stdout
        assert eval(out) == {name: str(ROOT / name) for name in LAYERS}, cwd  # noqa: S307 - our own JSON
