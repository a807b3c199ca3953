"""Offline mock engine: runs a provider's Pulumi program under Pulumi's mocks, no CLI.

Each run happens in a fresh ``contextvars.Context`` so the Pulumi runtime's ambient
settings (root stack, monitor) never leak from one preview into the next.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi.runtime.config as pulumi_config
from pulumi.runtime import mocks as pulumi_mocks, rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import SETTINGS
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from mlopskit import progress
from mlopskit.mock_tuning import lean_mock_run
from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.placement import Cloud
from mlopskit.modules.provider import Provider
from mlopskit.modules.stack import Stack

PROJECT = "mlopskit"
# Pulumi log calls made by providers (warnings) are collected in BuildResult instead;
# under mocks they would otherwise be printed a second time by the root logger.
_PULUMI_LOG = logging.getLogger("mlopskit.engine.pulumi")
_PULUMI_LOG.addHandler(logging.NullHandler())
_PULUMI_LOG.propagate = False


class DuplicateResourceError(Exception):
    """Two resources registered the same URN: the real engine would refuse the program."""

    def __init__(self, urns: list[str]) -> None:
        self.urns = sorted(set(urns))
        names = ", ".join(urn.rsplit("::", 1)[-1] for urn in self.urns)
        super().__init__(f"two resources would get the same name ({names}): rename one of the spec entries "
                         f"that produce it (duplicate resource URN(s): {', '.join(self.urns)})")


def _colliding_field(stack: Stack, urns: list[str]) -> str:
    """The spec entry whose name produced a duplicated resource name (the longest name found in it)."""
    names = [urn.rsplit("::", 1)[-1] for urn in urns]
    entries = [(f"endpoints[{i}].name", e.name) for i, e in enumerate(stack.endpoints)]
    entries += [(f"training[{i}].name", t.name) for i, t in enumerate(stack.training)]
    found = [(len(value), path) for path, value in entries if any(value in name for name in names)]
    return max(found)[1] if found else "metadata.name"


def _serialized(state: dict[str, Any]) -> Any:
    """``state`` as the protobuf Struct the SDK reads back, without waiting on the event loop.

    The recorder runs on the loop's own thread (mock_tuning.InlineExecutor), so it must not
    block on the loop. A mocked state is plain values, whose serialization never awaits
    anything: the coroutine finishes on its first step. Should it ever await (a value still
    pending), it is serialized again by the SDK's reentrant wait, which pumps the running loop.
    """
    step = rpc.serialize_properties(state, {})
    try:
        step.send(None)
    except StopIteration as done:
        return done.value
    step.close()
    return _sync_await(rpc.serialize_properties(state, {}))


class _ProviderMocks(pulumi.runtime.Mocks):
    """Delegates mocked outputs to the provider, so they look like that cloud's."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ.startswith("pulumi:providers:"):
            return f"{args.name}-provider-id", dict(args.inputs)
        resource_id, outputs = self.provider.mock_resource(args.typ, args.name, dict(args.inputs))
        return resource_id, {**args.inputs, **outputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        # The result and its check failures (none: the provider's mocks answer or raise).
        return self.provider.mock_call(args.token, dict(args.args)), []


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, also keeping what the mocks API does not expose:
    parent, dependencies, protect, retainOnDelete and provider of every registration."""

    def __init__(self, mocks: _ProviderMocks) -> None:
        super().__init__(mocks)
        self.provider_mocks = mocks  # typed: its resources always get an id
        self.records: dict[str, RecordedResource] = {}
        self.duplicates: list[str] = []

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The real engine qualifies a child's type with its parent's whole type chain
        # (``a$b$c``, as pulumi.create_urn does; the SDK mock keeps only the parent's last
        # type) and leaves the root stack out of it. Aliases are checked against these URNs.
        if parent and "::pulumi:pulumi:Stack::" not in parent:
            type_ = f"{parent.split('::')[2]}${type_}"
        return "urn:pulumi:" + "::".join([pulumi.get_stack(), pulumi.get_project(), type_, name])

    def _alias_urns(self, request: Any) -> list[str]:
        """The resource's ``aliases`` option as old URNs (the SDK sends alias specs to an engine
        that supports them, as this mock monitor says it does; the engine fills in the blanks
        from the resource itself, as here)."""
        urns = []
        for alias in request.aliases:
            if alias.WhichOneof("alias") == "urn":
                urns.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else spec.parentUrn or request.parent
            qualified_type = self.make_urn(parent, spec.type or request.type, "").split("::")[2]
            stack, project = spec.stack or pulumi.get_stack(), spec.project or pulumi.get_project()
            urns.append(f"urn:pulumi:{stack}::{project}::{qualified_type}::{spec.name or request.name}")
        return urns

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object)
        resource_id, state = self.provider_mocks.new_resource(
            pulumi.runtime.MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
            )
        )
        if urn in self.records:
            self.duplicates.append(urn)
        self.records[urn] = RecordedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent if request.parent and "pulumi:pulumi:Stack" not in request.parent else None,
            dependencies=tuple(sorted(set(request.dependencies))),
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            provider=request.provider.split("::")[-2] if request.provider else None,
            custom=bool(request.custom),
            inputs=inputs,
            outputs=state,
            aliases=tuple(self._alias_urns(request)),
        )
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, resource_id, state)
        progress.registered(len(self.records))
        state_proto = _serialized(state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=state_proto)


def run_program(
    provider: Provider,
    stack_name: str,
    program: Callable[[], Any],
) -> _RecordingMonitor:
    """Run ``program`` under mocks that answer as ``provider``'s cloud; return the monitor."""
    monitor = _RecordingMonitor(_ProviderMocks(provider))

    def run() -> None:
        # Pulumi keeps config in one dict shared by every context: a copy per run keeps what a program
        # sets (pulumi.runtime.set_config) from leaking into the next run in the same process.
        pulumi_config.CONFIG.set(dict(pulumi_config.CONFIG.get()))
        pulumi.runtime.set_mocks(monitor.mocks, project=PROJECT, stack=stack_name, preview=False, monitor=monitor,
                                     logger=_PULUMI_LOG)
        SETTINGS.rpc_manager.clear()
        with lean_mock_run():  # after set_mocks: it reads the features the mock monitor declares
            _sync_await(run_pulumi_func(program))

    contextvars.Context().run(run)
    if monitor.duplicates:
        raise DuplicateResourceError(monitor.duplicates)
    return monitor


def preview(stack: Stack, cloud: Cloud, provider: Provider | None = None) -> Graph:
    """Build ``stack`` on ``cloud`` under mocks and return its recorded graph.

    The model registry is the provider's offline one, seeded with an approved version of
    every referenced package, so the preview shows the whole stack.
    """
    if provider is None:
        from mlopskit.providers import get_provider

        provider = get_provider(cloud)
    result: list[Any] = []
    with provider.offline_registry(stack) as registry:
        try:
            monitor = run_program(provider, stack.name, lambda: result.append(provider.build(stack, registry)))
        except DuplicateResourceError as error:
            raise SpecError([SpecIssue(_colliding_field(stack, error.urns), str(error))]) from None
    build = result[0]
    resources = sorted(monitor.records.values(), key=lambda r: r.urn)
    return Graph(
        provider=cloud,
        stack=stack.name,
        resources=resources,
        warnings=sorted(build.warnings, key=lambda w: (w.path, w.message)),
        outputs=build.outputs,
    )


__all__ = ["DuplicateResourceError", "Graph", "RecordedResource", "SpecIssue", "preview", "run_program"]
