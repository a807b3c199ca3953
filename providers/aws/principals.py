"""What each ``access.roles[].principals`` form means on AWS.

An IAM trust policy may only name principals that exist ("Invalid principal in policy"
otherwise), and the spec's principals are not created by the stack. So the trust policy of
an access role names only the stack's own account and narrows it with conditions:

- ``user:NAME`` / ``group:NAME`` (e-mail addresses in the bundled specs): people, bound
  through IAM Identity Center. The role trusts the roles Identity Center creates in the
  account for one permission set, ``permission_set(prefix, role)``, by ``aws:PrincipalArn``
  (``role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<permission set>_<id>``;
  no region segment when Identity Center runs in us-east-1). The permission set, its
  assignment to the user or group and its ``sts:AssumeRole`` on the access role are made in
  Identity Center, outside the stack (a warning per principal says so).
- ``serviceAccount:NAME``: a workload, i.e. an IAM role of the stack's account named NAME.
  Trusted through ``aws:PrincipalArn`` (a condition, so the role may be created later).
  NAME must be a valid IAM role name and not an e-mail address: ``ci@example.org`` names a
  Google or Azure identity, which has no meaning on AWS (``validate`` exits 2).
"""

from __future__ import annotations

import re

from mlopskit.modules.access import AccessRole
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.naming import compact

# IAM role names: 1-64 of letters, digits and +=,.@_- (IAM API reference, CreateRole RoleName).
# ASCII only: without re.ASCII, \w would also accept letters such as "ô" that IAM rejects.
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


# PermissionSet Name: 1-32 of [\w+=,.@-] (SSO Admin API reference, CreatePermissionSet).
PERMISSION_SET_MAX = 32


def permission_set(prefix: str, role: str) -> str:
    """The Identity Center permission set whose users may assume access role ``role``."""
    return compact(f"{prefix}-{role}", PERMISSION_SET_MAX)


def permission_set_roles(account: str, name: str) -> list[str]:
    """``aws:PrincipalArn`` patterns of the roles Identity Center creates for permission set
    ``name`` in ``account``: with and without the region path segment."""
    base = f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com"
    return [f"{base}/AWSReservedSSO_{name}_*", f"{base}/*/AWSReservedSSO_{name}_*"]


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
