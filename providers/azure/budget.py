"""A monthly consumption budget on the stack's resource group, alerting at each threshold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pulumi
from pulumi_azure_native import consumption

from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.names import MAX_NOTIFICATIONS

TYPE = "mlopskit:azure:Budget"


def month_start(today: date | None = None) -> str:
    """The first day of ``today``'s month (UTC), as the budget's start date.

    Azure wants a first-of-month start and accepts a past one only within the current
    time grain (the current month for a monthly budget): "Must be first of the month ...
    Past start date should be selected within the timegrain period" (Consumption API,
    BudgetTimePeriod.startDate). A fixed date stops working a month after it.
    """
    day = today or datetime.now(UTC).date()
    return f"{day.year:04d}-{day.month:02d}-01T00:00:00Z"


@dataclass(frozen=True)
class BudgetArgs:
    """Monthly limit (USD) and alert thresholds (percent of the limit)."""

    monthly_limit_usd: float
    thresholds_percent: tuple[float, ...]
    contacts: tuple[str, ...]
    start_date: str = field(default_factory=month_start)  # first of the month at first deploy


class Budget(pulumi.ComponentResource):
    """Scoped to the resource group: it counts exactly the stack's own spend."""

    def __init__(self, name: str, args: BudgetArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("budget"), opts)
        self.budget = consumption.Budget(
            f"{name}-budget",
            budget_name=f"{ctx.prefix}-monthly",
            scope=ctx.resource_group_id,
            amount=args.monthly_limit_usd,
            category="Cost",
            time_grain="Monthly",
            time_period=consumption.BudgetTimePeriodArgs(start_date=args.start_date),
            notifications={
                f"actual-{threshold:g}-percent": consumption.NotificationArgs(
                    enabled=True,
                    operator="GreaterThanOrEqualTo",
                    threshold=threshold,
                    threshold_type="Actual",
                    contact_emails=list(args.contacts),
                )
                for threshold in args.thresholds_percent[:MAX_NOTIFICATIONS]
            },
            # The start is computed at the first deploy and then kept: a later `up` in
            # another month must not move (or replace) the budget.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["timePeriod"]),
        )
        self.register_outputs({"budgetId": self.budget.id})
