"""docs/deploying-identity.md: what the identities operating and deploying a stack need, per target.

Rendered from the `PermissionTables` each registered target publishes (``Target.permission_tables``:
command -> permission of the vocabulary, SDK call -> what it needs, permission -> grants, and what
`pulumi up` needs per recorded type) and the vendored role listings (providers/catalog/iam/*.json).
The fidelity gates tests/fidelity/<target>/test_permissions.py hold the tables to what the commands
call and what the programs record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mlopskit.modules.permission_tables import PermissionTables

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "providers" / "catalog" / "iam"
DOC = "docs/deploying-identity.md"


def _cell(items: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in items) if items else "—"


def _calls_table(calls: Any) -> list[str]:
    out = ["| call | needs (on) |", "|---|---|"]
    for key, row in calls.items():
        name = ".".join(key) if isinstance(key, tuple) else key
        needs = ", ".join(f"`{entry[0]}` ({entry[-1]})" for entry in row) or "nothing (no request)"
        out.append(f"| `{name}` | {needs} |")
    return out


def _commands_table(t: PermissionTables) -> list[str]:
    out = ["| command | runs under the permission | which grants |", "|---|---|---|"]
    for command, permission in t.day2.items():
        held = ", ".join(f"{role} on {scope}" for role, scope in t.grants.get(permission, ()))
        out.append(f"| `mlopskit {command}` | `{permission}` | {held} |")
    return out


def _roles_table(t: PermissionTables) -> list[str]:
    if t.roles_file is None:
        return []
    data = json.loads((CATALOG / t.roles_file).read_text(encoding="utf-8"))
    used = sorted({role for row in t.grants.values() for role, _ in row} & set(data["roles"]))
    out = [f"Vendored from {data['source']} at {data['commit'][:7]} ({data['date']}), {data['path']}:", "",
           "| role | holds |", "|---|---|"]
    for role in used:
        held = data["roles"][role]
        items = held if isinstance(held, list) else [*held["actions"], *held["dataActions"],
                                                    *(f"not {a}" for a in (*held["notActions"], *held["notDataActions"]))]
        out.append(f"| {role} | {_cell(list(items))} |")
    if t.custom_roles:
        out += ["", "The kit's own custom roles:", "", "| role | holds |", "|---|---|"]
        out += [f"| {name} | {_cell(list(permissions))} |" for name, permissions in t.custom_roles.items()]
    return out


def _deploy_table(t: PermissionTables) -> list[str]:
    """What creating, reading, updating and deleting each recorded type takes: a permission list per
    type (GCP), or the ARM resource type whose read/write/delete operations it takes (Azure), with the
    extra actions, each with why."""
    if any(isinstance(v, tuple) for v in t.deploy_types.values()):
        out = ["| recorded type | permissions |", "|---|---|"]
        out += [f"| `{name}` | {_cell(list(needs))} |" for name, needs in sorted(t.deploy_types.items())]
        return [*out, "", f"Predefined roles that together hold all of them: {_cell(list(t.deploy_roles))}."] \
            if t.deploy_roles else out
    types = sorted({v for v in t.deploy_types.values() if v})
    out = ["| resource type | operations |", "|---|---|"]
    out += [f"| `{v}` | {_cell([f'{v}/read', f'{v}/write', f'{v}/delete'])} |" for v in types]
    out += ["", "| also | why |", "|---|---|"]
    out += [f"| `{action}` | {why} |" for action, why in t.deploy_extra.items()]
    return out


def section(name: str, t: PermissionTables | None) -> list[str]:
    out = [f"## {name}", ""]
    if t is None:
        return [*out, "No permission tables yet: this target's day-2 permissions are checked another way "
                      "(for AWS, tests/aws/day2/test_permissions.py derives each call's IAM actions from botocore).", ""]
    out += ["### Who runs each day-2 command", "", *_commands_table(t), "",
            "### What each call needs", "", *_calls_table(t.calls), "",
            "### What the granted roles hold", "", *_roles_table(t), ""]
    if t.deploy_types:
        out += ["### What `pulumi up` needs (the deploying identity)", "", *_deploy_table(t), ""]
    return out


def markdown() -> str:
    from mlopskit.modules.targets import targets
    from mlopskit.providers import load

    out = ["# The identities that operate a stack", "",
           "<!-- Generated from the providers' permission tables by `python -m mlopskit.docs_gen`: do not edit. -->", "",
           "Each day-2 command runs as a person or CI identity holding one permission of the spec's vocabulary",
           "(`access.roles[].permissions`, docs/permissions.md). Per target: which permission runs each command and",
           "what it grants, every SDK call the commands make with what the cloud checks for it, what each granted",
           "role holds, and what the identity running `pulumi up` needs for every resource type the stack records.",
           "`tests/fidelity/<target>/test_permissions.py` replays the commands and fails on a call missing here or",
           "not covered by the grants, and on a recorded type missing here.", ""]
    for target in sorted(targets(), key=lambda t: t.name):
        out += section(target.name, load(target.permission_tables)() if target.permission_tables else None)
    return "\n".join(out).rstrip("\n") + "\n"
