"""Every resource whose URN moved with the one build shape carries an alias to its old URN,
so existing stacks update in place instead of replacing (protected resources would block
`pulumi up`).

On AWS, autoscaling, monitoring and drift left the Endpoint component for top level, as on
GCP and Azure (moving one cloud's URNs rather than two clouds'). The table is the recorded
list of moved URNs, from previews of the bundled specs before and after the change
(bench/preview_inputs.py): each row is the type chain below the old Endpoint parent
("EndpointMonitoring > aws:sns/topic:Topic" is mlopskit:aws:EndpointMonitoring$aws:sns/topic:Topic)
and the logical name after the stack prefix, which did not change. Only the components carry an alias themselves;
their children inherit it, as the engine derives a child's aliases from its parent's
(pulumi.runtime.resource.all_aliases / inherited_child_alias; Graph.aliases_of does the same).
GCP and Azure URNs did not move. The scoring endpoint's DriftMonitor rows left the table with
issue 25: SageMaker Model Monitor is built only with ``monitoring.engine: managed`` (the kit's own
monitor job, new, replaces it and has no old URN); an opted-in stack keeps its aliases, as the
component still passes them.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from mlopskit.modules.graph import Graph
from tests.aws.helpers import build

OLD_PARENT = "mlopskit:aws:Endpoint"
ALARM = "EndpointMonitoring > aws:cloudwatch/metricAlarm:MetricAlarm"
SUBSCRIPTION = "EndpointMonitoring > aws:sns/topicSubscription:TopicSubscription"

MOVED: dict[str, list[tuple[str, str]]] = {
    "credit-risk.yaml": [
        ("EndpointAutoscaling", "endpoint-challenger-autoscaling"),
        ("EndpointAutoscaling > aws:appautoscaling/policy:Policy", "endpoint-challenger-autoscaling-policy"),
        ("EndpointAutoscaling > aws:appautoscaling/target:Target", "endpoint-challenger-autoscaling-target"),
        ("EndpointMonitoring", "endpoint-challenger-monitoring"),
        ("EndpointMonitoring > aws:sns/topic:Topic", "endpoint-challenger-monitoring-alarms"),
        (ALARM, "endpoint-challenger-monitoring-candidate-error-rate"),
        (ALARM, "endpoint-challenger-monitoring-error-rate"),
        (SUBSCRIPTION, "endpoint-challenger-monitoring-notify-ml-oncall@example.com"),
        ("EndpointAutoscaling", "endpoint-scoring-autoscaling"),
        ("EndpointAutoscaling > aws:appautoscaling/policy:Policy", "endpoint-scoring-autoscaling-policy"),
        ("EndpointAutoscaling > aws:appautoscaling/target:Target", "endpoint-scoring-autoscaling-target"),
        ("EndpointMonitoring", "endpoint-scoring-monitoring"),
        ("EndpointMonitoring > aws:sns/topic:Topic", "endpoint-scoring-monitoring-alarms"),
        (ALARM, "endpoint-scoring-monitoring-candidate-error-rate"),
        (ALARM, "endpoint-scoring-monitoring-candidate-latency-p99"),
        (ALARM, "endpoint-scoring-monitoring-error-rate"),
        (ALARM, "endpoint-scoring-monitoring-latency-p99"),
        (SUBSCRIPTION, "endpoint-scoring-monitoring-notify-ml-oncall@example.com"),
    ],
    "fraud-dev.yaml": [
        ("EndpointAutoscaling", "endpoint-detector-autoscaling"),
        ("EndpointAutoscaling > aws:appautoscaling/policy:Policy", "endpoint-detector-autoscaling-policy"),
        ("EndpointAutoscaling > aws:appautoscaling/target:Target", "endpoint-detector-autoscaling-target"),
        ("EndpointMonitoring", "endpoint-detector-monitoring"),
        ("EndpointMonitoring > aws:sns/topic:Topic", "endpoint-detector-monitoring-alarms"),
        (ALARM, "endpoint-detector-monitoring-candidate-error-rate"),
        (ALARM, "endpoint-detector-monitoring-error-rate"),
    ],
}


def _qualified(chain: str) -> str:
    return "$".join(part if part.startswith("aws:") else f"mlopskit:aws:{part}" for part in chain.split(" > "))


def _urns(graph: Graph, chain: str, name: str) -> tuple[str, str]:
    """(old URN, new URN) of one moved resource."""
    prefix = f"urn:pulumi:{graph.stack}::mlopskit::"
    name = f"{graph.stack}-{name}"
    return f"{prefix}{OLD_PARENT}${_qualified(chain)}::{name}", f"{prefix}{_qualified(chain)}::{name}"


@pytest.mark.parametrize("spec", sorted(MOVED))
def test_every_moved_urn_is_aliased_to_its_old_urn(spec: str) -> None:
    graph = build(spec)
    for chain, name in MOVED[spec]:
        old, new = _urns(graph, chain, name)
        assert old in graph.aliases_of(graph.by_urn(new)), f"{new} has no alias to {old}"


@pytest.mark.parametrize("spec", sorted(MOVED))
def test_only_the_moved_components_alias_the_old_parent_and_the_list_is_complete(spec: str) -> None:
    graph = build(spec)
    moved = {_urns(graph, chain, name)[1] for chain, name in MOVED[spec]}
    # (other resources may carry older aliases of their own, e.g. renamed resource types)
    aliased = {r.urn for r in graph if any(f"::{OLD_PARENT}$" in alias for alias in r.aliases)}
    assert aliased == {urn for urn in moved if "$" not in urn.split("::")[2]}
    # Every resource below a moved component is in the list (a new child would be missed otherwise).
    below = {r.urn for r in graph if r.parent in aliased}
    assert below <= moved, sorted(below - moved)


def test_a_missing_alias_fails_the_check() -> None:
    graph = build("fraud-dev.yaml")
    chain, name = next(row for row in MOVED["fraud-dev.yaml"] if " > " in row[0])
    old, new = _urns(graph, chain, name)
    resource = graph.by_urn(new)
    assert resource.parent is not None  # a child: its alias comes from its parent's
    assert old in graph.aliases_of(resource)
    stripped = Graph(graph.provider, graph.stack,
                     [replace(r, aliases=()) if r.urn == resource.parent else r for r in graph])
    assert old not in stripped.aliases_of(stripped.by_urn(new))
