"""Rendering of cost estimates: terminal table, Infracost's JSON shape, and diffs.

The types live below the application (``modules/cost.py``: components; ``providers/costing.py``:
the estimator); they are re-exported here for the commands and reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from modules.cost import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    CostComponent,
    CostContext,
    PriceKey,
    cron_runs_per_month,
    money,
    quantity,
)
from providers.costing import (
    CostEstimate,
    PricedComponent,
    ResourceCost,
    Usage,
    estimate,
)

__all__ = [
    "CostComponent", "CostContext", "CostEstimate", "PricedComponent", "PriceKey", "ResourceCost", "Usage",
    "cost_table", "cron_runs_per_month", "diff", "diff_table", "estimate", "infracost_json", "money", "quantity",
    "HOURS_PER_MONTH", "DAYS_PER_MONTH",
]


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
    generated = generated or datetime.now(UTC).replace(microsecond=0)
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

