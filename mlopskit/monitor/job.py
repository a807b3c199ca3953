"""One monitoring run over a window of captures: read file by file, fold into mergeable summaries,
then compute drift, data quality, model quality, bias, attribution drift and the worst slices.

Memory is bounded by the settings, not the window: per-feature bin counts, confusion counts,
per-facet counts, per-slice counts and two fixed-size reservoir samples (all rows; labelled rows).
The labels of the window are held as an id -> label map (one entry per label file row).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from mlopskit.monitor.errors import MonitorInputError
from mlopskit.monitor.readers import files_under, read, read_labels
from mlopskit.monitor.settings import Settings
from mlopskit.monitor.summary import build_report
from mlopskit.monitor.window import LABEL, Baseline, Sources, Window, read_baseline

__all__ = ["LABEL", "Baseline", "Sources", "Window", "read_baseline", "run"]


def run(settings: Settings, sources: Sources, end: datetime | None = None) -> dict[str, Any]:
    """Run the job over ``sources``; the report as a JSON-ready mapping (``metrics`` = what is published)."""
    end = end or datetime.now(timezone.utc)
    baseline = read_baseline(settings, sources)
    if not settings.features:
        # Headerless (CSV) payloads take their column names from the baseline's header.
        settings = replace(settings, features=tuple(p.name for p in baseline.profiles))
    labels: dict[str, Any] = {}
    if sources.labels is not None:
        labels = read_labels(files_under(sources.labels, sources.labels_where), settings, sources.labels_where)
    window = Window(settings, baseline, labels, end)
    paths = files_under(sources.captures, sources.captures_where)
    for frame in read(sources.capture_format, paths, settings, sources.captures_where):
        window.add(frame)
    if window.rows == 0:
        raise MonitorInputError(sources.captures_where, "holds no captured rows")
    return build_report(window, sources, end)

