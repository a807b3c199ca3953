"""Vertex AI prebuilt training containers: what `validate` and the build both read, kept
apart from the components so checking a spec does not load the Pulumi GCP SDK."""

from __future__ import annotations

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
