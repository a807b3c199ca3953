"""The training gate: a candidate model's quality on a hold-out set, held to the spec's minimums
and, optionally, compared with the model serving the endpoint on the same rows.

The metrics are the monitor's own (``mlopskit.monitor.quality``): a metric means the same at the
gate and in production. The result is one JSON file (``contract.EVALUATION_JSON``) whose paths
each target's condition step reads (``contract.GATE_PASSED_PATH``, ``contract.gate_metric_path``).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mlopskit.monitor import contract
from mlopskit.monitor.errors import MonitorInputError
from mlopskit.monitor.quality import Quality, auc


@dataclass(frozen=True)
class GateSettings:
    """What the spec's ``training[].evaluation`` asks (passed to the job as ``GATE_*`` variables)."""

    problem_type: str
    minimums: dict[str, float]
    margin: float | None = None  # None: no serving model to beat
    positive: Any = 1
    threshold: float = 0.5

    def __post_init__(self) -> None:
        if self.problem_type not in contract.QUALITY_METRICS:
            raise MonitorInputError("GATE_PROBLEM_TYPE", f"unknown problem type {self.problem_type!r}")
        unknown = sorted(set(self.minimums) - set(contract.QUALITY_METRICS[self.problem_type]))
        if unknown:
            raise MonitorInputError("GATE_MINIMUMS", f"not metrics of {self.problem_type}: {', '.join(unknown)}")
        if not self.minimums:
            raise MonitorInputError("GATE_MINIMUMS", "no metric to gate on")


@dataclass(frozen=True)
class Check:
    """One comparison of the gate: ``value`` against ``bound``; ``kind`` minimum or serving."""

    metric: str
    kind: str
    value: float | None
    bound: float | None
    passed: bool


@dataclass
class Evaluation:
    metrics: dict[str, dict[str, float | None]]
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


def metrics_of(settings: GateSettings, labels: pd.Series, predictions: pd.Series) -> dict[str, float | None]:
    """Every quality metric of the problem type, by the monitor's own functions."""
    quality = Quality(settings.problem_type, positive=settings.positive, threshold=settings.threshold)
    quality.update(labels, predictions)
    score = auc(labels, predictions, settings.positive)[0] if settings.problem_type == "binary-classification" else None
    return quality.metrics(score)


def _better(metric: str, value: float | None, bound: float | None) -> bool:
    """``value`` at least ``bound`` for a score, at most it for an error; an undefined value fails."""
    if value is None or bound is None or math.isnan(value):
        return False
    return value >= bound if contract.QUALITY_HIGHER_IS_BETTER[metric] else value <= bound


def evaluate(settings: GateSettings, labels: pd.Series, candidate: pd.Series,
             serving: pd.Series | None = None) -> Evaluation:
    """The gate's verdict: each gated metric against its minimum and, with ``serving``, against
    the serving model's value moved by the margin in the metric's better direction."""
    for name, series in (("candidate", candidate), ("serving", serving)):
        if series is not None and len(series) != len(labels):
            raise MonitorInputError(name, f"{len(series)} predictions for {len(labels)} labelled rows")
    result = Evaluation({"candidate": metrics_of(settings, labels, candidate)})
    if serving is not None:
        result.metrics["serving"] = metrics_of(settings, labels, serving)
    for metric, minimum in settings.minimums.items():
        value = result.metrics["candidate"][metric]
        result.checks.append(Check(metric, "minimum", value, minimum, _better(metric, value, minimum)))
        if serving is not None and settings.margin is not None:
            theirs = result.metrics["serving"][metric]
            sign = 1 if contract.QUALITY_HIGHER_IS_BETTER[metric] else -1
            bound = None if theirs is None else theirs + sign * settings.margin
            result.checks.append(Check(metric, "serving", value, bound, _better(metric, value, bound)))
    return result


def manifest_sha256(folder: Path | None) -> str | None:
    """A hash of what a folder holds: each file's relative path, size and SHA-256, sorted."""
    if folder is None or not folder.is_dir():
        return None
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{path.relative_to(folder).as_posix()}\t{path.stat().st_size}\t{digest}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def document(result: Evaluation, settings: GateSettings, data_manifest: str | None) -> dict[str, Any]:
    """The evaluation file: the paths ``contract`` names hold the verdict and the metrics."""
    return {
        "gate": {"passed": 1 if result.passed else 0, "problem_type": settings.problem_type},
        "metrics": result.metrics,
        "checks": [check.__dict__ for check in result.checks],
        "lineage": {"data_manifest_sha256": data_manifest},
    }


def write(doc: dict[str, Any], root: Path) -> Path:
    out = root / contract.GATE_OUTPUT / contract.EVALUATION_JSON
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2, sort_keys=True, allow_nan=False))
    return out
