"""Kubernetes: normalized policy facts (``modules.facts``) from the recorded objects.

What a namespace cannot own (encryption at rest, the API server's audit policy, the bucket's
and registry's settings) is ``None`` here: the rule reports UNKNOWN, never a pass. Where the
cluster runs is what the operator declared: no declared region gives every fact the region and
jurisdiction ``undeclared``, which no residency preset allows.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from mlopskit.modules.facts import Fact, plain
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.stack import Stack
from mlopskit.modules.topology import SIGNALS
from mlopskit.providers.facts_index import FactsIndex
from mlopskit.providers.kubernetes import types as t
from mlopskit.providers.kubernetes.context import GPU_NODE_LABEL, GPU_RESOURCE
from mlopskit.providers.kubernetes.target import NAME, UNDECLARED, KubernetesPlacement, PlatformGuarantees
from mlopskit.providers.kubernetes.topology import slots

COMPONENT = "mlopskit:kubernetes:"


class KubernetesFacts(FactsIndex):
    """The recorded namespace: labels under ``metadata.labels``, the declared region and jurisdiction."""

    slotter = staticmethod(slots)

    def __init__(self, graph: Graph, stack: Stack) -> None:
        super().__init__(graph, stack)
        placement = stack.placement.of(NAME, KubernetesPlacement)
        self.region = placement.primary_region if placement else None
        self.declared = placement.jurisdiction if placement else None
        self.guarantees = placement.declared if placement else PlatformGuarantees()

    def own_labels(self, resource: RecordedResource) -> dict[str, str]:
        return dict(plain((resource.inputs.get("metadata") or {}).get("labels")) or {})

    def region_of(self, resource: RecordedResource, hint: str | None) -> str | None:
        return hint or self.region

    @staticmethod
    def jurisdiction(region: str | None) -> str | None:
        # Replaced per index (the declared one): see ``fact``.
        return None

    def fact(self, kind: str, resource: RecordedResource, *, region: str | None = None, labels: bool = True,
             **attrs: Any) -> Fact:
        found = super().fact(kind, resource, region=region, labels=labels, **attrs)
        where = UNDECLARED if found.region == UNDECLARED else self.declared
        return Fact(found.kind, found.resource_urn, found.type, found.name, found.region, found.protect,
                    where, found.attrs)


def declare(fact: Fact, **values: Any) -> Fact:
    """``fact`` with the operator's declared ``values`` where the recorded inputs do not say (None):
    each such attr is listed in ``Fact.declared``. A value the kit recorded is never overridden, and
    a guarantee not declared (None here) leaves the attr unknown."""
    given = {k: v for k, v in values.items() if v is not None and fact.has(k) and fact.get(k) is None}
    if not given:
        return fact
    return dataclasses.replace(fact, attrs={**fact.attrs, **given}, declared=fact.declared | frozenset(given))


def _yes(flag: bool, value: Any = True) -> Any:
    """A declared value when the operator declared the guarantee, else None (not declared)."""
    return value if flag else None


def _spec(resource: RecordedResource) -> dict[str, Any]:
    return dict(plain(resource.inputs.get("spec")) or {})


def _pod(cron: RecordedResource) -> dict[str, Any]:
    return dict(_spec(cron).get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec", {}))


def _size(container: dict[str, Any], selector: dict[str, str] | None) -> dict[str, Any]:
    """instance_type (the pod's size), gpu_count and gpu_type from a container's limits."""
    limits = (container.get("resources") or {}).get("limits") or {}
    gpus = int(limits.get(GPU_RESOURCE, 0))
    memory = str(limits.get("memory", ""))
    gib = int(memory[:-2]) / 1024 if memory.endswith("Mi") else None
    shape = f"{limits.get('cpu')} vCPU, {gib:g} GiB" if gib is not None else None
    return {"instance_type": shape, "gpu_count": gpus,
            "gpu_type": (selector or {}).get(GPU_NODE_LABEL) if gpus else None}


def hardening(pod: dict[str, Any], containers: list[dict[str, Any]], images_known: bool = True) -> dict[str, Any]:
    """The workload attrs (``modules.facts.WORKLOAD_ATTRS``) of a pod and its containers."""
    pod_non_root = (pod.get("securityContext") or {}).get("runAsNonRoot") is True
    contexts = [c.get("securityContext") or {} for c in containers]
    limits = [(c.get("resources") or {}).get("limits") or {} for c in containers]
    return {
        "runs_as_non_root": bool(containers) and all(ctx.get("runAsNonRoot", pod_non_root) is True for ctx in contexts),
        "privilege_escalation": any(ctx.get("allowPrivilegeEscalation") is not False for ctx in contexts),
        "resource_limits": bool(containers) and all("cpu" in lim and "memory" in lim for lim in limits),
        # A model served by KServe's runtime runs the ServingRuntime's image, which the stack does not name.
        "image_pinned": all("@sha256:" in str(c.get("image", "")) for c in containers) if images_known else None,
    }


def _job(index: KubernetesFacts, kind: str, cron: RecordedResource) -> Fact:
    pod, job = _pod(cron), _spec(cron).get("jobTemplate", {}).get("spec", {})
    size = _size((pod.get("containers") or [{}])[0], pod.get("nodeSelector"))
    deadline = job.get("activeDeadlineSeconds")
    attrs: dict[str, Any] = {"cmk": None, "private": None, "instance_type": size["instance_type"],
                             "gpu_count": size["gpu_count"], "max_instances": job.get("parallelism"),
                             "max_runtime_minutes": int(deadline) // 60 if deadline is not None else None,
                             **hardening(pod, list(pod.get("containers") or []))}
    if kind == "training":
        attrs.update(network_isolation=False, scale_to_zero=True,
                     spot=(pod.get("nodeSelector") or {}).get("mlopskit.dev/capacity") == "spot")
    g = index.guarantees
    return declare(index.fact(kind, cron, **attrs), cmk=_yes(g.encryption_at_rest), private=_yes(g.private_egress))


def _workloads(index: KubernetesFacts) -> list[Fact]:
    out = []
    for cron in index.of(t.CRON_JOB):
        origin = index.topology.origin(cron.urn)
        role = origin.role if origin else None
        if role in ("training", "batch"):
            out.append(_job(index, role, cron))
    return out


def _alarms(index: KubernetesFacts) -> list[Fact]:
    out = []
    for rule in index.of(t.PROMETHEUS_RULE):
        for group in _spec(rule).get("groups", []):
            for alert in group.get("rules", []):
                labels = alert.get("labels") or {}
                out.append(index.fact("alarm", rule, labels=False, notifies=bool(labels.get("mlopskit_notify")),
                                      endpoint=labels.get("endpoint")))
    return out


def _endpoint(index: KubernetesFacts, isvc: RecordedResource) -> Fact:
    predictor = _spec(isvc).get("predictor", {})
    container = predictor.get("model") or (predictor.get("containers") or [{}])[0]
    node = index.topology.endpoint_of(isvc.urn)
    name = (plain(isvc.inputs.get("metadata")) or {}).get("name")
    alarms = [f for f in _alarms(index) if f.get("endpoint") == name and f.get("notifies")]
    monitored: dict[str, Any] = {f"{s}_monitored": bool(node and node.monitored(s)) for s in SIGNALS}
    g = index.guarantees
    sampling = (index.stack.endpoints[node.index].data_capture.sampling_percent
                if node is not None and "logger" in predictor else None)
    return declare(index.fact(
        "endpoint", isvc, cmk=None, public=None, private=None, network_isolation=False, auth_required=None,
        min_instances=predictor.get("minReplicas"), max_instances=predictor.get("maxReplicas"),
        **_size(container, predictor.get("nodeSelector")), captures_data="logger" in predictor,
        # KServe's logger posts every request; the sink's sampling is the operator's (declared) or none.
        sampling_percent=None if "logger" in predictor and g.capture_sampling else 100.0 if "logger" in predictor else None,
        capture_cmk=None,
        # Rollback on alarms is emulated by day 2 watching the endpoint's PrometheusRule alerts.
        auto_rollback=_rollback(index, name), audit_logging=None, alarms=len(alarms),
        **monitored, **hardening(predictor, [container], images_known="model" not in predictor)),
        cmk=_yes(g.encryption_at_rest), capture_cmk=_yes(g.encryption_at_rest),
        audit_logging=_yes(g.audit_logging), public=_yes(g.private_ingress, False), private=_yes(g.private_ingress),
        auth_required=_yes(g.private_ingress), sampling_percent=_yes(g.capture_sampling, sampling))


def _rollback(index: KubernetesFacts, endpoint: str | None) -> bool:
    return any((a.get("labels") or {}).get("rollback") == "true" and (a.get("labels") or {}).get("endpoint") == endpoint
               for r in index.of(t.PROMETHEUS_RULE) for g in _spec(r).get("groups", []) for a in g.get("rules", []))


def _serving(index: KubernetesFacts) -> list[Fact]:
    return [_endpoint(index, isvc) for isvc in index.of(t.INFERENCE_SERVICE)]


def _references(index: KubernetesFacts) -> list[Fact]:
    """The bucket, registry and MLflow server: references whose settings the cluster cannot see."""
    g = index.guarantees
    b = g.artifact_bucket
    r = g.container_registry
    out = []
    for refs in index.of(t.CONFIG_MAP):
        out.append(declare(index.fact("bucket", refs, cmk=None, public=None, versioning=None, retention_days=None,
                                      access_logging=None, tls_only=None, purpose=index.purpose(refs)),
                           cmk=_yes(bool(b and b.customer_managed_key)), versioning=_yes(bool(b and b.versioning)),
                           retention_days=b.retention_days if b else None, tls_only=_yes(bool(b and b.tls_only)),
                           access_logging=_yes(bool(b and b.access_logging)),
                           public=_yes(bool(b and b.blocks_public_access), False)))
        # The ConfigMap records the registry and MLflow references too (providers/kubernetes/storage.py).
        out.append(declare(index.fact("container_registry", refs, labels=False, cmk=None, public=None,
                                      scan_on_push=None, immutable_tags=None),
                           cmk=_yes(bool(r and r.customer_managed_key)), scan_on_push=_yes(bool(r and r.scan_on_push)),
                           immutable_tags=_yes(bool(r and r.immutable_tags)),
                           public=_yes(bool(r and r.blocks_public_access), False)))
        out.append(declare(index.fact("model_registry", refs, labels=False, cmk=None, public=None),
                           cmk=_yes(g.private_model_registry), public=_yes(g.private_model_registry, False)))
    return out


def _access(index: KubernetesFacts) -> list[Fact]:
    out = [index.fact("role", r, labels=False, scope_level="group", actions=[
        f"{group}/{resource}:{verb}" for rule in plain(r.inputs.get("rules")) or []
        for group in rule.get("apiGroups", []) for resource in rule.get("resources", []) for verb in rule.get("verbs", [])])
        for r in index.of(t.ROLE)]
    for binding in index.of(t.ROLE_BINDING):
        role = (plain(binding.inputs.get("roleRef")) or {}).get("name")
        out += [index.fact("binding", binding, labels=False, role=role, privilege="scoped",
                           member=f"{s.get('kind')}:{s.get('name')}", scope_level="group")
                for s in plain(binding.inputs.get("subjects")) or []]
    # A ServiceAccount is used by the pods of its own namespace that name it.
    out += [index.fact("identity", a, labels=False, trust=["account:self"]) for a in index.of(t.SERVICE_ACCOUNT)]
    return out


def _platform(index: KubernetesFacts) -> list[Fact]:
    deny = [p for p in index.of(t.NETWORK_POLICY) if _default_deny(_spec(p))]
    out = [index.fact("network", p, private=True, flow_logs=None, default_rules_closed=True) for p in deny]
    if not deny:  # no default-deny policy: every pod of the namespace is open (the rule fails, never N/A)
        out += [index.fact("network", n, labels=False, private=False, flow_logs=None, default_rules_closed=False)
                for n in index.of(f"{COMPONENT}PrivateNetwork")]
    g = index.guarantees
    covers = ["storage", "endpoints", "ml", "keys", "registry"] if g.audit_logging else []
    out += [declare(index.fact("audit", a, labels=False, data_events=None, covers=covers, cmk=None, streamed=None),
                    data_events=_yes(g.audit_logging), streamed=_yes(g.audit_logging))
            for a in index.of(f"{COMPONENT}Audit")]
    out += [declare(index.fact("backup", s, retention_days=_ttl_days(_spec(s)), cross_region=None, cmk=None),
                    cross_region=_yes(g.backup_offsite))
            for s in index.of(t.VELERO_SCHEDULE)]
    for quota in index.of(t.RESOURCE_QUOTA):
        limit = index.own_labels(quota).get("mlopskit.dev/limit-usd")
        out.append(index.fact("budget", quota, labels=False, limit_usd=float(limit) if limit else None,
                              alert_thresholds=[]))
    return out + _alarms(index)


def _default_deny(spec: dict[str, Any]) -> bool:
    """Selects every pod, both directions, allows nothing."""
    return (not (spec.get("podSelector") or {}) and set(spec.get("policyTypes") or []) == {"Ingress", "Egress"}
            and not spec.get("ingress") and not spec.get("egress"))


def _ttl_days(spec: dict[str, Any]) -> int | None:
    ttl = str((spec.get("template") or {}).get("ttl", ""))
    hours = ttl.split("h")[0]
    return int(hours) // 24 if hours.isdigit() else None


def facts(graph: Graph, stack: Stack) -> list[Fact]:
    return KubernetesFacts(graph, stack).collect([_references, _workloads, _serving, _access, _platform])
