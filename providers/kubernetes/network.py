"""The namespace's network: deny everything, then allow exactly the flows the stack needs.

NetworkPolicies are enforced by the cluster's network plugin (Calico, Cilium, ...): a cluster
without one ignores them, which the kit cannot see from the namespace (docs/kubernetes.md lists
it among what must be installed).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.providers.kubernetes.context import ROLE_LABEL, KubernetesContext, child

TYPE = "mlopskit:kubernetes:PrivateNetwork"
#: Namespaces the operator labels as the serving ingress (KServe's gateway) and as monitoring
#: (Prometheus, Pushgateway): the only ones allowed to reach the stack's pods (docs/kubernetes.md).
INGRESS_NAMESPACE_LABEL = "mlopskit.dev/ingress"
MONITORING_NAMESPACE_LABEL = "mlopskit.dev/monitoring"
SERVING_PORT = 8080  # KServe's model server port
WORKLOADS = ("serving", "training", "batch")  # the kit's monitor job is not scheduled on a cluster yet


@dataclass(frozen=True)
class NetworkArgs:
    """Inputs of the PrivateNetwork component."""

    private: bool  # the spec's network.private: no flow to the internet but the stack's own services


def _peer_namespace(label: str) -> k8s.networking.v1.NetworkPolicyPeerArgs:
    return k8s.networking.v1.NetworkPolicyPeerArgs(
        namespace_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={label: "true"}))


def _roles(*roles: str) -> k8s.meta.v1.LabelSelectorArgs:
    return k8s.meta.v1.LabelSelectorArgs(match_expressions=[k8s.meta.v1.LabelSelectorRequirementArgs(
        key=ROLE_LABEL, operator="In", values=list(roles))])


def _tcp(port: int) -> k8s.networking.v1.NetworkPolicyPortArgs:
    return k8s.networking.v1.NetworkPolicyPortArgs(port=port, protocol="TCP")


class PrivateNetwork(pulumi.ComponentResource):
    """A default-deny policy plus one policy per needed flow."""

    def __init__(self, name: str, args: NetworkArgs, ctx: KubernetesContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("network"), opts)
        self.policies: list[k8s.networking.v1.NetworkPolicy] = []
        # Every pod of the namespace, both directions, no rule: nothing in or out unless allowed below.
        self._policy(name, ctx, "default-deny", k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=k8s.meta.v1.LabelSelectorArgs(), policy_types=["Ingress", "Egress"]))
        dns = k8s.networking.v1.NetworkPolicyPeerArgs(
            namespace_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"kubernetes.io/metadata.name": "kube-system"}))
        self._policy(name, ctx, "allow-dns", k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=k8s.meta.v1.LabelSelectorArgs(), policy_types=["Egress"],
            egress=[k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                to=[dns], ports=[k8s.networking.v1.NetworkPolicyPortArgs(port=53, protocol=p) for p in ("UDP", "TCP")])]))
        self._policy(name, ctx, "allow-serving-ingress", k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=_roles("serving"), policy_types=["Ingress"],
            ingress=[k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                from_=[_peer_namespace(INGRESS_NAMESPACE_LABEL), _peer_namespace(MONITORING_NAMESPACE_LABEL)],
                ports=[_tcp(SERVING_PORT)])]))
        # The bucket and the MLflow server are outside the cluster: HTTPS out. A private stack keeps
        # them off the public internet by the operator's egress path (docs/kubernetes.md); the
        # policy cannot name an external host, only addresses.
        self._policy(name, ctx, "allow-store-egress", k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=_roles(*WORKLOADS), policy_types=["Egress"],
            egress=[k8s.networking.v1.NetworkPolicyEgressRuleArgs(ports=[_tcp(443)])]))
        self.register_outputs({"policies": len(self.policies), "private": args.private})

    def _policy(self, name: str, ctx: KubernetesContext, policy: str, spec: k8s.networking.v1.NetworkPolicySpecArgs) -> None:
        self.policies.append(k8s.networking.v1.NetworkPolicy(
            f"{name}-{policy}", metadata=ctx.meta(policy), spec=spec, opts=child(self)))
