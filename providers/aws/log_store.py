"""CloudWatch Logs groups the stack's own services deliver to (VPC flow logs, CloudTrail), each
encrypted with the stack key and kept ``compliance.retentionDays``, and the role a service
assumes to write into one."""

from __future__ import annotations

import bisect

import pulumi
from pulumi_aws import cloudwatch, iam

from mlopskit.providers.aws.context import AwsContext, policy_json, service_trust

# The only values PutRetentionPolicy accepts (CloudWatch Logs API reference, retentionInDays).
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                  3288, 3653)


def retention(days: int) -> int:
    """The shortest retention CloudWatch Logs accepts that keeps logs at least ``days`` (a minimum,
    like the spec's), capped at the longest it offers (ten years)."""
    index = bisect.bisect_left(RETENTION_DAYS, days)
    return RETENTION_DAYS[min(index, len(RETENTION_DAYS) - 1)]


def log_group(name: str, group_name: str, ctx: AwsContext, parent: pulumi.Resource) -> cloudwatch.LogGroup:
    """A log group under the stack key (none without CMKs: CloudWatch Logs then encrypts with its own
    key) kept the stack's retention. The key policy grants ``logs.<region>.amazonaws.com`` (keys.py)."""
    return cloudwatch.LogGroup(
        name,
        name=group_name,
        kms_key_id=ctx.key_arn,
        retention_in_days=retention(ctx.stack.compliance.retention_days),
        opts=pulumi.ResourceOptions(parent=parent, protect=ctx.stack.is_prod),
    )


def delivery_role(name: str, role_name: str, service: str, group: cloudwatch.LogGroup, ctx: AwsContext,
                  parent: pulumi.Resource) -> iam.Role:
    """The role ``service`` assumes to write log streams into ``group`` only."""
    return iam.Role(
        name,
        name=role_name,
        assume_role_policy=service_trust(service, account_id=ctx.account_id),
        inline_policies=[iam.RoleInlinePolicyArgs(name="deliver-logs", policy=policy_json([
            # Streams are the resource these two act on (their ARN is the group's plus ":log-stream:NAME").
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": pulumi.Output.concat(group.arn, ":log-stream:*")},
            {"Effect": "Allow", "Action": "logs:DescribeLogStreams", "Resource": group.arn},
        ]))],
        opts=pulumi.ResourceOptions(parent=parent),
    )
