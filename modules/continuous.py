"""Continuous training: tune a job, evaluate the candidate on a hold-out set (and against the
model serving an endpoint), and register it with the approval the gate decides.

All three sections of ``training[i]`` are optional; a job without them trains and waits for a
person to approve it in the registry, as before. Cloud limits (which strategies and ranges
each tuning service accepts) are each provider's ``check``.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from mlopskit.modules.base import NAME_PATTERN, Email, SpecModel, StorePrefix, field_error
from mlopskit.modules.quality_metrics import QUALITY_METRICS, ProblemType, QualityMetric

Goal = Literal["maximize", "minimize"]
Strategy = Literal["bayesian", "random", "grid"]
Scale = Literal["linear", "log"]
# The name a training script prints its objective under ("validation-auc=0.91"); the clouds'
# metric names (SageMaker MetricDefinitions, Vertex metric_id, Azure primary_metric) all take it.
ObjectiveName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.:-]{0,63}$")]
ParameterKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")]
CategoricalValue = Annotated[str, StringConstraints(min_length=1, max_length=256)]
# SageMaker: at most 30 ranges per tuning job and 30 values per categorical range
# (botocore ParameterRanges / CategoricalParameterRange); the spec keeps to the strictest.
MAX_RANGES = 30
MAX_CATEGORIES = 30
# SageMaker ResourceLimits: MaxNumberOfTrainingJobs 1-500 (it raises the quota on request),
# MaxParallelTrainingJobs 1-100 (botocore). Vertex and Azure accept more; the spec keeps to AWS.
MAX_TRIALS = 500
MAX_PARALLEL = 100
#: A metric line a training script prints: ``<name>=<number>``. The regex every cloud's
#: metric scraper reads is built from it (providers' tuning definitions).
METRIC_LINE = "{name}=([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"


class Objective(SpecModel):
    """What the tuning service optimises: a metric the training script prints, and its direction."""

    metric: ObjectiveName
    goal: Goal


class ParameterRange(SpecModel):
    """One tuned hyperparameter: ``integer`` (whole numbers from ``min`` to ``max``), ``continuous``
    (real numbers from ``min`` to ``max``), each with a linear or log ``scale``, or ``categorical``
    (one of ``values``, passed as text). One model rather than a tagged union, so an error names
    ``parameters.<name>.min`` and not the union's tag."""

    type: Literal["integer", "continuous", "categorical"]
    min: float | None = None
    max: float | None = None
    scale: Scale | None = None
    values: list[CategoricalValue] | None = Field(default=None, min_length=1, max_length=MAX_CATEGORIES)

    @model_validator(mode="after")
    def _fits_type(self) -> ParameterRange:
        if self.type == "categorical":
            self._categorical()
        else:
            self._numeric()
        return self

    def _categorical(self) -> None:
        for name in ("min", "max", "scale"):
            if getattr(self, name) is not None:
                raise field_error(name, "not allowed with type categorical (give values)")
        if self.values is None:
            raise field_error("values", "required with type categorical")
        if len(set(self.values)) != len(self.values):
            raise field_error("values", "duplicate values")

    def _numeric(self) -> None:
        if self.values is not None:
            raise field_error("values", "only with type categorical")
        if self.min is None or self.max is None:
            raise field_error("min" if self.min is None else "max", "required with type {type}", type=self.type)
        if not (math.isfinite(self.min) and math.isfinite(self.max)):
            raise field_error("min", "min and max must be finite numbers")
        if self.type == "integer" and not (self.min.is_integer() and self.max.is_integer()):
            raise field_error("min" if not self.min.is_integer() else "max", "must be a whole number with type integer")
        if self.min >= self.max:
            raise field_error("max", "must be above min ({low}), got {high}", low=self.min, high=self.max)
        if self.scale == "log" and self.min <= 0:
            raise field_error("min", "must be above 0 with scale log, got {low}", low=self.min)

    @property
    def categorical(self) -> bool:
        return self.type == "categorical"

    @property
    def log(self) -> bool:
        return self.scale == "log"

    def count(self) -> int | None:
        """Values a grid walks: the categories, the integers in range; None for a continuous range."""
        if self.values is not None:
            return len(self.values)
        if self.type == "integer" and self.min is not None and self.max is not None:
            return int(self.max) - int(self.min) + 1
        return None


class Tuning(SpecModel):
    """Hyperparameter tuning: up to ``maxTrials`` runs of the job, ``parallelTrials`` at a time,
    each with values of ``parameters`` chosen by ``strategy``; the best by ``objective`` goes on."""

    objective: Objective
    parameters: dict[ParameterKey, ParameterRange] = Field(min_length=1, max_length=MAX_RANGES)
    max_trials: int = Field(ge=1, le=MAX_TRIALS)
    parallel_trials: int = Field(default=1, ge=1, le=MAX_PARALLEL)
    strategy: Strategy = "bayesian"
    early_stopping: bool = False

    @model_validator(mode="after")
    def _parallel_within_max(self) -> Tuning:
        if self.parallel_trials > self.max_trials:
            raise field_error("parallelTrials", "must not exceed maxTrials ({max}), got {parallel}",
                              max=self.max_trials, parallel=self.parallel_trials)
        return self

    def grid_size(self) -> int | None:
        """Combinations a grid search walks; None when a range is continuous (no grid)."""
        size = 1
        for spec in self.parameters.values():
            count = spec.count()
            if count is None:
                return None
            size *= count
        return size

    @property
    def trials(self) -> int:
        """Training runs one tuning run starts at most (a grid walks at most its combinations)."""
        grid = self.grid_size() if self.strategy == "grid" else None
        return min(self.max_trials, grid) if grid is not None else self.max_trials


class Against(SpecModel):
    """The model serving ``endpoint`` (``endpoints[i]``), which the candidate must beat by ``margin``."""

    endpoint: Annotated[str, StringConstraints(pattern=r"^endpoints\[[0-9]{1,4}\]$")]
    margin: float = Field(default=0.0, ge=0.0, le=1.0)

    @property
    def index(self) -> int:
        match = re.fullmatch(r"endpoints\[([0-9]+)\]", self.endpoint)
        assert match is not None  # the field's pattern
        return int(match.group(1))


class Evaluation(SpecModel):
    """The validation gate: metrics of the candidate on a hold-out set, each with a minimum
    (a maximum for an error such as mae), and optionally against the serving model."""

    holdout: StorePrefix
    problem_type: ProblemType
    minimums: dict[QualityMetric, float] = Field(min_length=1)
    against: Against | None = None
    # Where the gate's verdict goes when it fails (an email subscription to a topic per job).
    notify: list[Email] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _metrics_fit(self) -> Evaluation:
        for metric, value in self.minimums.items():
            problems, _ = QUALITY_METRICS[metric]
            if self.problem_type not in problems:
                raise field_error(f"minimums.{metric}", "is not computed for problemType {problem}",
                                  problem=self.problem_type)
            if not math.isfinite(value):
                raise field_error(f"minimums.{metric}", "must be a finite number")
        return self

    @staticmethod
    def higher_is_better(metric: str) -> bool:
        """Scores gate from below (at least the minimum), errors from above (at most it)."""
        return QUALITY_METRICS[metric][1]


PackageName = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]


class Register(SpecModel):
    """Where a candidate is registered and how it becomes deployable."""

    package: PackageName
    approval: Literal["manual", "automatic-when-gate-passes"] = "manual"
