"""Audit: a multi-region CloudTrail trail with log validation, KMS, and data events for
the artifact bucket's objects and endpoint invocations, kept ``retentionDays``, delivered
both to its bucket (whose own access is logged) and to CloudWatch Logs, where metric filters
and alarms can watch API activity as it happens."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import cloudtrail, s3

from mlopskit.providers.aws.context import AwsContext, built
from mlopskit.providers.aws.log_store import delivery_role, log_group
from mlopskit.providers.aws.storage import expire, private_bucket

TYPE = "mlopskit:aws:Audit"


@dataclass(frozen=True)
class AuditArgs:
    """How long audit logs are kept."""

    retention_days: int


class Audit(pulumi.ComponentResource):
    """CloudTrail trail and its bucket."""

    def __init__(self, name: str, args: AuditArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("audit"), opts)
        trail_name = ctx.name("audit")
        trail_arn = ctx.arn("cloudtrail", f"trail/{trail_name}")
        bucket_name = ctx.bucket("audit")
        bucket_arn = bucket_name.apply(lambda b: f"arn:aws:s3:::{b}")
        condition = {"StringEquals": {"aws:SourceArn": trail_arn}}
        logs = private_bucket(
            f"{name}-logs",
            bucket_name,
            self,
            key_arn=ctx.key_arn,
            versioning=True,
            protect=ctx.stack.is_prod,
            purpose="audit-logs",
            extra_statements=[
                {"Sid": "CloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:GetBucketAcl", "Resource": bucket_arn, "Condition": condition},
                {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:PutObject",
                 "Resource": pulumi.Output.concat(bucket_arn, "/AWSLogs/", ctx.account_id, "/*"),
                 "Condition": {**condition, "StringEquals": {**condition["StringEquals"],
                                                             "s3:x-amz-acl": "bucket-owner-full-control"}}},
            ],
        )
        self.bucket = logs.bucket
        expire(f"{name}-logs", self.bucket, args.retention_days, self, expire_current=True)
        # Who read the audit record is itself audit evidence: server access logs of the trail's bucket
        # go to the stack's access-log bucket (same region, SSE-S3 as S3 log delivery requires).
        s3.BucketLogging(f"{name}-logs-delivery", bucket=self.bucket.id,
                         target_bucket=built(ctx.access_logs_bucket, "access_logs_bucket"),
                         target_prefix="audit/", opts=pulumi.ResourceOptions(parent=self))
        group = log_group(f"{name}-events", f"/mlopskit/{ctx.prefix}/cloudtrail", ctx, self)
        role = delivery_role(f"{name}-events", ctx.name("trail-logs"), "cloudtrail.amazonaws.com", group, ctx, self)
        selector = cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs
        self.trail = cloudtrail.Trail(
            f"{name}-trail",
            name=trail_name,
            s3_bucket_name=self.bucket.bucket,
            kms_key_id=ctx.key_arn,
            # CloudTrail wants the group's ARN with the log-stream wildcard (":*").
            cloud_watch_logs_group_arn=pulumi.Output.concat(group.arn, ":*"),
            cloud_watch_logs_role_arn=role.arn,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            advanced_event_selectors=[
                cloudtrail.TrailAdvancedEventSelectorArgs(
                    name="management events",
                    field_selectors=[selector(field="eventCategory", equals=["Management"])]),
                cloudtrail.TrailAdvancedEventSelectorArgs(
                    name="artifact object access",
                    field_selectors=[
                        selector(field="eventCategory", equals=["Data"]),
                        selector(field="resources.type", equals=["AWS::S3::Object"]),
                        selector(field="resources.ARN", starts_withs=[pulumi.Output.concat(built(ctx.bucket_arn, "bucket_arn"), "/")]),
                    ]),
                cloudtrail.TrailAdvancedEventSelectorArgs(
                    name="endpoint invocations",
                    field_selectors=[
                        selector(field="eventCategory", equals=["Data"]),
                        selector(field="resources.type", equals=["AWS::SageMaker::Endpoint"]),
                    ]),
            ],
            # The trail is the prod audit record's writer: deleting it by accident silently
            # ends the audit trail, so prod protects it like the bucket it writes to.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs.policy], protect=ctx.stack.is_prod),
        )
        self.register_outputs({"trailArn": self.trail.arn})
