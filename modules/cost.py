"""Cost types shared by the providers' cost handlers and the estimator: no pricing here.

A provider maps each of its recorded resource types to cost components (``CostHandlers``);
the cloud-neutral estimator (``providers/costing.py``) prices them from the dated catalog and
the application renders the result. Rules: a usage-based quantity that is unknown is "depends
on usage", never $0; a price the catalog lacks is "price not found", never $0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Protocol, TypeVar, cast

from mlopskit.modules.batch import BatchJob
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.modules.topology import EndpointNode, Topology
from mlopskit.modules.training import TrainingJob

_T = TypeVar("_T")

HOURS_PER_MONTH = Decimal(730)
DAYS_PER_MONTH = Decimal("30.4167")  # 730 h / 24: the same month as the hourly components
CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """A decimal string with cents, as Infracost prints money."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def quantity(value: Decimal) -> str:
    """A decimal string without trailing zeros (``730``, ``4.3333``)."""
    text = f"{value.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class PriceKey:
    """What a cost component asks the catalog for."""

    cloud: str
    service: str
    sku: str
    region: str

    def __str__(self) -> str:
        return f"{self.cloud}/{self.service}/{self.sku}/{self.region}"


class UsageLookup(Protocol):
    """Monthly usage figures by dotted key; None = depends on usage (never 0)."""

    def get(self, key: str) -> Decimal | None: ...


BATCH_UNSCHEDULED = "batch.unscheduledRunsPerMonth"


@dataclass(frozen=True)
class CostComponent:
    """One priced line of a resource: stable name, plural unit, monthly quantity, price key.

    ``monthly_quantity`` None means "depends on usage". ``max_monthly_quantity`` is the quantity
    at maximum autoscaling (None: the same as the baseline). ``hourly`` marks time-based lines,
    which Infracost also shows per hour.
    """

    name: str
    unit: str
    monthly_quantity: Decimal | None
    price_key: PriceKey
    max_monthly_quantity: Decimal | None = None
    hourly: bool = False
    usage_key: str | None = None  # the usage_defaults.yaml key this quantity comes from
    #: a unit price the spec itself declares (a cluster's rate card): priced at it instead of the catalog's row
    declared_usd: Decimal | None = None


Handler = Callable[[RecordedResource, "CostContext"], list[CostComponent] | str]


@dataclass(frozen=True)
class CostContext:
    """What a provider's cost handlers may read besides the resource itself."""

    stack: Stack
    graph: Graph
    cloud: Cloud
    region: str
    backup_region: str | None
    usage: UsageLookup
    #: the target's typed index of the graph (``Provider.topology``): which spec entry built a resource
    topology: Topology | None = None
    # Derived tables handlers share, each built once per estimate (``memo``): a handler that
    # rebuilt one per resource would make the estimate quadratic in the size of the graph.
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key: str, build: Callable[[], _T]) -> _T:
        """``build()``, computed on the first call with ``key`` in this estimate and kept."""
        if key not in self._memo:
            self._memo[key] = build()
        return cast(_T, self._memo[key])

    def runs_per_month(self, cron: str | None, unscheduled: str = "training.unscheduledRunsPerMonth") -> Decimal | None:
        """Average firings per 730-hour month of a five-field cron; unscheduled: the usage default
        ``unscheduled`` (None when the user set it to null: the runs then "depend on usage", never 0)."""
        if cron is None:
            return self.usage.get(unscheduled)
        return cron_runs_per_month(cron)

    def training_of(self, resource: RecordedResource) -> TrainingJob | None:
        """The spec training job whose component built ``resource`` (None: not a training job's)."""
        node = self.topology.training_of(resource.urn) if self.topology is not None else None
        return self.stack.training[node.index] if node is not None else None

    def batch_of(self, resource: RecordedResource) -> BatchJob | None:
        """The spec batch job whose component built ``resource`` (None: not a batch job's)."""
        node = self.topology.batch_of(resource.urn) if self.topology is not None else None
        return self.stack.batch[node.index] if node is not None else None

    def endpoint_of(self, resource: RecordedResource) -> EndpointNode | None:
        """The topology node of the endpoint whose components built ``resource``."""
        return self.topology.endpoint_of(resource.urn) if self.topology is not None else None

    def training_job(self, name: str) -> TrainingJob | None:
        """The spec training job called ``name``."""
        return self.memo("training_jobs", lambda: {job.name: job for job in self.stack.training}).get(name)

    def batch_job(self, name: str) -> BatchJob | None:
        """The spec batch job called ``name`` (a cost handler finds it from what its resource records)."""
        return self.memo("batch_jobs", lambda: {job.name: job for job in self.stack.batch}).get(name)

    def batch_lines(self, job: BatchJob, what: str, instance: str, price: PriceKey) -> list[CostComponent]:
        """A batch job's instance-hours: instances x max runtime x runs per month (from its cron,
        else the usage default ``batch.unscheduledRunsPerMonth``)."""
        runs = self.runs_per_month(job.schedule, BATCH_UNSCHEDULED)
        hours = runs * job.compute.count * Decimal(job.max_runtime_minutes) / 60 if runs is not None else None
        return [CostComponent(f"Batch instance usage ({what}, {instance})", "hours", hours, price,
                              usage_key=None if job.schedule else BATCH_UNSCHEDULED)]


@lru_cache(maxsize=64)
def cron_runs_per_month(cron: str) -> Decimal:
    """Firings over the fixed year 2025, scaled to a 730-hour month, so results never depend on today."""
    from croniter import croniter

    start = datetime(2025, 1, 1, tzinfo=UTC)
    end = datetime(2026, 1, 1, tzinfo=UTC)
    runs = 0
    it = croniter(cron, start - timedelta(seconds=1))  # get_next skips the start itself
    while it.get_next(datetime) < end:
        runs += 1
    return Decimal(runs) * HOURS_PER_MONTH / Decimal(8760)


@dataclass(frozen=True)
class CostHandlers:
    """A cloud's cost mapping: every custom resource type it records is priced or free.

    ``components`` maps a type token to the handler returning its cost components (or a
    string: why this instance is free); ``free`` maps a type token to why it costs nothing.
    """

    components: Mapping[str, Handler] = field(default_factory=dict)
    free: Mapping[str, str] = field(default_factory=dict)
