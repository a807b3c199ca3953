"""mlopskit: provision and check MLOps stacks on AWS, GCP and Azure from one spec.

The lower layers live in the repository's top-level folders ``modules/``, ``providers/`` and
``policies/`` but are imported as ``mlopskit.modules`` etc., the names the wheel installs them under
(pyproject's ``package-dir`` maps them), so the kit never claims those generic top-level names in a
user's environment. In a checkout, ``mlopskit/modules`` etc. are symbolic links to those folders.

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
