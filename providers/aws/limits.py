"""SageMaker limits and catalogue keys `validate` reads, kept away from the SDK-importing
components so validating a spec imports neither Pulumi nor the AWS SDK."""

from __future__ import annotations

import math

from mlopskit.modules.endpoint import Deployment
from mlopskit.modules.errors import SpecIssue

MAX_WAIT_SECONDS = 3600  # SageMaker's limit on one traffic-shift wait interval (TrafficRoutingConfig)
# BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds: min 600, max 28800 in the API model.
TIMEOUT_RANGE = (600, 28800)
# The kit's allowance for provisioning the new fleet before the first traffic shift (an
# estimate, not an AWS figure: large GPU fleets may take longer).
PROVISIONING_MARGIN = 1800
# TrafficRoutingConfig: "CanarySize ... less than or equal to 50%", "LinearStepSize ... 10-50%"
# of the variant's capacity (SageMaker API reference; the model itself only says min 1).
MAX_CANARY_PERCENT = 50
LINEAR_STEP_RANGE = (10, 50)
FRAMEWORK_IMAGES = {"xgboost": "xgboost", "sklearn": "sklearn"}  # the rest must be given as image.uri


def _wait_intervals(deployment: Deployment) -> int:
    """How many ``WaitIntervalInSeconds`` periods a rollout of ``deployment`` waits through."""
    if deployment.strategy == "canary":
        return 2  # after the canary, and after the rest of the fleet has shifted
    if deployment.strategy == "linear":
        # "For each step, there is a baking period" (SageMaker guide, linear traffic shifting).
        return math.ceil(100 / deployment.linear_step_percent)
    return 1 if deployment.strategy == "blue-green" else 0  # blue-green bakes once; the others never wait


def termination_wait(deployment: Deployment) -> int:
    """Blue-green keeps the old fleet for the wait period after the shift; the others do not."""
    return min(deployment.wait_minutes * 60, MAX_WAIT_SECONDS) if deployment.strategy == "blue-green" else 0


def rollout_timeout(deployment: Deployment) -> int:
    """``MaximumExecutionTimeoutInSeconds`` the rollout needs: botocore's documentation of
    BlueGreenUpdatePolicy says "the timeout value should be larger than the total waiting
    time specified in TerminationWaitInSeconds and WaitIntervalInSeconds", so every wait
    plus the termination wait plus ``PROVISIONING_MARGIN`` (at least the API's minimum).
    May exceed the API's maximum: `deployment_issues` refuses such a spec."""
    waits = _wait_intervals(deployment) * deployment.wait_minutes * 60 + termination_wait(deployment)
    return max(TIMEOUT_RANGE[0], waits + PROVISIONING_MARGIN)


def deployment_issues(path: str, deployment: Deployment) -> list[SpecIssue]:
    """Spec values SageMaker's deployment guardrails refuse (the spec allows 1-99%, and waits
    a single deployment cannot fit)."""
    issues = []
    if deployment.strategy == "canary" and deployment.canary_percent > MAX_CANARY_PERCENT:
        issues.append(SpecIssue(f"{path}.canaryPercent", f"SageMaker canaries take at most {MAX_CANARY_PERCENT}% of the "
                                                         f"new fleet ({deployment.canary_percent} > {MAX_CANARY_PERCENT})"))
    low, high = LINEAR_STEP_RANGE
    if deployment.strategy == "linear" and not low <= deployment.linear_step_percent <= high:
        issues.append(SpecIssue(f"{path}.linearStepPercent", f"SageMaker linear steps are {low}-{high}% of the new fleet "
                                                             f"(got {deployment.linear_step_percent})"))
    elif rollout_timeout(deployment) > TIMEOUT_RANGE[1]:
        issues.append(SpecIssue(f"{path}.waitMinutes", f"this {deployment.strategy} rollout needs "
                                                       f"{rollout_timeout(deployment)} s (waits, termination wait and "
                                                       f"{PROVISIONING_MARGIN} s to provision) but a SageMaker deployment "
                                                       f"times out after at most {TIMEOUT_RANGE[1]} s: shorten the wait"))
    return issues
