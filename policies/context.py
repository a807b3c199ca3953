"""What a rule may know besides the facts: the stack's environment and the preset's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Settings:
    """Thresholds a preset sets (the strictest preset wins when several apply)."""

    residency: frozenset[str] = frozenset()   # allowed jurisdictions (eu, br); empty: no restriction
    allowed_regions: tuple[str, ...] = ()     # compliance.allowedRegions: overrides residency
    max_key_rotation_days: int = 365
    min_audit_retention_days: int = 90
    min_backup_retention_days: int = 7
    min_storage_retention_days: int = 7
    max_sampling_percent: float = 100.0
    capture_forbidden_classifications: frozenset[str] = frozenset({"restricted"})
    cross_region_backup: bool = False         # required by the preset even if the spec does not ask
    max_vcpu: dict[str, int] = field(default_factory=lambda: {"dev": 16, "staging": 32, "prod": 96})
    max_gpus: dict[str, int] = field(default_factory=lambda: {"dev": 1, "staging": 4, "prod": 16})
    max_endpoint_instances: dict[str, int] = field(default_factory=lambda: {"dev": 2, "staging": 10, "prod": 20})
    allowed_instance_types: dict[str, tuple[str, ...]] = field(default_factory=dict)  # env -> explicit allowlist


@dataclass(frozen=True)
class PolicyContext:
    """The stack-level facts a rule may read (from the validated spec, cloud-neutral)."""

    cloud: str
    environment: str
    classification: str
    frameworks: tuple[str, ...]
    settings: Settings
    backups_requested: bool = False
    cross_region_requested: bool = False
    # What the spec's backups select (None: not known to the caller); an empty selection
    # creates a vault and a plan that protect nothing.
    backup_targets: tuple[str, ...] | None = None
    budget_limit_usd: float | None = None
    access_roles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role name, permissions)
    known_instance_types: frozenset[str] | None = None  # the dated catalog's types for this cloud
    instance_vcpus: dict[str, int] = field(default_factory=dict)
    # From the offline cost estimator (mlopskit.cost), when the spec has a budget.
    estimated_monthly_usd: Decimal | None = None
    unpriced_components: int = 0

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"
