"""Least privilege: no wildcards, no admin or basic roles, restricted trust, resource scope."""

from __future__ import annotations

from collections.abc import Sequence

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, fail, not_applicable, passed, require, rule, unknown

# Abstract permissions that change the stack or its data (spec v1 vocabulary, cloud-neutral).
WRITE_PERMISSIONS = frozenset({"artifacts.write", "models.register", "models.promote", "endpoints.deploy",
                               "backups.restore", "training.submit"})


@rule("iam-no-wildcard-actions", "Permission sets list actions, never wildcards", ["role"])
def iam_no_wildcard_actions(fact: Fact, context: PolicyContext) -> Outcome:
    """``*`` or ``service:*`` grants tomorrow's actions too."""
    actions = fact.get("actions")
    if actions is None:
        return not_applicable()
    # A segment that is "*" alone: AWS's "s3:*", a Kubernetes RBAC "apps/*:get" or "/pods:*".
    wild = sorted({a for a in actions if a == "*" or a.endswith(":*") or a.endswith(".*")
                   or "*" in a.replace(":", "/").split("/")})
    if wild:
        return fail("actions", f"wildcard actions {', '.join(wild)}")
    return passed()


@rule("iam-no-admin-roles", "No admin, *FullAccess or basic roles are granted", ["binding"])
def iam_no_admin_roles(fact: Fact, context: PolicyContext) -> Outcome:
    """Predefined broad roles defeat least privilege."""
    if not fact.has("privilege"):
        return not_applicable()
    privilege = fact.get("privilege")
    if privilege is None:
        return unknown("privilege", f"cannot tell how broad role {fact.get('role')} is")
    if privilege in ("admin", "full_access", "basic"):
        return fail("privilege", f"{privilege} role {fact.get('role')} granted")
    return passed()


@rule("iam-trust-restricted", "Identities are assumable only by services or the stack's own account", ["identity"])
def iam_trust_restricted(fact: Fact, context: PolicyContext) -> Outcome:
    """Trusting ``*`` or a foreign account hands the role to strangers."""
    trust = fact.get("trust")
    if trust is None:
        return not_applicable()
    bad = sorted(t for t in trust if t == "public" or (t.startswith("account:") and t != "account:self"))
    if bad:
        return fail("trust", f"trusted by {', '.join(bad)}")
    return passed()


@rule("iam-resource-scoped", "Grants are scoped to the stack's resources, not the whole account or project", ["binding", "role"])
def iam_resource_scoped(fact: Fact, context: PolicyContext) -> Outcome:
    """A project-wide grant reaches resources outside the stack."""
    return require(fact, "scope_level", f"granted at {fact.get('scope_level')} scope",
                   ok=lambda value: value in ("resource", "group"))


@rule("iam-no-all-powerful-role", "No access role holds every write permission", ["role", "binding", "identity"], scope="stack")
def iam_no_all_powerful_role(facts: Sequence[Fact], context: PolicyContext) -> Outcome:
    """A role that can train, register, promote, deploy and restore is an admin in disguise
    (separation of duties). Read from the spec's abstract permissions, the same on every cloud."""
    for index, (name, permissions) in enumerate(context.access_roles):
        if WRITE_PERMISSIONS <= set(permissions):
            return fail(f"access.roles[{index}].permissions", f"role {name} holds every write permission")
    return passed()
