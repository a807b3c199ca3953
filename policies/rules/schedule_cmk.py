"""Schedules that start the stack's jobs are encrypted with a customer-managed key."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("schedule-cmk", "Job schedules are encrypted with a customer-managed key", ["training", "batch"])
def schedule_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """A schedule stores its target's input (pipeline parameters): under the stack key like the rest."""
    return require(fact, "schedule_cmk", "the job's schedule is not encrypted with a customer-managed key")
