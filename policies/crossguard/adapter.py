"""Turns the registry's rules into CrossGuard policies without importing pulumi_policy.

The pulumi_policy module is a parameter (the pack's ``__main__`` passes the real one), so the
kit's runtime never depends on it: it pins an older protobuf than the kit's Google SDKs.

Every rule becomes a ``StackValidationPolicy``: a normalized fact often joins several
resources (an S3 bucket's encryption is a sibling resource), so even per-resource rules
need the whole stack to see their facts. Violations still name the offending URN.

A first ``pulumi preview`` of a new stack hands the pack inputs that hold unknown values (key
ARNs, bucket ids: outputs of resources not created yet); pulumi_policy raises its
``UnknownValueError`` on any read of one, which used to stop every policy. The pack reads
around them instead (an unknown becomes ``UNKNOWN``) and, when any input is unknown, takes the
facts from the spec's own offline build (what ``mlopskit policy`` evaluates), matched to the
deployed resources by type and logical name: a mandatory rule the spec violates still blocks
the first preview. A resource the spec does not produce keeps what its known inputs say, and is
reported unknown when its own component holds unknowns. When every input is known, only the
inputs are read: the same verdicts as ``mlopskit policy``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.modules.facts import Fact
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.modules.targets import names as target_names
from mlopskit.policies.config import PolicyConfig
from mlopskit.policies.report import rule_url
from mlopskit.policies.runner import PolicyReport, ResolvedRule, active_presets, evaluate, resolve_rules
from mlopskit.providers import get_provider


class _Unknown:
    """A value the engine does not know yet (an output of a resource not created)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = _Unknown()

# The checkout's root (MLOPSKIT_SPEC is relative to it, like the program's mlopskit:spec).
ROOT = Path(__file__).resolve().parents[2]

SpecGraphLoader = Callable[[Cloud], Graph]
StackLoader = Callable[[Cloud | None], Stack]  # None: the spec without a cloud's own checks


def cloud_of(types: list[str]) -> Cloud | None:
    """The cloud whose provider owns the first recognisable resource type (its declared prefixes)."""
    providers = [get_provider(cloud) for cloud in target_names()]
    for type_ in types:
        for provider in providers:
            if provider.owns_type(type_):
                return provider.cloud
    return None


def known(value: Any, unknown_error: type[Exception]) -> Any:
    """``value`` as plain dicts and lists, each unknown leaf replaced by ``UNKNOWN``.

    pulumi_policy wraps props in proxies that raise ``unknown_error`` when an unknown is read,
    so every item is read on its own and only that item becomes ``UNKNOWN``.
    """
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                out[key] = known(value[key], unknown_error)
            except unknown_error:
                out[key] = UNKNOWN
        return out
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        items: list[Any] = []
        for i in range(len(value)):
            try:
                items.append(known(value[i], unknown_error))
            except unknown_error:
                items.append(UNKNOWN)
        return items
    return value


def holds_unknown(value: Any) -> bool:
    """Whether ``UNKNOWN`` occurs anywhere in ``value``."""
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(holds_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_unknown(v) for v in value)
    return False


def is_custom(type_: str) -> bool:
    """The kit's components (``mlopskit:<cloud>:<Name>``) and the root stack are not cloud resources."""
    return not type_.startswith("mlopskit:") and type_ != "pulumi:pulumi:Stack"


def graph_from(resources: list[Any], cloud: Cloud, stack_name: str,
               unknown_error: type[Exception] = LookupError) -> Graph:
    """A recorded graph from CrossGuard's PolicyResource objects (same shape as the mock engine's)."""
    recorded = []
    for r in resources:
        opts = getattr(r, "opts", None)
        provider = getattr(r, "provider", None)
        recorded.append(RecordedResource(
            urn=r.urn, type=r.resource_type, name=r.name,
            parent=getattr(getattr(r, "parent", None), "urn", None),
            dependencies=tuple(getattr(d, "urn", str(d)) for d in (getattr(r, "dependencies", None) or [])),
            protect=bool(getattr(opts, "protect", False)),
            provider=getattr(provider, "urn", None), custom=is_custom(r.resource_type),
            inputs=known(r.props or {}, unknown_error), outputs={}))
    return Graph(cloud, stack_name, sorted(recorded, key=lambda x: x.urn))


def graph_from_json(document: Mapping[str, Any]) -> Graph:
    """The graph ``mlopskit preview --format json`` printed."""
    resources = [RecordedResource(
        urn=r["urn"], type=r["type"], name=r["name"], parent=r.get("parent"),
        dependencies=tuple(r.get("dependencies") or ()), protect=bool(r.get("protect")), provider=None,
        custom=is_custom(r["type"]), inputs=r.get("inputs") or {}, outputs={}) for r in document["resources"]]
    return Graph(document["provider"], document["stack"], sorted(resources, key=lambda x: x.urn))


