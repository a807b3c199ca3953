"""Experiment tracking on GCP: Vertex AI Experiments, backed by a TensorBoard instance and the
region's metadata store, both encrypted with the stack key.

Vertex AI Experiments records run parameters as contexts of the region's ``default`` metadata
store (created on first use, without a key): declaring it here is what puts it under the
stack's key. Neither resource has a network setting; both are reached through the Vertex AI
API with IAM (``experiments.read`` / ``experiments.write``: custom roles, project-wide, as
TensorBoards have no resource-level IAM).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import vertex

from mlopskit.providers.gcp.context import GcpContext, child

TYPE = "mlopskit:gcp:Experiments"


@dataclass(frozen=True)
class ExperimentsArgs:
    """Where the backend lives and the key it is encrypted with (None: Google-managed)."""

    prefix: str
    project: str
    region: str
    kms_key: pulumi.Input[str] | None
    # prod: both hold every run's metrics and parameters, so removing `experiments` stops at
    # Pulumi's protect instead of deleting them.
    protect: bool = False


class Experiments(pulumi.ComponentResource):
    """The stack's TensorBoard and the region's default metadata store."""

    def __init__(self, name: str, args: ExperimentsArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("experiments"), opts)
        self.metadata_store = vertex.AiMetadataStore(
            f"{name}-metadata",
            name="default",
            project=args.project,
            region=args.region,
            description=f"Vertex AI Experiments metadata of {args.prefix}",
            encryption_spec=vertex.AiMetadataStoreEncryptionSpecArgs(kms_key_name=args.kms_key) if args.kms_key else None,
            opts=child(self, protect=args.protect),
        )
        self.tensorboard = vertex.AiTensorboard(
            f"{name}-tensorboard",
            display_name=f"{args.prefix}-experiments",
            project=args.project,
            region=args.region,
            description=f"Experiment runs of {args.prefix}",
            encryption_spec=vertex.AiTensorboardEncryptionSpecArgs(kms_key_name=args.kms_key) if args.kms_key else None,
            opts=child(self, protect=args.protect),
        )
        self.register_outputs({"tensorboard": self.tensorboard.name})
