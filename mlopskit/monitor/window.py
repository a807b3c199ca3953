"""The state one monitoring run folds its captures into: where it reads from (``Sources``), the
baseline's fixed bins and counts, and the mergeable ``Window``. A module apart from the run
(``job.py``) so the report (``summary.py``) reads these types without importing the run that calls it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlopskit.monitor import drift
from mlopskit.monitor.bias import BiasCounts
from mlopskit.monitor.errors import MonitorInputError
from mlopskit.monitor.quality import Quality, positive_mask, predicted_positive
from mlopskit.monitor.readers import ID, META, PREDICTION, TIME, files_under, read, to_times
from mlopskit.monitor.reservoir import Reservoir
from mlopskit.monitor.settings import Facet, Settings
from mlopskit.monitor.slices import SliceErrors

LABEL = "__label__"


@dataclass(frozen=True)
class Sources:
    """Where one run reads from; ``where`` names are the flags or inputs reported on bad input."""

    captures: Path
    baseline: Path
    labels: Path | None = None
    capture_format: str = "sagemaker"
    baseline_format: str = "csv"
    captures_where: str = "--captures"
    baseline_where: str = "--baseline"
    labels_where: str = "--labels"


@dataclass
class Baseline:
    profiles: list[drift.Profile]
    counts: dict[str, drift.Counts]
    sample: pd.DataFrame


def _features(settings: Settings, frame: pd.DataFrame) -> tuple[str, ...]:
    if settings.features:
        return settings.features
    skip = {*META, settings.label, settings.id_field}
    return tuple(c for c in frame.columns if c not in skip)


def read_baseline(settings: Settings, sources: Sources) -> Baseline:
    """Two passes over the baseline files: a sample and ranges fix the bins, then the counts."""
    paths = files_under(sources.baseline, sources.baseline_where)
    sample = Reservoir(settings.reservoir_size, settings.seed)
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    features: tuple[str, ...] = ()
    for frame in read(sources.baseline_format, paths, settings, sources.baseline_where):
        features = features or _features(settings, frame)
        sample.add(frame)
        for name in features:
            numbers = pd.to_numeric(frame[name], errors="coerce") if name in frame else pd.Series(dtype=float)
            low[name] = min(low.get(name, math.inf), float(numbers.min()) if numbers.notna().any() else math.inf)
            high[name] = max(high.get(name, -math.inf), float(numbers.max()) if numbers.notna().any() else -math.inf)
    if sample.frame is None:
        raise MonitorInputError(sources.baseline_where, "holds no rows")
    missing = [f for f in features if f not in sample.sample.columns]
    if missing:
        raise MonitorInputError(sources.baseline_where, f"has no column {missing[0]!r}")
    profiles = [drift.profile(f, sample.sample[f], low[f], high[f], settings.bins, f in settings.categorical)
                for f in features]
    counts = {p.name: drift.Counts.empty(p) for p in profiles}
    for frame in read(sources.baseline_format, paths, settings, sources.baseline_where):
        for p in profiles:
            counts[p.name].update(p, frame[p.name])
    return Baseline(profiles, counts, sample.sample)


class Window:
    """The mergeable state of one window of captures."""

    def __init__(self, settings: Settings, baseline: Baseline, labels: dict[str, Any], end: datetime) -> None:
        self.settings, self.baseline, self.labels, self.end = settings, baseline, labels, end
        self.counts = {p.name: drift.Counts.empty(p) for p in baseline.profiles}
        self.sample = Reservoir(settings.reservoir_size, settings.seed + 1)
        self.labelled_sample = Reservoir(settings.reservoir_size, settings.seed + 2)
        self.quality = Quality(settings.problem_type or "binary-classification", settings.positive_label,
                               settings.decision_threshold)
        self.bias = {f.name: BiasCounts() for f in settings.facets}
        self.slices = SliceErrors()
        self.rows = self.labelled = self.awaiting = 0
        self.matched_ids: set = set()
        self._check_facets()

    def _check_facets(self) -> None:
        kinds = {p.name: p.numeric for p in self.baseline.profiles}
        for i, facet in enumerate(self.settings.facets):
            if facet.name not in kinds:
                raise MonitorInputError(f"facets[{i}]", f"{facet.name} is not a feature")
            if kinds[facet.name] and facet.value_or_threshold is None:
                raise MonitorInputError(f"facets[{i}].valueOrThreshold",
                                        f"{facet.name} is numeric: give the threshold above which a row is in the facet")

    def add(self, frame: pd.DataFrame) -> None:
        """Fold one file's rows in."""
        self.rows += len(frame)
        for p in self.baseline.profiles:
            self.counts[p.name].update(p, frame[p.name] if p.name in frame else pd.Series([None] * len(frame)))
        frame = self._join(frame)
        self.sample.add(frame)
        labelled = frame[frame[LABEL].notna()]
        self.labelled += len(labelled)
        if len(labelled):
            self.labelled_sample.add(labelled)
            if self.settings.problem_type:
                self.quality.update(labelled[LABEL], labelled[PREDICTION])
                self._slices(labelled)
        self._bias(frame)

    def _join(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Attach labels by id to rows old enough for their label to have arrived."""
        times = to_times(frame[TIME])
        cutoff = self.end - timedelta(hours=self.settings.label_delay_hours)
        due = (times.isna() | (times <= cutoff)).to_numpy()
        self.awaiting += int((~due).sum())
        ids = frame[ID].astype(str)
        found = ids.map(self.labels)
        # A label whose row is not yet due still matched a capture: it is not an orphan label.
        self.matched_ids.update(ids[found.notna()].tolist())
        return frame.assign(**{LABEL: found.where(due)})

    def _facet_values(self, facet: Facet, frame: pd.DataFrame) -> np.ndarray:
        values = frame[facet.name]
        if facet.value_or_threshold is not None:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            t = facet.value_or_threshold
            return np.where(numbers > t, f">{t:g}", np.where(np.isnan(numbers), "null", f"<={t:g}"))
        profile = next(p for p in self.baseline.profiles if p.name == facet.name)
        index, _, _ = profile.bins_of(values)
        names = np.array([*profile.bin_labels, "null"], dtype=object)
        return names[index].astype(str)

    def _bias(self, frame: pd.DataFrame) -> None:
        if not self.bias or self.settings.problem_type not in (None, "binary-classification"):
            return
        served = frame[frame[PREDICTION].notna()]
        predicted = predicted_positive(served[PREDICTION], self.settings.positive_label,
                                       self.settings.decision_threshold)
        has_label = served[LABEL].notna().to_numpy()
        truth = np.zeros(len(served), dtype=bool)
        if has_label.any():
            truth[has_label] = positive_mask(served[LABEL][has_label], self.settings.positive_label)
        for facet in self.settings.facets:
            values = self._facet_values(facet, served)
            self.bias[facet.name].update(values[~has_label], predicted[~has_label], None)
            self.bias[facet.name].update(values[has_label], predicted[has_label], truth[has_label])

    def _slices(self, labelled: pd.DataFrame) -> None:
        errors = self.quality.errors(labelled[LABEL], labelled[PREDICTION])
        blank = np.full(len(labelled), "", dtype=object)
        for p in self.baseline.profiles:
            bins, _, _ = p.bins_of(labelled[p.name])
            self.slices.update(p.name, bins, "", blank, errors)
            for facet in self.settings.facets:
                if facet.name != p.name:
                    self.slices.update(p.name, bins, facet.name, self._facet_values(facet, labelled), errors)
