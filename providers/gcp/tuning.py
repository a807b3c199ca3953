"""What Vertex AI hyperparameter tuning refuses of a spec's ``training[].tuning``.

StudySpec.Algorithm (aiplatform_v1): ALGORITHM_UNSPECIFIED (Vertex's Bayesian optimisation),
GRID_SEARCH, RANDOM_SEARCH. Grid search needs every parameter discrete, integer or categorical
(aiplatform_v1 StudySpec docs: "GRID_SEARCH ... only applicable to ... discrete, integer and
categorical parameters"), so a continuous range is refused with grid.
"""

from __future__ import annotations

from mlopskit.modules.continuous import Tuning
from mlopskit.modules.errors import SpecIssue

ALGORITHM = {"bayesian": "ALGORITHM_UNSPECIFIED", "random": "RANDOM_SEARCH", "grid": "GRID_SEARCH"}


def tuning_issues(path: str, tuning: Tuning | None) -> list[SpecIssue]:
    if tuning is None or tuning.strategy != "grid":
        return []
    return [SpecIssue(f"{path}.tuning.parameters.{name}.type",
                      "Vertex AI grid search takes integer and categorical ranges only, not continuous")
            for name, spec in tuning.parameters.items() if spec.type == "continuous"]
