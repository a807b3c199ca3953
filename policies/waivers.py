"""Per-finding waivers: a finding the spec cannot fix, accepted with a reason, optionally until a date.

```yaml
waivers:
  - rule: iam-resource-scoped            # the rule id (required)
    resource: credit-risk-prod-backup-*  # the resource name as reported (a glob), and/or
    specPath: backups                    # the spec field the finding points at
    provider: aws                        # optional: only on this cloud
    reason: AWS Backup's managed service-role policies cannot be scoped to the stack's resources
    expires: 2027-06-30                  # optional: after this day the waiver fails the run
```

A waiver never switches a rule off (``--config`` does that): it must name a resource or a spec field,
and it keeps the finding in every report, marked waived with its reason (SARIF ``suppressions``), so
a reviewer sees what was accepted. An expired waiver is bad input (exit 2, one line naming it), so an
acceptance is looked at again instead of lasting for ever. The file is read like a spec (size, depth,
encoding and duplicate keys are checked by ``modules.loader``).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.modules.loader import load_yaml, read_spec_text

_FIELDS = {"rule", "resource", "specPath", "provider", "reason", "expires"}


@dataclass(frozen=True)
class Waiver:
    """One accepted finding: which rule, where, why and until when."""

    where: str  # the waiver's own path in its file, for messages (`waivers.yaml: waivers[2]`)
    rule: str
    reason: str
    resource: str | None = None
    spec_path: str | None = None
    provider: str | None = None
    expires: dt.date | None = None

    def matches(self, policy: str, provider: str, name: str, spec_path: str | None) -> bool:
        return (policy == self.rule
                and (self.provider is None or self.provider == provider)
                and (self.resource is None or fnmatch.fnmatchcase(name, self.resource))
                and (self.spec_path is None or self.spec_path == spec_path))

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "resource": self.resource, "specPath": self.spec_path, "provider": self.provider,
                "reason": self.reason, "expires": self.expires.isoformat() if self.expires else None,
                "source": self.where}


def _text(entry: dict[str, Any], key: str, where: str, issues: list[SpecIssue]) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or any(ord(c) < 32 for c in value):
        issues.append(SpecIssue(f"{where}.{key}", "must be a non-empty single-line string"))
        return None
    return value.strip()


def _date(entry: dict[str, Any], where: str, issues: list[SpecIssue]) -> dt.date | None:
    value = entry.get("expires")
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    issues.append(SpecIssue(f"{where}.expires", f"must be a date (YYYY-MM-DD), got {value!r}"))
    return None


def _waiver(entry: Any, where: str, known_rules: set[str], issues: list[SpecIssue]) -> Waiver | None:
    if not isinstance(entry, dict):
        issues.append(SpecIssue(where, "must be a mapping with rule, reason and resource or specPath"))
        return None
    for key in sorted(set(entry) - _FIELDS, key=str):
        issues.append(SpecIssue(f"{where}.{key}", f"unknown field (one of {', '.join(sorted(_FIELDS))})"))
    before = len(issues)
    rule, reason = _text(entry, "rule", where, issues), _text(entry, "reason", where, issues)
    resource, spec_path = _text(entry, "resource", where, issues), _text(entry, "specPath", where, issues)
    provider, expires = _text(entry, "provider", where, issues), _date(entry, where, issues)
    if rule is None and "rule" not in entry:
        issues.append(SpecIssue(f"{where}.rule", "required: the id of the rule whose finding is waived"))
    elif rule is not None and rule not in known_rules:
        issues.append(SpecIssue(f"{where}.rule", f"unknown rule id {rule!r}"))
    if reason is None and "reason" not in entry:
        issues.append(SpecIssue(f"{where}.reason", "required: why the finding is accepted"))
    if resource is None and spec_path is None and not ({"resource", "specPath"} & set(entry)):
        issues.append(SpecIssue(where, "names no resource and no specPath: a waiver accepts findings, "
                                       "it does not switch a rule off (use --config for that)"))
    if len(issues) > before or rule is None or reason is None:
        return None
    return Waiver(where, rule, reason, resource, spec_path, provider, expires)


def parse(data: Any, source: str, known_rules: set[str], today: dt.date | None = None) -> list[Waiver]:
    """The waivers of a loaded file; every problem is one issue naming the waiver's path."""
    if not isinstance(data, dict) or set(data) != {"waivers"} or not isinstance(data["waivers"], list):
        raise SpecError([SpecIssue(source, "must be a mapping with one key, `waivers`, holding a list")])
    issues: list[SpecIssue] = []
    waivers = [_waiver(entry, f"{source}: waivers[{i}]", known_rules, issues) for i, entry in enumerate(data["waivers"])]
    today = today or dt.date.today()
    for waiver in waivers:
        if waiver is not None and waiver.expires is not None and waiver.expires < today:
            issues.append(SpecIssue(f"{waiver.where}.expires", f"expired on {waiver.expires.isoformat()} "
                                    f"(rule {waiver.rule}): fix the finding or renew the waiver with a reason"))
    if issues:
        raise SpecError(issues)
    return [w for w in waivers if w is not None]


def load(path: str | Path, today: dt.date | None = None) -> list[Waiver]:
    """``--waivers FILE``: read like a spec, then parsed against the rule registry."""
    from mlopskit.policies.registry import BY_ID

    text = read_spec_text(path)
    try:
        return parse(load_yaml(text, str(path)) or {}, Path(path).name, set(BY_ID), today)
    except SpecError as error:  # the waiver file is at fault, not the spec: no spec-path prefix
        raise SpecError([SpecIssue("", str(issue)) for issue in error.issues]) from None


def first_match(waivers: Sequence[Waiver], policy: str, provider: str, name: str,
                spec_path: str | None) -> Waiver | None:
    return next((w for w in waivers if w.matches(policy, provider, name, spec_path)), None)
