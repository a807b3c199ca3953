"""Load a spec from YAML (or a dict) into a validated Stack, or raise SpecError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from modules.errors import SpecError, SpecIssue, issues_from_validation
from modules.placement import Cloud
from modules.stack import Stack


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys instead of keeping the last one silently."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {mark.line + 1})", mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_stack(data: Any, cloud: Cloud | None = None) -> Stack:
    """Validate a mapping as a spec v1 Stack; with ``cloud``, also check that cloud's needs."""
    if not isinstance(data, dict):
        raise SpecError([SpecIssue("", "a spec must be a YAML mapping with apiVersion, kind, metadata, placement")])
    try:
        stack = Stack.model_validate(data)
    except ValidationError as error:
        raise SpecError(issues_from_validation(error)) from None
    if cloud is not None:
        issues = stack.issues_for(cloud)
        if issues:
            raise SpecError(issues)
    return stack


def load_stack(path: str | Path, cloud: Cloud | None = None) -> Stack:
    """Read and validate a spec file. Every problem is reported as one SpecIssue."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError([SpecIssue("", f"{path}: file not found")]) from None
    except (IsADirectoryError, UnicodeDecodeError, PermissionError) as error:
        raise SpecError([SpecIssue("", f"{path}: cannot read spec ({error.__class__.__name__})")]) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError([SpecIssue("", f"{where}: invalid YAML: {problem}")]) from None
    return parse_stack(data, cloud)
