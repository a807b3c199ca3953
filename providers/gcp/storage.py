"""Artifact storage: one hardened Cloud Storage bucket, plus the bucket helper backups reuse.

Every bucket: CMEK default key, uniform bucket-level access (no object ACLs), public
access prevention enforced, versioning, lifecycle on noncurrent versions, and IAM
granted on the bucket itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import bigquery, storage

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


def folder_condition(bucket: str, folders: tuple[str, ...]) -> storage.BucketIAMMemberConditionArgs:
    """An IAM condition limiting a bucket grant to objects under ``folders``.

    Object checks see ``projects/_/buckets/<bucket>/objects/<name>`` as the resource name
    (IAM Conditions, Cloud Storage resource names; "Add conditional role binding" sample with
    ``resource.name.startsWith``). Listing is checked against the bucket itself, whose name
    ``projects/_/buckets/<bucket>`` is allowed too: a job can list object names (as a Vertex
    batch job's ``gs://.../input*`` source needs) but reads and writes only in its folders.
    """
    clauses = [f'resource.name.startsWith("projects/_/buckets/{bucket}/objects/{folder}")' for folder in folders]
    return storage.BucketIAMMemberConditionArgs(
        title=f"folders {' '.join(folders)}"[:100],
        description="mlopskit: only the folders this identity's jobs read or write",
        expression=" || ".join([f'resource.name == "projects/_/buckets/{bucket}"', *clauses]),
    )


def bind(logical_prefix: str, bucket: storage.Bucket, grants: list[Grant], parent: pulumi.Resource,
         provider: pulumi.ProviderResource | None = None, bucket_name: str | None = None) -> None:
    """Grant predefined roles on ``bucket`` itself (never on the project); a grant with folders
    carries the IAM condition that limits it to them (``bucket_name``: the bucket's physical name)."""
    for grant in grants:
        condition = None
        if grant.folders:
            assert bucket_name is not None, "a folder-scoped grant needs the bucket's name"
            condition = folder_condition(bucket_name, grant.folders)
        storage.BucketIAMMember(
            f"{logical_prefix}-{grant.key}-{role_suffix(grant.role)}",
            bucket=bucket.name,
            role=grant.role,
            member=grant.member,
            condition=condition,
            opts=child(parent, provider=provider),
        )


@dataclass
class StorageArgs:
    """Inputs of the artifact Storage component."""

    prefix: str
    bucket: BucketArgs
    protect: bool
    grants: list[Grant] = field(default_factory=list)
    capture: bool = False  # the stack has endpoints: their request/response capture dataset
    capture_retention_days: int = 0  # compliance.retentionDays: captured rows expire after it
    capture_grants: list[Grant] = field(default_factory=list)  # who reads the captures (the monitor jobs)


def capture_table(endpoint_name: str) -> str:
    """The capture table of one endpoint in the stack's capture dataset (BigQuery ids take no dash)."""
    return endpoint_name.replace("-", "_")


class Storage(pulumi.ComponentResource):
    """The artifacts bucket (datasets, code, model files, training outputs) and the capture dataset."""

    bucket_name: pulumi.Output[str]
    capture_dataset: pulumi.Output[str] | None

    def __init__(self, name: str, args: StorageArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("storage"), opts)
        bucket = secure_bucket(f"{args.prefix}-artifacts-bucket", args.bucket, self, args.protect, purpose="artifacts")
        bind(f"{args.prefix}-artifacts", bucket, args.grants, self, bucket_name=args.bucket.name)
        self.bucket = bucket
        self.bucket_name = bucket.name
        self.capture_dataset = None
        if args.capture:
            dataset = self._capture(args)
            self.capture_dataset = dataset.dataset_id
            self._capture_readers(args, dataset)
        self.register_outputs({"bucketName": bucket.name, "bucketUrl": bucket.url, "captureDataset": self.capture_dataset})

    def _capture_readers(self, args: StorageArgs, dataset: bigquery.Dataset) -> None:
        """Dataset-level reads: Vertex creates each endpoint's table with its first logged request,
        so a table-level grant has nothing to bind to at deploy time; the dataset holds only this
        stack's capture tables."""
        for grant in args.capture_grants:
            bigquery.DatasetIamMember(
                f"{args.prefix}-capture-{grant.key}-{role_suffix(grant.role)}",
                dataset_id=dataset.dataset_id, project=dataset.project, role=grant.role, member=grant.member,
                opts=child(self))

    def _capture(self, args: StorageArgs) -> bigquery.Dataset:
        """One dataset per stack, a table per endpoint (Vertex creates it on the first capture).

        Per stack, not per endpoint, and kept whether or not an endpoint captures: a dataset's id
        cannot change, so one named after an endpoint was deleted, with every captured request,
        when the endpoint was renamed or its capture turned off. Tables are Vertex's, not the
        program's, so renaming an endpoint leaves its old table in place.
        """
        return bigquery.Dataset(
            f"{args.prefix}-capture",
            dataset_id=f"{args.prefix}_capture".replace("-", "_"),
            project=args.bucket.project,
            location=args.bucket.location,
            description=f"Request/response capture of the endpoints of {args.prefix} (a table per endpoint)",
            default_encryption_configuration=(
                bigquery.DatasetDefaultEncryptionConfigurationArgs(kms_key_name=args.bucket.kms_key)
                if args.bucket.kms_key is not None
                else None
            ),
            default_table_expiration_ms=args.capture_retention_days * 86_400_000,
            delete_contents_on_destroy=False,
            opts=child(self, protect=args.protect),
        )
