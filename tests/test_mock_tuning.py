"""The mocked run pauses GC and the SDK's stack traces, and restores both afterwards."""

from __future__ import annotations

import gc
from importlib.metadata import version

import pytest
from pulumi.runtime import resource as sdk_resource

from mlopskit import mock_tuning
from mlopskit.engine import preview
from mlopskit.modules import load_stack
from tests.conftest import STACKS

# The SDK version whose private stack-trace hook was checked (pulumi/runtime/resource.py).
CHECKED_PULUMI = "3.272.0"


def test_the_private_hook_still_exists_in_the_pinned_sdk() -> None:
    assert version("pulumi") == CHECKED_PULUMI, (
        f"pulumi {version('pulumi')} is not the version mlopskit/mock_tuning.py was checked against "
        f"({CHECKED_PULUMI}): confirm pulumi.runtime.resource.{mock_tuning.STACK_TRACE_HOOK} is still the "
        "per-registration stack-trace capture, then update CHECKED_PULUMI")
    assert callable(getattr(sdk_resource, mock_tuning.STACK_TRACE_HOOK))


def test_gc_and_stack_traces_are_off_inside_and_restored_after() -> None:
    original = getattr(sdk_resource, mock_tuning.STACK_TRACE_HOOK)
    assert gc.isenabled()
    with mock_tuning.lean_mock_run():
        assert not gc.isenabled()
        assert list(getattr(sdk_resource, mock_tuning.STACK_TRACE_HOOK)().frames) == []
    assert gc.isenabled()
    assert getattr(sdk_resource, mock_tuning.STACK_TRACE_HOOK) is original


def test_restored_even_when_the_program_fails() -> None:
    original = getattr(sdk_resource, mock_tuning.STACK_TRACE_HOOK)
    with pytest.raises(RuntimeError), mock_tuning.lean_mock_run():
        raise RuntimeError("boom")
    assert gc.isenabled() and getattr(sdk_resource, mock_tuning.STACK_TRACE_HOOK) is original


def test_a_disabled_gc_stays_disabled() -> None:
    gc.disable()
    try:
        with mock_tuning.lean_mock_run():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_preview_leaves_gc_and_the_sdk_as_it_found_them() -> None:
    original = getattr(sdk_resource, mock_tuning.STACK_TRACE_HOOK)
    graph = preview(load_stack(STACKS / "fraud-dev.yaml", "aws"), "aws")
    assert len(graph) > 10
    assert gc.isenabled() and getattr(sdk_resource, mock_tuning.STACK_TRACE_HOOK) is original


def test_the_mock_monitor_takes_alias_specs_so_alias_urns_are_never_read() -> None:
    """Skipping alias URNs is sound only because the SDK sends aliases as specs to this monitor;
    the recorder reads those specs, so the moved-URN aliases stay visible (tests/test_aliases.py)."""
    import pulumi.resource as sdk_resource_class
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.proto import resource_pb2

    features = MockMonitor(None).GetDeploymentInfo(None).supportedFeatures  # type: ignore[arg-type]
    assert resource_pb2.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS in features
    assert callable(getattr(sdk_resource_class, mock_tuning.ALIAS_URN_HOOK))


def test_alias_urns_are_skipped_only_with_alias_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi.resource as sdk_resource_class

    original = getattr(sdk_resource_class, mock_tuning.ALIAS_URN_HOOK)
    monkeypatch.setattr(mock_tuning, "monitor_sends_alias_specs", lambda: False)
    with mock_tuning.lean_mock_run():
        assert getattr(sdk_resource_class, mock_tuning.ALIAS_URN_HOOK) is original
    monkeypatch.setattr(mock_tuning, "monitor_sends_alias_specs", lambda: True)
    with mock_tuning.lean_mock_run():
        assert getattr(sdk_resource_class, mock_tuning.ALIAS_URN_HOOK) is not original
    assert getattr(sdk_resource_class, mock_tuning.ALIAS_URN_HOOK) is original


