"""The small interface each cloud implements for the day-2 commands, and what it returns."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from mlopskit.modules.batch import BatchJob
from mlopskit.modules.day2.calls import Gateway
from mlopskit.modules.endpoint import Endpoint
from mlopskit.modules.training import TrainingJob

TrainingState = Literal["running", "succeeded", "failed"]


def credentials_configured(env: Sequence[str], files: Sequence[str | Path]) -> bool:
    """True when one of the environment variables is set or one of the files exists: how
    each cloud's SDK finds credentials, checked without a network call. (A VM's metadata
    identity cannot be seen offline: there a dry run plans offline, a real run still works.)"""
    return any(os.environ.get(name) for name in env) or any(Path(f).expanduser().is_file() for f in files)


@dataclass(frozen=True)
class TrainingStatus:
    """Where a submitted training run is; ``detail`` is the cloud's own status text."""

    state: TrainingState
    detail: str


@dataclass(frozen=True)
class LiveVariant:
    """One model version serving (or shadowing) on an endpoint, as the cloud reports it."""

    name: str
    model: str  # the cloud's model / version reference
    weight_percent: float  # share of live traffic (0 for a shadow)
    instances: int | None  # None: the cloud did not say
    shadow: bool = False
    mirror_percent: float | None = None  # share of traffic copied to a shadow


@dataclass(frozen=True)
class LiveEndpoint:
    """The live state of one endpoint, normalised; None fields are UNKNOWN, never a pass."""

    name: str
    variants: tuple[LiveVariant, ...]
    min_instances: int | None
    max_instances: int | None
    capture_enabled: bool | None
    capture_percent: float | None
    instance_counts: bool = True  # False: the cloud reports no per-variant count (Vertex replicas)

    def variant(self, name: str) -> LiveVariant | None:
        return next((v for v in self.variants if v.name == name), None)


@dataclass(frozen=True)
class Rollout:
    """A rollout in progress: the slot that served before and the candidate's slot."""

    endpoint: str  # the cloud's endpoint name
    live: str  # slot/variant/deployment that keeps serving until the end
    candidate: str
    live_instances: int
    previous_config: str = ""  # what restores the pre-rollout endpoint (AWS: endpoint config name)
    new_config: str = ""  # native rollouts: what the cloud is moving the endpoint to


@dataclass(frozen=True)
class VersionLineage:
    """What produced a registered model version, as its registry record says (issue 31): the
    training gate's verdict (passed, failed, or none when no gate ran), the code archive and
    data manifest hashes, the hyperparameters and the gated metrics. Empty fields: not recorded."""

    reference: str  # the cloud's id of the version
    gate: str = "none"
    code_sha256: str = ""
    data_manifest_sha256: str = ""
    training_job: str = ""
    hyperparameters: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, str] = field(default_factory=dict)
    variant: str = ""  # with `status`: the endpoint slot serving it


NativeState = Literal["completed", "rolled-back", "failed"]


@dataclass(frozen=True)
class NativeOutcome:
    """How the cloud's own guarded deployment ended: ``rolled-back`` when its guardrails
    (an alarm) undid it, ``failed`` when it failed otherwise or could not roll back."""

    state: NativeState
    serving: str  # what serves now (AWS: the endpoint config name)
    status: str  # the cloud's own status text
    reason: str = ""  # the cloud's failure reason: names the alarm that tripped


class OpsBackend(ABC):
    """One cloud's SDK calls for the day-2 commands. Every call goes through ``gateway``."""

    cloud: str
    # Strategies the cloud's own deployment guardrails run (it shifts the traffic and
    # rolls back on the alarms); `run_rollout` hands these to `start_native_rollout`
    # unless asked for the kit's own steps. Empty: every strategy is stepwise.
    native_strategies: frozenset[str] = frozenset()

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def missing_credentials(self) -> str | None:
        """One line naming the credentials this cloud's SDK would not find and how to
        provide them, or None when some are configured (or the SDK is a test double).

        Checked from the environment and config files only, never over the network: a
        dry run without credentials prints its plan offline instead of calling anything.
        """
        return None

    # -- training --------------------------------------------------------------------
    @abstractmethod
    def submit_training(self, job: TrainingJob, run_name: str) -> str:
        """Submit one run of the spec's training job; returns the run's id."""

    @abstractmethod
    def training_status(self, run_id: str) -> TrainingStatus: ...

    # -- batch inference -------------------------------------------------------------
    @abstractmethod
    def start_batch(self, job: BatchJob, run_name: str) -> str:
        """Start one run of the spec's batch job now, as its schedule would; returns the run's id."""

    # -- endpoints -------------------------------------------------------------------
    @abstractmethod
    def live_endpoint(self, endpoint: Endpoint) -> LiveEndpoint: ...

    @abstractmethod
    def start_rollout(self, endpoint: Endpoint, version: str, mirror_percent: int | None) -> Rollout:
        """Deploy ``version`` beside the live one with no live traffic (mirroring when
        ``mirror_percent`` is given: shadow)."""

    @abstractmethod
    def shift_traffic(self, rollout: Rollout, candidate_percent: int) -> None:
        """Give the candidate ``candidate_percent`` of live traffic, the live slot the rest."""

    @abstractmethod
    def firing_alarms(self, endpoint: Endpoint) -> list[str]:
        """Names of the endpoint's alarms currently firing."""

    @abstractmethod
    def complete_rollout(self, rollout: Rollout) -> None:
        """The candidate serves everything; the old version is kept as the rollback target."""

    @abstractmethod
    def abort_rollout(self, rollout: Rollout) -> None:
        """The live slot takes 100% again and the candidate is removed."""

    def start_native_rollout(self, endpoint: Endpoint, version: str) -> Rollout:
        """Hand ``version`` to the cloud's deployment guardrails with the spec's strategy
        and alarms; returns at once (``Rollout.new_config`` is the target)."""
        raise NotImplementedError(f"{self.cloud}: no native rollout")

    def wait_native_rollout(self, rollout: Rollout) -> NativeOutcome:
        """Follow a native rollout until the cloud has finished or undone it."""
        raise NotImplementedError(f"{self.cloud}: no native rollout")

    @abstractmethod
    def rollback(self, endpoint: Endpoint) -> str:
        """Restore the previous version's full traffic; returns what now serves."""

    # -- registry and backups -------------------------------------------------------------
    @abstractmethod
    def promote(self, package: str, version: str) -> str:
        """Mark a model version approved in the registry; returns its reference."""

    def lineage(self, package: str, version: str) -> VersionLineage | None:
        """The lineage a version was registered with; None where the cloud's backend records none."""
        return None

    def served_lineage(self, endpoint: Endpoint) -> list[VersionLineage]:
        """The lineage of each registry version the endpoint serves (empty where none is recorded)."""
        return []

    @abstractmethod
    def restore_latest_backup(self) -> tuple[str, dict[str, str], dict[str, str]]:
        """Restore the newest artifacts backup into a scratch location.

        Returns (description of what was restored, source checksums, restored checksums),
        checksums keyed by object path relative to the bucket/container.
        """
