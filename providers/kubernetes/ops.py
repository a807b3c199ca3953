"""Day 2 on a cluster: not part of this change (rollout, rollback, promote, train, batch run,
backup verify and status through the ``kubernetes`` client are a later step, issue 29's Day 2).

Asking for it is a clear error, never a silent no-op.
"""

from __future__ import annotations

from mlopskit.modules.day2.backend import OpsBackend
from mlopskit.modules.day2.calls import Gateway
from mlopskit.modules.day2.errors import CloudError
from mlopskit.modules.stack import Stack


def backend(stack: Stack, gateway: Gateway) -> OpsBackend:
    raise NotImplementedError("day-2 operations are not implemented on the kubernetes target yet")


def classify(error: BaseException) -> CloudError | None:
    return None  # no client calls yet, so no client error to classify
