"""The Google APIs the stack depends on, enabled on its project before anything else.

A fresh project has most APIs off: creating a Vertex endpoint, a KMS key or a transfer
job fails until its API is on, and Artifact Registry's ``INHERITED`` vulnerability
scanning does nothing until the Container Scanning API is on. Each service is enabled
with ``disable_on_destroy=False``: other workloads in the project may use it too, so
destroying the stack must not switch it off under them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import projects

from mlopskit.providers.gcp.context import GcpContext, child

TYPE = "mlopskit:gcp:Services"
# Needed by every stack: Vertex AI, Cloud Storage, Artifact Registry, IAM service
# accounts, Cloud Monitoring alert policies and Cloud Logging's audit configuration.
ALWAYS = (
    "aiplatform.googleapis.com",
    "storage.googleapis.com",
    "artifactregistry.googleapis.com",
    "iam.googleapis.com",
    "monitoring.googleapis.com",
    "logging.googleapis.com",
)


@dataclass
class ServicesArgs:
    """Which optional parts of the stack are built (each needs its own API)."""

    project: str
    cmk: bool  # Cloud KMS keys
    private: bool  # VPC, private services access, Private Service Connect automation
    scan_images: bool  # registry.containers.scanOnPush: Container Scanning API
    schedules: bool  # a training job with a schedule: Cloud Scheduler
    backups: bool  # Storage Transfer Service
    capture: bool  # the stack's capture dataset in BigQuery (built whenever it has endpoints)
    budget: bool  # Cloud Billing Budget API


def required_services(args: ServicesArgs) -> list[str]:
    """The APIs a stack with these parts calls, sorted."""
    optional = {
        "cloudkms.googleapis.com": args.cmk,
        "compute.googleapis.com": args.private,
        "servicenetworking.googleapis.com": args.private,
        "networkconnectivity.googleapis.com": args.private,
        "containerscanning.googleapis.com": args.scan_images,
        "cloudscheduler.googleapis.com": args.schedules,
        "storagetransfer.googleapis.com": args.backups,
        "bigquery.googleapis.com": args.capture,
        "billingbudgets.googleapis.com": args.budget,
    }
    return sorted({*ALWAYS, *(api for api, needed in optional.items() if needed)})


class Services(pulumi.ComponentResource):
    """One ``projects.Service`` per API; other components depend on this one."""

    def __init__(self, name: str, args: ServicesArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("services"), opts)
        self.enabled = required_services(args)
        for api in self.enabled:
            projects.Service(
                f"{name}-{api.split('.')[0]}",
                project=args.project,
                service=api,
                disable_on_destroy=False,
                disable_dependent_services=False,
                opts=child(self),
            )
        self.register_outputs({"services": self.enabled})
