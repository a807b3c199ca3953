"""Container images and Azure ML environments for training and serving."""

from __future__ import annotations

from mlopskit.modules.naming import short_hash
from mlopskit.modules.training import Image
from mlopskit.providers.azure import names
from mlopskit.providers.references import in_registry

# Azure ML's maintained base images (mcr.microsoft.com/azureml); frameworks are added
# with pip on top, so every spec framework/version pair maps without a curated-image table.
CPU_BASE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"
GPU_BASE = "mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04:latest"
PIP_PACKAGES = {
    "xgboost": "xgboost",
    "pytorch": "torch",
    "tensorflow": "tensorflow",
    "sklearn": "scikit-learn",
    "huggingface": "transformers",
}
# Registries Azure ML pulls from with its own identity, no extra credentials.
_AZURE_REGISTRIES = (".azurecr.io/", "mcr.microsoft.com/")


def framework_conda(framework: str, version: str) -> str:
    """A conda file installing ``framework`` at ``version`` (SageMaker-style `1.7-1` -> `1.7.*`)."""
    release = version.split("-")[0]
    pin = f"{release}.*" if release.count(".") < 2 else release
    return (
        "name: mlopskit\n"
        "channels: [conda-forge]\n"
        "dependencies:\n"
        "  - python=3.10\n"
        "  - pip\n"
        "  - pip:\n"
        f"    - {PIP_PACKAGES[framework]}=={pin}\n"
        "    - azureml-mlflow\n"
    )


def pullable_by_azure(uri: str) -> bool:
    """True for images in an Azure Container Registry or Microsoft's registry."""
    return any(host in uri for host in _AZURE_REGISTRIES)


def environment_version(image: str, conda: str | None) -> str:
    """Environment versions are immutable: derive the version from the content."""
    return short_hash(image, conda or "")


def login_server(prefix: str) -> str:
    """The stack's Azure Container Registry host (``<name>.azurecr.io``)."""
    return f"{names.container_registry(prefix)}.azurecr.io"


def image_uri(image: Image, prefix: str) -> str:
    """An explicit ``uri`` as given; ``{repository, tag | digest}`` in the stack's ACR."""
    if image.repository is not None:
        return in_registry(login_server(prefix), image)
    return image.uri or ""
