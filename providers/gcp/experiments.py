"""Experiment tracking on GCP: Vertex AI Experiments, backed by a TensorBoard instance encrypted
with the stack key, and the region's metadata store.

The metadata store is the project's ``default`` one, one per project and region: Vertex AI
creates it itself ("The first time you run a PipelineJob or create an experiment ... Vertex AI
creates your project's MetadataStore", ml-metadata/configure), other stacks and teams keep
their lineage in it, so the kit never creates or deletes it (a second stack's create would
fail with ALREADY_EXISTS; a destroy would delete everyone's lineage). To have it under a
customer-managed key, a project administrator creates it with the key once, before any
pipeline or experiment runs in the region (docs/deploy.md). The TensorBoard has no network
setting; both are reached through the Vertex AI API with IAM (``experiments.read`` /
``experiments.write``: custom roles, project-wide, as TensorBoards have no resource-level IAM).
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
    """The stack's TensorBoard (the region's ``default`` metadata store is the project's: not created)."""

    def __init__(self, name: str, args: ExperimentsArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("experiments"), opts)
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