def test_the_sdk_reads_its_own_urn_only_without_a_monitor() -> None:
    """Skipping ``create_urn`` in registrations is sound only while the SDK (pinned above) uses
    the URN it computes solely in its no-monitor branch, in both places it computes one."""
    import inspect

    for function in (sdk_resource.register_resource, sdk_resource.read_resource):
        lines = [line.strip() for line in inspect.getsource(function).splitlines()]
        uses = [i for i, line in enumerate(lines) if "mock_urn" in line]
        assert [lines[i] for i in uses[:1]] == [f"mock_urn = await {mock_tuning.MOCK_URN_HOOK}(name, ty, resolver.parent_urn).future()"]
        assert len(uses) == 2 and "if monitor is None:" in lines[uses[1] - 4:uses[1]], function.__name__


def test_mock_urns_are_skipped_only_inside_a_mocked_run(monkeypatch: pytest.MonkeyPatch) -> None:
    original = getattr(sdk_resource, mock_tuning.MOCK_URN_HOOK)
    seen: list[object] = []
    answer = mock_tuning._urn_unused

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(args)
        return answer(*args, **kwargs)

    monkeypatch.setattr(mock_tuning, "_urn_unused", watched)
    with mock_tuning.lean_mock_run():  # no monitor set: nothing to skip
        assert getattr(sdk_resource, mock_tuning.MOCK_URN_HOOK) is original
    graph = preview(load_stack(STACKS / "fraud-dev.yaml", "aws"), "aws")
    assert len(seen) >= len(graph)  # every registration asked for its URN, and got the shortcut
    assert getattr(sdk_resource, mock_tuning.MOCK_URN_HOOK) is original
    assert all(r.urn.startswith("urn:pulumi:") and r.urn.endswith(f"::{r.name}") for r in graph)


def test_an_azure_preview_still_records_the_sdk_type_aliases() -> None:
    """azure-native declares one alias per older API version; the recorder still sees them."""
    graph = preview(load_stack(STACKS / "fraud-dev.yaml", "azure"), "azure")
    workspace = next(r for r in graph if r.type == "azure-native:machinelearningservices:Workspace")
    assert any("machinelearningservices/v20" in urn for urn in workspace.aliases)


def test_monitor_calls_run_on_the_loop_thread_and_the_executor_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mock monitor answers on the event loop's thread (no worker-thread hop per resource),
    and the loop's own default executor is back afterwards."""
    import threading

    from pulumi.runtime.sync_await import _ensure_event_loop

    from mlopskit.providers import get_provider

    provider = get_provider("aws")
    threads: set[int] = set()
    answer = provider.mock_resource

    def recording(*args: object) -> object:
        threads.add(threading.get_ident())
        return answer(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(provider, "mock_resource", recording)
    loop = _ensure_event_loop()
    before = getattr(loop, mock_tuning.DEFAULT_EXECUTOR_ATTRIBUTE)
    preview(load_stack(STACKS / "fraud-dev.yaml", "aws"), "aws", provider)
    assert threads == {threading.get_ident()}
    assert getattr(loop, mock_tuning.DEFAULT_EXECUTOR_ATTRIBUTE) is before


def test_the_inline_executor_hands_errors_to_the_caller() -> None:
    def fails() -> None:
        raise ValueError("from the monitor")

    with mock_tuning.InlineExecutor() as executor:
        assert executor.submit(lambda a, b: a + b, 2, b=3).result() == 5
        with pytest.raises(ValueError, match="from the monitor"):
            executor.submit(fails).result()
        assert not executor._threads  # never started one


def test_the_loop_still_keeps_its_executor_where_the_tuning_restores_it() -> None:
    """``set_default_executor`` has no getter: the tuning reads and restores the private field."""
    import asyncio

    loop = asyncio.new_event_loop()
    try:
        executor = mock_tuning.InlineExecutor()
        loop.set_default_executor(executor)
        assert getattr(loop, mock_tuning.DEFAULT_EXECUTOR_ATTRIBUTE) is executor
    finally:
        loop.close()
