"""Offline cost estimate of a recorded graph, priced from the dated catalog in providers/catalog/prices.

Cloud-neutral: each provider's ``providers.<cloud>.cost`` maps its recorded resource types to
cost components (``COMPONENTS``) or says why a type is free (``FREE``). This module prices the
components, sums them and renders a table or Infracost's JSON shape. Rules (STYLE.md):
a usage-based quantity that is unknown is "depends on usage", never $0; a price the catalog
lacks is "price not found": left out of the total and listed in ``CostEstimate.unpriced``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Literal, Mapping, Union

import yaml

from mlopskit.graph import Graph, RecordedResource
from modules.errors import SpecError, SpecIssue
from modules.stack import Stack
from providers.catalog.prices import PriceKey, PriceRow, catalog_date, lookup

HOURS_PER_MONTH = Decimal(730)
DAYS_PER_MONTH = Decimal("30.4167")  # 730 h / 24: the same month as the hourly components
USAGE_DEFAULTS = Path(__file__).resolve().parent.parent / "providers" / "catalog" / "usage_defaults.yaml"
CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """A decimal string with cents, as Infracost prints money."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def quantity(value: Decimal) -> str:
    """A decimal string without trailing zeros (``730``, ``4.3333``)."""
    text = f"{value.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------- usage


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    return _flatten(yaml.safe_load(USAGE_DEFAULTS.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Usage:
    """Monthly usage figures (dotted keys as in usage_defaults.yaml); None = depends on usage."""

    values: Mapping[str, Decimal | None]

    @classmethod
    def defaults(cls) -> "Usage":
        return cls.from_mapping({})

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any]) -> "Usage":
        """Defaults overridden by ``overrides`` (nested like the defaults file); unknown keys are errors."""
        flat = _flatten(overrides)
        unknown = sorted(set(flat) - set(_defaults()))
        issues = [SpecIssue(f"usage.{k}", "unknown usage key (see providers/catalog/usage_defaults.yaml)") for k in unknown]
        merged: dict[str, Decimal | None] = {}
        for key, value in {**_defaults(), **flat}.items():
            if value is None:
                merged[key] = None
            elif isinstance(value, bool) or not isinstance(value, (int, float, str)):
                issues.append(SpecIssue(f"usage.{key}", f"must be a number or null, got {value!r}"))
            else:
                try:
                    number = Decimal(str(value))
                except ArithmeticError:
                    issues.append(SpecIssue(f"usage.{key}", f"must be a number or null, got {value!r}"))
                    continue
                if number < 0:
                    issues.append(SpecIssue(f"usage.{key}", f"must not be negative, got {value!r}"))
                merged[key] = number
        if issues:
            raise SpecError(issues)
        return cls(merged)

    @classmethod
    def load(cls, path: str | Path | None) -> "Usage":
        """Defaults, overridden by the YAML file at ``path`` when given."""
        if path is None:
            return cls.defaults()
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except OSError as error:
            raise SpecError([SpecIssue("usage", f"cannot read {path}: {error.strerror}")]) from None
        except yaml.YAMLError as error:
            raise SpecError([SpecIssue("usage", f"{path} is not valid YAML: {error}")]) from None
        if not isinstance(data, Mapping):
            raise SpecError([SpecIssue("usage", f"{path} must hold a mapping of usage keys")])
        return cls.from_mapping(data)

    def get(self, key: str) -> Decimal | None:
        if key not in self.values:
            raise KeyError(f"usage key {key!r} is not in usage_defaults.yaml")
        return self.values[key]


# ---------------------------------------------------------------- components


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


Handler = Callable[[RecordedResource, "CostContext"], Union[list[CostComponent], str]]


@dataclass(frozen=True)
class CostContext:
    """What a provider's cost handlers may read besides the resource itself."""

    stack: Stack
    graph: Graph
    cloud: str
    region: str
    backup_region: str | None
    usage: Usage

    def runs_per_month(self, cron: str | None) -> Decimal | None:
        """Average firings per 730-hour month of a five-field cron; unscheduled: the usage default
        (None when the user set it to null: the runs then "depend on usage", never 0)."""
        if cron is None:
            return self.usage.get("training.unscheduledRunsPerMonth")
        return cron_runs_per_month(cron)


@lru_cache(maxsize=64)
def cron_runs_per_month(cron: str) -> Decimal:
    """Firings over the fixed year 2025, scaled to a 730-hour month, so results never depend on today."""
    from croniter import croniter

    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    end = datetime(2026, 1, 1, tzinfo=timezone.utc)
    runs = 0
    it = croniter(cron, start - timedelta(seconds=1))  # get_next skips the start itself
    while it.get_next(datetime) < end:
        runs += 1
    return Decimal(runs) * HOURS_PER_MONTH / Decimal(8760)


