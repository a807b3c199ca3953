"""Model registry: one SageMaker model package group per model package."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import sagemaker

from mlopskit.providers.aws.context import AwsContext

TYPE = "mlopskit:aws:ModelRegistry"


@dataclass(frozen=True)
class ModelRegistryArgs:
    """Packages to create groups for and how versions get approved."""

    packages: tuple[str, ...]
    approval: str  # manual | automatic


class ModelRegistry(pulumi.ComponentResource):
    """Model package groups. The approval mode is recorded on each group as a tag: SageMaker
    sets approval per version at registration, and the kit's tooling reads this tag to
    register versions as Approved (automatic) or PendingManualApproval (manual)."""

    def __init__(self, name: str, args: ModelRegistryArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("model_registry"), opts)
        self.groups = {
            package: sagemaker.ModelPackageGroup(
                f"{name}-{package}",
                model_package_group_name=package,
                model_package_group_description=f"{package} models of {ctx.prefix}",
                tags={"mlopskit:approval": args.approval},
                opts=pulumi.ResourceOptions(parent=self, protect=ctx.stack.is_prod),
            )
            for package in args.packages
        }
        self.register_outputs({"groups": {p: g.arn for p, g in self.groups.items()}})
