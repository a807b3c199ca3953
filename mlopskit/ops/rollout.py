"""Rollout plans from the spec's strategy, and the loop that walks them while watching alarms.

Stepwise (every cloud): the previous version serves throughout: the candidate is deployed
beside it with no traffic, traffic moves in the plan's steps, and on an alarm (with
``autoRollback``) the previous version takes all traffic back before the candidate is
removed. The kit reads the alarms itself at every step, the same way on every cloud.

Native: where a cloud's own deployment guardrails run the strategy (`OpsBackend.
native_strategies`; SageMaker's blue/green for canary, linear, blue-green and
all-at-once), the kit hands the update to them and follows it: the cloud shifts traffic
and rolls back on the alarms. ``stepwise=True`` (``mlopskit rollout --stepwise``) keeps
the kit's own steps instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from mlopskit.modules.day2.backend import NativeOutcome, OpsBackend, Rollout
from mlopskit.modules.day2.clock import Clock
from mlopskit.modules.endpoint import Deployment, Endpoint

POLL_SECONDS = 60  # alarms evaluate per minute on every cloud; polling faster learns nothing


@dataclass(frozen=True)
class Step:
    """Give the candidate ``percent`` of traffic, then watch alarms for ``wait_minutes``."""

    percent: int
    wait_minutes: int


@dataclass(frozen=True)
class RolloutPlan:
    """The steps of one strategy; ``mirror_percent`` set means shadow (mirror, never serve)."""

    strategy: str
    steps: tuple[Step, ...]
    mirror_percent: int | None
    auto_rollback: bool


def plan_for(deployment: Deployment) -> RolloutPlan:
    """canary: [canary%, 100]; linear: step%, 2*step%, ... 100; blue-green: 0 (new fleet up,
    no traffic) then 100 with a bake period before the old fleet goes; all-at-once: 100;
    shadow: no live traffic, only a mirrored copy."""
    wait = deployment.wait_minutes
    strategy = deployment.strategy
    steps: tuple[Step, ...]
    if strategy == "canary":
        steps = (Step(deployment.canary_percent, wait), Step(100, 0))
    elif strategy == "linear":
        size = deployment.linear_step_percent
        percents = [min(100, size * i) for i in range(1, math.ceil(100 / size) + 1)]
        steps = tuple(Step(p, 0 if p == 100 else wait) for p in percents)
    elif strategy == "blue-green":
        steps = (Step(0, 0), Step(100, wait))
    elif strategy == "shadow":
        steps = (Step(0, wait),)
    else:
        steps = (Step(100, 0),)
    mirror = deployment.mirror_percent if strategy == "shadow" else None
    return RolloutPlan(strategy, steps, mirror, deployment.auto_rollback)


@dataclass
class RolloutResult:
    """How a rollout ended: ``completed``, ``mirroring`` (shadow), ``rolled-back``, ``halted``
    or ``failed`` (a native deployment that failed without a clean rollback)."""

    status: Literal["completed", "mirroring", "rolled-back", "halted", "failed"]
    rollout: Rollout | None
    alarms: list[str] = field(default_factory=list)
    step: int = 0  # candidate percent when it ended
    reason: str = ""  # native: the cloud's failure reason

    @property
    def ok(self) -> bool:
        return self.status in ("completed", "mirroring")


def run_rollout(backend: OpsBackend, endpoint: Endpoint, version: str, clock: Clock,
                say: Callable[[str], None] = print, stepwise: bool = False) -> RolloutResult:
    """Walk the endpoint's plan, rolling back on an alarm when the spec asks for it; or,
    unless ``stepwise``, let the cloud's own guardrails run a strategy they support."""
    plan = plan_for(endpoint.deployment)
    if not stepwise and plan.strategy in backend.native_strategies:
        return _run_native(backend, endpoint, version, plan, say)
    dry = backend.gateway.dry_run
    rollout = backend.start_rollout(endpoint, version, plan.mirror_percent)
    say(f"{rollout.endpoint}: {plan.strategy} rollout of version {version} "
        f"(candidate {rollout.candidate} beside {rollout.live})")
    current = 0
    try:
        for step in plan.steps:
            if plan.mirror_percent is None and step.percent != current:
                backend.shift_traffic(rollout, step.percent)
                current = step.percent
                say(f"{rollout.endpoint}: {rollout.candidate} at {current}%, {rollout.live} at {100 - current}%")
            firing = _watch(backend, endpoint, step.wait_minutes, clock, dry)
            if firing:
                say(f"{rollout.endpoint}: alarm(s) firing: {', '.join(firing)}")
                if not plan.auto_rollback:
                    say(f"{rollout.endpoint}: autoRollback is off: traffic left as is; run `mlopskit rollback`")
                    return RolloutResult("halted", rollout, firing, current)
                backend.abort_rollout(rollout)
                say(f"{rollout.endpoint}: rolled back: {rollout.live} serves 100%, {rollout.candidate} removed")
                return RolloutResult("rolled-back", rollout, firing, current)
    except BaseException:
        # Whatever failed mid-rollout, the previous version must end up serving everything.
        if current > 0 and not dry:
            backend.abort_rollout(rollout)
            say(f"{rollout.endpoint}: error during rollout: {rollout.live} restored to 100%")
        raise
    if plan.mirror_percent is not None:
        say(f"{rollout.endpoint}: {rollout.candidate} mirrors {plan.mirror_percent}% of requests; "
            f"{rollout.live} still serves 100%")
        return RolloutResult("mirroring", rollout, [], 0)
    backend.complete_rollout(rollout)
    say(f"{rollout.endpoint}: rollout complete: version {version} serves 100%")
    return RolloutResult("completed", rollout, [], 100)


def _run_native(backend: OpsBackend, endpoint: Endpoint, version: str, plan: RolloutPlan,
                say: Callable[[str], None]) -> RolloutResult:
    rollout = backend.start_native_rollout(endpoint, version)
    say(f"{rollout.endpoint}: {plan.strategy} rollout of version {version} by the cloud's deployment "
        f"guardrails ({rollout.previous_config} -> {rollout.new_config}"
        f"{', auto-rollback on the alarms' if plan.auto_rollback else ''})")
    outcome: NativeOutcome = backend.wait_native_rollout(rollout)
    reason = outcome.reason or "no reason given"
    if outcome.state == "completed":
        say(f"{rollout.endpoint}: rollout complete: version {version} serves 100%")
        return RolloutResult("completed", rollout, [], 100)
    if outcome.state == "rolled-back":
        say(f"{rollout.endpoint}: rolled back by the deployment guardrails, {outcome.serving} serves 100%: {reason}")
        return RolloutResult("rolled-back", rollout, [], 0, reason)
    say(f"{rollout.endpoint}: deployment ended {outcome.status} on {outcome.serving}: {reason}; "
        f"`mlopskit rollback` restores {rollout.previous_config}")
    return RolloutResult("failed", rollout, [], 0, reason)


def _watch(backend: OpsBackend, endpoint: Endpoint, minutes: int, clock: Clock, dry: bool) -> list[str]:
    """Alarms firing at any poll during ``minutes`` (checked once at least)."""
    if dry:
        if minutes:
            backend.gateway.note(f"wait {minutes} min, checking alarms every {POLL_SECONDS} s")
        return []
    firing = backend.firing_alarms(endpoint)
    waited = 0
    while not firing and waited < minutes * 60:
        pause = min(POLL_SECONDS, minutes * 60 - waited)
        clock.sleep(pause)
        waited += pause
        firing = backend.firing_alarms(endpoint)
    return firing
