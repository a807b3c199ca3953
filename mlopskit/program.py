"""The Pulumi program behind `pulumi up -s <stack>`: stack config names the spec and the
provider; the same provider code the offline preview runs builds the real resources."""

from __future__ import annotations

from pathlib import Path

import pulumi

from mlopskit.modules.errors import SpecError
from mlopskit.modules.loader import load_stack
from mlopskit.modules.placement import as_cloud

ROOT = Path(__file__).resolve().parent.parent


def run() -> None:
    """Read ``mlopskit:spec`` and ``mlopskit:provider``, validate, build, export outputs."""
    from mlopskit.providers import get_provider

    config = pulumi.Config("mlopskit")
    spec = ROOT / config.require("spec")
    cloud = as_cloud(config.require("provider"))
    try:
        stack = load_stack(spec, cloud)
        provider = get_provider(cloud)
        issues = provider.check(stack)
        if issues:
            raise SpecError(issues)
        # A provider may refuse to build (a required stack config missing) before it
        # registers anything: reported like a spec error.
        result = provider.build(stack, provider.registry(stack))
    except SpecError as error:
        # RunError prints the message without a Python traceback.
        raise pulumi.RunError(f"{spec.name} is invalid:\n" + "\n".join(f"  {i}" for i in error.issues)) from None
    for name, value in result.outputs.items():
        pulumi.export(name, value)
    pulumi.export("warnings", [str(w) for w in result.warnings])
