"""What the kit's monitor job of one endpoint needs, derived once from the spec for every target.

Each target schedules the same job (``mlopskit/monitor``, docs/monitoring.md) on its own job
service; this module says, without naming a cloud, what that job reads (captures, baseline,
labels), the settings it gets (``monitor.json``: the fields of ``mlopskit.monitor.settings``),
where it writes, how often it runs and which published metric each of the kit's alarms watches.
Metric names here are the monitor contract's (``mlopskit/monitor/contract.py`` ``METRICS``);
tests/monitor/test_schedule_contract.py holds both sides equal on every target.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mlopskit.modules.endpoint import DRIFT_THRESHOLDS, QUALITY_METRICS, Endpoint

#: Cron (UTC) of each schedule: hourly at minute 5 (a capture file of the previous hour is
#: closed by then), daily at 00:05.
CRON = {"hourly": "5 * * * *", "daily": "5 0 * * *"}
#: A run's time limit: within the hour an hourly job has (SageMaker monitoring allowed 1800 s for
#: hourly schedules; the kit keeps the same bound for its own hourly runs).
MAX_RUNTIME_S = {"hourly": 1800, "daily": 3600}
#: The job's size on every target: 4 vCPUs, 16 GiB, ml.m5.xlarge's (the type the SageMaker Model
#: Monitor examples use, with a processing price catalogued in every region). The job itself needs
#: far less: the benchmark's 10,000 x 20 window ran every family in 8.7 s on one core, 500 MiB peak
#: at any volume (bench/monitor_scale.py).
CPU, MEMORY_GIB = 4, 16
#: Quality metrics the job computes per problem type (every QUALITY_METRICS name of that type).
QUALITY_PROBLEM_METRICS = {problem: [m for m, (types, _) in QUALITY_METRICS.items() if problem in types]
                           for problem in ("binary-classification", "multiclass-classification", "regression")}
#: Runs of each schedule in a 730-hour month.
RUNS_PER_MONTH = {"hourly": Decimal(730), "daily": Decimal(730) / Decimal(24)}
#: The tag (label) a target puts on the job's scheduled resource: the sections it computes, so the
#: topology places it under each (``drift-quality``: a dash is valid in every cloud's labels).
SIGNALS_TAG = "mlopskit-monitors"


def signals_tag(endpoint: Endpoint) -> str:
    """The value of ``SIGNALS_TAG``: the computed sections joined by dashes."""
    return "-".join(endpoint.monitoring.sections)


def signals_of(value: object) -> list[str]:
    """The sections a ``SIGNALS_TAG`` value names."""
    return [part for part in str(value or "").split("-") if part]


@dataclass(frozen=True)
class MonitorAlarm:
    """One alarm of the kit's job: the monitor contract's metric, its threshold and direction."""

    metric: str
    threshold: float
    below: bool
    #: Dimensions beyond Stack and Endpoint whose values are data (a facet's value): the alarm
    #: takes the worst series of the metric rather than naming one.
    per_series: bool = False

    @property
    def slug(self) -> str:
        """A short name part: ``drift_share`` -> ``drift-share``, ``bias_DPPL`` -> ``bias-dppl``."""
        return self.metric.lower().replace("_", "-")


def schedule(endpoint: Endpoint) -> str:
    """The job's schedule: the most frequent of its sections' (one job computes them all)."""
    monitoring = endpoint.monitoring
    kinds = {getattr(monitoring, kind).schedule for kind in monitoring.sections}
    return "hourly" if "hourly" in kinds else "daily"


def report_prefix(endpoint: Endpoint) -> str:
    """The folder the job writes its reports to: the only one its identity may write."""
    return f"monitoring/{endpoint.name}/report/"


def config_key(endpoint: Endpoint) -> str:
    """Where the job's settings (``monitor.json``) are stored; the job reads this folder."""
    return f"monitoring/{endpoint.name}/config/monitor.json"


def baseline_prefix(endpoint: Endpoint) -> str:
    """The baseline folder: the drift section's, else bias's or explainability's, else a folder
    per endpoint (``monitoring/<endpoint>/baseline/``) the data scientist fills."""
    monitoring = endpoint.monitoring
    stated = [section.baseline for section in (monitoring.drift, monitoring.explainability, monitoring.bias)
              if section is not None and section.baseline]
    return stated[0] if stated else f"monitoring/{endpoint.name}/baseline/"


