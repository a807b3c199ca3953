"""Audit: Data Access logs for Vertex AI and Cloud Storage, kept for the compliance retention.

Admin Activity logs are always on in GCP; data reads and writes are not, so the stack
turns them on for the two services that touch its data. The ``_Default`` log bucket,
where Data Access logs land, keeps them ``compliance.retentionDays``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import logging, projects

from mlopskit.providers.gcp.context import GcpContext, child

TYPE = "mlopskit:gcp:Audit"
AUDITED_SERVICES = ("aiplatform.googleapis.com", "storage.googleapis.com")
LOG_TYPES = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")


@dataclass
class AuditArgs:
    """Inputs of the Audit component."""

    prefix: str
    project: str
    retention_days: int  # compliance.retentionDays
    protect: bool = False  # prod: the audit log bucket's retention must not be deleted by accident


class Audit(pulumi.ComponentResource):
    """IAM audit configs and the retention of the log bucket they write to."""

    def __init__(self, name: str, args: AuditArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("audit"), opts)
        for service in AUDITED_SERVICES:
            projects.IAMAuditConfig(
                f"{args.prefix}-audit-{service.split('.')[0]}",
                project=args.project,
                service=service,
                audit_log_configs=[projects.IAMAuditConfigAuditLogConfigArgs(log_type=t) for t in LOG_TYPES],
                opts=child(self),
            )
        logging.ProjectBucketConfig(
            f"{args.prefix}-audit-log-retention",
            project=args.project,
            location="global",
            bucket_id="_Default",
            retention_days=args.retention_days,
            opts=child(self, protect=args.protect),
        )
        self.register_outputs({"auditedServices": list(AUDITED_SERVICES)})
