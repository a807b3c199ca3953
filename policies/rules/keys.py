"""Key hygiene: rotation, protection from deletion, no access from outside the stack."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, require, rule


@rule("key-rotation", "Keys rotate automatically within the preset's period", ["key"])
def key_rotation(fact: Fact, context: PolicyContext) -> Outcome:
    """Rotation bounds how much data one key version protects."""
    if not fact.has("rotation_days"):
        return not_applicable()
    days = fact.get("rotation_days")
    if days is None:
        return fail("rotation_days", "automatic key rotation is off")
    limit = context.settings.max_key_rotation_days
    if days > limit:
        return fail("rotation_days", f"key rotates every {days} days, more than {limit}")
    return passed()


@rule("key-deletion-protection", "Keys cannot be deleted at once", ["key"])
def key_deletion_protection(fact: Fact, context: PolicyContext) -> Outcome:
    """Losing a key loses every byte it encrypts: deletion must wait or be blocked."""
    return require(fact, "deletion_protection", "key can be deleted without a recovery window")


@rule("key-no-public-access", "Keys are not usable from outside the stack's account or project", ["key"])
def key_no_public_access(fact: Fact, context: PolicyContext) -> Outcome:
    """A key usable by anyone decrypts everything."""
    return require(fact, "public", "key is reachable or usable publicly", ok=lambda value: value is False)

