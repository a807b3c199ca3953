"""SageMaker instance types per use, read from the API model of the pinned botocore.

The catalog (providers/catalog/instances.csv) lists sizes and prices; whether SageMaker
accepts a type for hosting, training or processing is the API's own enum, so the provider
resolves generic compute only among the types the request it feeds will accept
(``ml.t3.medium`` is a notebook/training type, not a hosting one).
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from modules.compute import Compute
from providers.catalog.resolver import Resolution, resolve

Use = Literal["hosting", "training", "processing", "transform"]

# The botocore shape naming the instance types each use accepts.
ENUM_SHAPES: dict[Use, str] = {
    "hosting": "ProductionVariantInstanceType",  # CreateEndpointConfig ProductionVariants[].InstanceType
    "training": "TrainingInstanceType",  # CreateTrainingJob ResourceConfig.InstanceType
    "processing": "ProcessingInstanceType",  # monitoring job ClusterConfig.InstanceType
    "transform": "TransformInstanceType",  # CreateTransformJob (not used by the kit yet)
}


@cache
def accepted(use: Use) -> frozenset[str]:
    """Every instance type SageMaker's API accepts for ``use``."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("sagemaker")
    return frozenset(model.shape_for(ENUM_SHAPES[use]).enum)


# The catalog's price list for each use (processing and transform are billed like training).
_PRICED_AS = {"hosting": "serving", "training": "training", "processing": "training", "transform": "training"}


def resolve_for(use: Use, compute: Compute, region: str | None = None) -> Resolution:
    """``compute`` resolved on AWS among the types SageMaker accepts for ``use``, cheapest in ``region``."""
    return resolve("aws", compute, region, _PRICED_AS[use],  # type: ignore[arg-type]
                   among=accepted(use), among_label=f"SageMaker {use}")