def identity(urn: str) -> str:
    """A resource's type chain and logical name: the URN without its stack and project."""
    parts = urn.split("::", 3)
    return "::".join(parts[2:]) if len(parts) == 4 else urn


def _fill(value: Any, spec: Any) -> Any:
    """``value`` with each unknown leaf taken from ``spec`` at the same path (None where it has none)."""
    if value is UNKNOWN:
        return spec if not holds_unknown(spec) else None
    if isinstance(value, dict):
        other = spec if isinstance(spec, dict) else {}
        return {k: _fill(v, other.get(k)) for k, v in value.items()}
    if isinstance(value, list):
        other_list = spec if isinstance(spec, list) else []
        return [_fill(v, other_list[i] if i < len(other_list) else None) for i, v in enumerate(value)]
    return value


def _top_components(graph: Graph) -> dict[str, str]:
    """Each resource's outermost ancestor below the stack: the spec section that produced it."""
    by_urn = {r.urn: r for r in graph.resources}
    top: dict[str, str] = {}
    for resource in graph.resources:
        urn = resource.urn
        while (parent := by_urn[urn].parent) in by_urn and by_urn[parent].type != "pulumi:pulumi:Stack":
            urn = parent
        top[resource.urn] = urn
    return top


def first_preview_facts(real: Graph, spec_graph: Graph, stack: Stack) -> list[Fact]:
    """Facts of a graph holding unknowns: the spec's build decides; the known inputs where it cannot."""
    provider = get_provider(real.provider)
    spec_by_id = {identity(r.urn): r for r in spec_graph.resources}
    # The facts code never sees an UNKNOWN: each takes the spec build's value at the same place.
    filled = Graph(real.provider, real.stack, [
        dataclasses.replace(r, inputs=_fill(r.inputs, getattr(spec_by_id.get(identity(r.urn)), "inputs", None)))
        for r in real.resources])
    top = _top_components(real)
    tainted = {top[r.urn] for r in real.resources if holds_unknown(r.inputs)}
    from_spec = {(f.kind, identity(f.resource_urn)): f for f in provider.facts(spec_graph, stack)}
    facts = []
    for fact in provider.facts(filled, stack):
        spec_fact = from_spec.get((fact.kind, identity(fact.resource_urn)))
        if spec_fact is not None:
            facts.append(dataclasses.replace(fact, attrs=spec_fact.attrs))
        elif top.get(fact.resource_urn, fact.resource_urn) in tainted:
            # Neither the spec nor the known inputs settle it: every rule reading it says unknown.
            facts.append(dataclasses.replace(fact, attrs={k: (v if k == "labels" else None)
                                                          for k, v in fact.attrs.items()}))
        else:
            facts.append(fact)
    return facts


def evaluate_resources(resources: list[Any], load_stack: StackLoader, load_spec_graph: SpecGraphLoader,
                       preset: str | None, config: PolicyConfig | None,
                       unknown_error: type[Exception]) -> PolicyReport | None:
    """Every rule over the stack CrossGuard hands over (None when no resource belongs to a cloud)."""
    cloud = cloud_of([r.resource_type for r in resources])
    if cloud is None:
        return None
    stack = load_stack(cloud)
    real = graph_from(resources, cloud, stack.name, unknown_error)
    if not any(holds_unknown(r.inputs) for r in real.resources):
        return evaluate(stack, real, preset=preset, config=config)
    spec_graph = load_spec_graph(cloud)
    # The cost estimate (budget rule) prices the spec's build: unknown inputs price nothing.
    return evaluate(stack, spec_graph, preset=preset, config=config,
                    facts=first_preview_facts(real, spec_graph, stack))


def _fingerprint(resources: list[Any], unknown_error: type[Exception]) -> str:
    return json.dumps([(r.urn, known(r.props or {}, unknown_error)) for r in resources], sort_keys=True, default=repr)


def _policy_fields(pp: Any, resolved: ResolvedRule) -> dict[str, Any]:
    """Severity, compliance framework, tags and the rule's reference page (docs/rules.md, the page
    SARIF's helpUri links to) in pulumi_policy's own fields."""
    frameworks = [f for f in resolved.frameworks if f != "baseline"] or ["baseline"]
    return {
        "enforcement_level": {"mandatory": pp.EnforcementLevel.MANDATORY, "advisory": pp.EnforcementLevel.ADVISORY,
                              "disabled": pp.EnforcementLevel.DISABLED}[resolved.enforcement],
        "severity": pp.Severity(resolved.severity),
        # The library takes one framework: the strictest preset that lists the rule (else the baseline).
        "framework": pp.PolicyComplianceFramework(name=frameworks[-1],
                                                  reference=", ".join(resolved.anchors) or None),
        "tags": [*resolved.frameworks, *resolved.anchors],
        "display_name": resolved.rule.title,
        "url": rule_url(resolved.id),
    }


