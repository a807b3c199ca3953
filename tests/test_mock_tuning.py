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
