"""Artifact storage: a versioned, KMS-encrypted, private, TLS-only bucket with access logs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pulumi
from pulumi_aws import s3

from mlopskit.modules.facts import PURPOSE_TAG
from mlopskit.providers.aws.context import AwsContext, policy_json

TYPE = "mlopskit:aws:ArtifactStore"


class PrivateBucket(NamedTuple):
    """A bucket with the resources later steps must wait for (policy, versioning)."""

    bucket: s3.Bucket
    policy: s3.BucketPolicy
    versioning: s3.BucketVersioning


def expire(name: str, bucket: s3.Bucket, days: int, parent: pulumi.Resource, *, expire_current: bool,
           region: str | None = None) -> None:
    """Retention: noncurrent versions (and, for logs, current objects) expire after ``days``."""
    rule = s3.BucketLifecycleConfigurationRuleArgs(
        id="retention",
        status="Enabled",
        filter=s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
        noncurrent_version_expiration=s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
            noncurrent_days=days),
        expiration=s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days) if expire_current else None,
        abort_incomplete_multipart_upload=s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=7),
    )
    s3.BucketLifecycleConfiguration(f"{name}-lifecycle", bucket=bucket.id, rules=[rule], region=region,
                                    opts=pulumi.ResourceOptions(parent=parent))


@dataclass(frozen=True)
class ArtifactStoreArgs:
    """Versioning, retention of noncurrent versions and the key (None = SSE-S3)."""

    versioning: bool
    retention_days: int
    key_arn: pulumi.Output[str] | None


def private_bucket(
    name: str,
    bucket: pulumi.Input[str],
    parent: pulumi.Resource,
    *,
    key_arn: pulumi.Input[str] | None,
    versioning: bool,
    protect: bool,
    purpose: str,
    region: str | None = None,
    extra_statements: list[dict] | None = None,
) -> PrivateBucket:
    """A bucket and its policy, with the baseline every stack bucket shares: owner-enforced, no public
    access, default encryption (SSE-KMS with the stack key, else SSE-S3), optional
    versioning, and a policy denying any request not made over TLS. ``purpose`` (one of
    ``modules.facts.PURPOSES``) is tagged on the bucket for the checks and the cost estimate."""
    child = pulumi.ResourceOptions(parent=parent)
    resource = s3.Bucket(name, bucket=bucket, region=region, tags={PURPOSE_TAG: purpose}, opts=pulumi.ResourceOptions(parent=parent, protect=protect))
    s3.BucketOwnershipControls(f"{name}-ownership", bucket=resource.id, region=region,
                               rule=s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child)
    block = s3.BucketPublicAccessBlock(f"{name}-public-access", bucket=resource.id, region=region, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
                                       opts=child)
    default = (
        s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
            sse_algorithm="aws:kms", kms_master_key_id=key_arn)
        if key_arn is not None
        else s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(sse_algorithm="AES256")
    )
    s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption", bucket=resource.id, region=region,
        rules=[s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=default, bucket_key_enabled=key_arn is not None)],
        opts=child,
    )
    versioning_config = s3.BucketVersioning(
        f"{name}-versioning", bucket=resource.id, region=region,
        versioning_configuration=s3.BucketVersioningVersioningConfigurationArgs(
            status="Enabled" if versioning else "Suspended"),
        opts=child,
    )
    statements = [{
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [resource.arn, pulumi.Output.concat(resource.arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }, *(extra_statements or [])]
    # Applied after the public access block so a policy can never briefly open the bucket.
    policy = s3.BucketPolicy(f"{name}-policy", bucket=resource.id, region=region, policy=policy_json(statements),
                             opts=pulumi.ResourceOptions(parent=parent, depends_on=[block]))
    return PrivateBucket(resource, policy, versioning_config)


def logged(name: str, bucket: s3.Bucket, log_purpose: str, parent: pulumi.Resource, ctx: AwsContext,
           *, prefix: str, region: str | None = None) -> PrivateBucket:
    """Server access logging for ``bucket`` into a new log bucket in the same region.

    S3 delivers access logs only to SSE-S3 buckets in the bucket's own region, hence no
    KMS here and one log bucket per region. Logs are kept ``compliance.retentionDays``.
    """
    bucket_name = ctx.bucket(log_purpose)
    logs = private_bucket(
        name,
        bucket_name,
        parent,
        key_arn=None,
        versioning=True,
        protect=ctx.stack.is_prod,
        purpose="access-logs",
        region=region,
        extra_statements=[{
            "Sid": "S3ServerAccessLogs",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": bucket_name.apply(lambda b: f"arn:aws:s3:::{b}/*"),
            "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account_id}},
        }],
    )
    expire(name, logs.bucket, ctx.stack.compliance.retention_days, parent, expire_current=True, region=region)
    s3.BucketLogging(f"{name}-delivery", bucket=bucket.id, target_bucket=logs.bucket.id, target_prefix=prefix,
                     region=region, opts=pulumi.ResourceOptions(parent=parent))
    return logs


class ArtifactStore(pulumi.ComponentResource):
    """The artifact bucket (datasets, code, models, captured data) and its access-log bucket."""

    def __init__(self, name: str, args: ArtifactStoreArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("storage"), opts)
        artifacts = private_bucket(
            f"{name}-bucket",
            ctx.bucket("artifacts"),
            self,
            key_arn=args.key_arn,
            versioning=args.versioning,
            protect=ctx.stack.is_prod,
            purpose="artifacts",
        )
        self.bucket, self.versioning = artifacts.bucket, artifacts.versioning
        expire(f"{name}-bucket", self.bucket, args.retention_days, self, expire_current=False)
        self.logs = logged(f"{name}-access-logs", self.bucket, "access-logs", self, ctx,
                           prefix="artifacts/")
        self.register_outputs({"bucket": self.bucket.bucket, "logsBucket": self.logs.bucket.bucket})
