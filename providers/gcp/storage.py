"""Artifact storage: one hardened Cloud Storage bucket, plus the bucket helper backups reuse.

Every bucket: CMEK default key, uniform bucket-level access (no object ACLs), public
access prevention enforced, versioning, lifecycle on noncurrent versions, and IAM
granted on the bucket itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import storage

from mlopskit.modules.facts import PURPOSE_TAG
from mlopskit.providers.gcp.context import GcpContext, Grant, child, role_suffix

TYPE = "mlopskit:gcp:Storage"


@dataclass
class BucketArgs:
    """A secure bucket's settings."""

    name: str  # physical, globally unique
    location: str
    project: str
    kms_key: pulumi.Input[str] | None
    versioning: bool
    noncurrent_retention_days: int | None = None  # delete noncurrent versions after N days
    object_retention_days: int | None = None  # retention policy: objects cannot be deleted earlier
    expire_days: int | None = None  # delete live objects after N days
    force_destroy: bool = False


def secure_bucket(
    logical_name: str, args: BucketArgs, parent: pulumi.Resource, protect: bool, provider: pulumi.ProviderResource | None = None,
    *, purpose: str,
) -> storage.Bucket:
    """A bucket no one can make public, encrypted with the region's CMEK when given; ``purpose``
    (one of ``modules.facts.PURPOSES``) is labelled on it for the checks."""
    rules = []
    if args.noncurrent_retention_days is not None:
        rules.append(
            storage.BucketLifecycleRuleArgs(
                action=storage.BucketLifecycleRuleActionArgs(type="Delete"),
                condition=storage.BucketLifecycleRuleConditionArgs(
                    days_since_noncurrent_time=args.noncurrent_retention_days, with_state="ARCHIVED"
                ),
            )
        )
    if args.expire_days is not None:
        rules.append(
            storage.BucketLifecycleRuleArgs(
                action=storage.BucketLifecycleRuleActionArgs(type="Delete"),
                condition=storage.BucketLifecycleRuleConditionArgs(age=args.expire_days),
            )
        )
    return storage.Bucket(
        logical_name,
        name=args.name,
        location=args.location,
        project=args.project,
        storage_class="STANDARD",
        uniform_bucket_level_access=True,
        public_access_prevention="enforced",
        versioning=storage.BucketVersioningArgs(enabled=args.versioning),
        encryption=storage.BucketEncryptionArgs(default_kms_key_name=args.kms_key) if args.kms_key is not None else None,
        retention_policy=(
            storage.BucketRetentionPolicyArgs(retention_period=str(args.object_retention_days * 86400))
            if args.object_retention_days is not None
            else None
        ),
        lifecycle_rules=rules or None,
        force_destroy=args.force_destroy,
        labels={PURPOSE_TAG: purpose},
        opts=child(parent, provider=provider, protect=protect),
    )


def bind(logical_prefix: str, bucket: storage.Bucket, grants: list[Grant], parent: pulumi.Resource, provider: pulumi.ProviderResource | None = None) -> None:
    """Grant predefined roles on ``bucket`` itself (never on the project)."""
    for grant in grants:
        storage.BucketIAMMember(
            f"{logical_prefix}-{grant.key}-{role_suffix(grant.role)}",
            bucket=bucket.name,
            role=grant.role,
            member=grant.member,
            opts=child(parent, provider=provider),
        )


@dataclass
class StorageArgs:
    """Inputs of the artifact Storage component."""

    prefix: str
    bucket: BucketArgs
    protect: bool
    grants: list[Grant] = field(default_factory=list)


class Storage(pulumi.ComponentResource):
    """The artifacts bucket (datasets, code, model files, training outputs)."""

    bucket_name: pulumi.Output[str]

    def __init__(self, name: str, args: StorageArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("storage"), opts)
        bucket = secure_bucket(f"{args.prefix}-artifacts-bucket", args.bucket, self, args.protect, purpose="artifacts")
        bind(f"{args.prefix}-artifacts", bucket, args.grants, self)
        self.bucket = bucket
        self.bucket_name = bucket.name
        self.register_outputs({"bucketName": bucket.name, "bucketUrl": bucket.url})
