"""Who may do what: abstract permissions each provider maps to least privilege."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, StringConstraints, field_validator

from modules.base import NAME_PATTERN, SpecModel, reject_duplicates

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
]
PERMISSIONS: tuple[str, ...] = get_args(Permission)

# user:/group: are people (bound through the cloud's identity center); serviceAccount: is
# a workload identity; each provider maps the kinds it can bind and warns on the others.
Principal = Annotated[str, StringConstraints(pattern=r"^(user|group|serviceAccount):[^\s:]+$")]


class AccessRole(SpecModel):
    """A named role granting a set of abstract permissions to principals."""

    name: Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
    principals: list[Principal] = Field(default_factory=list)
    permissions: list[Permission] = Field(min_length=1)

    _unique = field_validator("permissions", "principals")(reject_duplicates)


class Access(SpecModel):
    """Access section of the spec."""

    roles: list[AccessRole] = Field(default_factory=list)
