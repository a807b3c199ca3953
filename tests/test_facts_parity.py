"""Facts equal the spec they come from, on every cloud, for every bundled spec and for specs
generated from the schema (tests/property/strategies.py).

Each fact is tied to its spec entry through the target's topology (``Provider.topology``: the
entry each component recorded when it was built), never through names. What is compared:
each endpoint's min/max instances, GPU count and type, each training job's count and spot,
each batch job's count, and whether each monitoring section is monitored. A section the
build did not realise says so with a warning at its path (or at the model version, while no
model is approved), and then its fact must say it is not monitored.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from mlopskit.engine import preview
from mlopskit.modules.endpoint import Endpoint
from mlopskit.modules.errors import SpecError
from mlopskit.modules.facts import Fact
from mlopskit.modules.graph import Graph
from mlopskit.modules.loader import load_stack
from mlopskit.modules.placement import CLOUDS, Cloud
from mlopskit.modules.stack import Stack
from mlopskit.modules.topology import SIGNALS
from mlopskit.policies.runner import evaluate
from mlopskit.providers import get_provider
from mlopskit.providers.aws import facts as aws_facts
from mlopskit.providers.catalog.resolver import resolve
from tests.conftest import STACKS
from tests.property.strategies import schema_specs

#: The bundled example specs (the Pulumi.<stack>.yaml stack configurations beside them are not specs).
BUNDLED = sorted(p for p in STACKS.glob("*.yaml") if not p.name.startswith("Pulumi."))
#: Generated specs per run: each previews on one or two clouds (~2-5 s each on a 2-core runner).
GENERATED = 6


def _expected_gpu(stack: Stack, cloud: Cloud, spec: Endpoint) -> tuple[str | None, int]:
    """The GPU model and count the spec's compute resolves to in the stack's region: its ``gpu``
    (the count grown to hold ``model.sizeGiB``), or what its explicit type carries. The catalog's
    resolver is the spec's meaning of a compute request (docs/spec.md, ``compute``)."""
    placement = stack.placement.for_cloud(cloud)
    region = placement.primary_region if placement else None
    instance = resolve(cloud, spec.compute, region, "serving", model_gib=spec.model.size_gib).instance
    return instance.gpu_type, instance.gpu_count


def _differs(where: str, key: str, fact: Fact, expected: Any) -> list[str]:
    actual = fact.get(key)
    return [] if actual == expected else [f"{where}.{key}: fact says {actual!r}, the spec {expected!r}"]


def _by_entry(facts: list[Fact], graph: Graph, stack: Stack) -> dict[tuple[str, str], list[Fact]]:
    """(kind, spec entry) -> the facts about resources that entry's components built."""
    topology = get_provider(graph.provider).topology(graph, stack)
    found: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        origin = topology.origin(fact.resource_urn)
        if origin is not None:
            found.setdefault((fact.kind, origin.entry), []).append(fact)
    return found


def _endpoint_mismatches(stack: Stack, graph: Graph, found: dict[tuple[str, str], list[Fact]]) -> Iterator[str]:
    warned = {w.path for w in graph.warnings}
    for index, spec in enumerate(stack.endpoints):
        entry = f"endpoints[{index}]"
        awaiting = f"{entry}.model.version" in warned
        facts = found.get(("endpoint", entry), [])
        if awaiting and not facts:
            continue  # no model to serve yet: a cloud whose endpoint needs one builds none
        if len(facts) != 1:
            yield f"{entry}: {len(facts)} endpoint facts, not 1"
            continue
        fact = facts[0]
        for section in SIGNALS:
            realised = (getattr(spec.monitoring, section) is not None and not awaiting
                        and f"{entry}.monitoring.{section}" not in warned)
            yield from _differs(entry, f"{section}_monitored", fact, realised)
        if awaiting:
            continue  # nothing deployed: no instances or GPUs to compare
        yield from _differs(entry, "min_instances", fact, spec.autoscaling.min_instances)
        yield from _differs(entry, "max_instances", fact, spec.autoscaling.max_instances)
        gpu_type, gpu_count = _expected_gpu(stack, graph.provider, spec)
        yield from _differs(entry, "gpu_count", fact, gpu_count)
        yield from _differs(entry, "gpu_type", fact, gpu_type)


