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

import re
from collections.abc import Iterator

from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.modules.training import Image

# Registry hosts of each cloud's container registries (first component of an image URI).
_REGISTRY_HOSTS: tuple[tuple[Cloud, re.Pattern[str]], ...] = (
    ("aws", re.compile(r"^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")),
    ("aws", re.compile(r"^public\.ecr\.aws$")),
    ("gcp", re.compile(r"^([a-z]+\.)?gcr\.io$")),
    ("gcp", re.compile(r"^[a-z0-9-]+-docker\.pkg\.dev$")),
    ("azure", re.compile(r"^[a-z0-9]+\.azurecr\.(io|cn|us)$")),
)
# Storage locations of each cloud (model artifacts).
_STORAGE: tuple[tuple[Cloud, re.Pattern[str]], ...] = (
    ("aws", re.compile(r"^s3://")),
    ("aws", re.compile(r"^https://[^/]*\.?s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?/")),
    ("gcp", re.compile(r"^gs://")),
    ("gcp", re.compile(r"^https://storage\.googleapis\.com/")),
    ("azure", re.compile(r"^https://[a-z0-9]+\.blob\.core\.windows\.net/")),
)
_NAMES = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure"}


def image_cloud(uri: str) -> Cloud | None:
    """The cloud whose registry hosts ``uri``, or None (Docker Hub, a private registry)."""
    host = uri.split("/", 1)[0] if "/" in uri else ""
    return next((cloud for cloud, pattern in _REGISTRY_HOSTS if pattern.match(host.lower())), None)


def storage_cloud(uri: str) -> Cloud | None:
    """The cloud whose storage holds ``uri``, or None (any other https location)."""
    return next((cloud for cloud, pattern in _STORAGE if pattern.match(uri)), None)


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
                f"{_NAMES[owner]} registry image cannot be pulled on {_NAMES[cloud]}: push it to the stack's own "
                "container registry and name it {repository, tag | digest}")))
    for index, endpoint in enumerate(stack.endpoints):
        uri = endpoint.model.artifact_uri
        owner = storage_cloud(uri) if uri else None
        if owner is not None and owner != cloud:
            issues.append(SpecIssue(f"endpoints[{index}].model.artifactUri", (
                f"{_NAMES[owner]} storage cannot be read on {_NAMES[cloud]}: copy the model to the stack's own "
                "artifact store and give artifactPath")))
    return issues


def in_registry(registry: str, image: Image) -> str:
    """A cloud-neutral image in a registry that holds many repositories (Artifact
    Registry repository, ACR): ``<registry>/<repository>:<tag>`` or ``...@<digest>``."""
    assert image.reference is not None, "only for {repository, tag | digest} images"
    return f"{registry}/{image.reference}"
