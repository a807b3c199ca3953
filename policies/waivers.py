"""Waivers of the kit's findings: from the spec (``waivers:``) or a file (``policy --waivers FILE``).

The shape is the spec's (``modules/waivers.py``); here each waiver is checked against what only the
policy layer knows: the rule ids of the registry, and today's date. An expired waiver is bad input
(exit 2, one line naming it), so an acceptance is looked at again instead of lasting for ever. A
waived finding stays in every report, marked with its waiver (SARIF ``suppressions``, JUnit
``<skipped>``), and no longer counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from mlopskit.modules.errors import SpecError, SpecIssue, issues_from_validation
from mlopskit.modules.loader import load_yaml, read_spec_text
from mlopskit.modules.waivers import Waiver, Waivers

_ADAPTER: TypeAdapter[list[Waiver]] = TypeAdapter(Waivers)


def check(waivers: Sequence[Waiver], where: str, today: dt.date | None = None) -> list[SpecIssue]:
    """Unknown rule ids and expired waivers, each an issue at ``<where>[i]``."""
    from mlopskit.policies.registry import BY_ID

    today = today or dt.date.today()
    issues = []
    for i, waiver in enumerate(waivers):
        if waiver.rule not in BY_ID:
            issues.append(SpecIssue(f"{where}[{i}].rule", f"unknown rule id {waiver.rule!r} (mlopskit policy --list)"))
        if waiver.expires is not None and waiver.expires < today:
            issues.append(SpecIssue(f"{where}[{i}].expires", f"expired on {waiver.expires.isoformat()} "
                                    f"(rule {waiver.rule}): fix the finding or renew the waiver with a reason"))
    return issues


def parse(data: Any, source: str, today: dt.date | None = None) -> list[Waiver]:
    """A waiver file's content: a mapping with one key, ``waivers``, holding spec waiver entries.
    Every problem is one issue naming ``<file>: waivers[i].<field>``, never the spec's path."""
    if not isinstance(data, dict) or set(data) != {"waivers"}:
        raise SpecError([SpecIssue("", f"{source}: must be a mapping with one key, `waivers`, holding a list")])
    try:
        waivers = _ADAPTER.validate_python(data["waivers"])
    except ValidationError as error:
        issues = issues_from_validation(error, ("waivers",))
        raise SpecError([SpecIssue("", f"{source}: {issue}") for issue in issues]) from None
    issues = check(waivers, "waivers", today)
    if issues:
        raise SpecError([SpecIssue("", f"{source}: {issue}") for issue in issues])
    return waivers


def load(path: str | Path, today: dt.date | None = None) -> list[Waiver]:
    """``--waivers FILE``: read like a spec (size, depth, encoding, duplicate keys), then parsed."""
    return parse(load_yaml(read_spec_text(path), str(path)) or {}, Path(path).name, today)


def first_match(waivers: Sequence[Waiver], policy: str, provider: str, name: str,
                spec_path: str | None) -> Waiver | None:
    return next((w for w in waivers if w.matches(policy, provider, name, spec_path)), None)
