"""The Kubernetes fidelity gate: every recorded object as the API server would receive it.

Core objects (types of ``CORE``) are validated offline by kubernetes-validate (the Kubernetes
OpenAPI schemas it bundles, strict: an unknown field is an error, as ``kubectl --validate=strict``
and server-side field validation make it). Custom resources are validated against their CRD's
``openAPIV3Schema`` vendored under ``crds/`` (crds/README.md names each source and version):
types, enums, required fields and patterns by jsonschema, and, as the API server's pruning
does for a structural schema, a field the schema does not declare is an error (it would be
dropped silently).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

from mlopskit.modules.facts import plain
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.providers.kubernetes import types as t

KUBERNETES_VERSION = "1.31.0"  # the oldest minor the kit supports (CronJob timeZone, Pod Security admission GA)
CRDS = Path(__file__).resolve().parent / "crds"
#: custom resource type -> its vendored schema file (the openAPIV3Schema of that version of the CRD)
CRD_FILES = {t.INFERENCE_SERVICE: "kserve-inferenceservice-v1beta1.yaml", t.VELERO_SCHEDULE: "velero-schedule-v1.yaml",
             t.PROMETHEUS_RULE: "prometheusrule-v1.yaml"}


def integral(node: Any) -> Any:
    """The recorded inputs with the engine's floats that are whole numbers as integers (the JSON the
    provider sends carries ``3``, not ``3.0``) and secrets unwrapped."""
    node = plain(node)
    if isinstance(node, float) and node.is_integer():
        return int(node)
    if isinstance(node, dict):
        return {k: integral(v) for k, v in node.items()}
    if isinstance(node, list):
        return [integral(v) for v in node]
    return node


def manifest(resource: RecordedResource) -> dict[str, Any]:
    """The object pulumi-kubernetes sends: apiVersion and kind from the type token, then the inputs."""
    _, api_version, kind = resource.type.split(":")
    body = integral(dict(resource.inputs))
    return {"apiVersion": api_version.removeprefix("core/"), "kind": kind, **body}


def core_problems(obj: dict[str, Any]) -> list[str]:
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(p) for p in error.path)
        return [f"{where}: {error.message}"]
    return []


@cache
def crd_schema(type_: str) -> dict[str, Any]:
    loaded = yaml.safe_load((CRDS / CRD_FILES[type_]).read_text(encoding="utf-8"))
    return dict(loaded["openAPIV3Schema"])


def _unknown(node: Any, schema: dict[str, Any], path: str) -> Iterator[str]:
    """Fields a structural schema does not declare (the API server prunes them)."""
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return
    if isinstance(node, dict) and schema.get("type") == "object":
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, value in node.items():
            if props is not None and key in props:
                yield from _unknown(value, props[key], f"{path}.{key}")
            elif isinstance(extra, dict):
                yield from _unknown(value, extra, f"{path}.{key}")
            elif props is not None or extra is False:
                yield f"{path}.{key}: unknown field (pruned by the API server)"
    elif isinstance(node, list) and isinstance(schema.get("items"), dict):
        for index, value in enumerate(node):
            yield from _unknown(value, schema["items"], f"{path}[{index}]")


def custom_problems(obj: dict[str, Any], type_: str) -> list[str]:
    schema = crd_schema(type_)
    body = {k: v for k, v in obj.items() if k != "metadata"}  # metadata: the API server's ObjectMeta, checked apart
    found = [f"{'.'.join(str(p) for p in e.absolute_path)}: {e.message}"
             for e in jsonschema.Draft7Validator(schema).iter_errors(body)]
    return found + list(_unknown(body, schema, ""))


def problems(resource: RecordedResource) -> list[str]:
    """Every problem of one recorded object (an unknown type is one: it was never checked)."""
    obj = manifest(resource)
    if resource.type in t.CORE:
        return core_problems(obj)
    if resource.type in CRD_FILES:
        meta = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": obj.get("metadata", {})}
        return custom_problems(obj, resource.type) + core_problems(meta)  # its metadata as any object's
    return [f"{resource.type}: no schema to validate it against"]


def gate(graph: Graph) -> list[str]:
    """``name (type): problem`` for every custom resource of ``graph`` (providers excluded)."""
    return [f"{r.name} ({r.type}): {p}" for r in graph
            if r.custom and not r.type.startswith("pulumi:providers:") for p in problems(r)]
