"""Real-time inference endpoints: model, compute, scaling, safe rollout, capture, monitoring."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, StringConstraints, field_validator, model_validator

from mlopskit.modules.base import NAME_PATTERN, Email, SpecModel, StorePrefix, field_error, reject_duplicates
from mlopskit.modules.compute import Compute
from mlopskit.modules.errors import echo
from mlopskit.modules.quality_metrics import QUALITY_METRICS, ProblemType, QualityMetric
from mlopskit.modules.training import Image

Strategy = Literal["all-at-once", "canary", "linear", "blue-green", "shadow"]
LATEST_APPROVED = "latest-approved"
STARTUP_BASE_SECONDS, STARTUP_SECONDS_PER_GIB, STARTUP_MAX_SECONDS = 600, 30, 3600
MAX_MODEL_VERSION = 1000
# mlflow: an MLflow model directory (MLmodel file); custom: anything a serving image loads.
ModelFormat = Literal["mlflow", "custom"]
# Relative, no leading slash, no empty segment and none starting with a dot (so no `..`):
# the path cannot leave the artifact store.
MODELS_PREFIX = "models/"
ARTIFACT_PATH_PATTERN = r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*/?$"


def _model_version(value: object) -> int | str | None:
    # One error naming both accepted forms, rather than one per branch of a union.
    if value is None or value == LATEST_APPROVED:
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MODEL_VERSION:
        raise ValueError(f"expected {LATEST_APPROVED} or a version number 1-{MAX_MODEL_VERSION}, got {echo(value)}")
    return value


ModelVersion = Annotated[int | Literal["latest-approved"] | None, PlainValidator(_model_version)]


class ModelSource(SpecModel):
    """Which model an endpoint serves: a registry package version or a raw artifact.

    An artifact is either a path in the stack's own artifact store (``artifactPath``,
    cloud-neutral) or a fully qualified ``artifactUri``; its serving ``image`` is a
    URI string or, cloud-neutrally, ``{repository, tag | digest}`` in the stack's own
    container registry. ``format`` says what the artifact holds where a cloud's
    deployment depends on it (Azure ML deploys MLflow models without a serving image).
    """

    source: Literal["registry", "artifact"]
    package: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,62}$")] | None = None
    # Versions are bounded so the registry lookup (and the offline registry seeded up to
    # the pinned version) stays bounded: see docs/validation.md.
    version: ModelVersion = None
    # A URI string is read as {uri: ...}, so it is held to Image.uri's OCI reference grammar.
    image: Image | None = None
    artifact_uri: str | None = Field(default=None, pattern=r"^(s3|gs|https)://[!-~]+$", max_length=1024)
    # A directory of model files, relative to the root of the stack's artifact store.
    artifact_path: str | None = Field(default=None, max_length=512, pattern=ARTIFACT_PATH_PATTERN)
    format: ModelFormat | None = None
    # Size of the model's weights: the resolver picks a type whose GPUs hold them with
    # headroom (providers/catalog/resolver.py MODEL_HEADROOM), and the clouds allow large
    # models a longer download and start-up.
    size_gib: float | None = Field(default=None, gt=0, le=4096, alias="sizeGiB")

    @property
    def artifact_prefix(self) -> str | None:
        """``artifactPath`` as a directory prefix (always ending in ``/``)."""
        return None if self.artifact_path is None else self.artifact_path.rstrip("/") + "/"

    @field_validator("image", mode="before")
    @classmethod
    def _uri_string(cls, value: Any) -> Any:
        # Spec v1 gave the serving image as a URI string: it stays valid, as {uri: ...}.
        return {"uri": value} if isinstance(value, str) else value

    @property
    def startup_seconds(self) -> int | None:
        """How long a model of ``sizeGiB`` may take to download and pass its first health
        check: 10 minutes plus 30 s per GiB, at most an hour (SageMaker's ceiling for both);
        None without a size (the clouds' defaults)."""
        if self.size_gib is None:
            return None
        return min(STARTUP_MAX_SECONDS, STARTUP_BASE_SECONDS + math.ceil(self.size_gib * STARTUP_SECONDS_PER_GIB))

    @model_validator(mode="after")
    def _fields_match_source(self) -> ModelSource:
        if self.source == "registry":
            needed: tuple[str, ...] = ("package", "version")
            other: tuple[str, ...] = ("image", "artifactUri", "artifactPath")
        else:
            needed, other = (), ("package", "version")
            if self.format != "mlflow" and self.image is None:
                raise field_error("image", "required when source is artifact (unless format is mlflow)")
            if (self.artifact_uri is None) == (self.artifact_path is None):
                raise field_error("artifactPath", "give exactly one of artifactPath or artifactUri when source is artifact")
        for field in needed:
            if getattr(self, _snake(field)) is None:
                raise field_error(field, f"required when source is {self.source}")
        for field in other:
            if getattr(self, _snake(field)) is not None:
                raise field_error(field, f"not allowed when source is {self.source}")
        return self

    @model_validator(mode="after")
    def _artifact_and_image_kinds(self) -> ModelSource:
        if self.artifact_path is not None and not self.artifact_path.startswith(MODELS_PREFIX):
            raise field_error("artifactPath", f"must be under {MODELS_PREFIX} in the artifact store, where training "
                                              "writes models and serving identities may read")
        if self.artifact_path is not None and self.artifact_path.rstrip("/").endswith((".tar.gz", ".tgz", ".zip")):
            raise field_error("artifactPath", "names a directory of model files, not an archive: every cloud loads "
                                              "the directory (SageMaker uncompressed, Vertex AI and Azure ML as is)")
        if self.image is not None and self.image.framework is not None:
            raise field_error("image.framework", "framework images are for training: give the serving image's "
                                                 "repository (with tag or digest) or uri")
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


FeatureName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")]
MAX_FEATURES = 200
#: Drift and data-quality alarm thresholds, by spec key -> (the monitor's metric, its default).
#: ``psi`` is per feature (a feature drifts above it); the others alarm on a published series.
DRIFT_THRESHOLDS: dict[str, tuple[str, float | None]] = {
    "psi": ("feature_psi", 0.2), "driftShare": ("drift_share", 0.2), "nullRate": ("null_rate", None),
    "typeErrorRate": ("type_error_rate", None), "outOfRangeRate": ("out_of_range_rate", None)}
DriftThreshold = Literal["psi", "driftShare", "nullRate", "typeErrorRate", "outOfRangeRate"]


class Drift(SpecModel):
    """Scheduled data-drift and data-quality monitoring over the captured requests.

    ``features`` names a request's columns in order (captured CSV requests carry no header; none:
    the baseline's header names them). ``baseline`` is a folder of the artifact store holding the
    reference data (CSV with a header); none: ``monitoring/<endpoint>/baseline/``.
    """

    schedule: Literal["hourly", "daily"] = "daily"
    features: list[FeatureName] | None = Field(default=None, min_length=1, max_length=MAX_FEATURES)
    categorical: list[FeatureName] = Field(default_factory=list, max_length=MAX_FEATURES)
    baseline: StorePrefix | None = None
    thresholds: dict[DriftThreshold, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Drift:
        if self.features is not None:
            _distinct(self.features, "features")
            for name in self.categorical:
                if name not in self.features:
                    raise field_error("categorical", "{name} is not one of features", name=name)
        for key, value in self.thresholds.items():
            if not 0 < value <= (10 if key == "psi" else 1):
                raise field_error(f"thresholds.{key}", "must be within (0, {top}], got {value}",
                                  top=10 if key == "psi" else 1, value=value)
        return self

    def threshold(self, key: str) -> float | None:
        """The spec's threshold for ``key`` or its default (None: no alarm)."""
        return self.thresholds.get(key, DRIFT_THRESHOLDS[key][1])  # type: ignore[call-overload]


_RATIO_METRICS = {"accuracy", "precision", "recall", "f1", "auc"}


class Quality(SpecModel):
    """Model-quality monitoring: captured predictions merged with the labels that arrive later.

    ``groundTruth`` is a folder of the stack's artifact store where the labels are written;
    each threshold is an alarm on one metric of ``problemType`` (below it for scores, above
    it for errors), evaluated on ``schedule``.
    """

    ground_truth: StorePrefix
    problem_type: ProblemType
    thresholds: dict[QualityMetric, float] = Field(min_length=1)
    schedule: Literal["hourly", "daily"] = "daily"
    label: FeatureName = "label"
    id_field: FeatureName = "inference_id"
    label_delay_hours: float = Field(default=0, ge=0, le=24 * 30)

    @model_validator(mode="after")
    def _metrics_fit(self) -> Quality:
        for metric, value in self.thresholds.items():
            problems, _ = QUALITY_METRICS[metric]
            if self.problem_type not in problems:
                raise field_error(f"thresholds.{metric}", "is not computed for problemType {problem}",
                                  problem=self.problem_type)
            if metric in _RATIO_METRICS and not 0 < value <= 1:
                raise field_error(f"thresholds.{metric}", "must be a ratio in (0, 1], got {value}", value=value)
            if metric in ("mae", "rmse") and not (value > 0 and math.isfinite(value)):
                raise field_error(f"thresholds.{metric}", "must be a positive number, got {value}", value=value)
            if metric == "r2" and not -1 <= value <= 1:
                raise field_error(f"thresholds.{metric}", "must be within [-1, 1], got {value}", value=value)
        return self

    def alarm_below(self, metric: str) -> bool:
        """Whether ``metric``'s alarm fires when the metric falls below its threshold."""
        return QUALITY_METRICS[metric][1]


#: Clarify's post-training bias metrics the kit alarms on, by short name -> whether a fair model
#: scores high (disparate impact: 1 is parity, the alarm fires below the threshold); the others
#: are differences in [-1, 1] where a positive value disadvantages the facet: above the threshold.
BIAS_METRICS: dict[str, bool] = {"DPPL": False, "DI": True, "AD": False, "RD": False, "DAR": False, "DRR": False,
                                 "DCA": False, "DCR": False}
BiasMetric = Literal["DPPL", "DI", "AD", "RD", "DAR", "DRR", "DCA", "DCR"]


def _distinct(values: list[str], field: str) -> None:
    if len(set(values)) != len(values):
        raise field_error(field, "lists a feature twice")


class BiasFacet(SpecModel):
    """A sensitive feature; a numeric one names the threshold above which a row is in the facet
    (Clarify's ``facet_values_or_threshold``), a categorical one may be given by its name alone."""

    name: FeatureName
    value_or_threshold: float | None = None


class Bias(SpecModel):
    """Bias monitoring: post-training bias metrics of served predictions against their labels.

    ``features`` names the columns of a request in order (captured requests carry no header);
    ``facets`` are the sensitive ones among them, ``label`` the column of ``groundTruth`` that
    holds the outcome (``positiveLabel`` its favourable value). ``baseline`` is the folder where a
    baselining run wrote its results (``analysis.json``) for violations to be judged against.
    """

    baseline: StorePrefix
    ground_truth: StorePrefix
    label: FeatureName
    positive_label: Annotated[str, StringConstraints(min_length=1, max_length=64)] | int = 1
    features: list[FeatureName] = Field(min_length=1, max_length=MAX_FEATURES)
    facets: list[FeatureName | BiasFacet] = Field(min_length=1, max_length=10)
    thresholds: dict[BiasMetric, float] = Field(min_length=1)
    schedule: Literal["hourly", "daily"] = "daily"
    id_field: FeatureName = "inference_id"
    label_delay_hours: float = Field(default=0, ge=0, le=24 * 30)

    @property
    def facet_names(self) -> list[str]:
        """The facets' names (a plain name is a categorical facet)."""
        return [f if isinstance(f, str) else f.name for f in self.facets]

    @model_validator(mode="after")
    def _consistent(self) -> Bias:
        _distinct(self.features, "features")
        _distinct(self.facet_names, "facets")
        for facet in self.facet_names:
            if facet not in self.features:
                raise field_error("facets", "{facet} is not one of features", facet=facet)
        if self.label in self.features:
            raise field_error("label", "is the outcome, not a request feature: remove it from features")
        for metric, value in self.thresholds.items():
            if not 0 < value <= 1:
                raise field_error(f"thresholds.{metric}", "must be within (0, 1], got {value}", value=value)
        return self

    def alarm_below(self, metric: str) -> bool:
        """Whether ``metric``'s alarm fires when the metric falls below its threshold."""
        return BIAS_METRICS[metric]


class Explainability(SpecModel):
    """Feature-attribution drift: the ranking of the features' attributions (SHAP) on served
    requests compared with the baseline's, alarmed when their nDCG falls below ``threshold``.

    ``features`` names a request's columns in order; ``label`` names what the model predicts;
    ``baseline`` is a folder of labelled baseline data (and a baselining run's ``analysis.json``).
    """

    baseline: StorePrefix
    label: FeatureName
    features: list[FeatureName] = Field(min_length=1, max_length=MAX_FEATURES)
    threshold: float = Field(default=0.9, gt=0, le=1)
    schedule: Literal["hourly", "daily"] = "daily"

    @model_validator(mode="after")
    def _consistent(self) -> Explainability:
        _distinct(self.features, "features")
        if self.label in self.features:
            raise field_error("label", "is the outcome, not a request feature: remove it from features")
        return self


class Alarms(SpecModel):
    """Alarm thresholds; they notify and, with ``autoRollback``, stop a rollout."""

    latency_p99_ms: int | None = Field(default=None, ge=1, le=600000)
    error_rate_percent: float | None = Field(default=1.0, gt=0, le=100)


class Monitoring(SpecModel):
    """Drift, quality, bias and explainability monitoring, alarms and who is notified."""

    drift: Drift | None = None
    quality: Quality | None = None
    bias: Bias | None = None
    explainability: Explainability | None = None
    alarms: Alarms = Field(default_factory=Alarms)
    # Each address becomes a subscription or channel named after it: a duplicate (any
    # letter case) would be two resources with one name.
    notify: list[Email] = Field(default_factory=list, max_length=20)
    # kit: the kit's own monitor job on the target's job service (docs/monitoring.md); managed:
    # the cloud's own service, only where it is open to new customers and runs in the stack's
    # network (each provider refuses or warns at this field otherwise).
    engine: Literal["kit", "managed"] = "kit"

    _unique = field_validator("notify")(reject_duplicates)

    @property
    def sections(self) -> list[str]:
        """The computed monitoring sections this endpoint sets, in a stable order."""
        return [kind for kind in ("drift", "quality", "bias", "explainability") if getattr(self, kind) is not None]

    @property
    def kit_job(self) -> bool:
        """Whether the kit's own monitor job computes this endpoint's sections."""
        return self.engine == "kit" and bool(self.sections)

    @model_validator(mode="after")
    def _one_ground_truth(self) -> Monitoring:
        # One kit job joins one set of labels: quality and bias must read the same ones.
        if self.engine == "kit" and self.quality is not None and self.bias is not None:
            for field in ("ground_truth", "id_field", "label_delay_hours"):
                if getattr(self.quality, field) != getattr(self.bias, field):
                    alias = "".join(p if i == 0 else p.title() for i, p in enumerate(field.split("_")))
                    raise field_error(f"bias.{alias}", "must equal quality.{alias}: one monitor job joins one "
                                      "set of labels", alias=alias)
            if self.quality.provided("label") and self.quality.label != self.bias.label:
                raise field_error("quality.label", "must equal bias.label: one monitor job reads one label column")
        return self


class Endpoint(SpecModel):
    """A real-time endpoint serving one model with autoscaling and a rollout strategy."""

    name: Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
    model: ModelSource
    compute: Compute
    autoscaling: Autoscaling = Field(default_factory=Autoscaling)
    deployment: Deployment = Field(default_factory=Deployment)
    data_capture: DataCapture = Field(default_factory=DataCapture)
    monitoring: Monitoring = Field(default_factory=Monitoring)
    # Responses sent as they are produced (an LLM's tokens): the container must stream; each
    # cloud is set up to pass a long-running streamed response through.
    streaming: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Endpoint:
        alarms = self.monitoring.alarms
        if self.deployment.auto_rollback and alarms.latency_p99_ms is None and alarms.error_rate_percent is None:
            raise field_error("deployment.autoRollback", "needs at least one alarm in monitoring.alarms")
        if self.monitoring.drift is not None and not self.data_capture.enabled:
            raise field_error("monitoring.drift", "needs dataCapture.enabled: drift is computed from captured data")
        if self.monitoring.quality is not None and not self.data_capture.enabled:
            raise field_error("monitoring.quality", "needs dataCapture.enabled: the captured predictions are "
                              "compared with the ground truth")
        for kind in ("bias", "explainability"):
            if getattr(self.monitoring, kind) is not None and not self.data_capture.enabled:
                raise field_error(f"monitoring.{kind}", "needs dataCapture.enabled: it is computed from the "
                                  "captured requests and predictions")
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
