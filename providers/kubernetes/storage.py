"""The artifact store: an existing S3-compatible bucket the stack references (not created).

A ConfigMap records the reference (bucket, endpoint, MLflow server) for every workload; what can
only be set on the bucket itself (versioning, retention, encryption) is a warning at its field.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.modules.facts import PURPOSE_TAG
from mlopskit.providers.kubernetes.context import KubernetesContext, child

TYPE = "mlopskit:kubernetes:ArtifactStore"
REFERENCES = "mlopskit-references"  # the ConfigMap's name


@dataclass(frozen=True)
class StorageArgs:
    """Inputs of the ArtifactStore component."""

    bucket: str
    s3_endpoint: str | None
    tracking_uri: str
    image_registry: str
    versioning: bool
    retention_days: int | None
    protect: bool = False  # prod: the references every workload reads


class ArtifactStore(pulumi.ComponentResource):
    """The reference to the stack's bucket and MLflow server."""

    def __init__(self, name: str, args: StorageArgs, ctx: KubernetesContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("storage"), opts)
        data = {"artifactBucket": args.bucket, "mlflowTrackingUri": args.tracking_uri, "imageRegistry": args.image_registry}
        if args.s3_endpoint:
            data["s3Endpoint"] = args.s3_endpoint
        self.references = k8s.core.v1.ConfigMap(
            f"{name}-references", metadata=ctx.meta(REFERENCES, **{PURPOSE_TAG: "artifacts"}), data=data,
            immutable=False, opts=child(self, protect=args.protect))
        for field, asked in (("storage.artifacts.versioning", args.versioning),
                             ("storage.artifacts.retentionDays", args.retention_days is not None)):
            if asked:
                ctx.warn(field, "declared: set on the S3-compatible bucket itself, which the stack does not own; "
                         "the kit cannot check it from the cluster")
        self.register_outputs({"bucket": args.bucket})
