"""Images on a cluster: the operator's framework images and the stack's existing registry.

A cluster has no prebuilt framework containers (as SageMaker, Vertex AI and Azure ML have):
a framework image is the one ``placement.kubernetes.frameworkImages`` declares for it.
Light (no SDK): `validate` reads it.
"""

from __future__ import annotations

from mlopskit.modules.training import Image
from mlopskit.providers.kubernetes.target import KubernetesPlacement
from mlopskit.providers.references import in_registry

#: The batch scorer image a batch CronJob runs, pushed to the stack's registry by the operator
#: (docs/kubernetes.md "Not yet": the kit does not ship it).
BATCH_REPOSITORY = "mlopskit-batch"
KIT_TAG = "0.1.0"  # the kit's version (pyproject)


def image_uri(image: Image, placement: KubernetesPlacement) -> str | None:
    """The image a pod runs: explicit ``uri``, ``{repository, tag | digest}`` in the placement's
    registry, or the framework image the placement declares (None: none declared)."""
    if image.repository is not None:
        return in_registry(placement.image_registry, image)
    if image.uri is not None:
        return image.uri
    return placement.framework_images.get(image.framework) if image.framework else None


def batch_image(placement: KubernetesPlacement) -> str:
    return f"{placement.image_registry}/{BATCH_REPOSITORY}:{KIT_TAG}"
