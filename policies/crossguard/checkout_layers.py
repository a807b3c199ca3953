"""Maps ``mlopskit.modules``, ``mlopskit.providers`` and ``mlopskit.policies`` onto a checkout's
top-level folders, for a process whose environment has no install of the kit.

The CrossGuard pack runs in its own virtualenv (.venv-policy: pulumi-policy pins an older protobuf
than the kit's), where nothing maps these names as the kit's editable install does (pyproject's
package-dir). The pack's entry point (``__main__.py``) and the test probe that drives the real
pulumi_policy (tests/policies/crossguard_probe.py) load this file by its path before importing the
kit, since no ``mlopskit.*`` name resolves yet; it imports nothing of the kit itself.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from typing import Any

LAYERS = ("modules", "providers", "policies")


class CheckoutLayers(importlib.abc.MetaPathFinder):
    """``mlopskit.<layer>`` -> ``<root>/<layer>``; their submodules follow the package's path."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        prefix, _, layer = fullname.partition(".")
        if prefix != "mlopskit" or layer not in LAYERS:
            return None
        folder = self.root / layer
        return importlib.util.spec_from_file_location(fullname, folder / "__init__.py",
                                                      submodule_search_locations=[str(folder)])


def install(root: Path) -> None:
    """The checkout's ``mlopskit`` package first on the path, and the layers mapped after the path
    finders (an installed kit still wins)."""
    sys.path.insert(0, str(root))
    if not any(isinstance(finder, CheckoutLayers) for finder in sys.meta_path):
        sys.meta_path.append(CheckoutLayers(root))
