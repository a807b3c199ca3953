"""Budget: a monthly AWS Budget on the stack's cost-allocation tag with one alert per threshold."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import budgets

from mlopskit.modules.budget import Budget as BudgetSpec
from mlopskit.providers.aws.context import AwsContext

TYPE = "mlopskit:aws:Budget"
STACK_TAG = "mlopskit-stack"


@dataclass(frozen=True)
class BudgetArgs:
    """The spec budget and who receives its alerts."""

    budget: BudgetSpec
    recipients: tuple[str, ...]


class Budget(pulumi.ComponentResource):
    """Filters on the ``mlopskit-stack`` tag every resource carries (activate it as a
    cost-allocation tag once per account), so the budget sees only this stack."""

    def __init__(self, name: str, args: BudgetArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("budget"), opts)
        spec = args.budget
        notifications = [
            budgets.BudgetNotificationArgs(
                comparison_operator="GREATER_THAN",
                notification_type="ACTUAL",
                threshold=threshold,
                threshold_type="PERCENTAGE",
                subscriber_email_addresses=list(args.recipients),
            )
            for threshold in spec.alert_thresholds_percent
        ]
        # Also warn ahead of time when the month is forecast to exceed the limit.
        notifications.append(budgets.BudgetNotificationArgs(
            comparison_operator="GREATER_THAN", notification_type="FORECASTED", threshold=100,
            threshold_type="PERCENTAGE", subscriber_email_addresses=list(args.recipients)))
        self.budget = budgets.Budget(
            f"{name}-monthly",
            name=ctx.name("monthly"),
            budget_type="COST",
            limit_amount=f"{spec.monthly_limit_usd:.2f}",
            limit_unit="USD",
            time_unit="MONTHLY",
            cost_filters=[budgets.BudgetCostFilterArgs(name="TagKeyValue", values=[f"user:{STACK_TAG}${ctx.prefix}"])],
            notifications=notifications,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"budget": self.budget.name})
