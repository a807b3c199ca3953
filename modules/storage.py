"""Object storage for artifacts (datasets, code, model files, captured data)."""

from __future__ import annotations

from pydantic import Field

from mlopskit.modules.base import SpecModel


class ArtifactStorage(SpecModel):
    """Versioned artifact store; noncurrent versions are kept ``retention_days``."""

    versioning: bool = True
    retention_days: int = Field(default=365, ge=1, le=3650)


class Storage(SpecModel):
    """Storage section of the spec."""

    artifacts: ArtifactStorage = Field(default_factory=ArtifactStorage)
