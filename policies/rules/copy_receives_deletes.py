"""A continuous copy of stack data receives its source's deletions."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("copy-receives-deletes", "Replicas receive the deletions made in their source", ["bucket"])
def copy_receives_deletes(fact: Fact, context: PolicyContext) -> Outcome:
    """GDPR art. 17: an erasure in the source must reach every copy, or the copy keeps the data."""
    return require(fact, "receives_deletes", "deletions in the source are not replicated to this copy")
