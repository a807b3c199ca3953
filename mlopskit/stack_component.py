"""Deploy an mlopskit spec from a team's own Pulumi program.

```python
import pulumi
from mlopskit import MlopsStack

ml = MlopsStack("ml/credit-risk.yaml", provider="aws")   # relative to the Pulumi project
pulumi.export("scoring_endpoint", ml.outputs["endpoints"]["scoring"])   # outputs: docs/deploy.md
```

The spec path is resolved against the program's Pulumi project (where its `Pulumi.yaml` is), never
against where the kit is installed. The resources are registered exactly as `pulumi up` of the kit's
own program (`mlopskit/program.py`, which uses this class) and `mlopskit preview` record them, with
the same URNs: they are not wrapped in a parent component, because a parent becomes part of every
child's URN, and moving a deployed stack from the kit's program into a team's (or back) would then
replace every resource. Bad input raises ``pulumi.RunError`` naming each field, before anything is
registered.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pulumi

from mlopskit.load import load_checked
from mlopskit.modules.errors import SpecError
from mlopskit.modules.placement import as_cloud
from mlopskit.modules.stack import Stack


def project_path(spec: str | Path) -> Path:
    """``spec`` relative to the running Pulumi project's root, which the engine reports (Pulumi also runs
    the program from there); the working directory when the engine reports no real directory (Pulumi's
    mocks report the placeholder ``root_directory``)."""
    path = Path(spec)
    if path.is_absolute():
        return path
    root = pulumi.get_root_directory()
    return Path(root if root and Path(root).is_dir() else os.getcwd()) / path


class MlopsStack:
    """One spec built on one target in the current Pulumi program: ``outputs``, ``warnings``, ``stack``."""

    def __init__(self, spec: str | Path, provider: str, *, registry: Any = None) -> None:
        from mlopskit.providers import get_provider

        path = project_path(spec)
        cloud = as_cloud(provider)
        try:
            self.stack: Stack = load_checked(path, cloud)  # the same checks as `mlopskit validate --provider`
            target = get_provider(cloud)
            # A provider may refuse to build (a required stack config missing) before it registers
            # anything: reported like a spec error.
            result = target.build(self.stack, registry if registry is not None else target.registry(self.stack))
        except SpecError as error:
            # RunError prints the message without a Python traceback.
            raise pulumi.RunError(f"{path.name} is invalid:\n" + "\n".join(f"  {i}" for i in error.issues)) from None
        self.outputs: dict[str, Any] = dict(result.outputs)
        self.warnings = list(result.warnings)

    def export(self) -> None:
        """Export every output and the warnings as stack outputs (what the kit's own program does)."""
        for name, value in self.outputs.items():
            pulumi.export(name, value)
        pulumi.export("warnings", [str(w) for w in self.warnings])
