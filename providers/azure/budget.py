"""A monthly consumption budget on the stack's resource group, alerting at each threshold."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import consumption

from providers.azure.context import AzureContext
from providers.azure.names import MAX_NOTIFICATIONS

TYPE = "mlopskit:azure:Budget"
# Budgets need a fixed first-of-month start; a constant keeps the program deterministic
# (a start computed from today would change the resource on every run).
START_DATE = "2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class BudgetArgs:
    """Monthly limit (USD) and alert thresholds (percent of the limit)."""

    monthly_limit_usd: float
    thresholds_percent: tuple[float, ...]
    contacts: tuple[str, ...]


class Budget(pulumi.ComponentResource):
    """Scoped to the resource group: it counts exactly the stack's own spend."""

    def __init__(self, name: str, args: BudgetArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        self.budget = consumption.Budget(
            f"{name}-budget",
            budget_name=f"{ctx.prefix}-monthly",
            scope=ctx.resource_group_id,
            amount=args.monthly_limit_usd,
            category="Cost",
            time_grain="Monthly",
            time_period=consumption.BudgetTimePeriodArgs(start_date=START_DATE),
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
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"budgetId": self.budget.id})
