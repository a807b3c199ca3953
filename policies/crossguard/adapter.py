"""Turns the registry's rules into CrossGuard policies without importing pulumi_policy.

The pulumi_policy module is a parameter (the pack's ``__main__`` passes the real one, tests a
fake namespace), so the kit's runtime never depends on it: it pins an older protobuf.

Every rule becomes a ``StackValidationPolicy``: a normalized fact often joins several
resources (an S3 bucket's encryption is a sibling resource), so even per-resource rules
need the whole stack to see their facts. Violations still name the offending URN.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.placement import CLOUDS, Cloud
from mlopskit.policies.config import PolicyConfig
from mlopskit.policies.registry import RULES
from mlopskit.policies.runner import evaluate, resolve_rules
from mlopskit.providers import get_provider


def cloud_of(types: list[str]) -> Cloud | None:
    """The cloud whose provider owns the first recognisable resource type (its declared prefixes)."""
    providers = [get_provider(cloud) for cloud in CLOUDS]
    for type_ in types:
        for provider in providers:
            if provider.owns_type(type_):
                return provider.cloud
    return None


def graph_from(resources: list[Any], cloud: Cloud, stack_name: str) -> Graph:
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
            provider=getattr(provider, "urn", None), custom=True,
            inputs=dict(r.props or {}), outputs={}))
    return Graph(cloud, stack_name, sorted(recorded, key=lambda x: x.urn))


def _enforcement(pp: Any, level: str) -> Any:
    return {"mandatory": pp.EnforcementLevel.MANDATORY, "advisory": pp.EnforcementLevel.ADVISORY,
            "disabled": pp.EnforcementLevel.DISABLED}[level]


def build_policies(pp: Any, load_stack: Callable[[Cloud], Any], preset: str | None = None,
                   config: PolicyConfig | None = None) -> list[Any]:
    """One ``pp.StackValidationPolicy`` per registered rule, named by rule id."""
    policies = []
    for resolved in resolve_rules(tuple(p for p in (preset or "").split(",") if p), config):
        rule_id = resolved.id

        def validate(args: Any, report_violation: Callable[..., None], rule_id: str = rule_id) -> None:
            resources = list(args.resources)
            cloud = cloud_of([r.resource_type for r in resources])
            if cloud is None:
                return
            stack = load_stack(cloud)
            graph = graph_from(resources, cloud, stack.name)
            only = PolicyConfig({rid: ("disabled" if rid != rule_id else "mandatory") for rid in (r.id for r in RULES)})
            report = evaluate(stack, graph, preset=preset, config=only)
            for violation in report.violations:
                report_violation(f"[{violation.status}] {violation.message}",
                                 None if violation.resource == "stack" else violation.resource)
            for error in report.errors:
                report_violation(f"[error] rule raised: {error.message}", None)

        policies.append(pp.StackValidationPolicy(
            name=rule_id, description=resolved.rule.title,
            enforcement_level=_enforcement(pp, resolved.enforcement), validate=validate))
    return policies


def spec_loader() -> Callable[[Cloud], Any]:
    """The spec the deployment was built from: ``MLOPSKIT_SPEC`` (the program's ``mlopskit:spec``)."""
    def load(cloud: Cloud) -> Any:
        from mlopskit.modules.loader import load_stack

        return load_stack(os.environ.get("MLOPSKIT_SPEC", "stacks/credit-risk.yaml"), cloud)
    return load


__all__ = ["build_policies", "graph_from", "cloud_of", "spec_loader"]
