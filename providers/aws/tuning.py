"""What SageMaker automatic model tuning refuses of a spec's ``training[].tuning``.

SageMaker's strategies are Bayesian, Random, Grid and Hyperband (botocore
HyperParameterTuningJobStrategyType); the spec's bayesian, random and grid map one to one.
Grid search walks categorical ranges only (SageMaker developer guide, "How hyperparameter tuning
works", Grid search: "you can only use categorical parameters"; NOT confirmed against the stored
docs in this session, which show the API but not that sentence: from the guide as remembered).
"""

from __future__ import annotations

from mlopskit.modules.continuous import Tuning
from mlopskit.modules.errors import SpecIssue

STRATEGY = {"bayesian": "Bayesian", "random": "Random", "grid": "Grid"}
SCALE = {"linear": "Linear", "log": "Logarithmic"}


def tuning_issues(path: str, tuning: Tuning | None) -> list[SpecIssue]:
    """One issue per setting SageMaker tuning cannot run, at the field that sets it."""
    if tuning is None or tuning.strategy != "grid":
        return []
    return [SpecIssue(f"{path}.tuning.parameters.{name}.type",
                      f"SageMaker grid search takes categorical ranges only, not {spec.type} (use strategy "
                      "random or bayesian, or list the values as categorical)")
            for name, spec in tuning.parameters.items() if not spec.categorical]
