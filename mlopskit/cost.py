"""Rendering of cost estimates: terminal table, Infracost's JSON shape, and diffs.

The types live below the application (``modules/cost.py``: components; ``providers/costing.py``:
the estimator); they are re-exported here for the commands and reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from mlopskit.console import PLAIN, Style, render, table, usd
from mlopskit.modules.cost import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    CostComponent,
    CostContext,
    PriceKey,
    cron_runs_per_month,
    money,
    quantity,
)
from mlopskit.providers.costing import (
    CostEstimate,
    PricedComponent,
    ResourceCost,
    Usage,
    estimate,
)

__all__ = [
    "CostComponent", "CostContext", "CostEstimate", "PricedComponent", "PriceKey", "ResourceCost", "Usage",
    "cost_table", "cron_runs_per_month", "diff", "diff_table", "estimate", "infracost_json", "money", "quantity",
    "total_text",
    "HOURS_PER_MONTH", "DAYS_PER_MONTH",
]


def total_text(amount: Decimal, unpriced: int) -> str:
    """A total as every format shows it: ``$1,234.00``, or ``≥ $1,234.00 (3 components unpriced)`` when
    the catalog lacks prices, so an incomplete total never reads as complete (and never as $0)."""
    if not unpriced:
        return usd(amount)
    return f"≥ {usd(amount)} ({unpriced} component{'' if unpriced == 1 else 's'} unpriced)"


def _usage_cost(item: PricedComponent) -> Decimal:
    if item.component.usage_key is None or item.monthly_cost is None:
        return Decimal(0)
    return item.monthly_cost


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
        "usageBased": c.usage_key is not None,
        "priceNotFound": item.status == "price-not-found",
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
    if any(c.row is not None and c.row.estimate for c in resource.components):
        metadata["estimatedPrices"] = True
    return {
        "name": resource.name,
        "resourceType": resource.type,
        "metadata": metadata,
        "hourlyCost": money(resource.monthly / HOURS_PER_MONTH),
        "monthlyCost": money(resource.monthly),
        "monthlyUsageCost": money(sum((_usage_cost(c) for c in resource.components), Decimal(0))),
        "costComponents": [_component_json(c) for c in resource.components],
    }


def _usage_total(est: CostEstimate | None) -> Decimal:
    return sum((_usage_cost(c) for r in est.resources for c in r.components), Decimal(0)) if est else Decimal(0)


def _breakdown(resources: list[dict[str, Any]], total: Decimal, usage: Decimal) -> dict[str, Any]:
    return {"resources": resources, "totalHourlyCost": money(total / HOURS_PER_MONTH), "totalMonthlyCost": money(total),
            "totalMonthlyUsageCost": money(usage)}


def _diff_resources(past: CostEstimate | None, now: CostEstimate) -> list[dict[str, Any]]:
    """Infracost's diff: each resource whose monthly cost changed, costs as new minus old (by name)."""
    before = {r.name: r for r in past.resources if r.components} if past else {}
    after = {r.name: r for r in now.resources if r.components}
    out = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        old_cost, new_cost = (old.monthly if old else Decimal(0)), (new.monthly if new else Decimal(0))
        if old is not None and new is not None and old_cost == new_cost:
            continue
        either = new or old
        assert either is not None
        out.append({
            "name": name,
            "resourceType": either.type,
            "metadata": {"type": either.type, "change": "added" if old is None else "removed" if new is None else "changed"},
            "hourlyCost": money((new_cost - old_cost) / HOURS_PER_MONTH),
            "monthlyCost": money(new_cost - old_cost),
        })
    return out


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


