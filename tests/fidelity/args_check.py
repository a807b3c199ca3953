"""Validate recorded Pulumi inputs against the installed SDK's typed ``...Args`` classes.

The mocks accept anything, so a misspelled property, a missing required input or an
enum value the API refuses would only show up at ``pulumi up``. Each provider SDK
describes its inputs as ``@pulumi.input_type`` classes: ``input_type_types`` gives the
engine-facing (camelCase) property names and their Python types, the ``__init__``
signature says which are required, and azure-native's ``_enums`` classes list the values
an enum property takes. This module walks a recorded input dict against those classes,
recursively, and reports ``path: problem (value, constraint)``.

Cloud-neutral: the caller maps a resource type token to its SDK module (see
``resource_args``); the walker only knows Pulumi's typing conventions.
"""

from __future__ import annotations

import collections.abc
import enum
import inspect
import re
import typing
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from pulumi import _types as pulumi_types

# Keys Pulumi adds to a recorded resource's inputs that are not SDK properties.
ENGINE_KEYS = frozenset({"__defaults"})
# How the engine records a secret: {SECRET_SIG: SECRET_VALUE, "value": <the value>}.
SECRET_SIG, SECRET_VALUE = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"
# azure-native documents a discriminator property's only value in its getter docstring.
_EXPECTED = re.compile(r"Expected value is '([^']+)'")
# Where the SDK's enum is wrong, the values the API documents instead. azure-native merges
# every API version of a module into one namespace, and monitor's ``ConditionOperator``
# (eq, ne, ...) belongs to another API than scheduled query rules, whose Condition.operator
# takes Equals/GreaterThan/... (learn.microsoft.com: Azure.ResourceManager.Monitor
# MonitorConditionOperator; New-AzScheduledQueryRuleConditionObject -Operator "GreaterThan").
ENUM_OVERRIDES: dict[tuple[str, str], frozenset[str]] = {
    ("pulumi_azure_native.monitor._inputs.ConditionArgs", "operator"): frozenset(
        {"Equals", "GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"}
    ),
}


@dataclass(frozen=True)
class Violation:
    """One problem found by a fidelity check: where, what, and the recorded value."""

    resource: str  # the resource's logical name (or URN)
    path: str  # property path inside the inputs: ``properties.sku.name``
    problem: str

    def __str__(self) -> str:
        return f"{self.resource}: {self.path}: {self.problem}"


def resource_args(package: ModuleType, token: str) -> type | None:
    """The ``...Args`` class of a resource type token, e.g. ``gcp:storage/bucket:Bucket``.

    ``package`` is the SDK package (``pulumi_gcp``); the token's module part before ``/``
    names its submodule, which the SDK loads lazily on attribute access (they are huge).
    """
    _, module, name = token.split(":")
    module = module.split("/")[0]
    sdk = package if module == "index" else getattr(package, module, None)
    if sdk is None:
        return None
    # When a resource shares its name with a nested input type (azure-native's
    # BackupVault), the code generator names the resource's own class ``...InitArgs``.
    for candidate in (f"{name}InitArgs", f"{name}Args"):
        args = getattr(sdk, candidate, None)
        if isinstance(args, type) and pulumi_types.is_input_type(args):
            return args
    return None


@dataclass(frozen=True)
class _Schema:
    types: dict[str, Any]  # camelCase property -> type hint
    required: frozenset[str]
    constants: dict[str, str]  # discriminator property -> its only value


@cache
def _schema(args_class: type) -> _Schema:
    """Property types, required properties and discriminator constants of an input type."""
    types = pulumi_types.input_type_types(args_class)
    py_to_pulumi = pulumi_types.input_type_py_to_pulumi_names(args_class)
    required = frozenset(
        py_to_pulumi.get(name, name)
        for name, parameter in inspect.signature(args_class.__init__).parameters.items()
        if name != "__self__" and parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty
    )
    constants = {}
    for py_name, pulumi_name in py_to_pulumi.items():
        getter = getattr(args_class, py_name, None)
        found = _EXPECTED.search(getattr(getter, "__doc__", None) or "")
        if found:
            constants[pulumi_name] = found.group(1)
    return _Schema(dict(types), required, constants)


def _alternatives(hint: Any) -> list[Any]:
    """The concrete types a hint allows, without Optional/Input/Awaitable/Output wrappers."""
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        found: list[Any] = []
        for member in typing.get_args(hint):
            member_origin = typing.get_origin(member)
            if member is type(None) or member_origin is collections.abc.Awaitable:
                continue
            if getattr(member, "__name__", "") == "Output" or member_origin is not None and getattr(member_origin, "__name__", "") == "Output":
                continue
            found.extend(_alternatives(member))
        return found
    return [hint]


