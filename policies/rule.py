"""A rule: a pure function over one normalized fact (or all facts, for stack rules).

A rule only says compliant / non-compliant / not applicable / unknown; severity,
enforcement and anchor ids come from the packs (cdk-nag style), so the same rule can be
advisory in one preset and mandatory in another.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from mlopskit.modules.facts import KINDS, Fact

if TYPE_CHECKING:
    from mlopskit.policies.context import PolicyContext


class Status(StrEnum):
    """What one rule concluded about one fact."""

    PASS = "pass"
    #: passes only on a value the platform's operator declared (``Fact.declared``): counted apart from a
    #: pass on what the kit built and checked, in every output format; it amends "unknown is never a pass"
    #: only where someone answerable stated the guarantee (docs/architecture.md)
    DECLARED = "pass (declared)"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"  # the inputs do not say: never a pass
    ERROR = "error"  # the rule raised: never a pass


@dataclass(frozen=True)
class Outcome:
    """A rule's verdict; ``path`` names the normalized attribute (or spec field) concerned."""

    status: Status
    path: str | None = None
    message: str = ""


def passed() -> Outcome:
    return Outcome(Status.PASS)


def fail(path: str, message: str) -> Outcome:
    return Outcome(Status.FAIL, path, message)


def not_applicable(message: str = "") -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, None, message)


def unknown(path: str, message: str) -> Outcome:
    return Outcome(Status.UNKNOWN, path, message)


def require(fact: Fact, key: str, message: str, ok: Callable[[Any], bool] = bool) -> Outcome:
    """The common shape: absent -> not applicable, None -> unknown, else ok(value) or fail."""
    if not fact.has(key):
        return not_applicable(f"{key} does not apply to {fact.type}")
    value = fact.get(key)
    if value is None:
        return unknown(key, f"cannot tell {key} from the recorded inputs")
    return passed() if ok(value) else fail(key, message)


ResourceCheck = Callable[[Fact, "PolicyContext"], Outcome]
StackCheck = Callable[[Sequence[Fact], "PolicyContext"], Outcome]


@dataclass(frozen=True)
class Rule:
    """A registered rule. ``scope`` is "resource" (one fact at a time) or "stack" (all facts)."""

    id: str
    title: str
    kinds: tuple[str, ...]
    scope: str
    check: Callable[..., Outcome]
    description: str

    def __call__(self, subject: Any, context: PolicyContext) -> Outcome:
        return self.check(subject, context)

    def __reduce__(self) -> tuple[Callable[[str], Rule], tuple[str]]:
        # Sent by id (a report crosses processes in compare's workers): the check function is
        # the registered rule's, which pickle cannot find by its decorated name.
        return registered_rule, (self.id,)


def registered_rule(rule_id: str) -> Rule:
    """The registered rule with ``rule_id`` (policies/registry.py)."""
    from mlopskit.policies.registry import RULES

    for registered in RULES:
        if registered.id == rule_id:
            return registered
    raise LookupError(f"no registered policy rule {rule_id!r}")


def rule(id: str, title: str, kinds: Sequence[str], scope: str = "resource") -> Callable[[Callable[..., Outcome]], Rule]:
    """Decorator turning a check function into a ``Rule`` (registration is explicit, in the registry)."""
    unknown_kinds = [k for k in kinds if k not in KINDS]
    if unknown_kinds:
        raise ValueError(f"rule {id}: unknown kinds {unknown_kinds}")
    if scope not in ("resource", "stack"):
        raise ValueError(f"rule {id}: scope must be resource or stack")

    def wrap(function: Callable[..., Outcome]) -> Rule:
        return Rule(id=id, title=title, kinds=tuple(kinds), scope=scope, check=function,
                    # cleandoc: Python 3.13 dedents docstrings when it compiles them and 3.11 does
                    # not, so the text (docs/rules.md, SARIF help) is the same on every version.
                    description=inspect.cleandoc(function.__doc__ or title))

    return wrap
