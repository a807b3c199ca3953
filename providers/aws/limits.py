"""SageMaker limits and catalogue keys `validate` reads, kept away from the SDK-importing
components so validating a spec imports neither Pulumi nor the AWS SDK."""

from __future__ import annotations

from modules.endpoint import Deployment
from modules.errors import SpecIssue

MAX_WAIT_SECONDS = 3600  # SageMaker's limit on one traffic-shift wait interval (TrafficRoutingConfig)
# TrafficRoutingConfig: "CanarySize ... less than or equal to 50%", "LinearStepSize ... 10-50%"
# of the variant's capacity (SageMaker API reference; the model itself only says min 1).
MAX_CANARY_PERCENT = 50
LINEAR_STEP_RANGE = (10, 50)
FRAMEWORK_IMAGES = {"xgboost": "xgboost", "sklearn": "sklearn"}  # the rest must be given as image.uri


def deployment_issues(path: str, deployment: Deployment) -> list[SpecIssue]:
    """Spec values SageMaker's deployment guardrails refuse (the spec allows 1-99%)."""
    issues = []
    if deployment.strategy == "canary" and deployment.canary_percent > MAX_CANARY_PERCENT:
        issues.append(SpecIssue(f"{path}.canaryPercent", f"SageMaker canaries take at most {MAX_CANARY_PERCENT}% of the "
                                                         f"new fleet ({deployment.canary_percent} > {MAX_CANARY_PERCENT})"))
    low, high = LINEAR_STEP_RANGE
    if deployment.strategy == "linear" and not low <= deployment.linear_step_percent <= high:
        issues.append(SpecIssue(f"{path}.linearStepPercent", f"SageMaker linear steps are {low}-{high}% of the new fleet "
                                                             f"(got {deployment.linear_step_percent})"))
    return issues
