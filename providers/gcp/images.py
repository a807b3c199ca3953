"""Vertex AI prebuilt training containers and the stack's own Artifact Registry images:
what `validate` and the build both read, kept apart from the components so checking a
spec does not load the Pulumi GCP SDK."""

from __future__ import annotations

from mlopskit.modules.training import Image
from mlopskit.providers.references import in_registry

# Vertex AI prebuilt training containers (framework -> image family; cpu/gpu variants).
PREBUILT = {"xgboost": ("xgboost-cpu", None), "sklearn": ("sklearn-cpu", None), "pytorch": ("pytorch-cpu", "pytorch-gpu"),
            "tensorflow": ("tf-cpu", "tf-gpu")}


def prebuilt_image(framework: str, version: str, region: str, gpu: bool) -> str | None:
    """The prebuilt container URI for a framework version, or None when Vertex has none."""
    if framework not in PREBUILT:
        return None
    cpu, gpu_family = PREBUILT[framework]
    family = gpu_family if gpu and gpu_family else cpu
    major_minor = "-".join(version.split("-")[0].split(".")[:2])
    geo = region.split("-")[0] if region.split("-")[0] in ("us", "europe", "asia") else "us"
    return f"{geo}-docker.pkg.dev/vertex-ai/training/{family}.{major_minor}:latest"


#: The kit's monitor job image (mlopskit/monitor/Dockerfile), pushed to the stack's repository.
MONITOR_REPOSITORY = "mlopskit-monitor"
MONITOR_TAG = "0.1.0"  # the kit's version (pyproject): the image holds the kit's monitor package


def monitor_image(project: str, region: str, prefix: str) -> str:
    """Where the stack's monitor jobs pull the kit's image from (docs/monitoring.md says how to push it)."""
    return f"{registry_url(project, region, prefix)}/{MONITOR_REPOSITORY}:{MONITOR_TAG}"


def registry_url(project: str, region: str, prefix: str) -> str:
    """``<region>-docker.pkg.dev/<project>/<prefix>-images``: the stack's ``docker push`` prefix."""
    return f"{region}-docker.pkg.dev/{project}/{repository_id(prefix)}"


def repository_id(prefix: str) -> str:
    """The Artifact Registry repository id of a stack."""
    return f"{prefix}-images"


def image_uri(image: Image, project: str, region: str, prefix: str) -> str | None:
    """An explicit ``uri`` as given; ``{repository, tag | digest}`` in the stack's repository."""
    if image.repository is not None:
        return in_registry(registry_url(project, region, prefix), image)
    return image.uri
