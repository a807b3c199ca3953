"""Every SDK call of a day-2 command goes through a `Gateway`.

It records the call (what ``--dry-run`` prints), skips writes in dry-run mode, retries
throttling with exponential backoff on the injected clock, and turns any error the
cloud's classifier recognises into a `CloudError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mlopskit.modules.day2.clock import Clock, SystemClock
from mlopskit.modules.day2.errors import CloudError

Classifier = Callable[[BaseException], "CloudError | None"]


@dataclass(frozen=True)
class Call:
    """One SDK call: ``sagemaker.update_endpoint_weights_and_capacities(EndpointName=...)``."""

    service: str
    operation: str
    params: dict[str, Any]
    write: bool

    def __str__(self) -> str:
        args = ", ".join(f"{k}={json.dumps(v, sort_keys=True, default=str)}" for k, v in self.params.items())
        return f"{self.service}.{self.operation}({args})"


class PlanIncomplete(Exception):
    """Raised by an offline gateway at the first read: the rest of the plan depends on its answer."""

    def __init__(self, call: Call) -> None:
        super().__init__(f"the next calls depend on the answer of {call.service}.{call.operation}")
        self.call = call


@dataclass
class Gateway:
    """Retry, classify and record SDK calls; ``dry_run`` makes writes no-ops.

    ``offline`` (a dry run without credentials) also makes no read: the first read ends
    the plan with `PlanIncomplete`, so nothing looks for credentials or opens a socket.
    """

    classify: Classifier
    clock: Clock = field(default_factory=SystemClock)
    dry_run: bool = False
    offline: bool = False
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    trace: list[Call | str] = field(default_factory=list)  # calls and, in order, the waits between them

    @property
    def calls(self) -> list[Call]:
        return [c for c in self.trace if isinstance(c, Call)]

    def read(self, service: str, operation: str, fn: Callable[..., Any], /, **params: Any) -> Any:
        """A call that changes nothing: made even in dry-run mode (the plan depends on it)."""
        call = Call(service, operation, params, write=False)
        self.trace.append(call)
        if self.offline:
            raise PlanIncomplete(call)
        return self._with_retries(f"{service}.{operation}", fn, params)

    def write(self, service: str, operation: str, fn: Callable[..., Any], /, dry_result: Any = None, **params: Any) -> Any:
        """A call that changes the cloud; in dry-run mode recorded and answered with ``dry_result``."""
        self.trace.append(Call(service, operation, params, write=True))
        if self.dry_run:
            return dry_result
        return self._with_retries(f"{service}.{operation}", fn, params)

    def note(self, line: str) -> None:
        """A step of the plan that is not a call (a wait), kept in order with the calls."""
        self.trace.append(line)

    def plan(self) -> list[str]:
        """What dry-run prints: reads made, writes it would make and the waits, in order."""
        lines = []
        for entry in self.trace:
            if isinstance(entry, str):
                lines.append(entry)
            else:
                verb = "would read" if self.offline else "read"
                lines.append(f"{'would call' if entry.write and self.dry_run else 'call' if entry.write else verb} {entry}")
        return lines

    def _with_retries(self, operation: str, fn: Callable[..., Any], params: dict[str, Any]) -> Any:
        attempt = 0
        while True:
            try:
                return fn(**params)
            except CloudError:
                raise
            except Exception as error:  # noqa: BLE001 - classified below, the rest re-raised
                cloud_error = self.classify(error)
                if cloud_error is None:
                    raise
                attempt += 1
                if cloud_error.kind != "throttled" or attempt >= self.attempts:
                    raise CloudError(cloud_error.kind, operation, cloud_error.message) from error
                # Exponential backoff: throttling clears when callers slow down together.
                self.clock.sleep(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))
