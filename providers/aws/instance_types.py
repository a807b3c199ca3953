"""SageMaker instance types per use, read from the API model of the pinned botocore.

The catalog (providers/catalog/instances.csv) lists sizes and prices; whether SageMaker
accepts a type for hosting, training or processing is the API's own enum, so the provider
resolves generic compute only among the types the request it feeds will accept
(``ml.t3.medium`` is a notebook/training type, not a hosting one).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from typing import Literal

from mlopskit.modules.compute import Compute
from mlopskit.providers.base import resolve_compute
from mlopskit.providers.catalog.resolver import Resolution, resolve

Use = Literal["hosting", "training", "processing", "transform"]

# The botocore shape naming the instance types each use accepts.
ENUM_SHAPES: dict[Use, str] = {
    "hosting": "ProductionVariantInstanceType",  # CreateEndpointConfig ProductionVariants[].InstanceType
    "training": "TrainingInstanceType",  # CreateTrainingJob ResourceConfig.InstanceType
    "processing": "ProcessingInstanceType",  # monitoring job ClusterConfig.InstanceType
    "transform": "TransformInstanceType",  # CreateTransformJob TransformResources.InstanceType (batch)
}


def accepted(use: Use) -> frozenset[str]:
    """Every instance type SageMaker's API accepts for ``use``."""
    return _accepted()[use]


@cache
def _accepted() -> dict[Use, frozenset[str]]:
    """Every use's types, from one read of the API model (a 2 MB document: read it once, and
    decode only the four enum shapes, not the whole document: ~5x faster, and `validate` pays it)."""
    text = _sagemaker_model_text()
    return {use: frozenset(_enum_shape(text, shape)) for use, shape in ENUM_SHAPES.items()}


def _enum_shape(text: str, shape: str) -> list[str]:
    """The ``enum`` of the string shape ``shape`` in the API model's text. The shape is found as a
    key followed by an object (a reference to it reads ``"shape":"<name>"``) and must decode to a
    string enum; tests/aws/test_validate.py compares the result with botocore's own loader."""
    found = re.search(rf'"{re.escape(shape)}"\s*:\s*(?=\{{)', text)
    if found is None:
        raise KeyError(f"SageMaker API model has no shape {shape}")
    value, _ = json.JSONDecoder().raw_decode(text, found.end())
    if value.get("type") != "string" or not isinstance(value.get("enum"), list):
        raise ValueError(f"SageMaker API model shape {shape} is not a string enum: {sorted(value)}")
    return list(value["enum"])


def _sagemaker_model_text() -> str:
    """The pinned botocore's SageMaker API model, read from its data files.

    Read directly (botocore's own loader does the same lookup: ``data/<service>/<newest
    api version>/service-2.json[.gz]``) because importing botocore costs `validate` a
    cloud SDK it otherwise never loads (tests/test_provider_contract.py). ``find_spec``
    locates the package without importing it."""
    spec = importlib.util.find_spec("botocore")
    assert spec is not None and spec.origin is not None, "botocore is a pinned dependency"
    service = Path(spec.origin).parent / "data" / "sagemaker"
    newest = max(service.iterdir(), key=lambda path: path.name)  # API versions are ISO dates
    for candidate in (newest / "service-2.json.gz", newest / "service-2.json"):
        if candidate.exists():
            raw = gzip.decompress(candidate.read_bytes()) if candidate.suffix == ".gz" else candidate.read_bytes()
            return raw.decode("utf-8")
    raise FileNotFoundError(f"no SageMaker API model under {newest}")


# The catalog's price list for each use (processing and transform are billed like training).
_PRICED_AS = {"hosting": "serving", "training": "training", "processing": "training", "transform": "training"}


def resolve_for(use: Use, compute: Compute, region: str | None = None, model_gib: float | None = None) -> Resolution:
    """``compute`` resolved on AWS among the types SageMaker accepts for ``use``, cheapest in ``region``."""
    return resolve("aws", compute, region, _PRICED_AS[use],  # type: ignore[arg-type]
                   among=accepted(use), among_label=f"SageMaker {use}", model_gib=model_gib)


def resolve_use(use: Use, path: str, compute: Compute, region: str | None, model_gib: float | None = None) -> Resolution:
    """``resolve_for`` with a spec error naming ``path``'s field when no accepted type fits."""
    return resolve_compute("aws", path, compute, region, _PRICED_AS[use],  # type: ignore[arg-type]
                           among=accepted(use), among_label=f"SageMaker {use}", model_gib=model_gib)