def labels_prefix(endpoint: Endpoint) -> str | None:
    """The ground-truth folder (quality and bias read the same one), or None."""
    monitoring = endpoint.monitoring
    for section in (monitoring.quality, monitoring.bias):
        if section is not None:
            return section.ground_truth
    return None


def reads(endpoint: Endpoint) -> list[str]:
    """The artifact-store folders the job reads besides the captures (baseline, labels, config)."""
    found = [baseline_prefix(endpoint), f"monitoring/{endpoint.name}/config/"]
    labels = labels_prefix(endpoint)
    if labels is not None:
        found.append(labels)
    return found


def settings(stack_name: str, endpoint: Endpoint) -> dict[str, Any]:
    """The job's ``monitor.json`` for ``endpoint``: the fields of ``mlopskit.monitor.settings.Settings``."""
    monitoring = endpoint.monitoring
    values: dict[str, Any] = {"stack": stack_name, "endpoint": endpoint.name}
    if monitoring.drift is not None:
        drift = monitoring.drift
        if drift.features:
            values["features"] = list(drift.features)
        values["categorical"] = list(drift.categorical)
        values["psi_threshold"] = drift.threshold("psi")
        values["drift_share_threshold"] = drift.threshold("driftShare")
    quality = monitoring.quality
    if quality is not None:
        values.update(problem_type=quality.problem_type, quality_thresholds=dict(sorted(quality.thresholds.items())),
                      label=quality.label, id_field=quality.id_field, label_delay_hours=quality.label_delay_hours)
    bias = monitoring.bias
    if bias is not None:
        values.setdefault("features", list(bias.features))
        values.update(label=bias.label, positive_label=bias.positive_label, id_field=bias.id_field,
                      label_delay_hours=bias.label_delay_hours, bias_thresholds=dict(sorted(bias.thresholds.items())),
                      facets=[{"name": f, "value_or_threshold": None} if isinstance(f, str)
                              else {"name": f.name, "value_or_threshold": f.value_or_threshold} for f in bias.facets])
    if monitoring.explainability is not None:
        values.setdefault("features", list(monitoring.explainability.features))
        values["attribution_threshold"] = monitoring.explainability.threshold
    return values


def alarms(endpoint: Endpoint) -> list[MonitorAlarm]:
    """The kit's alarms on the job's published metrics, in a stable order."""
    monitoring = endpoint.monitoring
    found: list[MonitorAlarm] = []
    if monitoring.drift is not None:
        for key, (metric, _) in DRIFT_THRESHOLDS.items():
            value = monitoring.drift.threshold(key)
            if key != "psi" and value is not None:
                found.append(MonitorAlarm(metric, value, below=False))
    if monitoring.quality is not None:
        found += [MonitorAlarm(f"quality_{m}", t, monitoring.quality.alarm_below(m))
                  for m, t in sorted(monitoring.quality.thresholds.items())]
    if monitoring.bias is not None:
        found += [MonitorAlarm(f"bias_{m}", t, monitoring.bias.alarm_below(m), per_series=True)
                  for m, t in sorted(monitoring.bias.thresholds.items())]
    if monitoring.explainability is not None:
        found.append(MonitorAlarm("attribution_ndcg", monitoring.explainability.threshold, below=True))
    return found


def series(endpoint: Endpoint) -> tuple[int, tuple[int, int | None], int]:
    """The metric series the job publishes, for pricing custom metrics (mlopskit/monitor/contract.py
    ``METRICS``): (series of fixed dimensions, (per-feature metrics, the feature count or None when
    the spec names no features), series per facet value (bias metrics x facets)).

    Every run publishes captured_rows; drift adds drift_share, the three worst-feature data-quality
    rates and a feature_psi per feature; quality adds labelled_rows and one series per problem
    metric; bias one per metric and facet value; explainability attribution_ndcg."""
    monitoring = endpoint.monitoring
    fixed, per_feature, per_value = 1, 0, 0
    if monitoring.drift is not None:
        fixed += 4
        per_feature = 1
    if monitoring.quality is not None:
        fixed += 1 + len(QUALITY_PROBLEM_METRICS[monitoring.quality.problem_type])
    if monitoring.bias is not None:
        per_value = len(monitoring.bias.thresholds) * len(monitoring.bias.facets)
    if monitoring.explainability is not None:
        fixed += 1
    named = settings("", endpoint).get("features")
    return fixed, (per_feature, len(named) if named else None), per_value
