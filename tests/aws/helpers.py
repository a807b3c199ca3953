"""Shared helpers for the AWS provider tests: cached previews and graph navigation."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph, RecordedResource
from tests.conftest import STACKS
from tests.specs import baseline, change

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
PROD = "credit-risk-prod"
DEV = "fraud-dev"
PROD_SPEC = "credit-risk.yaml"
DEV_SPEC = "fraud-dev.yaml"

# Component type tokens (the public contract of the provider).
KEYS = "mlopskit:aws:Keys"
STORE = "mlopskit:aws:ArtifactStore"
NETWORK = "mlopskit:aws:PrivateNetwork"
CONTAINERS = "mlopskit:aws:ContainerRegistry"
MODELS = "mlopskit:aws:ModelRegistry"
TRAINING = "mlopskit:aws:Training"
ENDPOINT = "mlopskit:aws:Endpoint"
AUTOSCALING = "mlopskit:aws:EndpointAutoscaling"
MONITORING = "mlopskit:aws:EndpointMonitoring"
DRIFT = "mlopskit:aws:DriftMonitor"
BACKUPS = "mlopskit:aws:Backups"
IDENTITY = "mlopskit:aws:Identity"
AUDIT = "mlopskit:aws:Audit"
BUDGET = "mlopskit:aws:Budget"

_CACHE: dict[str, Graph] = {}


def spec(name: str = PROD_SPEC, *changes: tuple[str, Any]) -> dict[str, Any]:
    """A bundled spec as a dict with ``(path, value)`` changes applied."""
    data = baseline(name)
    for path, value in changes:
        change(data, path, value)
    return data


def build(name: str = PROD_SPEC, *changes: tuple[str, Any]) -> Graph:
    """Preview a (changed) bundled spec on AWS; identical specs are previewed once per session."""
    data = spec(name, *changes)
    key = json.dumps(data, sort_keys=True)
    if key not in _CACHE:
        _CACHE[key] = preview(parse_stack(data, base_dir=STACKS), "aws")
    return _CACHE[key]


def one(items: list[RecordedResource]) -> RecordedResource:
    assert len(items) == 1, f"expected exactly one, got {[r.name for r in items]}"
    return items[0]


def component(graph: Graph, type_: str, name: str | None = None) -> RecordedResource:
    """The one component of ``type_`` (optionally with logical name ``name``)."""
    return one([r for r in graph.of_type(type_) if name is None or r.name == name])


def children(graph: Graph, parent: RecordedResource, type_: str | None = None) -> list[RecordedResource]:
    return [r for r in graph.children(parent) if type_ is None or r.type == type_]


def child(graph: Graph, parent: RecordedResource, type_: str) -> RecordedResource:
    return one(children(graph, parent, type_))


def descendants(graph: Graph, root: RecordedResource) -> list[RecordedResource]:
    found: list[RecordedResource] = []
    frontier = [root.urn]
    while frontier:
        urn = frontier.pop()
        for resource in graph:
            if resource.parent == urn:
                found.append(resource)
                frontier.append(resource.urn)
    return found


def by_input(graph: Graph, type_: str, key: str, value: Any) -> RecordedResource:
    return one([r for r in graph.of_type(type_) if r.inputs.get(key) == value])


def endpoint(graph: Graph, name: str, prefix: str = PROD) -> RecordedResource:
    """The Endpoint component of spec endpoint ``name``."""
    return component(graph, ENDPOINT, f"{prefix}-endpoint-{name}")


_BESIDE_ENDPOINT = {AUTOSCALING: "autoscaling", MONITORING: "monitoring", DRIFT: "drift"}


def of_endpoint(graph: Graph, name: str, type_: str, prefix: str = PROD) -> list[RecordedResource]:
    """The autoscaling, monitoring or drift component of spec endpoint ``name`` (none or one):
    top-level components beside the endpoint, as on every cloud."""
    return [r for r in graph.of_type(type_) if r.name == f"{prefix}-endpoint-{name}-{_BESIDE_ENDPOINT[type_]}"
            and r.parent is None]


def beside(graph: Graph, name: str, type_: str, prefix: str = PROD) -> RecordedResource:
    """The one autoscaling, monitoring or drift component of spec endpoint ``name``."""
    return one(of_endpoint(graph, name, type_, prefix))


def primary_key(graph: Graph) -> RecordedResource:
    keys = component(graph, KEYS)
    return one([k for k in children(graph, keys, "aws:kms/key:Key") if not k.inputs.get("region")])


def backup_key(graph: Graph) -> RecordedResource:
    keys = component(graph, KEYS)
    return one([k for k in children(graph, keys, "aws:kms/key:Key") if k.inputs.get("region")])


def artifact_bucket(graph: Graph, prefix: str = PROD) -> RecordedResource:
    return by_input(graph, "aws:s3/bucket:Bucket", "bucket", f"{prefix}-artifacts-{ACCOUNT}")


def role(graph: Graph, name: str) -> RecordedResource:
    """The IAM role with physical name ``name``."""
    return by_input(graph, "aws:iam/role:Role", "name", name)


def for_bucket(graph: Graph, type_: str, bucket: RecordedResource) -> RecordedResource:
    """The bucket sub-resource of ``type_`` configuring ``bucket``."""
    return by_input(graph, type_, "bucket", bucket.inputs["bucket"])


def statements(document: str | dict[str, Any]) -> list[dict[str, Any]]:
    """Statements of an IAM policy document, with Action and Resource always lists."""
    doc = json.loads(document) if isinstance(document, str) else document
    out = []
    for statement in doc["Statement"]:
        s = dict(statement)
        for field in ("Action", "Resource"):
            if field in s and not isinstance(s[field], list):
                s[field] = [s[field]]
        out.append(s)
    return out


def inline_statements(role_resource: RecordedResource) -> list[dict[str, Any]]:
    return [s for p in role_resource.inputs.get("inlinePolicies", []) for s in statements(p["policy"])]


def actions(stmts: list[dict[str, Any]]) -> set[str]:
    return {a for s in stmts for a in s.get("Action", [])}


def catalog_image(image: str, scope: str, version: str, region: str) -> str:
    """The image URI read straight from providers/catalog/aws_images.csv."""
    with (ROOT / "providers" / "catalog" / "aws_images.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["image"], row["scope"], row["version"], row["region"]) == (image, scope, version, region):
                return f"{row['account']}.dkr.ecr.{region}.amazonaws.com/{row['repository']}:{row['tag']}"
    raise LookupError((image, scope, version, region))