Status = Literal["priced", "usage", "price-not-found"]


@dataclass(frozen=True)
class PricedComponent:
    """A component with its catalog row: cost, or why there is none."""

    component: CostComponent
    row: PriceRow | None

    @property
    def status(self) -> Status:
        if self.row is None:
            return "price-not-found"
        if self.component.monthly_quantity is None:
            return "usage"
        return "priced"

    @property
    def price(self) -> Decimal | None:
        return self.row.usd if self.row else None

    @property
    def monthly_cost(self) -> Decimal | None:
        if self.row is None or self.component.monthly_quantity is None:
            return None
        return self.component.monthly_quantity * self.row.usd

    @property
    def max_monthly_cost(self) -> Decimal | None:
        if self.row is None or self.component.monthly_quantity is None:
            return None
        top = self.component.max_monthly_quantity
        return (top if top is not None else self.component.monthly_quantity) * self.row.usd


@dataclass(frozen=True)
class ResourceCost:
    """The cost of one recorded resource."""

    urn: str
    name: str
    type: str
    components: tuple[PricedComponent, ...]
    free_reason: str | None = None

    @property
    def monthly(self) -> Decimal:
        return sum((c.monthly_cost for c in self.components if c.monthly_cost is not None), Decimal(0))

    @property
    def max_monthly(self) -> Decimal:
        return sum((c.max_monthly_cost for c in self.components if c.max_monthly_cost is not None), Decimal(0))

    def component(self, name: str) -> PricedComponent:
        """The component called ``name`` (KeyError when absent)."""
        for item in self.components:
            if item.component.name == name:
                return item
        raise KeyError(f"{self.name} has no component {name!r}")


@dataclass(frozen=True)
class CostEstimate:
    """A stack's monthly estimate on one cloud."""

    cloud: str
    stack: str
    region: str
    resources: tuple[ResourceCost, ...]
    unsupported: tuple[str, ...]  # resource types no cost module knows: shown, never silently free
    catalog_date: str
    budget_usd: Decimal | None = None

    @property
    def total_monthly(self) -> Decimal:
        return sum((r.monthly for r in self.resources), Decimal(0))

    @property
    def max_monthly(self) -> Decimal:
        return sum((r.max_monthly for r in self.resources), Decimal(0))

    @property
    def unpriced(self) -> list[str]:
        """``resource name: component name (price not found: cloud/service/sku/region)`` lines."""
        return [
            f"{r.name}: {c.component.name} (price not found: {c.component.price_key})"
            for r in self.resources
            for c in r.components
            if c.status == "price-not-found"
        ]

    @property
    def usage_based(self) -> list[str]:
        return [f"{r.name}: {c.component.name}" for r in self.resources for c in r.components if c.status == "usage"]

    @property
    def over_budget(self) -> bool:
        return self.budget_usd is not None and self.total_monthly > self.budget_usd

    def resource(self, name: str) -> ResourceCost:
        """The priced resource with logical name ``name`` (KeyError when absent)."""
        for item in self.resources:
            if item.name == name:
                return item
        raise KeyError(name)


def cost_module(cloud: str) -> ModuleType:
    """``providers.<cloud>.cost``: its COMPONENTS handlers and FREE reasons."""
    return import_module(f"providers.{cloud}.cost")


def _context(graph: Graph, stack: Stack, usage: Usage) -> CostContext:
    cloud = graph.provider
    placement = stack.placement.for_cloud(cloud)  # type: ignore[arg-type]
    if placement is None:
        raise SpecError([SpecIssue(f"placement.{cloud}", "required to estimate this cloud")])
    return CostContext(stack, graph, cloud, placement.primary_region, placement.backup_region, usage)


def estimate(graph: Graph, stack: Stack, usage: Usage | None = None) -> CostEstimate:
    """Price every resource of ``graph`` (a preview of ``stack``) from the offline catalog."""
    usage = usage or Usage.defaults()
    ctx = _context(graph, stack, usage)
    module = cost_module(ctx.cloud)
    handlers: Mapping[str, Handler] = module.COMPONENTS
    free: Mapping[str, str] = module.FREE
    resources: list[ResourceCost] = []
    unsupported: set[str] = set()
    for resource in graph.resources:
        handler = handlers.get(resource.type)
        if handler is None:
            if resource.type in free:
                resources.append(ResourceCost(resource.urn, resource.name, resource.type, (), free[resource.type]))
            elif resource.custom and not resource.type.startswith("pulumi:providers:"):
                unsupported.add(resource.type)
            continue  # component resources and provider instances are never billed themselves
        result = handler(resource, ctx)
        if isinstance(result, str):
            resources.append(ResourceCost(resource.urn, resource.name, resource.type, (), result))
            continue
        priced = tuple(PricedComponent(c, lookup(c.price_key)) for c in result)
        resources.append(ResourceCost(resource.urn, resource.name, resource.type, priced))
    budget = Decimal(str(stack.budget.monthly_limit_usd)) if stack.budget else None
    return CostEstimate(ctx.cloud, graph.stack, ctx.region, tuple(resources), tuple(sorted(unsupported)),
                        catalog_date(), budget)


