"""Package discovery for the layout pyproject.toml describes (everything else is in pyproject.toml).

The repository keeps the kit's layers in top-level folders (``modules/``, ``providers/``,
``policies/``) but installs them inside the ``mlopskit`` package (pyproject's ``package-dir``), so
the kit never claims those generic names in a user's environment. pyproject.toml alone can map
those folders but not discover the packages below them, so this file finds every package of
``mlopskit/`` and of each mapped folder: a new subpackage (``mlopskit/monitor/``,
``providers/kubernetes/``) is built and installed without being listed anywhere.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent


def package_dirs() -> dict[str, str]:
    """pyproject's ``package-dir``: the installed name of each top-level folder."""
    config = tomllib.loads((HERE / "pyproject.toml").read_text())
    return dict(config["tool"]["setuptools"]["package-dir"])


def packages() -> list[str]:
    """Every package the wheel holds: ``mlopskit`` and its subpackages, then each mapped folder's
    packages under the name it maps to (``providers.aws`` -> ``mlopskit.providers.aws``)."""
    found = find_packages(where=str(HERE), include=["mlopskit", "mlopskit.*"])
    for name, folder in package_dirs().items():
        found.append(name)
        found += [f"{name}.{sub}" for sub in find_packages(where=str(HERE / folder))]
    return sorted(found)


if __name__ == "__main__":  # setuptools' build backend runs this file as __main__
    setup(packages=packages())
