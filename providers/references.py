"""Where an image or artifact lives, and the rule that no cloud reaches into another's.

Spec v1 allows fully qualified image and artifact URIs. A URI that names another
cloud's registry or storage cannot be used as is: that cloud's managed service would
need long-lived credentials of the other cloud, traffic would leave the stack's private
network and compliance boundary, and Vertex AI cannot pull from outside Google at all.
The kit therefore rejects such a reference on the cloud it does not belong to (exit 2,
with the field path) and offers the cloud-neutral forms instead: ``image: {repository,
tag | digest}`` in the stack's own registry and ``artifactPath`` in its own artifact
store (docs/spec-references.md). A URI stays valid on the cloud it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlopskit.modules import targets
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.modules.training import Image


def image_cloud(uri: str) -> Cloud | None:
    """The target whose registry hosts ``uri`` (``Target.registry_hosts``), or None (Docker Hub, a
    private registry)."""
    host = uri.split("/", 1)[0].lower() if "/" in uri else ""
    return next((t.name for t in targets.targets() if host and t.owns_image_host(host)), None)


def storage_cloud(uri: str) -> Cloud | None:
    """The target whose storage holds ``uri`` (``Target.storage_uris``), or None (any other https location)."""
    return next((t.name for t in targets.targets() if t.owns_storage_uri(uri)), None)


def _name(cloud: Cloud) -> str:
    return targets.target(cloud).display_name


def _images(stack: Stack) -> Iterator[tuple[str, Image]]:
    for index, job in enumerate(stack.training):
        yield f"training[{index}].image", job.image
    for index, endpoint in enumerate(stack.endpoints):
        if endpoint.model.image is not None:
            yield f"endpoints[{index}].model.image", endpoint.model.image


def foreign_references(stack: Stack, cloud: Cloud) -> list[SpecIssue]:
    """Every image or artifact URI in ``stack`` that lives on a cloud other than ``cloud``."""
    issues = []
    for path, image in _images(stack):
        owner = image_cloud(image.uri) if image.uri else None
        if owner is not None and owner != cloud:
            issues.append(SpecIssue(f"{path}.uri", (
                f"{_name(owner)} registry image cannot be pulled on {_name(cloud)}: push it to the stack's own "
                "container registry and name it {repository, tag | digest}")))
    for index, endpoint in enumerate(stack.endpoints):
        uri = endpoint.model.artifact_uri
        owner = storage_cloud(uri) if uri else None
        if owner is not None and owner != cloud:
            issues.append(SpecIssue(f"endpoints[{index}].model.artifactUri", (
                f"{_name(owner)} storage cannot be read on {_name(cloud)}: copy the model to the stack's own "
                "artifact store and give artifactPath")))
    return issues


def in_registry(registry: str, image: Image) -> str:
    """A cloud-neutral image in a registry that holds many repositories (Artifact
    Registry repository, ACR): ``<registry>/<repository>:<tag>`` or ``...@<digest>``."""
    assert image.reference is not None, "only for {repository, tag | digest} images"
    return f"{registry}/{image.reference}"