# ---------------------------------------------------------------- renderers


def _component_json(item: PricedComponent) -> dict[str, Any]:
    c = item.component
    monthly = c.monthly_quantity
    hourly_q = quantity(monthly / HOURS_PER_MONTH) if (c.hourly and monthly is not None) else None
    cost = item.monthly_cost
    return {
        "name": c.name,
        "unit": c.unit,
        "hourlyQuantity": hourly_q,
        "monthlyQuantity": quantity(monthly) if monthly is not None else None,
        "price": str(item.price) if item.price is not None else None,
        "hourlyCost": money(cost / HOURS_PER_MONTH) if (cost is not None and c.hourly) else None,
        "monthlyCost": money(cost) if cost is not None else None,
    }


def _resource_json(resource: ResourceCost) -> dict[str, Any]:
    metadata: dict[str, Any] = {"type": resource.type, "urn": resource.urn}
    if resource.free_reason:
        metadata["free"] = resource.free_reason
    unpriced = [f"{c.component.name} ({c.component.price_key})" for c in resource.components if c.status == "price-not-found"]
    if unpriced:
        metadata["priceNotFound"] = unpriced
    if resource.max_monthly != resource.monthly:
        metadata["maxMonthlyCost"] = money(resource.max_monthly)
    estimates = sorted({c.row.source for c in resource.components if c.row is not None and c.row.estimate})
    if estimates:
        metadata["estimatedPrices"] = True
    return {
        "name": resource.name,
        "metadata": metadata,
        "hourlyCost": money(resource.monthly / HOURS_PER_MONTH),
        "monthlyCost": money(resource.monthly),
        "costComponents": [_component_json(c) for c in resource.components],
    }


def _breakdown(resources: list[dict[str, Any]], total: Decimal) -> dict[str, Any]:
    return {"resources": resources, "totalHourlyCost": money(total / HOURS_PER_MONTH), "totalMonthlyCost": money(total)}


