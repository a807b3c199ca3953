"""No anonymous or internet-wide access to storage, registries or endpoints."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


def _not_public(fact: Fact, what: str) -> Outcome:
    return require(fact, "public", f"{what} allows public access", ok=lambda value: value is False)


@rule("storage-no-public-access", "Buckets block public access", ["bucket"])
def storage_no_public_access(fact: Fact, context: PolicyContext) -> Outcome:
    """Public buckets are the most common cloud data leak."""
    return _not_public(fact, "bucket")


@rule("container-registry-no-public-access", "Container registries are not publicly reachable", ["container_registry"])
def container_registry_no_public_access(fact: Fact, context: PolicyContext) -> Outcome:
    """Images are pulled by the stack's identities only."""
    return _not_public(fact, "container registry")


@rule("model-registry-no-public-access", "Model registries are not publicly reachable", ["model_registry"])
def model_registry_no_public_access(fact: Fact, context: PolicyContext) -> Outcome:
    """Models are intellectual property and may leak training data."""
    return _not_public(fact, "model registry")


@rule("endpoint-no-public-access", "Endpoints are not reachable from the public internet", ["endpoint", "workspace"])
def endpoint_no_public_access(fact: Fact, context: PolicyContext) -> Outcome:
    """Scoring traffic stays on private paths."""
    return _not_public(fact, "endpoint" if fact.kind == "endpoint" else "workspace")
