"""The CrossGuard adapter, exercised with a fake pulumi_policy namespace (the real one is not installed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from mlopskit.cli import load_checked
from mlopskit.engine import preview
from mlopskit.policies.crossguard.adapter import build_policies
from mlopskit.policies.registry import RULES

ROOT = Path(__file__).resolve().parents[2]


class _Policy:
    def __init__(self, **kwargs) -> None:
        self.__dict__.update(kwargs)


FAKE = SimpleNamespace(
    StackValidationPolicy=_Policy, ResourceValidationPolicy=_Policy,
    EnforcementLevel=SimpleNamespace(MANDATORY="mandatory", ADVISORY="advisory", DISABLED="disabled"),
)


def _weak(cloud: str):
    return load_checked(str(Path(__file__).parent / "fixtures" / "weakened.yaml"), cloud)


def test_every_rule_is_wrapped() -> None:
    policies = build_policies(FAKE, _weak)
    assert [p.name for p in policies] == [r.id for r in RULES]
    assert {p.enforcement_level for p in policies} <= {"mandatory", "advisory"}


def test_wrapped_rule_reports_the_violating_urn() -> None:
    stack = _weak("aws")
    graph = preview(stack, "aws")
    resources = [SimpleNamespace(urn=r.urn, resource_type=r.type, name=r.name, props=r.inputs,
                                 opts=SimpleNamespace(protect=r.protect),
                                 parent=SimpleNamespace(urn=r.parent) if r.parent else None, dependencies=[], provider=None)
                 for r in graph.resources]
    policy = next(p for p in build_policies(FAKE, _weak) if p.name == "endpoint-private-network")
    reported: list[tuple[str, str | None]] = []
    policy.validate(SimpleNamespace(resources=resources), lambda message, urn=None: reported.append((message, urn)))
    assert reported == [("[fail] endpoint is not attached to the private network",
                         next(r.urn for r in graph.resources if r.type == "aws:sagemaker/endpoint:Endpoint"))]


def test_pack_files_exist_and_pin_pulumi_policy() -> None:
    pack = ROOT / "policies" / "crossguard"
    assert "runtime: python" in (pack / "PulumiPolicy.yaml").read_text()
    assert "pulumi-policy==" in (pack / "requirements.txt").read_text()
    assert "PolicyPack(" in (pack / "__main__.py").read_text()
