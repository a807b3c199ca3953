"""The monitor job's published contract: what it reads, where it writes, what it publishes.

One module, so the pieces that plug in later (each target's schedule, the kit's alarms, the IAM
grants, the cost of custom metrics) read the same names the job writes. docs/monitoring.md
describes it for people; tests hold the publishers to it.

Entry point (``python -m mlopskit.monitor``), as a SageMaker Processing job, a Vertex AI custom
job or an Azure ML command job runs it:

- inputs are local folders (the job service copies the stack's storage there):
  ``{root}/input/captures`` (required), ``{root}/input/baseline`` (required: the stated baseline,
  or the previous window's captures), ``{root}/input/labels`` (optional ground truth) and
  ``{root}/input/config/monitor.json`` (the settings, see ``mlopskit.monitor.settings``);
- the report folder ``{root}/output/report`` receives ``report.json`` and ``report.html``;
- ``root`` is ``/opt/ml/processing`` (SageMaker Processing's own convention); on Vertex AI and
  Azure ML the scheduler passes ``MONITOR_ROOT`` pointing at the mounted folders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# ---------------------------------------------------------------- entry point contract
PROCESSING_ROOT = "/opt/ml/processing"
INPUT_CAPTURES = "input/captures"
INPUT_BASELINE = "input/baseline"
INPUT_LABELS = "input/labels"
INPUT_CONFIG = "input/config/monitor.json"
OUTPUT_REPORT = "output/report"
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"

#: Environment variables the entry point reads (each optional but MONITOR_TARGET, default none).
ENV = {
    "MONITOR_ROOT": "folder holding input/ and output/ (default /opt/ml/processing)",
    "MONITOR_TARGET": "publisher: aws | gcp | azure | none",
    "MONITOR_STACK": "the stack's name (dimension Stack)",
    "MONITOR_ENDPOINT": "the endpoint's name (dimension Endpoint); overrides monitor.json",
    "MONITOR_CAPTURE_FORMAT": "reader of the captures: sagemaker | vertex | azure | csv",
    "MONITOR_BASELINE_FORMAT": "reader of the baseline (default csv)",
    "MONITOR_WINDOW_END": "ISO 8601 end of the window (default: now); labels are awaited until it",
    "AWS_REGION": "CloudWatch region (set by SageMaker Processing)",
    "MONITOR_GCP_PROJECT": "project that receives the Cloud Monitoring time series (and runs the BigQuery query)",
    # Vertex AI logs captures to BigQuery, not files (mlopskit/monitor/bigquery.py): the job pages
    # the window's rows into MONITOR_CAPTURES before reading them as the vertex format.
    "MONITOR_CAPTURE_TABLE": "BigQuery table project.dataset.table of Vertex AI request-response logging",
    "MONITOR_WINDOW_HOURS": "with MONITOR_CAPTURE_TABLE: hours before the window end whose rows are read",
    "MONITOR_AZURE_RESOURCE_ID": "ARM id of the resource the custom metrics attach to (the workspace)",
    "MONITOR_AZURE_REGION": "region of that resource (the ingestion host is <region>.monitoring.azure.com)",
    # Where a job service mounts each folder itself (Vertex AI: Cloud Storage FUSE under /gcs/;
    # Azure ML: each input's mount path), each overrides its folder under MONITOR_ROOT.
    "MONITOR_CAPTURES": "folder of the captures (default {root}/input/captures)",
    "MONITOR_BASELINE": "folder of the baseline (default {root}/input/baseline)",
    "MONITOR_LABELS": "folder of the labels (default {root}/input/labels)",
    "MONITOR_CONFIG": "the settings file (default {root}/input/config/monitor.json)",
    "MONITOR_REPORT": "folder the reports are written to (default {root}/output/report)",
}

#: Each path variable -> the folder under the root it replaces.
PATH_OVERRIDES = {"MONITOR_CAPTURES": INPUT_CAPTURES, "MONITOR_BASELINE": INPUT_BASELINE,
                  "MONITOR_LABELS": INPUT_LABELS, "MONITOR_CONFIG": INPUT_CONFIG, "MONITOR_REPORT": OUTPUT_REPORT}


def job_path(env: Mapping[str, str], variable: str, root: str) -> str:
    """The folder ``variable`` names in ``env``, else its place under ``root``."""
    return env.get(variable) or f"{root.rstrip('/')}/{PATH_OVERRIDES[variable]}"

# ---------------------------------------------------------------- metric contract
#: The namespace every target publishes under; the job's identity may publish only here.
NAMESPACE = "mlopskit/monitor"
#: CloudWatch namespace (no "AWS/" prefix is allowed for custom metrics).
AWS_NAMESPACE = "MLOpsKit/Monitor"
#: Cloud Monitoring custom metric type prefix; a metric is ``{GCP_METRIC_PREFIX}/{name}``.
GCP_METRIC_PREFIX = "custom.googleapis.com/mlopskit/monitor"
#: Cloud Monitoring monitored resource the series attach to (only ``project_id`` label).
GCP_RESOURCE_TYPE = "global"

#: Every series carries these dimensions; some metrics add their own (below).
BASE_DIMENSIONS: tuple[str, ...] = ("Stack", "Endpoint")


@dataclass(frozen=True)
class MetricSpec:
    """One published metric: its stable name, extra dimensions, and which way is bad."""

    name: str
    description: str
    dimensions: tuple[str, ...] = ()
    #: True: the alarm fires when the value falls below its threshold (a score), else above it.
    alarm_below: bool = False


_QUALITY = ("accuracy", "precision", "recall", "f1", "auc", "mae", "rmse", "r2")
#: Names of the quality metrics per problem type: exactly the spec's ``QUALITY_METRICS`` names
#: (tests/monitor/test_contract.py holds them equal to modules/endpoint.py).
QUALITY_METRICS: dict[str, tuple[str, ...]] = {
    "binary-classification": ("accuracy", "precision", "recall", "f1", "auc"),
    "multiclass-classification": ("accuracy", "precision", "recall", "f1"),
    "regression": ("mae", "rmse", "r2"),
}
QUALITY_HIGHER_IS_BETTER = {"accuracy": True, "precision": True, "recall": True, "f1": True, "auc": True,
                            "mae": False, "rmse": False, "r2": True}
BIAS_METRICS: tuple[str, ...] = ("DPPL", "DI", "AD", "RD", "DAR", "DRR", "DCA", "DCR")

METRICS: dict[str, MetricSpec] = {
    spec.name: spec
    for spec in (
        MetricSpec("drift_share", "share of monitored features whose drift exceeds its threshold"),
        MetricSpec("feature_psi", "population stability index of one feature vs the baseline", ("Feature",)),
        # Data quality is published as the worst feature's rate (the report names it): a series per
        # feature and rate would triple the custom metrics a stack pays for, for dashboards only.
        MetricSpec("null_rate", "highest share of null values among the features"),
        MetricSpec("type_error_rate", "highest share of values of the wrong type among the features"),
        MetricSpec("out_of_range_rate", "highest share of values outside the baseline's range or categories"),
        MetricSpec("attribution_ndcg", "nDCG of the feature-importance ranking vs the baseline's", alarm_below=True),
        MetricSpec("captured_rows", "rows read in the window"),
        MetricSpec("labelled_rows", "rows joined to a label in the window"),
        *(MetricSpec(f"quality_{m}", f"model quality: {m}", alarm_below=QUALITY_HIGHER_IS_BETTER[m]) for m in _QUALITY),
        # DI is 1 at parity and alarms below its threshold; the differences alarm above theirs.
        *(MetricSpec(f"bias_{m}", f"post-training bias metric {m} of one facet value", ("Facet", "FacetValue"),
                     alarm_below=(m == "DI")) for m in BIAS_METRICS),
    )
}


def camel(name: str) -> str:
    """``drift_share`` -> ``DriftShare``; ``bias_DPPL`` -> ``BiasDPPL`` (CloudWatch's usual style)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def snake_label(dimension: str) -> str:
    """``FacetValue`` -> ``facet_value``: Cloud Monitoring label keys are lower snake case."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", dimension).lower()


def published_name(target: str, metric: str) -> str:
    """The name ``metric`` is published under on ``target`` (what an alarm must watch)."""
    if target == "aws":
        return camel(metric)
    if target == "gcp":
        return f"{GCP_METRIC_PREFIX}/{metric}"
    return metric


def published_namespace(target: str) -> str:
    """The namespace (or metric-type prefix) a target's alarms must watch."""
    return {"aws": AWS_NAMESPACE, "gcp": GCP_METRIC_PREFIX}.get(target, NAMESPACE)


def published_dimensions(target: str, metric: str) -> tuple[str, ...]:
    """Dimension names (label keys on GCP) a series of ``metric`` carries on ``target``."""
    names = BASE_DIMENSIONS + METRICS[metric].dimensions
    return tuple(snake_label(n) for n in names) if target == "gcp" else names


# ---------------------------------------------------------------- training gate contract
# ``python -m mlopskit.monitor.gate`` (mlopskit.monitor.gate): a pipeline's evaluation step.
# Every cloud's pipeline mounts the same folders under the root and reads the one file it writes;
# each target's condition step reads GATE_PASSED_PATH and the metric paths below, so a name
# changed here changes on both sides at once (tests/continuous/test_cross.py).
GATE_LABELS = "input/holdout"  # labels.csv of training[].evaluation.holdout: one label per row
GATE_CANDIDATE = "input/candidate"  # the candidate's predictions of features.csv, one per line
GATE_SERVING = "input/serving"  # the serving model's predictions of the same rows (optional)
GATE_TRAINING_DATA = "input/training-data"  # the folder the candidate trained on (lineage hash)
GATE_OUTPUT = "output/evaluation"
EVALUATION_JSON = "evaluation.json"
HOLDOUT_FEATURES = "features.csv"
HOLDOUT_LABELS = "labels.csv"
#: The gate's settings, one short variable each (SageMaker Processing caps a value at 256 characters).
GATE_ENV = {
    "GATE_ROOT": "folder holding input/ and output/ (default /opt/ml/processing)",
    "GATE_PROBLEM_TYPE": "binary-classification | multiclass-classification | regression",
    "GATE_MINIMUMS": "metric=value pairs separated by commas (auc=0.8,f1=0.5)",
    "GATE_MARGIN": "with a serving model: how much better the candidate must be on each metric",
    "GATE_POSITIVE": "the positive label of binary classification (default 1)",
    "GATE_THRESHOLD": "score at or above which a binary prediction is positive (default 0.5)",
}
#: 1 when every check passed, else 0: a number, which every target's condition compares.
GATE_PASSED_PATH = "gate.passed"


def gate_metric_path(model: str, metric: str) -> str:
    """Where ``metric`` of ``model`` (candidate | serving) sits in the evaluation file (a JSONPath)."""
    return f"metrics.{model}.{metric}"


#: The lineage the evaluation file records for the registered version.
GATE_DATA_MANIFEST_PATH = "lineage.data_manifest_sha256"
