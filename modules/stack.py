"""The whole stack: spec v1's root object."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from mlopskit.modules import code_tree, store_layout
from mlopskit.modules.access import Access, AccessRole
from mlopskit.modules.backup import Backups
from mlopskit.modules.base import SpecModel, field_error
from mlopskit.modules.batch import BatchJob
from mlopskit.modules.budget import Budget
from mlopskit.modules.compliance import Compliance
from mlopskit.modules.encryption import Encryption
from mlopskit.modules.endpoint import LATEST_APPROVED, Endpoint
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.experiments import Experiments
from mlopskit.modules.metadata import Metadata
from mlopskit.modules.naming import normalized_name
from mlopskit.modules.network import Network
from mlopskit.modules.placement import Cloud, Placement
from mlopskit.modules.registry import Registry
from mlopskit.modules.storage import Storage
from mlopskit.modules.training import TrainingJob
from mlopskit.modules.waivers import Waivers

MAX_COMPONENTS = 1000


class Stack(SpecModel):
    """A validated MLOps stack description. Missing sections get secure defaults."""

    api_version: Literal["mlopskit/v1"]
    kind: Literal["Stack"]
    metadata: Metadata
    compliance: Compliance = Field(default_factory=Compliance)
    budget: Budget | None = None
    placement: Placement
    network: Network = Field(default_factory=Network)
    encryption: Encryption = Field(default_factory=Encryption)
    storage: Storage = Field(default_factory=Storage)
    registry: Registry = Field(default_factory=Registry)
    # Bounded so a spec's size bounds the work done for it (the benchmark uses 1,000).
    training: list[TrainingJob] = Field(default_factory=list, max_length=MAX_COMPONENTS)
    endpoints: list[Endpoint] = Field(default_factory=list, max_length=MAX_COMPONENTS)
    batch: list[BatchJob] = Field(default_factory=list, max_length=MAX_COMPONENTS)
    backups: Backups | None = None
    experiments: Experiments | None = None
    access: Access = Field(default_factory=Access)
    waivers: Waivers = Field(default_factory=list)
    # Directory that relative paths in the spec (training[].code) start from: the spec
    # file's directory when loaded from a file (set by the loader), else the working one.
    _base_dir: Path | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _backups_on_in_prod(cls, data: Any) -> Any:
        # Backups default to on in prod: forgetting the section (or writing `backups:`
        # with no value, which YAML reads as null) must not leave prod without recovery.
        # Elsewhere an absent section means no backups.
        if isinstance(data, dict) and data.get("backups") is None:
            metadata = data.get("metadata")
            environment = metadata.get("environment") if isinstance(metadata, dict) else getattr(metadata, "environment", None)
            if environment == "prod":
                data = {**data, "backups": Backups()}
        return data

    @model_validator(mode="after")
    def _experiments_to_grant_on(self) -> Stack:
        # A grant on a backend that does not exist would be dropped on every cloud.
        if self.experiments is None:
            for i, role in enumerate(self.access.roles):
                for j, permission in enumerate(role.permissions):
                    if permission.startswith("experiments."):
                        raise field_error(f"access.roles[{i}].permissions[{j}]",
                                          "{permission} needs an experiments section to grant on", permission=permission)
        return self

    @model_validator(mode="after")
    def _unique_names(self) -> Stack:
        # Names are compared as the strictest cloud sees them: some resource names keep
        # only letters and digits (Azure storage-style names, compacted names), so
        # `ep-one` and `epone` would become one resource there.
        named: tuple[tuple[str, Sequence[TrainingJob | Endpoint | BatchJob | AccessRole]], ...] = (
            ("training", self.training), ("endpoints", self.endpoints), ("batch", self.batch),
            ("access.roles", self.access.roles),
        )
        for field, items in named:
            seen: dict[str, str] = {}
            for index, item in enumerate(items):
                key = normalized_name(item.name)
                if key in seen:
                    raise field_error(f"{field}[{index}].name", "duplicate name '{name}' (same as '{other}' once "
                                      "dashes are removed)" if seen[key] != item.name else "duplicate name '{name}'",
                                      name=item.name, other=seen[key])
                seen[key] = item.name
        return self

    @model_validator(mode="after")
    def _gates_against_served_models(self) -> Stack:
        for i, job in enumerate(self.training):
            against = job.evaluation.against if job.evaluation is not None else None
            if against is None:
                continue
            field = f"training[{i}].evaluation.against.endpoint"
            if against.index >= len(self.endpoints):
                raise field_error(field, "{ref} does not exist ({count} endpoints)", ref=against.endpoint,
                                  count=len(self.endpoints))
            model = self.endpoints[against.index].model
            if model.source != "registry":
                # An artifact model has no registry version to compare with or to replace.
                raise field_error(field, "{ref} serves an artifact, not a registry model", ref=against.endpoint)
            if job.registration is not None and model.package != job.registration.package:
                raise field_error(field, "{ref} serves package {package}, not {registered} (register.package)",
                                  ref=against.endpoint, package=model.package, registered=job.registration.package)
        return self

    @model_validator(mode="after")
    def _user_folders_clear_of_the_kits(self) -> Stack:
        # modules/store_layout.py: why a batch output or a ground-truth folder may not be one
        # of the kit's own folders (write access to code or models, labels graded on captures).
        endpoints, jobs = [e.name for e in self.endpoints], [job.name for job in self.training]
        for field, folder in self._user_folders():
            clash = store_layout.reserved_clash(folder, endpoints, jobs)
            if clash is not None:
                raise field_error(field, "{clash}: choose another folder", clash=clash)
        outputs = [(f"batch[{i}].output", job.output) for i, job in enumerate(self.batch)]
        for index, (field, folder) in enumerate(outputs):
            for other_field, other in outputs[:index]:
                if store_layout.overlaps(folder, other):
                    # Two jobs writing one folder overwrite each other's predictions.
                    raise field_error(field, "{folder} overlaps {other} ({other_field}): give each job its own folder",
                                      folder=folder, other=other, other_field=other_field)
        return self

    def _user_folders(self) -> list[tuple[str, str]]:
        folders = [(f"batch[{i}].output", job.output) for i, job in enumerate(self.batch)]
        for i, endpoint in enumerate(self.endpoints):
            monitoring = endpoint.monitoring
            for kind, spec in (("quality", monitoring.quality), ("bias", monitoring.bias)):
                if spec is not None:
                    folders.append((f"endpoints[{i}].monitoring.{kind}.groundTruth", spec.ground_truth))
        folders += [(f"training[{i}].evaluation.holdout", job.evaluation.holdout)
                    for i, job in enumerate(self.training) if job.evaluation is not None]
        return folders

    @property
    def name(self) -> str:
        """The stack's resource name prefix (``credit-risk-prod``)."""
        return self.metadata.prefix

    def with_base_dir(self, base_dir: Path) -> Stack:
        """This stack with relative spec paths resolved against ``base_dir``."""
        self._base_dir = base_dir.resolve()
        return self

    def code_dir(self, job: TrainingJob) -> Path | None:
        """The local directory ``job.code`` names, resolved against the spec's directory."""
        if job.code is None:
            return None
        return ((self._base_dir or Path.cwd()) / job.code).resolve()

    def code_issues(self) -> list[SpecIssue]:
        """Training code directories that do not exist, lack the entry point, leave the spec's
        tree, or hold what cannot be packaged safely (modules/code_tree.py)."""
        issues = []
        for index, job in enumerate(self.training):
            issues += self._job_code_issues(index, job)
        return issues

    def code_warnings(self) -> list[SpecIssue]:
        """Files the code directories package that look like credentials."""
        warnings = []
        for index, job in enumerate(self.training):
            directory = self.code_dir(job)
            if directory is not None and directory.is_dir():
                warnings += [SpecIssue(f"training[{index}].code", w) for w in code_tree.scan(directory).warnings]
        return warnings

    def _job_code_issues(self, index: int, job: TrainingJob) -> list[SpecIssue]:
        directory = self.code_dir(job)
        if directory is None:
            return []
        field = f"training[{index}].code"
        base = (self._base_dir or Path.cwd()).resolve()
        if not directory.is_relative_to(base):
            # `code: ./x` with `x -> /etc` would package all of /etc.
            return [SpecIssue(field, f"{job.code} resolves outside the spec file's directory (to {directory})")]
        if not directory.is_dir():
            return [SpecIssue(field, f"not a directory: {job.code} (relative to the spec file)")]
        if not (directory / job.entrypoint).resolve().is_relative_to(directory):
            return [SpecIssue(f"training[{index}].entrypoint", f"must be a file inside {job.code}")]
        if not (directory / job.entrypoint).is_file():
            return [SpecIssue(f"training[{index}].entrypoint", f"{job.entrypoint} not found in {job.code}")]
        tree = code_tree.scan(directory)
        shown = (job.code or "").rstrip("/")
        issues = [SpecIssue(field, f"{shown}/{problem}") for problem in tree.problems]
        if not any(f.name == job.entrypoint for f in tree.files) and not issues:
            issues.append(SpecIssue(f"training[{index}].entrypoint",
                                    f"{job.entrypoint} is left out by the ignore rules of {job.code}"))
        return issues

    @property
    def is_prod(self) -> bool:
        return self.metadata.environment == "prod"

    def registry_models(self) -> list[tuple[str, int | str]]:
        """(package, version) of every registry model the stack uses: endpoints', then batch jobs'."""
        models: list[tuple[str, int | str]] = [
            (e.model.package, e.model.version or LATEST_APPROVED) for e in self.endpoints
            if e.model.source == "registry" and e.model.package]
        return models + [(job.model.package, job.model.version or LATEST_APPROVED) for job in self.batch]

    def issues_for(self, cloud: Cloud) -> list[SpecIssue]:
        """Problems that only matter when building on ``cloud`` (beyond model validation)."""
        issues: list[SpecIssue] = []
        placement = self.placement.for_cloud(cloud)
        if placement is None:
            return [SpecIssue(f"placement.{cloud}", f"required to build on {cloud}")]
        if self.backups is not None and self.backups.cross_region and placement.backup_region is None:
            issues.append(SpecIssue(f"placement.{cloud}.{placement.backup_field}", "required when backups.crossRegion is true"))
        computed: tuple[tuple[str, Sequence[TrainingJob | Endpoint | BatchJob]], ...] = (
            ("training", self.training), ("endpoints", self.endpoints), ("batch", self.batch),
        )
        for kind, items in computed:
            for index, item in enumerate(items):
                if item.compute.instance_type_for(cloud) is None and not item.compute.generic:
                    issues.append(SpecIssue(
                        f"{kind}[{index}].compute.instanceType.{cloud}",
                        f"required to build on {cloud} (or give a generic cpu/memoryGiB size)",
                    ))
        return issues
