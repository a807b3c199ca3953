"""The audit trail itself is encrypted with a customer-managed key."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("audit-cmk", "The audit trail is encrypted with a customer-managed key", ["audit"])
def audit_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """The log bucket's key is not the trail's: the trail's own key decides who can read the records."""
    return require(fact, "cmk", "the audit trail is not encrypted with a customer-managed key")
