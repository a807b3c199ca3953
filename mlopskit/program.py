"""The Pulumi program behind `pulumi up -s <stack>`: stack config names the spec and the
provider; the same provider code the offline preview runs builds the real resources."""

from __future__ import annotations

import pulumi

from mlopskit.stack_component import MlopsStack


def run() -> None:
    """Read ``mlopskit:spec`` (relative to the Pulumi project) and ``mlopskit:provider``, build, export."""
    config = pulumi.Config("mlopskit")
    MlopsStack(config.require("spec"), config.require("provider")).export()
