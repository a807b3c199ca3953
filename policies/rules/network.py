"""Private networking and network isolation of ML compute."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("ml-network-private", "The stack's network and ML workspace are private", ["network", "workspace"])
def ml_network_private(fact: Fact, context: PolicyContext) -> Outcome:
    """Private subnets / private endpoints, no public ingress."""
    return require(fact, "private", f"{fact.kind} is not private")


@rule("endpoint-private-network", "Endpoints are served through the private network", ["endpoint"])
def endpoint_private_network(fact: Fact, context: PolicyContext) -> Outcome:
    """Inference traffic and model containers stay inside the stack's network."""
    return require(fact, "private", "endpoint is not attached to the private network")


@rule("training-private-network", "Training runs inside the private network", ["training"])
def training_private_network(fact: Fact, context: PolicyContext) -> Outcome:
    """Training nodes read the raw data set: no public IPs."""
    return require(fact, "private", "training compute is not attached to the private network")


@rule("batch-private-network", "Batch inference runs inside the private network", ["batch"])
def batch_private_network(fact: Fact, context: PolicyContext) -> Outcome:
    """Batch instances read whole data sets: no public IPs, no path around the network."""
    return require(fact, "private", "batch job is not attached to the private network")


@rule("endpoint-network-isolation", "Model containers have no outbound network access", ["endpoint", "training"])
def endpoint_network_isolation(fact: Fact, context: PolicyContext) -> Outcome:
    """An isolated container cannot exfiltrate what it reads."""
    return require(fact, "network_isolation", f"{fact.kind} containers are not network-isolated")
