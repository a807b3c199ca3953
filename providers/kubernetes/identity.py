"""Who runs and who may act: a ServiceAccount per workload, and a Role and RoleBinding per spec role."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.modules.access import AccessRole
from mlopskit.modules.naming import compact
from mlopskit.providers.kubernetes.context import KubernetesContext, child
from mlopskit.providers.kubernetes.network import WORKLOADS
from mlopskit.providers.kubernetes.permissions import OUTSIDE, rules_for, subject

TYPE = "mlopskit:kubernetes:Identity"


def account_name(workload: str) -> str:
    """The ServiceAccount a workload's pods run as."""
    return f"mlopskit-{workload}"


@dataclass(frozen=True)
class IdentityArgs:
    """Inputs of the Identity component."""

    roles: list[AccessRole]
    pull_secret: str | None


class Identity(pulumi.ComponentResource):
    """ServiceAccounts without API tokens, and the spec's roles as namespaced RBAC."""

    def __init__(self, name: str, args: IdentityArgs, ctx: KubernetesContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("identity"), opts)
        pulls = [k8s.core.v1.LocalObjectReferenceArgs(name=args.pull_secret)] if args.pull_secret else None
        # Workloads never call the Kubernetes API: no token is mounted (CKV_K8S_38).
        self.accounts = {w: k8s.core.v1.ServiceAccount(
            f"{name}-{w}", metadata=ctx.meta(account_name(w), w), automount_service_account_token=False,
            image_pull_secrets=pulls, opts=child(self)) for w in WORKLOADS}
        for index, role in enumerate(args.roles):
            self._role(name, ctx, index, role)
        self.register_outputs({"accounts": {w: account_name(w) for w in WORKLOADS}})

    def _role(self, name: str, ctx: KubernetesContext, index: int, role: AccessRole) -> None:
        outside = sorted({OUTSIDE[p] for p in role.permissions if p in OUTSIDE})
        if outside:
            ctx.warn(f"access.roles[{index}].permissions", "declared: granted by " + " and ".join(outside) +
                     ", outside the cluster; the namespace's RBAC cannot grant it")
        rules = rules_for(list(role.permissions))
        if not rules:
            return
        role_name = compact(f"mlopskit-{role.name}", 63)
        k8s.rbac.v1.Role(f"{name}-{role.name}", metadata=ctx.meta(role_name), rules=[
            k8s.rbac.v1.PolicyRuleArgs(api_groups=[r.api_group], resources=list(r.resources), verbs=list(r.verbs))
            for r in rules], opts=child(self))
        if role.principals:
            k8s.rbac.v1.RoleBinding(
                f"{name}-{role.name}-binding", metadata=ctx.meta(role_name),
                role_ref=k8s.rbac.v1.RoleRefArgs(api_group="rbac.authorization.k8s.io", kind="Role", name=role_name),
                subjects=[k8s.rbac.v1.SubjectArgs(**subject(p, ctx.namespace)) for p in role.principals],
                opts=child(self))
