"""The network's default security group allows nothing."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("network-default-closed", "The network's default security group allows no traffic", ["network"])
def network_default_closed(fact: Fact, context: PolicyContext) -> Outcome:
    """Anything launched without an explicit group lands in the default one: it must reach nothing."""
    return require(fact, "default_rules_closed", "the default security group allows traffic")
