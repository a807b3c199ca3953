"""The wheel's layout: the repository's folders installed as ``mlopskit.*`` with every data file.

The built wheel itself is installed and run from outside the checkout by ``make wheel-check``
(set-up work, run by ``.ci/run``; pytest keeps sockets blocked and installs nothing).
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
FOLDERS = {"mlopskit": "mlopskit", **SETUPTOOLS["package-dir"]}


def _folder(package: str) -> Path:
    """The repository folder a package name is built from (the longest package-dir prefix)."""
    for name in sorted(FOLDERS, key=len, reverse=True):
        if package == name or package.startswith(name + "."):
            return ROOT / FOLDERS[name] / Path(*package[len(name):].split(".")[1:])
    raise AssertionError(f"{package} maps to no folder")


def _repository_packages() -> set[str]:
    found = set()
    for name, folder in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            if not relative.parts or relative.parts[0] not in ("modules", "providers", "policies"):
                found.add(".".join((name, *relative.parts)))
    return found


def test_every_folder_with_code_is_a_listed_package() -> None:
    assert set(SETUPTOOLS["packages"]) == _repository_packages()


def test_every_data_file_is_package_data() -> None:
    data = SETUPTOOLS["package-data"]
    missing = []
    for package in SETUPTOOLS["packages"]:
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


def test_the_checkout_links_resolve_to_the_folders() -> None:
    for name in ("modules", "providers", "policies"):
        assert (ROOT / "mlopskit" / name).resolve() == ROOT / name
