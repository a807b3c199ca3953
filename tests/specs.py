"""Spec builders: a fully specified baseline that each test changes in exactly one place."""

from __future__ import annotations

import copy
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from mlopskit.modules import Stack, parse_stack
from tests.conftest import STACKS


@cache
def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((STACKS / name).read_text())


def baseline(name: str = "credit-risk.yaml") -> dict[str, Any]:
    """A fresh copy of a bundled spec as a plain dict (camelCase keys, as in YAML)."""
    return copy.deepcopy(_load(name))


def change(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set ``path`` (``endpoints[0].autoscaling.minInstances``) to ``value``; ``...`` deletes it."""
    parts: list[str | int] = []
    for piece in path.split("."):
        while "[" in piece:
            head, _, rest = piece.partition("[")
            if head:
                parts.append(head)
            index, _, piece = rest.partition("]")
            parts.append(int(index))
        if piece:
            parts.append(piece)
    target: Any = data
    for part in parts[:-1]:
        target = target[part]
    if value is ...:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value
    return data


def stack(name: str = "credit-risk.yaml", **changes: Any) -> Stack:
    """A validated Stack from a bundled spec with ``path=value`` changes (``__`` for ``.``)."""
    data = baseline(name)
    for path, value in changes.items():
        change(data, path.replace("__", "."), value)
    return parse_stack(data, base_dir=STACKS)


def write_spec(directory: Path, data: dict[str, Any], name: str = "spec.yaml") -> Path:
    """Write ``data`` as a spec file in ``directory``, beside a copy of the bundled example
    code (stacks/src), so ``training[].code: ./src`` resolves as it does in stacks/ (a link
    would lead out of the spec's directory, which packaging refuses)."""
    path = directory / name
    path.write_text(yaml.safe_dump(data))
    code = directory / "src"
    if not code.exists():
        shutil.copytree(STACKS / "src", code, ignore=shutil.ignore_patterns("__pycache__"))
    return path
