"""Container images: an Artifact Registry Docker repository with CMEK and immutable tags."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import artifactregistry

from mlopskit.providers.gcp.context import GcpContext, Grant, child, role_suffix
from mlopskit.providers.gcp.images import registry_url, repository_id as stack_repository_id

TYPE = "mlopskit:gcp:ContainerRegistry"


@dataclass
class ContainerRegistryArgs:
    """Inputs of the ContainerRegistry component."""

    prefix: str
    project: str
    region: str
    kms_key: pulumi.Input[str] | None
    immutable_tags: bool  # registry.containers.immutableTags
    scan_on_push: bool  # registry.containers.scanOnPush
    protect: bool
    grants: list[Grant] = field(default_factory=list)


class ContainerRegistry(pulumi.ComponentResource):
    """The stack's image repository; ``url`` is the ``docker push`` prefix."""

    url: pulumi.Output[str]

    def __init__(self, name: str, args: ContainerRegistryArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("container_registry"), opts)
        repository_id = stack_repository_id(args.prefix)
        repo = artifactregistry.Repository(
            f"{args.prefix}-images-repository",
            repository_id=repository_id,
            project=args.project,
            location=args.region,
            format="DOCKER",
            description=f"Container images of {args.prefix} (mlopskit)",
            kms_key_name=args.kms_key,
            docker_config=artifactregistry.RepositoryDockerConfigArgs(immutable_tags=args.immutable_tags),
            # INHERITED scans every pushed image once the Container Scanning API is on
            # (Artifact Analysis); DISABLED switches scanning off for this repository only.
            vulnerability_scanning_config=artifactregistry.RepositoryVulnerabilityScanningConfigArgs(
                enablement_config="INHERITED" if args.scan_on_push else "DISABLED"
            ),
            opts=child(self, protect=args.protect),
        )
        for grant in args.grants:
            artifactregistry.RepositoryIamMember(
                f"{args.prefix}-images-{grant.key}-{role_suffix(grant.role)}",
                project=args.project,
                location=args.region,
                repository=repo.name,
                role=grant.role,
                member=grant.member,
                opts=child(self),
            )
        self.repository = repo
        self.url = pulumi.Output.from_input(registry_url(args.project, args.region, args.prefix))
        self.register_outputs({"repositoryId": repo.id, "url": self.url})
