"""The job's entry point, as the target's job service runs it (see ``contract``).

``python -m mlopskit.monitor``: read settings and inputs from the contract's folders and
environment, write the reports, publish the metrics. Bad input: one line naming the input or
variable, exit 2 (the job fails visibly; the schedule's next run starts afresh).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from mlopskit.monitor import contract, report
from mlopskit.monitor.errors import MonitorInputError
from mlopskit.monitor.job import Sources, run
from mlopskit.monitor.publishers import publisher_for
from mlopskit.monitor.settings import Settings


def _window_end(env: Mapping[str, str]) -> datetime:
    text = env.get("MONITOR_WINDOW_END")
    if not text:
        return datetime.now(timezone.utc)
    try:
        end = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise MonitorInputError("MONITOR_WINDOW_END", f"is not an ISO 8601 time: {text!r}") from None
    return end if end.tzinfo else end.replace(tzinfo=timezone.utc)


def execute(env: Mapping[str, str]) -> dict[str, Any]:
    """One run under ``env``; returns the report (the reports are written, the metrics published)."""
    root = env.get("MONITOR_ROOT", contract.PROCESSING_ROOT)
    path = lambda variable: Path(contract.job_path(env, variable, root))  # noqa: E731
    config = path("MONITOR_CONFIG")
    settings = Settings.from_file(config) if config.exists() else Settings()
    overrides = {k: env[v] for k, v in (("endpoint", "MONITOR_ENDPOINT"), ("stack", "MONITOR_STACK")) if env.get(v)}
    if overrides:
        settings = Settings.from_dict({**_as_dict(settings), **overrides})
    end = _window_end(env)
    _stage_captures(env, path("MONITOR_CAPTURES"), end)
    labels = path("MONITOR_LABELS")
    sources = Sources(
        captures=path("MONITOR_CAPTURES"), baseline=path("MONITOR_BASELINE"),
        labels=labels if labels.exists() and any(labels.iterdir()) else None,
        capture_format=env.get("MONITOR_CAPTURE_FORMAT", "sagemaker"),
        baseline_format=env.get("MONITOR_BASELINE_FORMAT", "csv"),
        captures_where=contract.INPUT_CAPTURES, baseline_where=contract.INPUT_BASELINE,
        labels_where=contract.INPUT_LABELS)
    result = run(settings, sources, end)
    report.write(result, path("MONITOR_REPORT"))
    publisher_for(env.get("MONITOR_TARGET", "none"), settings.stack, settings.endpoint, end).send(result["metrics"])
    return result


def _stage_captures(env: Mapping[str, str], folder: Path, end: datetime) -> None:
    """With ``MONITOR_CAPTURE_TABLE`` (Vertex AI logs captures to BigQuery), page the rows of the
    last ``MONITOR_WINDOW_HOURS`` before ``end`` into the captures folder first (``bigquery``)."""
    table = env.get("MONITOR_CAPTURE_TABLE")
    if not table:
        return
    from mlopskit.monitor import bigquery

    text = env.get("MONITOR_WINDOW_HOURS", "")
    if not text.isdigit() or int(text) < 1:
        raise MonitorInputError("MONITOR_WINDOW_HOURS", f"must be a whole number of hours >= 1 with "
                                f"MONITOR_CAPTURE_TABLE (got {text!r})")
    project = env.get("MONITOR_GCP_PROJECT") or bigquery.parse_table(table).split(".", 1)[0]
    start = end - timedelta(hours=int(text))
    bigquery.stage(SESSIONS["bigquery"](), project, table, start, end, folder)


#: How the BigQuery session is made (tests replace it with a recorded one).
SESSIONS: dict[str, Callable[[], Any]] = {"bigquery": lambda: _bigquery_session()}


def _bigquery_session() -> Any:  # pragma: no cover - needs a Google identity
    from mlopskit.monitor import bigquery

    return bigquery.default_session()


def _as_dict(settings: Settings) -> dict[str, object]:
    from dataclasses import asdict

    values = asdict(settings)
    values["facets"] = [{"name": f.name, "value_or_threshold": f.value_or_threshold} for f in settings.facets]
    return values


def main(env: Mapping[str, str] | None = None) -> int:
    try:
        result = execute(os.environ if env is None else env)
    except MonitorInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"monitor: {result['rows']['captured']} rows, drift share {result['drift']['share']:.3f}, "
          f"{len(result['violations'])} violation(s)")
    return 0