def check_value(value: Any, hint: Any, path: str) -> list[str]:
    """Problems of ``value`` against a type hint, as ``path: problem`` strings."""
    if value is None:
        return []
    if isinstance(value, dict) and value.get(SECRET_SIG) == SECRET_VALUE:
        return check_value(value.get("value"), hint, path)
    alternatives = _alternatives(hint)
    if not alternatives or any(a is Any for a in alternatives):
        return []
    enums = [a for a in alternatives if isinstance(a, type) and issubclass(a, enum.Enum)]
    if enums:
        allowed = sorted({str(member.value) for e in enums for member in e})
        # Flag enums (storage networkRuleSet.bypass) take a comma-separated combination.
        if isinstance(value, str) and not all(part.strip() in allowed for part in value.split(",")):
            return [f"{path}: {value!r} is not one of the SDK's enum values {allowed}"]
        if isinstance(value, str):
            return []
    best: list[str] | None = None
    for alternative in alternatives:
        problems = _check_one(value, alternative, path)
        if not problems:
            return []
        if best is None or len(problems) < len(best):
            best = problems
    return best or []


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Scalar type -> (accepts the recorded value, what it expects). The engine records numbers
# as floats: an integral float is an int.
SCALARS: dict[Any, tuple[typing.Callable[[Any], bool], str]] = {
    bool: (lambda v: isinstance(v, bool), "a bool"),
    int: (lambda v: _is_number(v) and float(v).is_integer(), "an integer"),
    float: (_is_number, "a number"),
    str: (lambda v: isinstance(v, str), "a string"),
}


def _check_one(value: Any, hint: Any, path: str) -> list[str]:
    origin = typing.get_origin(hint)
    if isinstance(hint, type) and pulumi_types.is_input_type(hint):
        if not isinstance(value, dict):
            return [f"{path}: expected an object ({hint.__name__}), got {type(value).__name__}"]
        return check_inputs(value, hint, path)
    if origin in (collections.abc.Sequence, list, typing.Sequence):
        if not isinstance(value, (list, tuple)):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        (item,) = typing.get_args(hint) or (Any,)
        return [p for index, element in enumerate(value) for p in check_value(element, item, f"{path}[{index}]")]
    if origin in (collections.abc.Mapping, dict, typing.Mapping):
        if not isinstance(value, dict):
            return [f"{path}: expected a map, got {type(value).__name__}"]
        _, item = typing.get_args(hint) or (str, Any)
        return [p for key, element in value.items() for p in check_value(element, item, f"{path}.{key}")]
    if hint in SCALARS:
        accepts, expected = SCALARS[hint]
        return [] if accepts(value) else [f"{path}: expected {expected}, got {value!r}"]
    return []  # a type the SDK leaves open (Any, a JSON blob): nothing to check


def check_inputs(inputs: dict[str, Any], args_class: type, path: str = "") -> list[str]:
    """Problems of recorded ``inputs`` against ``args_class``: unknown, missing, wrong type/enum."""
    schema = _schema(args_class)
    problems: list[str] = []
    where = f"{path}." if path else ""
    for key, value in inputs.items():
        if key in ENGINE_KEYS:
            continue
        if key not in schema.types:
            problems.append(f"{where}{key}: unknown property of {args_class.__name__}")
            continue
        override = ENUM_OVERRIDES.get((f"{args_class.__module__}.{args_class.__qualname__}", key))
        if override is not None:
            if value not in override:
                problems.append(f"{where}{key}: {value!r} is not one of the API's values {sorted(override)}")
            continue
        expected = schema.constants.get(key)
        if expected is not None and value is not None and value != expected:
            problems.append(f"{where}{key}: {value!r} but {args_class.__name__} expects {expected!r}")
            continue
        problems.extend(check_value(value, schema.types[key], f"{where}{key}"))
    for key in sorted(schema.required):
        if inputs.get(key) is None:
            problems.append(f"{where}{key}: required by {args_class.__name__} but missing")
    return problems


def check_resource(package: ModuleType, token: str, name: str, inputs: dict[str, Any]) -> list[Violation]:
    """Every Args problem of one recorded resource (an unknown type token is one problem)."""
    args_class = resource_args(package, token)
    if args_class is None:
        return [Violation(name, "type", f"{token} has no Args class in {package.__name__}")]
    return [Violation(name, *problem.split(": ", 1)) for problem in check_inputs(inputs, args_class)]


__all__ = ["Violation", "check_inputs", "check_resource", "check_value", "resource_args"]
