"""The stack's private network logs its traffic."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("network-flow-logs", "The private network logs its traffic flows", ["network"])
def network_flow_logs(fact: Fact, context: PolicyContext) -> Outcome:
    """Without flow logs an exfiltration or a lateral move inside the network leaves no trace."""
    return require(fact, "flow_logs", "network traffic is not logged")
