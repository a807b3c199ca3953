"""What a target publishes about the permissions its day-2 commands and its deploy need.

A target's descriptor names a function returning one `PermissionTables` (``Target.permission_tables``);
the kit renders docs/deploying-identity.md from them (mlopskit/permissions_doc.py) and the target's
fidelity gate holds them to what its commands call (tests/fidelity/<target>/test_permissions.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PermissionTables:
    """One target's permission tables; every mapping keeps the target's own key and value shapes."""

    day2: Mapping[str, str]  # command -> the permission of the vocabulary it runs under
    calls: Mapping[Any, tuple[tuple[str, ...], ...]]  # SDK call -> (permission, ..., resource) it needs
    grants: Mapping[str, tuple[tuple[str, str], ...]]  # permission -> the grants the target makes for it
    roles_file: str | None = None  # the vendored role listing under providers/catalog/iam
    custom_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # the target's own roles
    deploy_types: Mapping[str, Any] = field(default_factory=dict)  # recorded type -> what `pulumi up` needs
    deploy_extra: Mapping[str, str] = field(default_factory=dict)  # further deploy actions -> why
    deploy_roles: tuple[str, ...] = ()  # roles that together hold every deploy permission