def _summary(estimates: list[CostEstimate]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    unsupported: dict[str, int] = {}
    no_price: dict[str, int] = {}
    usage_based = 0
    for est in estimates:
        for r in est.resources:
            counts[r.type] = counts.get(r.type, 0) + 1
            if any(c.status == "usage" for c in r.components):
                usage_based += 1
            if any(c.status == "price-not-found" for c in r.components):
                no_price[r.type] = no_price.get(r.type, 0) + 1
        for t in est.unsupported:
            unsupported[t] = unsupported.get(t, 0) + 1
    return {
        "totalResources": sum(counts.values()),
        "totalSupportedResources": sum(counts.values()),
        "totalUnsupportedResources": sum(unsupported.values()),
        "totalUsageBasedResources": usage_based,
        "totalNoPriceResources": sum(no_price.values()),
        "supportedResourceCounts": dict(sorted(counts.items())),
        "unsupportedResourceCounts": dict(sorted(unsupported.items())),
        "noPriceResourceCounts": dict(sorted(no_price.items())),
    }


def infracost_json(estimates: list[CostEstimate], spec_path: str, generated: datetime | None = None) -> dict[str, Any]:
    """Infracost's output shape (schema/infracost.schema.json): one project per cloud."""
    generated = generated or datetime.now(timezone.utc).replace(microsecond=0)
    projects = []
    for est in estimates:
        resources = [_resource_json(r) for r in est.resources]
        projects.append({
            "name": f"{est.stack} ({est.cloud}, {est.region})",
            "metadata": {"path": spec_path, "type": f"mlopskit_{est.cloud}"},
            "pastBreakdown": _breakdown([], Decimal(0)),
            "breakdown": _breakdown(resources, est.total_monthly),
            "diff": _breakdown(resources, est.total_monthly),
            "summary": _summary([est]),
        })
    total = sum((e.total_monthly for e in estimates), Decimal(0))
    return {
        "version": "0.2",
        "currency": "USD",
        "projects": projects,
        "totalHourlyCost": money(total / HOURS_PER_MONTH),
        "totalMonthlyCost": money(total),
        "pastTotalHourlyCost": "0.00",
        "pastTotalMonthlyCost": "0.00",
        "diffTotalHourlyCost": money(total / HOURS_PER_MONTH),
        "diffTotalMonthlyCost": money(total),
        "timeGenerated": generated.isoformat().replace("+00:00", "Z"),
        "summary": _summary(estimates),
    }


def _cell(item: PricedComponent) -> str:
    if item.status == "price-not-found":
        return "price not found"
    if item.status == "usage":
        return "depends on usage"
    return f"${money(item.monthly_cost or Decimal(0))}"


def cost_table(est: CostEstimate) -> str:
    """A terminal table in Infracost's layout: resource, its components, quantity, unit, monthly cost."""
    lines = [f"{est.stack} on {est.cloud} ({est.region}), prices from the offline catalog of {est.catalog_date}", ""]
    header = f"{'Name':<78} {'Monthly Qty':>12}  {'Unit':<14} {'Monthly Cost':>16}"
    lines += [header, "-" * len(header)]
    for r in est.resources:
        if not r.components:
            continue
        span = f"  (up to ${money(r.max_monthly)} at max autoscaling)" if r.max_monthly != r.monthly else ""
        lines.append(f"{r.name} [{r.type}]{span}")
        for i, item in enumerate(r.components):
            c = item.component
            branch = "└─" if i == len(r.components) - 1 else "├─"
            qty = quantity(c.monthly_quantity) if c.monthly_quantity is not None else "-"
            name = f" {branch} {c.name}"
            lines.append(f"{name:<78} {qty:>12}  {c.unit:<14} {_cell(item):>16}")
        lines.append("")
    free = [r for r in est.resources if r.free_reason]
    lines.append(f"OVERALL TOTAL (baseline)            ${money(est.total_monthly)}")
    lines.append(f"At maximum autoscaling              ${money(est.max_monthly)}")
    if est.budget_usd is not None:
        verdict = "EXCEEDED" if est.over_budget else "within"
        lines.append(f"Budget (budget.monthlyLimitUsd)     ${money(est.budget_usd)}  ({verdict})")
    lines.append(f"{len(free)} resources are free (see --format json for each reason); "
                 f"{len(est.usage_based)} components depend on usage")
    if est.unpriced:
        lines.append("Price not found (excluded from the total):")
        lines += [f"  - {line}" for line in est.unpriced]
    if est.unsupported:
        lines.append("Resource types without a cost mapping: " + ", ".join(est.unsupported))
    return "\n".join(lines)


@dataclass(frozen=True)
class ResourceDiff:
    """Monthly cost of one resource name in two estimates."""

    name: str
    before: Decimal | None
    after: Decimal | None

    @property
    def delta(self) -> Decimal:
        return (self.after or Decimal(0)) - (self.before or Decimal(0))


def diff(before: CostEstimate, after: CostEstimate) -> list[ResourceDiff]:
    """Per-resource monthly difference (resources that exist on one side only included), by name."""
    old = {r.name: r.monthly for r in before.resources if r.components}
    new = {r.name: r.monthly for r in after.resources if r.components}
    names = sorted(set(old) | set(new))
    return [ResourceDiff(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]


def diff_table(before: CostEstimate, after: CostEstimate, before_label: str, after_label: str) -> str:
    rows = diff(before, after)
    lines = [f"Monthly cost difference on {after.cloud}: {before_label} -> {after_label}", ""]
    header = f"{'Resource':<70} {'Before':>12} {'After':>12} {'Change':>12}"
    lines += [header, "-" * len(header)]
    for row in rows:
        b = f"${money(row.before)}" if row.before is not None else "-"
        a = f"${money(row.after)}" if row.after is not None else "-"
        sign = "+" if row.delta >= 0 else "-"
        lines.append(f"{row.name:<70} {b:>12} {a:>12} {sign}${money(abs(row.delta)):>10}")
    total = after.total_monthly - before.total_monthly
    sign = "+" if total >= 0 else "-"
    lines.append("")
    lines.append(f"Total: ${money(before.total_monthly)} -> ${money(after.total_monthly)} ({sign}${money(abs(total))})")
    return "\n".join(lines)


__all__ = [
    "CostComponent", "CostContext", "CostEstimate", "PricedComponent", "PriceKey", "ResourceCost", "Usage",
    "cost_table", "diff", "diff_table", "estimate", "infracost_json", "HOURS_PER_MONTH", "DAYS_PER_MONTH",
]
