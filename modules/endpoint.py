"""Real-time inference endpoints: model, compute, scaling, safe rollout, capture, monitoring."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, PlainValidator, StringConstraints, field_validator, model_validator

from mlopskit.modules.base import NAME_PATTERN, Email, SpecModel, field_error, reject_duplicates
from mlopskit.modules.compute import Compute
from mlopskit.modules.errors import echo
from mlopskit.modules.references import ImageReference

Strategy = Literal["all-at-once", "canary", "linear", "blue-green", "shadow"]
LATEST_APPROVED = "latest-approved"
MAX_MODEL_VERSION = 1000


def _model_version(value: object) -> int | str | None:
    # One error naming both accepted forms, rather than one per branch of a union.
    if value is None or value == LATEST_APPROVED:
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MODEL_VERSION:
        raise ValueError(f"expected {LATEST_APPROVED} or a version number 1-{MAX_MODEL_VERSION}, got {echo(value)}")
    return value


ModelVersion = Annotated[int | Literal["latest-approved"] | None, PlainValidator(_model_version)]


class ModelSource(SpecModel):
    """Which model an endpoint serves: a registry package version or a raw artifact."""

    source: Literal["registry", "artifact"]
    package: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,62}$")] | None = None
    # Versions are bounded so the registry lookup (and the offline registry seeded up to
    # the pinned version) stays bounded: see docs/validation.md.
    version: ModelVersion = None
    image: ImageReference | None = None
    artifact_uri: str | None = Field(default=None, pattern=r"^(s3|gs|https)://[!-~]+$", max_length=1024)

    @model_validator(mode="after")
    def _fields_match_source(self) -> ModelSource:
        needed = ("package", "version") if self.source == "registry" else ("image", "artifactUri")
        other = ("image", "artifactUri") if self.source == "registry" else ("package", "version")
        for field in needed:
            if getattr(self, _snake(field)) is None:
                raise field_error(field, f"required when source is {self.source}")
        for field in other:
            if getattr(self, _snake(field)) is not None:
                raise field_error(field, f"not allowed when source is {self.source}")
        return self


def _snake(camel: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)


class Autoscaling(SpecModel):
    """Instance range and the per-instance load the target-tracking policy aims for."""

    min_instances: int = Field(default=1, ge=1, le=100)
    max_instances: int = Field(default=1, ge=1, le=100)
    # Invocations per instance per minute: the metric all three clouds can track.
    target_invocations_per_instance: int = Field(default=100, ge=1, le=100000)

    @model_validator(mode="after")
    def _ordered(self) -> Autoscaling:
        if self.min_instances > self.max_instances:
            raise field_error(
                "minInstances",
                "must not exceed maxInstances ({min} > {max})",
                min=self.min_instances,
                max=self.max_instances,
            )
        return self


_STRATEGY_FIELDS = {
    "canary_percent": ("canaryPercent", "canary"),
    "linear_step_percent": ("linearStepPercent", "linear"),
    "mirror_percent": ("mirrorPercent", "shadow"),
}


class Deployment(SpecModel):
    """How a new model version replaces the old one, and whether alarms roll it back."""

    strategy: Strategy = "all-at-once"
    canary_percent: int = Field(default=10, ge=1, le=99)
    linear_step_percent: int = Field(default=20, ge=1, le=99)
    # Share of live requests copied to the shadow variant (responses are discarded).
    mirror_percent: int = Field(default=10, ge=1, le=100)
    wait_minutes: int = Field(default=10, ge=0, le=1440)
    auto_rollback: bool = True

    @model_validator(mode="after")
    def _fields_match_strategy(self) -> Deployment:
        for field, (alias, strategy) in _STRATEGY_FIELDS.items():
            if self.provided(field) and self.strategy != strategy:
                raise field_error(alias, f"only applies to strategy {strategy}, not {self.strategy}")
        return self


class DataCapture(SpecModel):
    """Prediction logging: a sample of requests and responses written to storage."""

    enabled: bool = False
    sampling_percent: int = Field(default=20, ge=1, le=100)


class Drift(SpecModel):
    """Scheduled data-drift monitoring over the captured predictions."""

    schedule: Literal["hourly", "daily"] = "daily"


class Alarms(SpecModel):
    """Alarm thresholds; they notify and, with ``autoRollback``, stop a rollout."""

    latency_p99_ms: int | None = Field(default=None, ge=1, le=600000)
    error_rate_percent: float | None = Field(default=1.0, gt=0, le=100)


class Monitoring(SpecModel):
    """Drift monitoring, alarms and who is notified."""

    drift: Drift | None = None
    alarms: Alarms = Field(default_factory=Alarms)
    # Each address becomes a subscription or channel named after it: a duplicate (any
    # letter case) would be two resources with one name.
    notify: list[Email] = Field(default_factory=list, max_length=20)

    _unique = field_validator("notify")(reject_duplicates)


class Endpoint(SpecModel):
    """A real-time endpoint serving one model with autoscaling and a rollout strategy."""

    name: Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
    model: ModelSource
    compute: Compute
    autoscaling: Autoscaling = Field(default_factory=Autoscaling)
    deployment: Deployment = Field(default_factory=Deployment)
    data_capture: DataCapture = Field(default_factory=DataCapture)
    monitoring: Monitoring = Field(default_factory=Monitoring)

    @model_validator(mode="after")
    def _consistent(self) -> Endpoint:
        alarms = self.monitoring.alarms
        if self.deployment.auto_rollback and alarms.latency_p99_ms is None and alarms.error_rate_percent is None:
            raise field_error("deployment.autoRollback", "needs at least one alarm in monitoring.alarms")
        if self.monitoring.drift is not None and not self.data_capture.enabled:
            raise field_error("monitoring.drift", "needs dataCapture.enabled: drift is computed from captured data")
        return self

    @property
    def alarm_kinds(self) -> list[str]:
        """The alarms this endpoint defines, in a stable order."""
        alarms = self.monitoring.alarms
        kinds = []
        if alarms.latency_p99_ms is not None:
            kinds.append("latency")
        if alarms.error_rate_percent is not None:
            kinds.append("errors")
        return kinds
