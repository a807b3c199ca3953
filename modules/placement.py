"""Where each cloud puts the stack. Only the cloud being built needs an entry."""

from __future__ import annotations

from abc import abstractmethod
from typing import Annotated, ClassVar, Literal, Self, overload

from pydantic import StringConstraints, model_validator

from mlopskit.modules.base import SpecModel, field_error
from mlopskit.modules.compliance import Region

Cloud = Literal["aws", "gcp", "azure"]
CLOUDS: tuple[Cloud, ...] = ("aws", "gcp", "azure")


def as_cloud(name: str) -> Cloud:
    """``name`` as a ``Cloud`` (text from config or files); ValueError when it names none."""
    for cloud in CLOUDS:
        if name == cloud:
            return cloud
    raise ValueError(f"unknown cloud {name!r} (choose from {', '.join(CLOUDS)})")


class _RegionPair(SpecModel):
    """A primary region and an optional, different, backup region (names vary per cloud)."""

    primary_field: ClassVar[str]
    backup_field: ClassVar[str]

    @abstractmethod
    def _regions(self) -> tuple[str, str | None]:
        """The primary and backup region, under whatever names this cloud uses."""

    @model_validator(mode="after")
    def _distinct_backup(self) -> Self:
        primary, backup = self._regions()
        if backup is not None and backup == primary:
            raise field_error(self.backup_field, "must differ from the primary region for cross-region recovery")
        return self


class _Regional(_RegionPair):
    """Clouds that call them ``region`` and ``backupRegion``."""

    primary_field: ClassVar[str] = "region"
    backup_field: ClassVar[str] = "backupRegion"

    region: Region
    backup_region: Region | None = None

    @property
    def primary_region(self) -> str:
        return self.region

    def _regions(self) -> tuple[str, str | None]:
        return self.region, self.backup_region


class AwsPlacement(_Regional):
    """AWS region and the region that receives backup copies."""


class GcpPlacement(_Regional):
    """GCP project, region and backup region."""

    project: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]


class AzurePlacement(_RegionPair):
    """Azure location and backup location."""

    location: Region
    backup_location: Region | None = None
    primary_field: ClassVar[str] = "location"
    backup_field: ClassVar[str] = "backupLocation"

    @property
    def primary_region(self) -> str:
        return self.location

    @property
    def backup_region(self) -> str | None:
        return self.backup_location

    def _regions(self) -> tuple[str, str | None]:
        return self.location, self.backup_location


class Placement(SpecModel):
    """Placement per cloud; validated for every cloud given, used for the one built."""

    aws: AwsPlacement | None = None
    gcp: GcpPlacement | None = None
    azure: AzurePlacement | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Placement:
        if not (self.aws or self.gcp or self.azure):
            raise ValueError("needs an entry for at least one cloud (aws, gcp or azure)")
        return self

    # The overloads give each cloud's own placement type to callers that name the cloud.
    @overload
    def for_cloud(self, cloud: Literal["aws"]) -> AwsPlacement | None: ...
    @overload
    def for_cloud(self, cloud: Literal["gcp"]) -> GcpPlacement | None: ...
    @overload
    def for_cloud(self, cloud: Literal["azure"]) -> AzurePlacement | None: ...
    @overload
    def for_cloud(self, cloud: Cloud) -> AwsPlacement | GcpPlacement | AzurePlacement | None: ...

    def for_cloud(self, cloud: Cloud) -> AwsPlacement | GcpPlacement | AzurePlacement | None:
        """The placement of ``cloud``, or None when the spec gives none."""
        placements: dict[Cloud, AwsPlacement | GcpPlacement | AzurePlacement | None] = {
            "aws": self.aws, "gcp": self.gcp, "azure": self.azure,
        }
        return placements[cloud]
