"""Day-2 operations (train, rollout, rollback, promote, backup verify, status), cloud-neutral.

The orchestration here never imports a cloud SDK: each cloud implements the small
`OpsBackend` interface in ``providers/<cloud>/ops.py`` and every SDK call goes through a
`Gateway`, which retries throttling with backoff, turns cloud errors into one-line
`CloudError`s and, with ``--dry-run``, records writes instead of making them.
"""

from mlopskit.modules.day2.backend import LiveEndpoint, LiveVariant, NativeOutcome, OpsBackend, Rollout, TrainingStatus
from mlopskit.modules.day2.calls import Call, Gateway
from mlopskit.modules.day2.clock import Clock, SystemClock
from mlopskit.modules.day2.errors import CloudError

__all__ = ["Call", "Clock", "CloudError", "Gateway", "LiveEndpoint", "LiveVariant", "NativeOutcome", "OpsBackend",
           "Rollout", "SystemClock", "TrainingStatus"]
