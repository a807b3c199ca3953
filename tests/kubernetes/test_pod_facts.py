"""The kubernetes facts the workload and network rules read, from the recorded objects, on the bundled
example (every pod restricted) and on recorded inputs changed in one place."""

from __future__ import annotations

import copy
import dataclasses
from functools import cache

from mlopskit.engine import preview
from mlopskit.modules.graph import Graph
from mlopskit.modules.stack import Stack
from mlopskit.policies.runner import evaluate
from mlopskit.providers.kubernetes import facts as k8s_facts, types as t
from tests.specs import stack


@cache
def _built() -> tuple[Stack, Graph]:
    spec = stack()
    return spec, preview(spec, "kubernetes")


def _statuses(graph: Graph, policy: str) -> set[str]:
    spec = _built()[0]
    return {c.status for c in evaluate(spec, graph).checked if c.policy == policy}


def test_every_pod_of_the_bundled_example_is_restricted() -> None:
    graph = _built()[1]
    for policy in ("workload-non-root", "workload-no-privilege-escalation", "workload-resource-limits",
                   "network-default-closed", "iam-no-wildcard-actions"):
        assert _statuses(graph, policy) == {"pass"}, policy


def _changed(type_: str, name_part: str, change: object) -> Graph:
    graph = _built()[1]
    resources = []
    for r in graph.resources:
        if r.type == type_ and name_part in r.name:
            inputs = copy.deepcopy(dict(r.inputs))
            change(inputs)  # type: ignore[operator]
            r = dataclasses.replace(r, inputs=inputs)
        resources.append(r)
    return dataclasses.replace(graph, resources=tuple(resources))


def _pod(inputs: dict) -> dict:
    return inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_a_container_allowed_to_escalate_fails() -> None:
    graph = _changed(t.CRON_JOB, "train-xgb", lambda i: _pod(i)["containers"][0]["securityContext"].update(
        allowPrivilegeEscalation=True))
    assert "fail" in _statuses(graph, "workload-no-privilege-escalation")


def test_a_container_without_limits_fails() -> None:
    graph = _changed(t.CRON_JOB, "train-xgb", lambda i: _pod(i)["containers"][0]["resources"].pop("limits"))
    assert "fail" in _statuses(graph, "workload-resource-limits")


def test_a_root_container_fails() -> None:
    def root(inputs: dict) -> None:
        _pod(inputs)["securityContext"]["runAsNonRoot"] = False
        _pod(inputs)["containers"][0]["securityContext"]["runAsNonRoot"] = False

    assert "fail" in _statuses(_changed(t.CRON_JOB, "train-xgb", root), "workload-non-root")


def test_a_namespace_without_default_deny_fails_and_is_not_skipped() -> None:
    graph = _changed(t.NETWORK_POLICY, "default-deny", lambda i: i["spec"].update(policyTypes=["Ingress"]))
    assert _statuses(graph, "network-default-closed") == {"fail"}


def test_a_wildcard_rbac_verb_fails() -> None:
    graph = _changed(t.ROLE, "operator", lambda i: i["rules"][0].update(verbs=["*"]))
    assert "fail" in _statuses(graph, "iam-no-wildcard-actions")


def test_a_tagged_image_fails_the_advisory_digest_rule_and_a_digest_passes() -> None:
    # The bundled example's training image is the operator's declared framework image: a tag there
    # fails the advisory rule (so the prod example keeps passing), a digest passes.
    graph = _changed(t.CRON_JOB, "train-xgb", lambda i: _pod(i)["containers"][0].update(image="r/x:1.0"))
    assert "fail" in _statuses(graph, "workload-image-digest")
    assert k8s_facts.hardening({}, [{"image": "r/x:1.0"}])["image_pinned"] is False
    assert k8s_facts.hardening({}, [{"image": "r/x@sha256:" + "0" * 64}])["image_pinned"] is True
