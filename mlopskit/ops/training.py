"""Submitting a training run and, with ``--wait``, following it to the end."""

from __future__ import annotations

from collections.abc import Callable

from mlopskit.modules.day2.backend import OpsBackend, TrainingStatus
from mlopskit.modules.day2.clock import Clock

POLL_SECONDS = 30


def wait_for(backend: OpsBackend, run_id: str, clock: Clock, say: Callable[[str], None] = print,
             poll_seconds: int = POLL_SECONDS) -> TrainingStatus:
    """Print each status change until the run succeeds or fails."""
    last = ""
    while True:
        status = backend.training_status(run_id)
        if status.detail != last:
            say(f"{run_id}: {status.detail}")
            last = status.detail
        if status.state != "running":
            return status
        clock.sleep(poll_seconds)
