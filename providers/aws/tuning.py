"""What SageMaker automatic model tuning refuses of a spec's ``training[].tuning``.

The tuning API has Bayesian, Random, Grid and Hyperband (botocore HyperParameterTuningJobStrategyType),
but the pipeline-definition schema SageMaker publishes takes a Tuning step's strategy Bayesian or
Random only (tests/fidelity/aws/pipeline_schema.py): the spec's grid is refused on AWS.
"""

from __future__ import annotations

from mlopskit.modules.continuous import Tuning
from mlopskit.modules.errors import SpecIssue

STRATEGY = {"bayesian": "Bayesian", "random": "Random"}  # grid: refused by tuning_issues
SCALE = {"linear": "Linear", "log": "Logarithmic"}


def tuning_issues(path: str, tuning: Tuning | None, framework: bool = True) -> list[SpecIssue]:
    """One issue per setting SageMaker tuning cannot run, at the field that sets it."""
    if tuning is None:
        return []
    if not framework:
        # botocore HyperParameterAlgorithmSpecification: TrainingImage, TrainingInputMode,
        # AlgorithmName, MetricDefinitions; no ContainerEntrypoint to run the spec's entrypoint with.
        return [SpecIssue(f"{path}.tuning", "SageMaker tuning runs a framework image in script mode only (a tuning "
                                            "job takes no container entrypoint): give image.framework with code")]
    if tuning.strategy == "grid":
        return [SpecIssue(f"{path}.tuning.strategy", "SageMaker Pipelines' published definition schema takes a Tuning "
                                                      "step's strategy Bayesian or Random only: use bayesian or random")]
    return []
