"""Budget: a Cloud Billing budget on the stack's project with the spec's alert thresholds.

A budget belongs to a billing account, which the spec does not name: it is read from
Pulumi config ``mlopskit:gcpBillingAccount`` and is REQUIRED for a GCP stack with a
budget. A real deploy (``pulumi up``) without it stops before registering anything, with
an error naming the key. Only an offline preview (the mocked engine behind the CLI's
preview/policy/cost/compare) goes on with a placeholder account, and says so in a
warning, so that a stack can be compared before anyone has a billing account id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import billing, monitoring

from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.providers.gcp.context import GcpContext, child

TYPE = "mlopskit:gcp:Budget"
CONFIG_KEY = "mlopskit:gcpBillingAccount"
PLACEHOLDER_BILLING_ACCOUNT = "000000-000000-000000"
# Cloud Billing account ids: three groups of six upper-case hex digits.
ACCOUNT_ID = re.compile(r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$")


@dataclass(frozen=True)
class BillingAccount:
    """The billing account a budget is created in; ``placeholder`` only in offline previews."""

    id: str
    placeholder: bool = False

    @property
    def warning(self) -> str:
        return (f"offline preview only: the budget uses the placeholder billing account {self.id}; `pulumi up` "
                f"stops until Pulumi config {CONFIG_KEY} is set (pulumi config set {CONFIG_KEY} XXXXXX-XXXXXX-XXXXXX)")


def billing_account(offline: bool) -> BillingAccount:
    """The configured billing account; a placeholder offline; a SpecError on a real deploy without one."""
    namespace, key = CONFIG_KEY.split(":")
    configured = pulumi.Config(namespace).get(key)
    if configured:
        if not ACCOUNT_ID.match(configured):
            raise SpecError([SpecIssue("budget", f"Pulumi config {CONFIG_KEY}: {configured!r} is not a billing account id "
                                                 "(XXXXXX-XXXXXX-XXXXXX, upper-case hex)")])
        return BillingAccount(configured)
    if offline:
        return BillingAccount(PLACEHOLDER_BILLING_ACCOUNT, placeholder=True)
    raise SpecError([SpecIssue("budget", f"a GCP budget needs a billing account: set Pulumi config {CONFIG_KEY} "
                                         f"(pulumi config set {CONFIG_KEY} XXXXXX-XXXXXX-XXXXXX)")])


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
        super().__init__(TYPE, name, ctx.realises("budget"), opts)
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
