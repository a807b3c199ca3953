"""Work the Pulumi SDK does for the real engine that a mocked run never needs.

Two costs dominate a large mocked preview (profiled at ~3,000-14,000 resources): the cyclic
garbage collector, which re-scans the millions of objects the provider SDKs leave on the
heap each time registrations allocate past its threshold, and the SDK's per-resource stack
trace (``traceback.extract_stack`` on every registration, sent to the engine for source
positions that the mocks throw away). ``lean_mock_run`` turns both off for the duration of
one mocked program and restores them afterwards; it is never used on the real ``pulumi up``
path (``mlopskit/program.py``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from pulumi.runtime import resource as _sdk_resource
from pulumi.runtime.proto import source_pb2

#: The SDK function the mocks make a no-op. Private: tests/test_mock_tuning.py pins the SDK
#: version it was checked against and fails loudly when it moves.
STACK_TRACE_HOOK = "_get_stack_trace"


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


@contextmanager
def lean_mock_run() -> Iterator[None]:
    """No GC passes and no stack-trace capture while a mocked program registers resources.

    Registration creates few reference cycles (the graph lives until the preview returns),
    so the collector is paused rather than tuned; it runs again afterwards as before.
    """
    original_trace = getattr(_sdk_resource, STACK_TRACE_HOOK)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    setattr(_sdk_resource, STACK_TRACE_HOOK, _no_stack_trace)
    try:
        yield
    finally:
        setattr(_sdk_resource, STACK_TRACE_HOOK, original_trace)
        if gc_was_enabled:
            gc.enable()
