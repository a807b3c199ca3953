"""Batch inference: a registry model scoring files of the stack's artifact store, on a schedule.

A batch job reads every file under ``input`` and writes its predictions under ``output``,
both prefixes of the stack's own artifact store (bucket / storage account), on the
instances of ``compute``. Its output is encrypted with the stack's key and its instances
run in the stack's private network whenever the stack has them (``encryption``,
``network``): there is nothing to choose per job, so there is no field for it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from mlopskit.modules.base import NAME_PATTERN, SpecModel, StorePrefix, field_error
from mlopskit.modules.compute import Compute
from mlopskit.modules.cron import Cron
from mlopskit.modules.endpoint import ModelVersion

PACKAGE_PATTERN = r"^[a-z][a-z0-9-]{1,62}$"


class BatchModel(SpecModel):
    """A version of a registry package, as for endpoints (``latest-approved`` by default)."""

    package: Annotated[str, StringConstraints(pattern=PACKAGE_PATTERN)]
    version: ModelVersion = "latest-approved"


class BatchCompute(Compute):
    """Batch compute adds the number of instances a run spreads its files over."""

    count: int = Field(default=1, ge=1, le=100)


class BatchJob(SpecModel):
    """One batch inference job: model, where it reads and writes, compute, limits, schedule."""

    name: Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
    model: BatchModel
    input: StorePrefix
    # How the files under input are read: one record per line (csv, jsonl) or columnar
    # (parquet). csv by default: every cloud's batch deployment reads it.
    format: Literal["csv", "jsonl", "parquet"] = "csv"
    output: StorePrefix
    compute: BatchCompute
    # Hard stop for one run where the cloud has one; the estimate prices this many
    # instance-hours per run (the worst case).
    max_runtime_minutes: int = Field(default=60, ge=1, le=4320)
    schedule: Cron | None = None

    @model_validator(mode="after")
    def _separate(self) -> BatchJob:
        # Predictions written under the input would be read back as input by the next run.
        if self.output.startswith(self.input) or self.input.startswith(self.output):
            raise field_error("output", "must not overlap input ({output} and {input})", output=self.output, input=self.input)
        return self
