"""What one monitor run needs to know, as plain data (``monitor.json`` in the job's config input).

The kit's CLI fills it from a spec's endpoint (``mlopskit monitor run SPEC --endpoint NAME``);
the scheduled job reads it from ``input/config/monitor.json``. Unknown keys are errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Union

from mlopskit.monitor.contract import BIAS_METRICS, QUALITY_METRICS
from mlopskit.monitor.errors import MonitorInputError

Scalar = Union[str, int, float]


@dataclass(frozen=True)
class Facet:
    """A sensitive feature; ``value_or_threshold`` is required for a numeric one (Clarify's
    ``facet_values_or_threshold``: values above the threshold form the group examined)."""

    name: str
    value_or_threshold: float | None = None


@dataclass(frozen=True)
class Settings:
    """Settings of one run; every threshold has the default the docs state."""

    endpoint: str = "endpoint"
    stack: str = "local"
    #: Column names of a request in order (CSV payloads carry no header). Empty: from the baseline.
    features: tuple[str, ...] = ()
    #: Features read as categories (others are numeric when the baseline's values are numbers).
    categorical: tuple[str, ...] = ()
    problem_type: str | None = None
    quality_thresholds: dict[str, float] = field(default_factory=dict)
    #: Ground truth: the column of the labels files holding the outcome, and the id column.
    label: str = "label"
    id_field: str = "inference_id"
    #: Labels arrive this long after the prediction: rows younger than that are not yet judged.
    label_delay_hours: float = 0.0
    positive_label: Scalar = 1
    #: A binary model's score at or above this is the positive class.
    decision_threshold: float = 0.5
    facets: tuple[Facet, ...] = ()
    bias_thresholds: dict[str, float] = field(default_factory=dict)
    #: A feature drifts when its PSI exceeds this (0.2: the usual "significant shift" level).
    psi_threshold: float = 0.2
    drift_share_threshold: float = 0.2
    attribution_threshold: float = 0.9
    bins: int = 10
    reservoir_size: int = 4000
    seed: int = 0
    worst_slices: int = 10

    def check(self) -> Settings:
        """Raise on settings that cannot be computed, naming the field."""
        if self.problem_type is not None and self.problem_type not in QUALITY_METRICS:
            raise MonitorInputError("problem_type", f"must be one of {', '.join(QUALITY_METRICS)}")
        for metric in self.quality_thresholds:
            if self.problem_type is None or metric not in QUALITY_METRICS[self.problem_type]:
                raise MonitorInputError(f"quality_thresholds.{metric}",
                                        f"is not computed for problem_type {self.problem_type}")
        for metric in self.bias_thresholds:
            if metric not in BIAS_METRICS:
                raise MonitorInputError(f"bias_thresholds.{metric}", f"must be one of {', '.join(BIAS_METRICS)}")
        if not 2 <= self.bins <= 100:
            raise MonitorInputError("bins", "must be within [2, 100]")
        if self.reservoir_size < 100:
            raise MonitorInputError("reservoir_size", "must be at least 100")
        return self

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "settings") -> Settings:
        """Settings from ``monitor.json``'s mapping; an unknown key or a bad value names its field."""
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise MonitorInputError(f"{where}.{key}", "is not a monitor setting")
        values = dict(data)
        for key in ("features", "categorical"):
            if key in values:
                values[key] = tuple(values[key])
        if "facets" in values:
            values["facets"] = tuple(_facet(f, f"{where}.facets[{i}]") for i, f in enumerate(values["facets"]))
        try:
            return cls(**values).check()
        except TypeError as error:
            raise MonitorInputError(where, str(error)) from None

    @classmethod
    def from_file(cls, path: Path) -> Settings:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise MonitorInputError(str(path), f"cannot read settings: {error}") from None
        if not isinstance(data, dict):
            raise MonitorInputError(str(path), "must hold a JSON object")
        return cls.from_dict(data, path.name)


def _facet(item: Any, where: str) -> Facet:
    if isinstance(item, str):
        return Facet(item)
    if isinstance(item, dict) and isinstance(item.get("name"), str):
        value = item.get("value_or_threshold", item.get("valueOrThreshold"))
        return Facet(item["name"], None if value is None else float(value))
    raise MonitorInputError(where, "must be a name or {name, valueOrThreshold}")
