"""Walk an AWS API request against botocore's service model and report every violation.

botocore's own ParamValidator checks required members, types and minimum lengths only; this
walker also checks maximum lengths and values, enums, patterns and unknown members, and
reports each problem as ``path: problem (value, constraint)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape


@dataclass(frozen=True)
class Violation:
    """One way a request breaks the API model."""

    path: str
    problem: str  # required | type | min | max | enum | pattern | unknown
    value: Any
    constraint: Any

    def __str__(self) -> str:
        return f"{self.path}: {self.problem} ({self.value!r}, {self.constraint})"


@cache
def service_model(service: str) -> ServiceModel:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def operation(service: str, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


# Java (UTF-16) spelling of "any supplementary character" in XML-text patterns.
_SURROGATES = r"\uD800\uDC00-\uDBFF\uDFFF"


@cache
def compile_pattern(pattern: str) -> Any:
    """botocore's Java-syntax pattern, compiled with the ``regex`` package (which knows the
    ``\\p{...}`` classes Python's ``re`` lacks); a pattern that does not compile raises, so
    none is ever skipped."""
    import regex

    return regex.compile(pattern.replace(_SURROGATES, r"\U00010000-\U0010FFFF"))


@dataclass(frozen=True)
class DocumentedLimit:
    """A limit AWS documents but its API model does not carry (checked like the model's own)."""

    operation: str  # "service:Operation"
    path: str  # request path, ``[]`` for every list item
    problem: str
    check: Any  # value -> bool (True: within the limit)
    constraint: str
    source: str


DOCUMENTED: tuple[DocumentedLimit, ...] = (
    DocumentedLimit("s3:CreateBucket", "Bucket", "pattern",
                    lambda v: regex_full(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", v), "3-63 of a-z 0-9 . -",
                    "S3 user guide, bucket naming rules"),
    *(DocumentedLimit(f"sagemaker:{op}", "DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.CanarySize.Value",
                      "max", lambda v: v <= 50, "max 50 (% of the new fleet)", "SageMaker API reference, TrafficRoutingConfig")
      for op in ("CreateEndpoint", "UpdateEndpoint")),
    *(DocumentedLimit(f"sagemaker:{op}", "DeploymentConfig.BlueGreenUpdatePolicy", "timeout",
                      lambda policy: policy["MaximumExecutionTimeoutInSeconds"] > _rollout_waits(policy),
                      "MaximumExecutionTimeoutInSeconds larger than every WaitIntervalInSeconds (one per step) "
                      "plus TerminationWaitInSeconds",
                      "botocore's BlueGreenUpdatePolicy documentation; SageMaker guide, linear traffic shifting")
      for op in ("CreateEndpoint", "UpdateEndpoint")),
    *(DocumentedLimit(f"sagemaker:{op}",
                      "DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.LinearStepSize.Value",
                      "range", lambda v: 10 <= v <= 50, "10-50 (% of the new fleet)",
                      "SageMaker API reference, TrafficRoutingConfig") for op in ("CreateEndpoint", "UpdateEndpoint")),
)


def _rollout_waits(policy: dict[str, Any]) -> int:
    """Seconds a BlueGreenUpdatePolicy waits: a baking period per traffic step (all at once:
    one, canary: two, linear: one per step of the fleet's percentage) plus the termination wait."""
    routing = policy["TrafficRoutingConfiguration"]
    steps = {"ALL_AT_ONCE": 1, "CANARY": 2}.get(routing["Type"])
    if steps is None:  # LINEAR, a percentage of the fleet per step
        steps = math.ceil(100 / routing["LinearStepSize"]["Value"])
    return int(steps * routing["WaitIntervalInSeconds"] + policy.get("TerminationWaitInSeconds", 0))


def regex_full(pattern: str, value: str) -> bool:
    return compile_pattern(pattern).fullmatch(value) is not None


def _at(request: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(request, dict) or part not in request:
            return None
        request = request[part]
    return request


def validate(service: str, operation_name: str, request: dict[str, Any]) -> list[Violation]:
    """Every violation of ``request`` against the operation's input shape and the limits AWS
    documents outside the model (``DOCUMENTED``)."""
    shape = operation(service, operation_name).input_shape
    found = list(_walk(shape, request, operation_name))
    for limit in DOCUMENTED:
        value = _at(request, limit.path)
        if limit.operation == f"{service}:{operation_name}" and value is not None and not limit.check(value):
            found.append(Violation(f"{operation_name}.{limit.path}", limit.problem, value,
                                   f"{limit.constraint}; {limit.source}"))
    return found


# botocore shape type -> the Python types a request may carry for it.
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "structure": (dict,), "map": (dict,), "list": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "long": (int,), "float": (int, float), "double": (int, float),
    "timestamp": (str, bytes), "blob": (str, bytes),
}


def _walk(shape: Shape, value: Any, path: str) -> Iterator[Violation]:
    kind = shape.type_name
    if kind not in _PY_TYPES:
        raise TypeError(f"{path}: shape type {kind} is not handled")  # never pass what cannot be checked
    if not isinstance(value, _PY_TYPES[kind]) or (kind in _NUMERIC and isinstance(value, bool)):
        yield Violation(path, "type", value, kind)
        return
    yield from _CHECKS.get(kind, _bounded)(shape, value, path)


def _structure(shape: Shape, value: dict[str, Any], path: str) -> Iterator[Violation]:
    for name in shape.required_members:
        # Idempotency tokens are filled by the SDK itself when absent.
        if name not in value and not shape.members[name].metadata.get("idempotencyToken"):
            yield Violation(f"{path}.{name}", "required", None, "required member")
    for name, member in value.items():
        if name not in shape.members:
            yield Violation(f"{path}.{name}", "unknown", member, f"members: {sorted(shape.members)}")
        else:
            yield from _walk(shape.members[name], member, f"{path}.{name}")


def _list(shape: Shape, value: list[Any], path: str) -> Iterator[Violation]:
    yield from _bounds(path, len(value), shape.metadata, value, "items")
    for index, item in enumerate(value):
        yield from _walk(shape.member, item, f"{path}[{index}]")


def _map(shape: Shape, value: dict[str, Any], path: str) -> Iterator[Violation]:
    yield from _bounds(path, len(value), shape.metadata, value, "entries")
    for key, item in value.items():
        yield from _walk(shape.key, key, f"{path}.<key {key}>")
        yield from _walk(shape.value, item, f"{path}.{key}")


def _string(shape: Shape, value: str, path: str) -> Iterator[Violation]:
    yield from _bounds(path, len(value), shape.metadata, value, "characters")
    if shape.enum and value not in shape.enum:
        yield Violation(path, "enum", value, f"one of {len(shape.enum)} values, e.g. {shape.enum[:5]}")
    pattern = shape.metadata.get("pattern")
    if pattern is not None and compile_pattern(pattern).fullmatch(value) is None:
        yield Violation(path, "pattern", value, pattern)


def _bounded(shape: Shape, value: Any, path: str) -> Iterator[Violation]:
    """Numbers against min/max; booleans, timestamps and blobs have no further constraint."""
    if shape.type_name in _NUMERIC:
        yield from _bounds(path, value, shape.metadata, value, "")


_NUMERIC = frozenset({"integer", "long", "float", "double"})
_CHECKS: dict[str, Any] = {"structure": _structure, "list": _list, "map": _map, "string": _string}


def _bounds(path: str, measure: float, meta: dict[str, Any], value: Any, unit: str) -> Iterator[Violation]:
    low, high = meta.get("min"), meta.get("max")
    if low is not None and measure < low:
        yield Violation(path, "min", value, f"min {low} {unit}".strip())
    if high is not None and measure > high:
        yield Violation(path, "max", value, f"max {high} {unit}".strip())
