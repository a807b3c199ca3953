"""Alarm notifications are stored encrypted."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, require, rule


@rule("alarm-notifications-encrypted", "Alarm notifications are encrypted at rest", ["alarm"])
def alarm_notifications_encrypted(fact: Fact, context: PolicyContext) -> Outcome:
    """Alarm messages name endpoints, metrics and thresholds: the topic holding them is encrypted."""
    return require(fact, "notification_encrypted", "alarm notifications are stored unencrypted")
