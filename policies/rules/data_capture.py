"""Prediction capture: only where the classification allows it, and bounded sampling."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, rule, unknown


@rule("data-capture-classification", "Requests are captured only when the data classification allows it", ["endpoint"])
def data_capture_classification(fact: Fact, context: PolicyContext) -> Outcome:
    """Restricted data (special categories) must not be copied into capture stores."""
    if not fact.get("captures_data"):
        return not_applicable("no data capture")
    if context.classification in context.settings.capture_forbidden_classifications:
        return fail("captures_data", f"captures requests of {context.classification} data")
    return passed()


@rule("data-capture-sampling", "Capture sampling stays within the preset's bound", ["endpoint"])
def data_capture_sampling(fact: Fact, context: PolicyContext) -> Outcome:
    """Data minimisation: capture a sample, not every request."""
    if not fact.get("captures_data"):
        return not_applicable("no data capture")
    percent = fact.get("sampling_percent")
    if percent is None:
        return unknown("sampling_percent", "cannot tell the capture sampling rate")
    limit = context.settings.max_sampling_percent
    if percent > limit:
        return fail("sampling_percent", f"captures {percent:g}% of requests, more than {limit:g}%")
    return passed()
