"""Model registry: the Vertex Model Registry versions each endpoint serves.

A registry reference was resolved before the build (``ModelRegistry.resolve``); an
artifact reference is uploaded here as a new model version (a dynamic resource, since
pulumi-gcp cannot upload models). ``registry.models.approval`` decides whether an
upload is approved at once (automatic) or waits for a human (manual).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from mlopskit.providers.gcp.context import GcpContext, child
from mlopskit.providers.gcp.vertex import VertexModel

TYPE = "mlopskit:gcp:ModelRegistry"


@dataclass
class UploadArgs:
    """One model version to upload for an artifact-sourced endpoint."""

    endpoint: str
    image_uri: str
    artifact_uri: str


@dataclass
class ModelRegistryArgs:
    """Inputs of the ModelRegistry component."""

    prefix: str
    project: str
    region: str
    approval: str  # registry.models.approval
    kms_key: pulumi.Input[str] | None
    protect: bool
    uploads: list[UploadArgs] = field(default_factory=list)
    resolved: dict[str, str] = field(default_factory=dict)  # endpoint -> resolved version reference


class ModelRegistry(pulumi.ComponentResource):
    """``references[endpoint]`` is the model version (``<model>@<version>``) it serves."""

    references: dict[str, pulumi.Input[str]]

    def __init__(self, name: str, args: ModelRegistryArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("model_registry"), opts)
        self.references = dict(args.resolved)
        for upload in args.uploads:
            model = VertexModel(
                f"{args.prefix}-{upload.endpoint}-model",
                {
                    "parent": f"projects/{args.project}/locations/{args.region}",
                    "region": args.region,
                    # The parent model every version of this endpoint's model is uploaded under.
                    "modelId": f"{args.prefix}-{upload.endpoint}",
                    "displayName": f"{args.prefix}-{upload.endpoint}",
                    "imageUri": upload.image_uri,
                    "artifactUri": upload.artifact_uri,
                    "kmsKeyName": args.kms_key,
                    "approval": args.approval,
                    "labels": {"endpoint": upload.endpoint, "approval": args.approval},
                },
                # A registered version is what rollbacks return to: protected in prod.
                opts=child(self, protect=args.protect),
            )
            self.references[upload.endpoint] = model.reference
        self.register_outputs({"approval": args.approval, "references": self.references})
