"""A spec loaded and checked as every command and the Pulumi program need it (a library module:
the CLI, ``compare`` and ``MlopsStack`` all call it, so none of them imports another's code)."""

from __future__ import annotations

from pathlib import Path

from mlopskit.modules.errors import SpecError
from mlopskit.modules.loader import load_stack
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack


def load_checked(spec: str | Path, cloud: Cloud | None) -> Stack:
    """Load and validate, including the provider's own checks when a cloud is given, and the spec's
    waivers against the rule registry and today's date."""
    stack = load_stack(spec, cloud)
    if stack.waivers:
        from mlopskit.policies.waivers import check

        issues = check(stack.waivers, "waivers")
        if issues:
            raise SpecError(issues)
    if cloud is not None:
        from mlopskit.providers import get_provider

        issues = get_provider(cloud).check(stack)
        if issues:
            raise SpecError(issues)
    return stack