def infracost_json(estimates: list[CostEstimate], spec_path: str, generated: datetime | None = None,
                   past: list[CostEstimate] | None = None, past_path: str | None = None) -> dict[str, Any]:
    """Infracost's current output shape (schema/infracost.schema.json): one project per cloud.

    With ``past`` (``cost --compare-to OTHER``: the estimates of OTHER, one per cloud of ``estimates``),
    each project carries OTHER as ``pastBreakdown`` and the per-resource ``diff``, and the
    ``diffTotal*`` fields are the new totals minus the past ones, as an Infracost PR comment reads them.
    Unpriced components are ``priceNotFound`` and counted in ``summary.totalNoPriceResources``.
    """
    generated = generated or datetime.now(UTC).replace(microsecond=0)
    stamp = generated.isoformat().replace("+00:00", "Z")
    befores: list[CostEstimate | None] = list(past) if past is not None else [None] * len(estimates)
    projects = []
    for est, before in zip(estimates, befores, strict=True):
        resources = [_resource_json(r) for r in est.resources]
        before_total = before.total_monthly if before else Decimal(0)
        projects.append({
            "name": f"{est.stack} ({est.cloud}, {est.region})",
            "displayName": f"{est.stack} on {est.cloud}",
            "metadata": {"path": spec_path, "type": f"mlopskit_{est.cloud}"},
            "pastBreakdown": _breakdown([_resource_json(r) for r in before.resources] if before else [], before_total,
                                        _usage_total(before)),
            "breakdown": _breakdown(resources, est.total_monthly, _usage_total(est)),
            "diff": _breakdown(_diff_resources(before, est), est.total_monthly - before_total,
                               _usage_total(est) - _usage_total(before)),
            "summary": _summary([est]),
        })
    total = sum((e.total_monthly for e in estimates), Decimal(0))
    past_total = sum((b.total_monthly for b in befores if b), Decimal(0))
    usage, past_usage = sum(map(_usage_total, estimates), Decimal(0)), sum(map(_usage_total, befores), Decimal(0))
    command = f"mlopskit cost {spec_path}" + (f" --compare-to {past_path}" if past_path else "")
    return {
        "version": "0.2",
        # Infracost's run metadata; the offline estimator knows no VCS context, so those fields are empty.
        "metadata": {"infracostCommand": command, "vcsBranch": "", "vcsCommitSha": "", "vcsCommitAuthorName": "",
                     "vcsCommitAuthorEmail": "", "vcsCommitTimestamp": stamp, "vcsCommitMessage": ""},
        "currency": "USD",
        "projects": projects,
        "totalHourlyCost": money(total / HOURS_PER_MONTH),
        "totalMonthlyCost": money(total),
        "totalMonthlyUsageCost": money(usage),
        "pastTotalHourlyCost": money(past_total / HOURS_PER_MONTH),
        "pastTotalMonthlyCost": money(past_total),
        "pastTotalMonthlyUsageCost": money(past_usage),
        "diffTotalHourlyCost": money((total - past_total) / HOURS_PER_MONTH),
        "diffTotalMonthlyCost": money(total - past_total),
        "diffTotalMonthlyUsageCost": money(usage - past_usage),
        "timeGenerated": stamp,
        "summary": _summary(estimates),
    }


def _cell(item: PricedComponent) -> str:
    if item.status == "price-not-found":
        return "price not found"
    if item.status == "usage":
        return "depends on usage"
    return usd(item.monthly_cost or Decimal(0))


def cost_table(est: CostEstimate, style: Style = PLAIN) -> str:
    """Infracost's layout: each resource (the most expensive first) and its components with
    quantity, unit and monthly cost, then the totals against the budget."""
    rows: list[list[str]] = []
    priced = sorted((r for r in est.resources if r.components), key=lambda r: (-r.monthly, -r.max_monthly, r.name))
    for r in priced:
        span = f" (up to {usd(r.max_monthly)} at max autoscaling)" if r.max_monthly != r.monthly else ""
        rows.append([f"{r.name} [{r.type}]{span}", "", "", ""])
        for i, item in enumerate(r.components):
            c = item.component
            branch = "└─" if i == len(r.components) - 1 else "├─"
            qty = quantity(c.monthly_quantity) if c.monthly_quantity is not None else "-"
            rows.append([f" {branch} {c.name}", qty, c.unit, _cell(item)])
        rows.append(["", "", "", ""])
    grid = table([("Name", "left"), ("Monthly Qty", "right"), ("Unit", "left"), ("Monthly Cost", "right")], rows[:-1])
    lines: list[Any] = [f"{est.stack} on {est.cloud} ({est.region}), prices from the offline catalog of {est.catalog_date}",
                        "", grid, ""]
    free = [r for r in est.resources if r.free_reason]
    lines.append(f"OVERALL TOTAL (baseline)            {total_text(est.total_monthly, len(est.unpriced))}")
    lines.append(f"At maximum autoscaling              {total_text(est.max_monthly, len(est.unpriced))}")
    if est.budget_usd is not None:
        verdict = "EXCEEDED" if est.over_budget else "within"
        lines.append(f"Budget (budget.monthlyLimitUsd)     {usd(est.budget_usd)}  ({verdict})")
    lines.append(f"{len(free)} resources are free (see --format json for each reason); "
                 f"{len(est.usage_based)} components depend on usage")
    if est.unpriced:
        lines.append("Price not found (excluded from the total):")
        lines += [f"  - {line}" for line in est.unpriced]
    if est.unsupported:
        lines.append("Resource types without a cost mapping: " + ", ".join(est.unsupported))
    return render(lines, style)


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


def diff_table(before: CostEstimate, after: CostEstimate, before_label: str, after_label: str,
               style: Style = PLAIN) -> str:
    """Per-resource monthly change, the largest change first, in right-aligned money columns."""
    rows = sorted(diff(before, after), key=lambda r: (-abs(r.delta), r.name))

    def signed(amount: Decimal) -> str:
        return ("+" if amount >= 0 else "-") + usd(abs(amount))

    grid = table([("Resource", "left"), ("Before", "right"), ("After", "right"), ("Change", "right")],
                 [[r.name, usd(r.before) if r.before is not None else "-", usd(r.after) if r.after is not None else "-",
                   signed(r.delta)] for r in rows])
    total = after.total_monthly - before.total_monthly
    return render([f"Monthly cost difference on {after.cloud}: {before_label} -> {after_label}", "", grid, "",
                   f"Total: {usd(before.total_monthly)} -> {usd(after.total_monthly)} ({signed(total)})"], style)
