"""docs/deploying-identity.md: what the identity running each day-2 command needs and gets, per target.

Rendered from each target's own tables, found by convention in ``mlopskit.providers.<target>.permissions``
(``DAY2_PERMISSIONS``: command -> permission of the vocabulary; ``CALLS``: SDK call -> what it needs),
the grants the target maps each permission to (``PERMISSION_GRANTS``), and the vendored role
listings (providers/catalog/iam/*.json). Targets without such a module are listed as such. The
fidelity gates tests/fidelity/<target>/test_permissions.py hold the tables to what the commands call.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "providers" / "catalog" / "iam"
DOC = "docs/deploying-identity.md"


def _module(name: str) -> ModuleType | None:
    full = f"mlopskit.providers.{name}.permissions"
    try:
        found = importlib.util.find_spec(full)
    except ModuleNotFoundError:
        return None
    return importlib.import_module(full) if found is not None else None


def _grants(target: str) -> dict[str, Any]:
    """The target's PERMISSION_GRANTS (permission -> grants), wherever its provider keeps them."""
    for part in ("identity", "roles", "permissions"):
        module = importlib.import_module(f"mlopskit.providers.{target}.{part}") if importlib.util.find_spec(
            f"mlopskit.providers.{target}.{part}") else None
        if module is not None and hasattr(module, "PERMISSION_GRANTS"):
            return dict(module.PERMISSION_GRANTS)
    return {}


def _cell(items: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in items) if items else "—"


def _calls_table(calls: dict[Any, Any]) -> list[str]:
    out = ["| call | needs (on) |", "|---|---|"]
    for key, row in calls.items():
        name = ".".join(key) if isinstance(key, tuple) else key
        needs = ", ".join(f"`{entry[0]}` ({entry[-1]})" for entry in row) or "nothing (no request)"
        out.append(f"| `{name}` | {needs} |")
    return out


def _commands_table(day2: dict[str, str], grants: dict[str, Any]) -> list[str]:
    out = ["| command | runs under the permission | which grants |", "|---|---|---|"]
    for command, permission in day2.items():
        held = ", ".join(f"`{g[1]}` on {g[0]}" if g[1].startswith(("roles/", "custom:")) else f"{g[0]} on {g[1]}"
                         for g in grants.get(permission, ()))
        out.append(f"| `mlopskit {command}` | `{permission}` | {held} |")
    return out


def _roles_table(target: str, grants: dict[str, Any]) -> list[str]:
    path = CATALOG / f"{target}_roles.json"
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    used = sorted({g[1] if g[1].startswith("roles/") else g[0] for row in grants.values() for g in row}
                  & set(data["roles"]))
    out = [f"Vendored from {data['source']} at {data['commit'][:7]} ({data['date']}), {data['path']}:", "",
           "| role | holds |", "|---|---|"]
    for role in used:
        held = data["roles"][role]
        items = held if isinstance(held, list) else [*held["actions"], *held["dataActions"],
                                                    *(f"not {a}" for a in (*held["notActions"], *held["notDataActions"]))]
        out.append(f"| {role} | {_cell(list(items))} |")
    custom = _custom_roles(target)
    if custom:
        out += ["", "The kit's own custom roles:", "", "| role | holds |", "|---|---|"]
        out += [f"| `custom:{name}` | {_cell(list(permissions))} |" for name, permissions in custom.items()]
    return out


def _custom_roles(target: str) -> dict[str, tuple[str, ...]]:
    spec = importlib.util.find_spec(f"mlopskit.providers.{target}.identity")
    module = importlib.import_module(f"mlopskit.providers.{target}.identity") if spec else None
    return dict(getattr(module, "CUSTOM_ROLES", {}))


def section(target: str) -> list[str]:
    module = _module(target)
    out = [f"## {target}", ""]
    if module is None or not hasattr(module, "CALLS"):
        return [*out, "No call table yet: this target's day-2 permissions are checked another way "
                      "(for AWS, tests/aws/day2/test_permissions.py derives each call's IAM actions from botocore).", ""]
    grants = _grants(target)
    out += ["### Who runs each day-2 command", "", *_commands_table(module.DAY2_PERMISSIONS, grants), "",
            "### What each call needs", "", *_calls_table(module.CALLS), "",
            "### What the granted roles hold", "", *_roles_table(target, grants), ""]
    if hasattr(module, "DEPLOY_TYPES"):
        out += ["### What `pulumi up` needs (the deploying identity)", "", *_deploy_table(module), ""]
    return out


def _deploy_table(module: ModuleType) -> list[str]:
    """What creating, reading, updating and deleting each recorded type takes: a permission list per
    type (GCP), or the ARM resource type whose read/write/delete operations it takes (Azure) with
    the extra actions, each with why."""
    if any(isinstance(v, tuple) for v in module.DEPLOY_TYPES.values()):
        out = ["| recorded type | permissions |", "|---|---|"]
        out += [f"| `{t}` | {_cell(list(p))} |" for t, p in sorted(module.DEPLOY_TYPES.items())]
        roles = getattr(module, "DEPLOY_ROLES", ())
        return [*out, "", f"Predefined roles that together hold all of them: {_cell(list(roles))}."] if roles else out
    types = sorted({t for t in module.DEPLOY_TYPES.values() if t})
    out = ["| resource type | operations |", "|---|---|"]
    out += [f"| `{t}` | {_cell([f'{t}/read', f'{t}/write', f'{t}/delete'])} |" for t in types]
    out += ["", "| also | why |", "|---|---|"]
    out += [f"| `{action}` | {why} |" for action, why in module.DEPLOY_EXTRA.items()]
    return out


def markdown() -> str:
    from mlopskit.modules.targets import names

    out = ["# The identities that operate a stack", "",
           "<!-- Generated from the providers' permission tables by `python -m mlopskit.docs_gen`: do not edit. -->", "",
           "Each day-2 command runs as a person or CI identity holding one permission of the spec's vocabulary",
           "(`access.roles[].permissions`, docs/permissions.md). Per target: which permission runs each command and",
           "what it grants, every SDK call the commands make with what the cloud checks for it, and what each",
           "granted role holds. `tests/fidelity/<target>/test_permissions.py` replays the commands and fails on a",
           "call missing here or not covered by the grants.", ""]
    for name in names():
        out += section(name)
    return "\n".join(out).rstrip("\n") + "\n"
