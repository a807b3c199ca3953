"""The spec the GCP and Azure permission gates replay day-2 commands under: a bundled example
with one access role per permission the commands run as, so each command's calls are checked
against exactly the grants of its own permission."""

from __future__ import annotations

from collections.abc import Iterable

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph
from tests.conftest import STACKS
from tests.specs import baseline


def role_name(permission: str) -> str:
    return "only-" + permission.replace(".", "-")


def one_role_per_permission(spec: str, permissions: Iterable[str], cloud: str) -> Graph:
    """The preview of ``spec`` on ``cloud`` whose access roles are one per permission, and nothing else."""
    data = baseline(spec)
    data.setdefault("access", {})["roles"] = [{"name": role_name(p), "permissions": [p], "principals": ["group:ops@example.com"]}
                                              for p in sorted(set(permissions))]
    return preview(parse_stack(data, base_dir=STACKS), cloud)
