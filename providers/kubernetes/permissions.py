"""The spec's permission vocabulary as RBAC rules of the stack's namespace.

Never a wildcard verb, resource or API group, and never a ClusterRole: every grant is a Role of
the namespace. What lives outside the cluster (the bucket, the MLflow server) is granted there,
not here: those permissions map to no rule and the build warns at the role.
"""

from __future__ import annotations

from dataclasses import dataclass

READ = ("get", "list", "watch")


@dataclass(frozen=True)
class Rule:
    """One RBAC rule: API group, resources, verbs."""

    api_group: str
    resources: tuple[str, ...]
    verbs: tuple[str, ...]

    def actions(self) -> list[str]:
        """As the ``role`` facts' actions: ``<group>/<resource>:<verb>`` (core group: empty)."""
        return [f"{self.api_group}/{r}:{v}" for r in self.resources for v in self.verbs]


KSERVE = "serving.kserve.io"
RULES: dict[str, tuple[Rule, ...]] = {
    "artifacts.read": (Rule("", ("configmaps",), ("get",)),),
    "models.read": (Rule(KSERVE, ("inferenceservices",), READ),),
    "training.submit": (Rule("batch", ("jobs",), ("create", *READ)), Rule("batch", ("cronjobs",), READ)),
    "endpoints.invoke": (Rule(KSERVE, ("inferenceservices",), ("get",)),),
    "endpoints.deploy": (Rule(KSERVE, ("inferenceservices",), ("create", "update", "patch", *READ)),),
    "logs.read": (Rule("", ("pods",), READ), Rule("", ("pods/log",), ("get",))),
    "backups.restore": (Rule("velero.io", ("restores",), ("create", *READ)), Rule("velero.io", ("backups",), READ)),
}
#: Permissions granted by a service outside the cluster: no RBAC rule can grant them.
OUTSIDE: dict[str, str] = {
    "artifacts.write": "the S3-compatible bucket's own access policy",
    "models.register": "the MLflow server's own permissions",
    "models.promote": "the MLflow server's own permissions",
    "experiments.read": "the MLflow server's own permissions",
    "experiments.write": "the MLflow server's own permissions",
}


def rules_for(permissions: list[str]) -> list[Rule]:
    """The rules of a role granting ``permissions`` (merged per group and resource, in a stable order)."""
    merged: dict[tuple[str, str], list[str]] = {}
    for permission in permissions:
        for rule in RULES.get(permission, ()):
            for resource in rule.resources:
                verbs = merged.setdefault((rule.api_group, resource), [])
                verbs.extend(v for v in rule.verbs if v not in verbs)
    return [Rule(group, (resource,), tuple(verbs)) for (group, resource), verbs in sorted(merged.items())]


def subject(principal: str, namespace: str) -> dict[str, str]:
    """A spec principal as an RBAC subject: people and groups by the name the cluster's
    authenticator gives them (their email), a workload identity as a ServiceAccount of the namespace."""
    kind, _, identity = principal.partition(":")
    if kind == "serviceAccount" and "@" not in identity:
        return {"kind": "ServiceAccount", "name": identity, "namespace": namespace}
    return {"kind": {"user": "User", "group": "Group"}.get(kind, "User"), "name": identity,
            "api_group": "rbac.authorization.k8s.io"}
