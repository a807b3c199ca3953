"""Work the Pulumi SDK does for the real engine that a mocked run never needs.

Two costs dominate a large mocked preview (profiled at ~3,000-14,000 resources): the cyclic
garbage collector, which re-scans the millions of objects the provider SDKs leave on the
heap each time registrations allocate past its threshold, and the SDK's per-resource stack
trace (``traceback.extract_stack`` on every registration, sent to the engine for source
positions that the mocks throw away). ``lean_mock_run`` turns both off for the duration of
one mocked program and restores them afterwards; it is never used on the real ``pulumi up``
path (``mlopskit/program.py``).

A third cost is specific to azure-native, whose every resource carries ~20 type aliases (one per
older API version): ``Resource.__init__`` turns each alias into an ``Output`` chain computing its
URN (``collapse_alias_to_urn``), ~40% of an Azure preview's SDK time. Those URNs are read only
by ``all_aliases``, the path for an engine without alias specs; the mock monitor declares alias
specs, so the SDK sends the aliases as specs (which the recorder reads) and never reads them.

The SDK also computes every registration's URN itself (``create_urn``: an ``Output.all`` and an
``apply``, ~5% of a preview) only to answer in place of a monitor when there is none; with the
mock monitor the value is thrown away, as is the URN of each alias when the monitor takes alias
specs (the only other caller in ``pulumi.runtime.resource``). ``lean_mock_run`` skips both
together, under the same condition.

Last, the SDK hands every monitor call (each registration, invoke and feature query) to the
event loop's default thread pool, because the real monitor is a blocking gRPC client. The mock
monitor answers in memory, so the hop to a worker thread and back (a thread wake-up, the GIL
hand-over and a self-pipe write per resource) buys nothing: ``lean_mock_run`` runs those calls
inline on the loop's thread instead (``InlineExecutor``).
"""

from __future__ import annotations

import concurrent.futures
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pulumi.resource as _sdk_resource_class
from pulumi import Output
from pulumi.runtime import resource as _sdk_resource, settings as _sdk_settings
from pulumi.runtime.proto import resource_pb2, source_pb2
from pulumi.runtime.sync_await import _ensure_event_loop

#: The SDK function the mocks make a no-op. Private: tests/test_mock_tuning.py pins the SDK
#: version it was checked against and fails loudly when it moves.
STACK_TRACE_HOOK = "_get_stack_trace"
#: The name ``pulumi.resource`` (``Resource.__init__``) calls to turn an alias into a URN.
ALIAS_URN_HOOK = "collapse_alias_to_urn"
#: The ``pulumi.runtime.resource`` function ``register_resource`` awaits for a URN it uses only when
#: no monitor is set (and ``collapse_alias_to_urn`` there, for alias URNs). Pinned the same way.
MOCK_URN_HOOK = "create_urn"
#: Where ``asyncio.BaseEventLoop`` keeps the executor ``run_in_executor(None, ...)`` uses; private
#: too (``set_default_executor`` has no getter), pinned by tests/test_mock_tuning.py.
DEFAULT_EXECUTOR_ATTRIBUTE = "_default_executor"


class InlineExecutor(concurrent.futures.ThreadPoolExecutor):
    """A "thread pool" that runs each call at once on the caller's thread.

    A subclass because ``loop.set_default_executor`` takes only thread pools; it never starts a
    thread. Safe only for calls that never wait on the event loop they are made from: the mock
    monitor's are all in memory (the engine's recorder serializes without waiting, engine.py).
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 - handed to the awaiting coroutine, as a pool would
            future.set_exception(error)
        return future


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


def _alias_unresolved(alias: Any, *_defaults: Any) -> Any:
    """Keeps the alias as given: with alias specs nothing reads ``Resource._aliases``."""
    return alias


def _urn_unused(*_args: Any, **_kwargs: Any) -> Any:
    """The URN nothing reads with a monitor set: an empty, already known ``Output``."""
    return Output.from_input("")


def monitor_sends_alias_specs() -> bool:
    """True when the (mock) monitor takes aliases as specs, the condition for skipping their URNs."""
    return _sdk_settings.monitor_supports_feature(resource_pb2.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS)


@contextmanager
def lean_mock_run() -> Iterator[None]:
    """No GC passes, no stack-trace capture, no alias or mock URNs and no worker threads while a
    mocked program registers resources (alias URNs only when the monitor, set before this, takes
    alias specs; mock URNs only then, and only with a monitor set).

    Registration creates few reference cycles (the graph lives until the preview returns),
    so the collector is paused rather than tuned; it runs again afterwards as before.
    """
    original_trace = getattr(_sdk_resource, STACK_TRACE_HOOK)
    original_alias = getattr(_sdk_resource_class, ALIAS_URN_HOOK)
    original_urn = getattr(_sdk_resource, MOCK_URN_HOOK)
    loop = _ensure_event_loop()
    original_executor = getattr(loop, DEFAULT_EXECUTOR_ATTRIBUTE)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    loop.set_default_executor(InlineExecutor())
    setattr(_sdk_resource, STACK_TRACE_HOOK, _no_stack_trace)
    if monitor_sends_alias_specs():
        setattr(_sdk_resource_class, ALIAS_URN_HOOK, _alias_unresolved)
        if _sdk_settings.get_monitor() is not None:
            setattr(_sdk_resource, MOCK_URN_HOOK, _urn_unused)
    try:
        yield
    finally:
        setattr(_sdk_resource, STACK_TRACE_HOOK, original_trace)
        setattr(_sdk_resource_class, ALIAS_URN_HOOK, original_alias)
        setattr(_sdk_resource, MOCK_URN_HOOK, original_urn)
        setattr(loop, DEFAULT_EXECUTOR_ATTRIBUTE, original_executor)
        if gc_was_enabled:
            gc.enable()
