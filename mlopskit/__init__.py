"""mlopskit: provision and check MLOps stacks on AWS, GCP and Azure from one spec.

The lower layers live in the repository's top-level folders ``modules/``, ``providers/`` and
``policies/`` but are imported as ``mlopskit.modules`` etc., the names the wheel installs them under
(pyproject's ``package-dir``; setup.py finds the packages), so the kit never claims those generic
top-level names in a user's environment. In a checkout, the editable install (``make install``,
``pulumi install``) maps the same names onto the folders; the repository holds no symbolic link.

``from mlopskit import MlopsStack`` deploys a spec from a team's own Pulumi program
(``mlopskit/stack_component.py``); it is imported on first use, so importing ``mlopskit`` stays free.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "MlopsStack":
        from mlopskit.stack_component import MlopsStack

        return MlopsStack
    raise AttributeError(f"module 'mlopskit' has no attribute {name!r}")


def _register_bundled_targets() -> None:
    """Registers the targets bundled with the kit: importing ``mlopskit.providers`` imports each
    ``providers/<name>/target.py``. The target registry (``modules/targets.py``, a lower layer) calls
    this hook of its enclosing package the first time it is read, so ``import mlopskit`` stays free."""
    import mlopskit.providers  # noqa: F401  (imported for its registrations)
