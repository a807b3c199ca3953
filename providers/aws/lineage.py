"""The lineage a continuous-training pipeline registers a model package with, and reading it back.

Kept apart from providers/aws/continuous.py (which needs Pulumi) so the day-2 backend reads a
version's lineage without loading it.
"""

from __future__ import annotations

from typing import Any

from mlopskit.modules.day2.backend import VersionLineage

#: Model package metadata keys (CustomerMetadataProperties) the pipeline writes and `status` reads.
META_GATE = "mlopskit.gate"
META_CODE = "mlopskit.code-sha256"
META_DATA = "mlopskit.data-manifest-sha256"
META_JOB = "mlopskit.training-job"
META_METRIC = "mlopskit.metric."
META_HYPERPARAMETER = "mlopskit.hp."


def lineage_of(arn: str, described: dict[str, Any]) -> VersionLineage:
    """A model package's lineage from the metadata the continuous-training pipeline registers it
    with (providers/aws/py); a version registered otherwise has none."""
    meta: dict[str, str] = described.get("CustomerMetadataProperties") or {}
    pick = lambda prefix: {k.removeprefix(prefix): v for k, v in sorted(meta.items()) if k.startswith(prefix)}  # noqa: E731
    metrics = pick(META_METRIC)
    return VersionLineage(reference=arn, gate=meta.get(META_GATE, "none"),
                          code_sha256=meta.get(META_CODE, ""),
                          data_manifest_sha256=meta.get(META_DATA, ""),
                          training_job=meta.get(META_JOB, ""),
                          hyperparameters=pick(META_HYPERPARAMETER), metrics=metrics)
