"""Waivers: findings of the kit's rules accepted for this stack, with a reason and an optional expiry.

```yaml
waivers:
  - rule: batch-private-network      # a rule id (`mlopskit policy --list`)
    provider: gcp                    # optional: only on this target
    specPath: network.private        # the spec field the finding points at, and/or
    resource: churn-prod-batch-*     # the resource name as reported (a glob)
    reason: Vertex AI batch prediction jobs cannot join a VPC network
    expires: 2027-06-30              # optional: afterwards the spec is invalid until renewed
```

A waiver accepts findings, it never switches a rule off (a policy config does that): it must name a
resource or a spec field. The same entries may stand in a separate file (`policy --waivers FILE`,
under a top-level `waivers:` key). Rule ids and expiry are checked where the rule registry is known
(`mlopskit validate`, `policies/waivers.py`); this module knows no rule.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from mlopskit.modules.base import SpecModel, field_error

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,63}$")]
# One line of printable text: a reason shows in SARIF, JUnit and every table.
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f\x7f]+$")]
Glob = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f\x7f\s]+$")]


def _iso_date(value: Any) -> Any:
    # YAML reads 2027-06-30 as a date and "2027-06-30" as a string: both mean the same day.
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date such as 2027-06-30, got {value!r}") from None
    return value


class Waiver(SpecModel):
    """One accepted finding: which rule, where, why, and until when."""

    rule: RuleId
    resource: Glob | None = None
    spec_path: Glob | None = None
    provider: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,31}$")] | None = None
    reason: Reason
    expires: Annotated[dt.date | None, BeforeValidator(_iso_date)] = None

    @model_validator(mode="after")
    def _names_a_finding(self) -> Waiver:
        if self.resource is None and self.spec_path is None:
            raise field_error("resource", "names no resource and no specPath: a waiver accepts findings, "
                                          "it does not switch a rule off (use a policy config for that)")
        return self

    def matches(self, policy: str, provider: str, name: str, spec_path: str | None) -> bool:
        return (policy == self.rule
                and (self.provider is None or self.provider == provider)
                and (self.resource is None or fnmatch.fnmatchcase(name, self.resource))
                and (self.spec_path is None or self.spec_path == spec_path))

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


Waivers = Annotated[list[Waiver], Field(max_length=1000)]
