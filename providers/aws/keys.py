"""KMS keys: one customer-managed key per region the stack stores data in."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import kms

from mlopskit.providers.aws.context import AwsContext, policy_json

TYPE = "mlopskit:aws:Keys"

# Services that encrypt with the stack key on the stack's behalf and need a grant in the
# key policy (IAM policies alone cannot authorise a service principal).
_SERVICES = ("cloudtrail.amazonaws.com", "logs.amazonaws.com", "sns.amazonaws.com")
# CloudWatch only publishes alarm notifications to the encrypted SNS topics: it needs exactly
# these two ("To allow the AWS service to have the kms:GenerateDataKey* and kms:Decrypt
# permissions, add the following statement", SNS developer guide, encrypted topics).
_CLOUDWATCH_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"]


@dataclass(frozen=True)
class KeysArgs:
    """Rotation period and whether a replica-region key is needed."""

    rotation_days: int
    backup_region: str | None
    # "data": the stack key(s); "notifications": the alarm topics' own key in a stack without CMKs.
    purpose: str = "data"


class Keys(pulumi.ComponentResource):
    """The stack's CMKs (primary region and, for cross-region copies, the backup region)."""

    def __init__(self, name: str, args: KeysArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("keys"), opts)
        self.key = self._key(f"{name}-primary", ctx, args, region=None)
        self.backup_key = self._key(f"{name}-backup", ctx, args, region=args.backup_region) if args.backup_region else None
        self.register_outputs({
            "keyArn": self.key.arn,
            "backupKeyArn": self.backup_key.arn if self.backup_key else None,
        })

    def _key(self, name: str, ctx: AwsContext, args: KeysArgs, region: str | None) -> kms.Key:
        where = region or ctx.region
        key = kms.Key(
            name,
            description=f"mlopskit {ctx.prefix} {args.purpose} key ({where})",
            enable_key_rotation=True,
            rotation_period_in_days=args.rotation_days,
            # The longest window: a deleted key makes every object it encrypted unreadable.
            deletion_window_in_days=30,
            region=region,
            policy=policy_json([
                {
                    "Sid": "AccountAdministers",
                    "Effect": "Allow",
                    "Principal": {"AWS": ctx.account_id.apply(lambda a: f"arn:aws:iam::{a}:root")},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "StackServicesEncrypt",
                    "Effect": "Allow",
                    # CloudWatch Logs' principal is regional ("logs.<region>.amazonaws.com", CloudWatch Logs
                    # guide, encrypt log data with KMS): the log groups of log_store.py use the key.
                    "Principal": {"Service": [*_SERVICES, f"logs.{where}.amazonaws.com"]},
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account_id}},
                },
                {
                    "Sid": "CloudWatchPublishesToTopics",
                    "Effect": "Allow",
                    "Principal": {"Service": ["cloudwatch.amazonaws.com"]},
                    "Action": _CLOUDWATCH_ACTIONS,
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account_id}},
                },
            ]),
            opts=pulumi.ResourceOptions(parent=self, protect=ctx.stack.is_prod),
        )
        kms.Alias(
            f"{name}-alias",
            name=f"alias/{name}",
            target_key_id=key.key_id,
            region=region,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return key
