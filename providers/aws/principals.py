"""What each ``access.roles[].principals`` form means on AWS.

An IAM trust policy may only name principals that exist ("Invalid principal in policy"
otherwise), and the spec's principals are not created by the stack. So the trust policy of
an access role names only the stack's own account and narrows it with conditions:

- ``user:NAME`` / ``group:NAME`` (e-mail addresses in the bundled specs): people, bound
  through IAM Identity Center. Emulated: the role trusts sessions tagged
  ``mlopskit-role=<role>``; the account's Identity Center permission set for that user or
  group must set the tag (a warning per principal says so).
- ``serviceAccount:NAME``: a workload, i.e. an IAM role of the stack's account named NAME.
  Trusted through ``aws:PrincipalArn`` (a condition, so the role may be created later).
  NAME must be a valid IAM role name and not an e-mail address: ``ci@example.org`` names a
  Google or Azure identity, which has no meaning on AWS (``validate`` exits 2).
"""

from __future__ import annotations

import re

from modules.access import AccessRole
from modules.errors import SpecIssue

# IAM role names: 1-64 of letters, digits and +=,.@_- (IAM API reference, CreateRole RoleName).
# ASCII only: without re.ASCII, \w would also accept letters such as "ô" that IAM rejects.
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def kind(principal: str) -> str:
    """``user``, ``group`` or ``serviceAccount``."""
    return principal.split(":", 1)[0]


def workload_role(principal: str) -> str:
    """The IAM role name a ``serviceAccount:`` principal names."""
    return principal.split(":", 1)[1]


def principal_issues(roles: list[AccessRole]) -> list[SpecIssue]:
    """Principals whose form the AWS mapping above excludes."""
    issues = []
    for i, role in enumerate(roles):
        for j, principal in enumerate(role.principals):
            if kind(principal) != "serviceAccount":
                continue
            name = workload_role(principal)
            if _EMAIL.match(name) or not _ROLE_NAME.match(name):
                issues.append(SpecIssue(
                    f"access.roles[{i}].principals[{j}]",
                    f"on AWS a serviceAccount principal names an IAM role of the stack's account "
                    f"(serviceAccount:ROLE_NAME, 1-64 of letters, digits and +=,.@_-, not an e-mail address); "
                    f"got {name!r}"))
    return issues
