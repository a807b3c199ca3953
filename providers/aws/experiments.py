"""Experiment tracking on AWS: a SageMaker managed MLflow tracking server.

Its artifact store is the ``experiments/`` folder of the stack's bucket (encrypted with the
stack key by the bucket's default encryption); it runs as the training role, which reads and
writes that folder. The server has no VPC setting: clients reach it through the SageMaker API
(``sagemaker-mlflow`` actions, SigV4) or a presigned URL, so ``network.private`` adds nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import sagemaker

from mlopskit.modules.experiments import Experiments as ExperimentsSpec
from mlopskit.providers.aws.context import AwsContext, built

TYPE = "mlopskit:aws:Experiments"
PREFIX = "experiments/"
_SIZES = {"small": "Small", "medium": "Medium", "large": "Large"}


@dataclass(frozen=True)
class ExperimentsArgs:
    """The spec section and the tracking server's (deterministic) name."""

    spec: ExperimentsSpec
    server_name: str
    # prod: the server holds every run's parameters and metrics (its artifacts are in the
    # protected bucket): removing `experiments` must stop at Pulumi's protect, not delete them.
    protect: bool = False


class Experiments(pulumi.ComponentResource):
    """The tracking server; its name is known before it exists, so roles can grant on it."""

    def __init__(self, name: str, args: ExperimentsArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("experiments"), opts)
        self.server = sagemaker.MlflowTrackingServer(
            f"{name}-server",
            tracking_server_name=args.server_name,
            artifact_store_uri=pulumi.Output.concat("s3://", built(ctx.bucket_name, "bucket_name"), f"/{PREFIX}"),
            role_arn=ctx.roles["training"],
            tracking_server_size=_SIZES[args.spec.size],
            # Registration goes through the kit's model registry (approval rules), not MLflow.
            automatic_model_registration=False,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.register_outputs({"trackingServerArn": self.server.arn})
