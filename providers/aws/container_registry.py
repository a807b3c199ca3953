"""Container registry: ECR repository with scan on push, immutable tags and KMS."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
from pulumi_aws import ecr

from mlopskit.providers.aws.context import AwsContext

TYPE = "mlopskit:aws:ContainerRegistry"
KEEP_IMAGES = 100


@dataclass(frozen=True)
class ContainerRegistryArgs:
    """Hardening switches from ``registry.containers``."""

    scan_on_push: bool
    immutable_tags: bool
    key_arn: pulumi.Output[str] | None


class ContainerRegistry(pulumi.ComponentResource):
    """One ECR repository for the stack's training and serving images."""

    def __init__(self, name: str, args: ContainerRegistryArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("container_registry"), opts)
        self.repository = ecr.Repository(
            f"{name}-repository",
            name=ctx.prefix,
            image_tag_mutability="IMMUTABLE" if args.immutable_tags else "MUTABLE",
            image_scanning_configuration=ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=args.scan_on_push),
            encryption_configurations=[
                ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=args.key_arn)
                if args.key_arn is not None
                else ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256")
            ],
            opts=pulumi.ResourceOptions(parent=self, protect=ctx.stack.is_prod),
        )
        # Untagged layers accumulate with every push; expiring them bounds storage cost.
        ecr.LifecyclePolicy(
            f"{name}-lifecycle",
            repository=self.repository.name,
            policy=json.dumps({"rules": [{
                "rulePriority": 1,
                "description": f"keep the newest {KEEP_IMAGES} untagged images",
                "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": KEEP_IMAGES},
                "action": {"type": "expire"},
            }]}),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"repositoryUrl": self.repository.repository_url})
