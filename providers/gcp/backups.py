"""Backups: a locked-down bucket in the backup region fed by Storage Transfer jobs.

Each target gets its own transfer job on the backup schedule (artifacts: the artifacts
bucket minus model files; models: the ``models/`` prefix, where model versions'
artifacts live). A retention policy keeps every copy ``retentionDays`` so a deleted
or overwritten source object stays recoverable, and a lifecycle rule expires it after.
Because the retention policy forbids overwriting, each object is copied once (the first
version the transfer sees); later versions of the same object stay in the versioned
artifacts bucket, not in the backup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import storage

from mlopskit.providers.gcp.context import GcpContext, Grant, child
from mlopskit.providers.gcp.storage import BucketArgs, bind, secure_bucket

TYPE = "mlopskit:gcp:Backups"
REPEAT_INTERVAL = {"hourly": "3600s", "daily": "86400s", "weekly": "604800s"}
# Storage Transfer needs a start date; a fixed past date keeps the program deterministic.
START_DATE = storage.TransferJobScheduleScheduleStartDateArgs(year=2026, month=1, day=1)
PREFIXES = {"artifacts": ([], ["models/"]), "models": (["models/"], [])}  # target -> (include, exclude)


@dataclass
class BackupsArgs:
    """Inputs of the Backups component."""

    prefix: str
    project: str
    region: str  # backupRegion when crossRegion, else the primary region
    bucket_name: str
    source_bucket: pulumi.Input[str]
    kms_key: pulumi.Input[str] | None
    schedule: str  # backups.schedule
    retention_days: int  # backups.retentionDays
    targets: Sequence[str]  # backups.targets that GCS can copy (artifacts, models)
    transfer_account: str  # the project's Storage Transfer service agent
    protect: bool
    provider: pulumi.ProviderResource | None = None
    grants: list[Grant] = field(default_factory=list)


class Backups(pulumi.ComponentResource):
    """The backup bucket and one transfer job per target."""

    def __init__(self, name: str, args: BackupsArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("backups"), opts)
        bucket = secure_bucket(
            f"{args.prefix}-backups-bucket",
            BucketArgs(
                name=args.bucket_name,
                location=args.region,
                project=args.project,
                kms_key=args.kms_key,
                versioning=False,  # GCS forbids versioning together with a retention policy
                object_retention_days=args.retention_days,
                expire_days=args.retention_days + 1,
            ),
            self,
            args.protect,
            args.provider,
            purpose="backup",
        )
        transfer = f"serviceAccount:{args.transfer_account}"
        # The transfer service agent reads the source and writes the copy; nothing more.
        source_grants = [Grant(transfer, "roles/storage.objectViewer", "transfer"), Grant(transfer, "roles/storage.legacyBucketReader", "transfer")]
        for grant in source_grants:
            storage.BucketIAMMember(
                f"{args.prefix}-backups-source-{grant.key}-{grant.role.rsplit('.', 1)[-1].lower()}",
                bucket=args.source_bucket,
                role=grant.role,
                member=grant.member,
                opts=child(self),
            )
        sink_bindings = [Grant(transfer, "roles/storage.legacyBucketWriter", "transfer"), *args.grants]
        bind(f"{args.prefix}-backups", bucket, sink_bindings, self, args.provider)
        jobs = {}
        for target in args.targets:
            include, exclude = PREFIXES[target]
            jobs[target] = storage.TransferJob(
                f"{args.prefix}-backups-{target}",
                project=args.project,
                description=f"{args.prefix} {target} backup ({args.schedule})",
                transfer_spec=storage.TransferJobTransferSpecArgs(
                    gcs_data_source=storage.TransferJobTransferSpecGcsDataSourceArgs(bucket_name=args.source_bucket),
                    gcs_data_sink=storage.TransferJobTransferSpecGcsDataSinkArgs(bucket_name=bucket.name, path=f"{target}/"),
                    object_conditions=storage.TransferJobTransferSpecObjectConditionsArgs(
                        include_prefixes=include or None, exclude_prefixes=exclude or None
                    ),
                    transfer_options=storage.TransferJobTransferSpecTransferOptionsArgs(
                        # The backup bucket's retention policy refuses to overwrite (or
                        # delete) an object younger than retentionDays: a copy is written
                        # once and kept; later versions live in the versioned source.
                        overwrite_when="NEVER",
                        # Objects deleted at the source stay in the backup until retention ends.
                        delete_objects_unique_in_sink=False,
                    ),
                ),
                schedule=storage.TransferJobScheduleArgs(
                    schedule_start_date=START_DATE, repeat_interval=REPEAT_INTERVAL[args.schedule]
                ),
                opts=child(self, depends_on=[bucket]),
            )
        self.bucket = bucket
        self.register_outputs({"bucketName": bucket.name, "transferJobs": {k: j.name for k, j in jobs.items()}})
