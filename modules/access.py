"""Who may do what: abstract permissions each provider maps to least privilege."""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from mlopskit.modules.base import NAME_PATTERN, SpecModel, is_email, reject_duplicates
from mlopskit.modules.errors import echo

Permission = Literal[
    "artifacts.read",
    "artifacts.write",
    "models.read",
    "models.register",
    "models.promote",
    "training.submit",
    "endpoints.invoke",
    "endpoints.deploy",
    "logs.read",
    "backups.restore",
    "experiments.read",
    "experiments.write",
]
PERMISSIONS: tuple[str, ...] = get_args(Permission)

# The principal grammar (docs/validation.md), the same on every cloud:
#   user:<email> | group:<email>         people, bound through the cloud's identity directory
#   serviceAccount:<email> | serviceAccount:<name>   a workload identity; <name> is
#                                        [A-Za-z0-9][A-Za-z0-9_.@+=,-]{0,63} (IAM role / SA id)
# Never a wildcard and never a "everyone" member (GCP's allUsers/allAuthenticatedUsers,
# any spelling): access to an ML stack's data is granted to named identities only. Each
# provider maps the kinds it can bind and warns on the others.
PRINCIPAL_KINDS = ("user", "group", "serviceAccount")
_WORKLOAD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+=,-]{0,63}$")
_PUBLIC = {"allusers", "allauthenticatedusers", "everyone", "anonymous", "public"}


def _principal(value: str) -> str:
    kind, sep, identity = value.partition(":")
    if not sep or kind not in PRINCIPAL_KINDS:
        raise ValueError(f"expected user:<email>, group:<email> or serviceAccount:<email or name>, got {echo(value)}")
    if identity.lower() in _PUBLIC or "*" in identity or "?" in identity:
        raise ValueError(f"public or wildcard principals are not allowed, got {echo(value)}")
    if kind == "serviceAccount" and _WORKLOAD_NAME.fullmatch(identity):
        return value
    if not is_email(identity):
        raise ValueError(f"{kind}: needs an email address, got {echo(value)}")
    return value


Principal = Annotated[str, AfterValidator(_principal)]


class AccessRole(SpecModel):
    """A named role granting a set of abstract permissions to principals."""

    name: Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
    principals: list[Principal] = Field(default_factory=list, max_length=100)
    permissions: list[Permission] = Field(min_length=1)

    _unique = field_validator("permissions", "principals")(reject_duplicates)


class Access(SpecModel):
    """Access section of the spec."""

    roles: list[AccessRole] = Field(default_factory=list, max_length=50)