def _job_mismatches(stack: Stack, graph: Graph, found: dict[tuple[str, str], list[Fact]]) -> Iterator[str]:
    warned = {w.path for w in graph.warnings}
    for index, job in enumerate(stack.training):
        entry = f"training[{index}]"
        facts = found.get(("training", entry), [])
        if not facts:
            yield f"{entry}: no training fact"
        for fact in facts:
            yield from _differs(entry, "max_instances", fact, job.compute.count)
            yield from _differs(entry, "spot", fact, job.compute.spot)
    for index, batch in enumerate(stack.batch):
        entry = f"batch[{index}]"
        facts = found.get(("batch", entry), [])
        if f"{entry}.model.version" in warned:
            if facts:
                yield f"{entry}: built although its model has no approved version"
            continue
        if not facts:
            yield f"{entry}: no batch fact"
        for fact in facts:
            yield from _differs(entry, "max_instances", fact, batch.compute.count)


def spec_mismatches(stack: Stack, graph: Graph, facts: list[Fact]) -> list[str]:
    """Every fact value that differs from what the spec says (empty: they agree)."""
    found = _by_entry(facts, graph, stack)
    return [*_endpoint_mismatches(stack, graph, found), *_job_mismatches(stack, graph, found)]


@cache
def _bundled(spec: Path, cloud: Cloud) -> tuple[Stack, Graph] | None:
    stack = load_stack(spec)
    if stack.placement.for_cloud(cloud) is None:
        return None
    return stack, preview(stack, cloud)


def _mismatches(spec: Path, cloud: Cloud) -> list[str]:
    built = _bundled(spec, cloud)
    if built is None:
        pytest.skip(f"{spec.name} is not placed on {cloud}")
    stack, graph = built
    return spec_mismatches(stack, graph, get_provider(cloud).facts(graph, stack))


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("spec", BUNDLED, ids=lambda p: p.name)
def test_facts_equal_the_bundled_spec(spec: Path, cloud: Cloud) -> None:
    assert _mismatches(spec, cloud) == []


def test_the_parity_check_fails_on_an_endpoint_scale_read_from_the_initial_count(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The AWS fact reader as it was: the scaling target looked for under the endpoint component
    (it is a component of its own), so the variants' initial count stood for both bounds."""

    def initial_count_only(node: Any, variants: list[dict[str, Any]]) -> dict[str, int | None]:
        initial = sum(int(v.get("initialInstanceCount") or 0) for v in variants) if variants else None
        return {"min_instances": initial, "max_instances": initial}

    monkeypatch.setattr(aws_facts, "_endpoint_scale", initial_count_only)
    assert _mismatches(STACKS / "credit-risk.yaml", "aws") == [
        "endpoints[0].max_instances: fact says 2, the spec 6",
        "endpoints[1].max_instances: fact says 2, the spec 4",
    ]


def test_the_parity_check_fails_on_a_monitor_the_reader_does_not_see(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader blind to drift monitors (as every cloud's was) is caught on the endpoint that has one."""
    real = aws_facts._scheduled
    monkeypatch.setattr(aws_facts, "_scheduled", lambda node, signal: False if signal == "drift" else real(node, signal))
    assert _mismatches(STACKS / "credit-risk.yaml", "aws") == [
        "endpoints[0].drift_monitored: fact says False, the spec True"]


def test_facts_equal_generated_specs(tmp_path: Path) -> None:
    """Specs drawn from the schema (reproducible: derandomized), on each cloud they are placed on."""
    shutil.copytree(STACKS / "src", tmp_path / "src")  # the training code their framework jobs package
    checked: list[str] = []

    @settings(max_examples=GENERATED, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(schema_specs())
    def parity(doc: dict[str, Any]) -> None:
        path = tmp_path / "spec.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        for cloud in (c for c in CLOUDS if doc["placement"].get(c) is not None):
            try:
                stack = load_stack(path, cloud)
                issues = get_provider(cloud).check(stack)
            except SpecError:
                continue
            if issues:
                continue
            graph = preview(stack, cloud)
            assert spec_mismatches(stack, graph, get_provider(cloud).facts(graph, stack)) == [], cloud
            checked.append(cloud)

    parity()
    assert len(checked) >= 2, "too few generated specs were valid to compare"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_fleet_of_forty_trips_the_fleet_caps_on_every_cloud(cloud: Cloud, tmp_path: Path) -> None:
    """The AWS facts used to report the initial count as the maximum, so neither cap fired there:
    every cloud now reports 40 instances of one GPU each for credit-risk's scoring endpoint."""
    doc = yaml.safe_load((STACKS / "credit-risk.yaml").read_text())
    doc["endpoints"][0]["autoscaling"]["maxInstances"] = 40
    shutil.copytree(STACKS / "src", tmp_path / "src")
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    stack = load_stack(tmp_path / "spec.yaml", cloud)
    report = evaluate(stack, preview(stack, cloud))
    assert [(v.status, v.path) for v in report.by_rule("endpoint-max-instances-cap")] == [("fail", "max_instances")]
    assert [(v.status, v.path) for v in report.by_rule("gpu-count-cap")] == [("fail", "gpu_count")]