def build_policies(pp: Any, load_stack: StackLoader, load_spec_graph: SpecGraphLoader,
                   preset: str | None = None, config: PolicyConfig | None = None) -> list[Any]:
    """One ``pp.StackValidationPolicy`` per registered rule, named by rule id.

    ``pp`` is the pulumi_policy module; ``load_stack`` the validated spec the program deploys and
    ``load_spec_graph`` its offline build (read only when some input is unknown). The policies'
    enforcement follows the spec's ``compliance.frameworks`` (or ``preset``), as in ``mlopskit policy``:
    the engine reports a violation at the level of the policy object, fixed here.
    """
    unknown_error: type[Exception] = pp.proxy.UnknownValueError
    # CrossGuard calls every policy with the same stack: evaluate it once per distinct stack.
    cache: dict[str, PolicyReport | None] = {}

    def report_for(resources: list[Any]) -> PolicyReport | None:
        key = _fingerprint(resources, unknown_error)
        if key not in cache:
            cache.clear()
            cache[key] = evaluate_resources(resources, load_stack, load_spec_graph, preset, config, unknown_error)
        return cache[key]

    policies = []
    for resolved in resolve_rules(active_presets(load_stack(None), preset), config):
        def validate(args: Any, report_violation: Callable[..., None], rule_id: str = resolved.id) -> None:
            report_rule(rule_id, args, report_violation, report_for)

        policies.append(pp.StackValidationPolicy(name=resolved.id, description=resolved.rule.title,
                                                 validate=validate, **_policy_fields(pp, resolved)))
    return policies


def report_rule(rule_id: str, args: Any, report_violation: Callable[..., None],
                report_for: Callable[[list[Any]], PolicyReport | None]) -> None:
    """Report one rule's violations (and any error, fail closed) on the stack CrossGuard hands over."""
    try:
        report = report_for(list(args.resources))
    except SpecError as error:
        report_violation("[error] the spec is invalid: " + "; ".join(str(i) for i in error.issues), None)
        return
    except Exception as error:  # noqa: BLE001 - fail closed: an error is never a pass
        report_violation(f"[error] {error.__class__.__name__}: {error}", None)
        return
    if report is None:
        args.not_applicable("no resource of a cloud mlopskit maps")
        return
    for violation in report.by_rule(rule_id):
        report_violation(f"[{violation.status}] {violation.message}",
                         None if violation.resource == "stack" else violation.resource)
    for raised in report.errors:
        if raised.policy in (rule_id, "facts"):
            report_violation(f"[error] rule raised: {raised.message}", None)


def spec_path() -> str:
    """The spec the deployment was built from: ``MLOPSKIT_SPEC``, relative to the repository root like
    the program's ``mlopskit:spec`` (or absolute)."""
    path = os.environ.get("MLOPSKIT_SPEC")
    if not path:
        raise SpecError([SpecIssue("MLOPSKIT_SPEC", "not set: set it to the stack's mlopskit:spec")])
    return str(path if Path(path).is_absolute() else ROOT / path)


def spec_loader() -> StackLoader:
    """The spec as ``load_stack`` validates it (spec v1's rules, the chosen cloud's placement).

    A cloud's own further checks (``Provider.check``) are not repeated: the program runs them before
    it registers anything (``mlopskit/program.py``), so no stack reaches the pack without them, and
    some need that cloud's SDK data (AWS reads botocore's SageMaker model), which the pack's
    environment does not carry.
    """
    def load(cloud: Cloud | None) -> Stack:
        from mlopskit.modules.loader import load_stack

        return load_stack(spec_path(), cloud)
    return load


def kit_python() -> str:
    """The interpreter of the kit's own environment: ``MLOPSKIT_PYTHON``, else the project's ``.venv``."""
    configured = os.environ.get("MLOPSKIT_PYTHON")
    if configured:
        return configured
    candidate = ROOT / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def spec_graph_loader(python: str | None = None) -> SpecGraphLoader:
    """The spec's offline build, run by ``mlopskit preview --format json`` in the kit's environment.

    The pack's environment carries no cloud SDK (the facts read recorded inputs only), so the
    build that needs one runs where the kit is installed; computed once per cloud.
    """
    built: dict[Cloud, Graph] = {}

    def load(cloud: Cloud) -> Graph:
        if cloud not in built:
            command = [python or kit_python(), "-m", "mlopskit.cli", "preview", spec_path(), "--provider", cloud,
                       "--format", "json"]
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["no output"])[-1]
                raise RuntimeError(f"the spec's offline build failed ({' '.join(command)}): {last}")
            built[cloud] = graph_from_json(json.loads(done.stdout))
        return built[cloud]
    return load


__all__ = ["UNKNOWN", "build_policies", "cloud_of", "evaluate_resources", "first_preview_facts", "graph_from",
           "graph_from_json", "known", "spec_graph_loader", "spec_loader"]
