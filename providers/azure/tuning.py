"""What an Azure ML sweep job refuses of a spec's ``training[].tuning``.

Sampling algorithms: random, grid, bayesian (azure-ai-ml SamplingAlgorithmType). Grid sampling
takes choice only; Bayesian sampling takes choice, uniform and quniform (no log distributions)
and no early termination policy (Azure ML docs, "Hyperparameter tuning a model": "Bayesian
sampling doesn't support early termination policy").
"""

from __future__ import annotations

from mlopskit.modules.continuous import Tuning
from mlopskit.modules.errors import SpecIssue


def tuning_issues(path: str, tuning: Tuning | None) -> list[SpecIssue]:
    if tuning is None:
        return []
    issues = []
    for name, spec in tuning.parameters.items():
        if tuning.strategy == "grid" and not spec.categorical:
            issues.append(SpecIssue(f"{path}.tuning.parameters.{name}.type",
                                    f"Azure ML grid sampling takes categorical (choice) ranges only, not {spec.type}"))
        if tuning.strategy == "bayesian" and not spec.categorical and spec.log:
            issues.append(SpecIssue(f"{path}.tuning.parameters.{name}.scale",
                                    "Azure ML Bayesian sampling has no log-scale distribution (use strategy random)"))
    if tuning.strategy == "bayesian" and tuning.early_stopping:
        issues.append(SpecIssue(f"{path}.tuning.earlyStopping",
                                "Azure ML Bayesian sampling supports no early termination policy"))
    return issues
