"""The cloud-neutral estimator: prices a recorded graph from the dated offline catalog.

Each provider declares its ``CostHandlers`` (``Provider.cost_handlers``); this module prices
their components with ``providers/catalog/prices``, sums them and leaves rendering to the
application. A price the catalog lacks is "price not found": left out of the total and listed
in ``CostEstimate.unpriced``, never counted as $0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from mlopskit.modules.cost import CostComponent, CostContext, CostHandlers
from mlopskit.modules.errors import SpecError, SpecIssue, echo
from mlopskit.modules.graph import Graph
from mlopskit.modules.loader import load_yaml, read_spec_text
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.providers.catalog.prices import PriceRow, catalog_date, lookup

USAGE_DEFAULTS = Path(__file__).resolve().parent / "catalog" / "usage_defaults.yaml"


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


#: The largest usage figure accepted: a month of 10^12 GB, requests or hours is no estimate,
#: and bounding it keeps every product of quantity and price a finite Decimal.
MAX_USAGE = Decimal(10) ** 12


def _usage_value(value: Any) -> tuple[Decimal | None, str | None]:
    """A usage figure as a Decimal (None stays None), or why it is refused: typed like a spec
    field (a number, not a string or boolean), finite (no .inf, .nan), 0 to ``MAX_USAGE``."""
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"must be a number or null, got {echo(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return None, f"must be a finite number, got {echo(value)}"
    number = Decimal(str(value))
    if number < 0:
        return None, f"must not be negative, got {echo(value)}"
    if number > MAX_USAGE:
        return None, f"must be at most {MAX_USAGE:.0e}, got {echo(value)}"
    return number, None


@dataclass(frozen=True)
class Usage:
    """Monthly usage figures (dotted keys as in usage_defaults.yaml); None = depends on usage."""

    values: Mapping[str, Decimal | None]

    @classmethod
    def defaults(cls) -> Usage:
        return cls.from_mapping({})

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any]) -> Usage:
        """Defaults overridden by ``overrides`` (nested like the defaults file); unknown keys are errors."""
        flat = _flatten(overrides)
        unknown = sorted(set(flat) - set(_defaults()))
        issues = [SpecIssue(f"usage.{k}", "unknown usage key (see providers/catalog/usage_defaults.yaml)") for k in unknown]
        merged: dict[str, Decimal | None] = {}
        for key, value in {**_defaults(), **flat}.items():
            number, problem = _usage_value(value)
            if problem is not None:
                issues.append(SpecIssue(f"usage.{key}", problem))
            merged[key] = number
        if issues:
            raise SpecError(issues)
        return cls(merged)

    @classmethod
    def load(cls, path: str | Path | None) -> Usage:
        """Defaults, overridden by the YAML file at ``path`` when given."""
        if path is None:
            return cls.defaults()
        # Read like a spec: only a bounded regular file (a FIFO or /dev/zero must not hang
        # `cost` or `compare`), errors one line naming the file.
        data = load_yaml(read_spec_text(path), str(path)) or {}
        if not isinstance(data, Mapping):
            raise SpecError([SpecIssue("usage", f"{path} must hold a mapping of usage keys")])
        return cls.from_mapping(data)

    def get(self, key: str) -> Decimal | None:
        if key not in self.values:
            raise KeyError(f"usage key {key!r} is not in usage_defaults.yaml")
        return self.values[key]


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


def _handlers(cloud: Cloud) -> CostHandlers:
    from mlopskit.providers import get_provider

    return get_provider(cloud).cost_handlers


def _context(graph: Graph, stack: Stack, usage: Usage) -> CostContext:
    cloud = graph.provider
    placement = stack.placement.for_cloud(cloud)
    if placement is None:
        raise SpecError([SpecIssue(f"placement.{cloud}", "required to estimate this cloud")])
    from mlopskit.providers import get_provider

    return CostContext(stack, graph, cloud, placement.primary_region, placement.backup_region, usage,
                       topology=get_provider(cloud).topology(graph, stack))


def _row(component: CostComponent) -> PriceRow | None:
    """The catalog's row for a component, or the spec's own declared price (basis ``declared``)."""
    if component.declared_usd is None:
        return lookup(component.price_key)
    return PriceRow(component.price_key, component.unit, component.declared_usd, "declared", "spec",
                    ("the spec's declared rate",), "spec")


def estimate(graph: Graph, stack: Stack, usage: Usage | None = None) -> CostEstimate:
    """Price every resource of ``graph`` (a preview of ``stack``) from the offline catalog."""
    usage = usage or Usage.defaults()
    ctx = _context(graph, stack, usage)
    declared = _handlers(ctx.cloud)
    handlers, free = declared.components, declared.free
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
        priced = tuple(PricedComponent(c, _row(c)) for c in result)
        resources.append(ResourceCost(resource.urn, resource.name, resource.type, priced))
    budget = Decimal(str(stack.budget.monthly_limit_usd)) if stack.budget else None
    return CostEstimate(ctx.cloud, graph.stack, ctx.region, tuple(resources), tuple(sorted(unsupported)),
                        catalog_date(ctx.cloud), budget)
