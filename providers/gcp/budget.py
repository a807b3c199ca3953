"""Budget: a Cloud Billing budget on the stack's project with the spec's alert thresholds.

A budget belongs to a billing account, which the spec does not name: it is read from
Pulumi config ``mlopskit:gcpBillingAccount`` (a placeholder and a warning otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import billing, monitoring

from providers.gcp.context import GcpContext, child

TYPE = "mlopskit:gcp:Budget"
PLACEHOLDER_BILLING_ACCOUNT = "000000-000000-000000"


@dataclass
class BudgetArgs:
    """Inputs of the Budget component."""

    prefix: str
    project: str
    project_number: str
    billing_account: str
    monthly_limit_usd: float  # budget.monthlyLimitUsd
    thresholds_percent: list[float]  # budget.alertThresholdsPercent
    notify: list[str] = field(default_factory=list)  # the owner, emailed at each threshold


class Budget(pulumi.ComponentResource):
    """The billing budget and the email channel its alerts go to."""

    def __init__(self, name: str, args: BudgetArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        channels = [
            monitoring.NotificationChannel(
                f"{args.prefix}-budget-notify-{index}",
                display_name=f"{args.prefix} budget {email}",
                type="email",
                labels={"email_address": email},
                project=args.project,
                opts=child(self),
            )
            for index, email in enumerate(args.notify)
        ]
        units = int(args.monthly_limit_usd)
        nanos = int(round((args.monthly_limit_usd - units) * 1e9))
        budget = billing.Budget(
            f"{args.prefix}-budget-monthly",
            billing_account=args.billing_account,
            display_name=f"{args.prefix} monthly",
            budget_filter=billing.BudgetBudgetFilterArgs(
                projects=[f"projects/{args.project_number}"], calendar_period="MONTH"
            ),
            amount=billing.BudgetAmountArgs(
                specified_amount=billing.BudgetAmountSpecifiedAmountArgs(currency_code="USD", units=str(units), nanos=nanos)
            ),
            threshold_rules=[
                billing.BudgetThresholdRuleArgs(threshold_percent=t / 100, spend_basis="CURRENT_SPEND")
                for t in args.thresholds_percent
            ],
            all_updates_rule=billing.BudgetAllUpdatesRuleArgs(
                monitoring_notification_channels=[c.id for c in channels],
                disable_default_iam_recipients=False,
            ),
            opts=child(self),
        )
        self.register_outputs({"budget": budget.name})
