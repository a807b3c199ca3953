"""Normalized facts: the cloud-neutral view of a recorded deployment that policies read.

Each provider derives facts from its own recorded resources (``providers/<cloud>/facts.py``)
so that a rule never sees a cloud's type tokens or input names. The contract:

- ``kind`` is one of ``KINDS``; a rule declares the kinds it applies to.
- ``attrs`` holds only the normalized keys listed in ``ATTRS`` for that kind.
- A key that is ABSENT means the cloud has no such concept for this resource (the rule
  is not applicable); a key whose value is ``None`` means the concept exists but the
  recorded inputs do not say (the rule reports UNKNOWN, never a pass).

No cloud SDK import here, and no cloud names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

KINDS: tuple[str, ...] = (
    "bucket",              # object storage holding stack data (artifacts, logs, replicas, backups)
    "key",                 # customer-managed encryption key (or the vault holding it)
    "container_registry",  # image registry
    "model_registry",      # model versions registry
    "endpoint",            # real-time inference endpoint (with its deployment / variants)
    "monitor",             # model monitoring job and its outputs
    "training",            # training job / compute
    "batch",               # batch inference job (its definition, compute and schedule)
    "workspace",           # ML workspace (where the cloud has one)
    "network",             # the private network the stack runs in
    "role",                # a permission set the kit defines (inline policy, custom role)
    "binding",             # a grant of a predefined role to a principal at a scope
    "identity",            # a workload identity and who may assume / act as it
    "audit",               # audit log configuration
    "log_store",           # where audit logs are kept
    "backup",              # backup vault / plan / copy
    "budget",              # cost budget
    "alarm",               # an alert wired to notifications
)

# The normalized attribute keys per kind, with their meaning. Providers must not invent
# others; tests/policies check every emitted key is listed here.
ATTRS: dict[str, dict[str, str]] = {
    "bucket": {
        "cmk": "bool|None: encrypted by default with a customer-managed key",
        "public": "bool|None: readable by anonymous or all-authenticated principals",
        "versioning": "bool|None: object versioning on",
        "retention_days": "int|None: days deleted/noncurrent data stays recoverable (None: unbounded/unknown)",
        "access_logging": "bool|None: data access to the bucket is logged",
        "tls_only": "bool|None: plain-HTTP access refused",
        "receives_deletes": "bool|None: a continuous copy (replica) receives its source's deletions (absent: not a copy)",
        "source_retention_days": "int|None: retention_days of the data this copy holds (absent: not a copy)",
        "purpose": "str: artifacts | access-logs | audit-logs | replica | backup (from the PURPOSE_TAG tag/label)",
        "labels": "dict[str,str]: tags/labels as applied (without PURPOSE_TAG)",
    },
    "key": {
        "rotation_days": "int|None: automatic rotation period (None: no rotation)",
        "deletion_protection": "bool|None: deletion is delayed/blocked (pending window, purge protection)",
        "deletion_window_days": "int|None: days a deleted key stays recoverable",
        "public": "bool|None: key usable by anyone outside the stack's account/project",
        "labels": "dict[str,str]",
    },
    "container_registry": {
        "cmk": "bool|None", "public": "bool|None", "scan_on_push": "bool|None",
        "immutable_tags": "bool|None", "labels": "dict[str,str]",
    },
    "model_registry": {"cmk": "bool|None", "public": "bool|None", "labels": "dict[str,str]"},
    "endpoint": {
        "cmk": "bool|None: serving storage encrypted with a CMK (absent: no volume to encrypt)",
        "public": "bool|None: reachable from the public internet",
        "private": "bool|None: served through the stack's private network",
        "network_isolation": "bool|None: model containers have no outbound network",
        "auth_required": "bool|None: callers must authenticate with the cloud's identity",
        "min_instances": "int|None", "max_instances": "int|None",
        "instance_type": "str|None", "gpu_count": "int|None: GPUs per instance",
        "gpu_type": "str|None: the GPU model of the catalog (T4, L4, A10G, ...); None without GPUs or when unknown",
        "captures_data": "bool: request/response capture on",
        "sampling_percent": "float|None: share of requests captured",
        "capture_cmk": "bool|None: captured data encrypted with a CMK",
        "auto_rollback": "bool|None: a failed rollout is rolled back on alarms without a human",
        "audit_logging": "bool|None: invocations / management calls are audit-logged",
        "alarms": "int: alarms wired to notifications for this endpoint",
        "quality_monitored": "bool|None: predictions are compared with ground-truth labels on a schedule",
        "bias_monitored": "bool|None: bias metrics of served predictions per sensitive facet are computed on a schedule",
        "explainability_monitored": "bool|None: feature attributions of served requests are compared with a baseline on a schedule",
        "drift_monitored": "bool|None: the distribution of served requests is compared with a baseline on a schedule",
        "labels": "dict[str,str]",
    },
    "monitor": {"cmk": "bool|None: monitoring outputs encrypted with a CMK", "labels": "dict[str,str]",
                "signal": "str|None: drift | quality | bias | explainability: what the job computes",
                "endpoint": "str|None: the spec entry of the endpoint it watches (endpoints[0])"},
    "training": {
        "cmk": "bool|None: outputs and volumes encrypted with a CMK",
        "private": "bool|None: runs inside the stack's private network",
        "network_isolation": "bool|None",
        "instance_type": "str|None", "gpu_count": "int|None", "max_instances": "int|None",
        "scale_to_zero": "bool|None: no compute billed while no job runs",
        "spot": "bool|None: runs on spot / preemptible / low-priority capacity",
        "max_runtime_minutes": "int|None: hard stop for a job",
        "schedule_cmk": "bool|None: the stored schedule starting it is encrypted with a CMK "
                        "(absent: no schedule, or the cloud's scheduler takes no key)",
        "labels": "dict[str,str]",
    },
    "batch": {
        "cmk": "bool|None: batch output (and volumes, where the instance has any) encrypted with a CMK",
        "private": "bool|None: the job's instances run inside the stack's private network",
        "instance_type": "str|None", "gpu_count": "int|None", "max_instances": "int|None",
        "max_runtime_minutes": "int|None: hard stop for a run (absent: the cloud has none)",
        "schedule_cmk": "bool|None: the stored schedule starting it is encrypted with a CMK "
                        "(absent: no schedule, or the cloud's scheduler takes no key)",
        "labels": "dict[str,str]",
    },
    "workspace": {"cmk": "bool|None", "public": "bool|None", "private": "bool|None", "labels": "dict[str,str]"},
    "network": {
        "private": "bool|None: private subnets / endpoints, no public ingress",
        "flow_logs": "bool|None: every flow in the network is logged",
        "default_rules_closed": "bool|None: the network's default security group allows no traffic "
                                "(absent: the cloud has no default group that can be emptied)",
        "labels": "dict[str,str]",
    },
    "role": {
        "actions": "list[str]: actions/permissions the role allows",
        "scope_level": "str: resource | group | project | account (broadest resource any statement reaches)",
    },
    "binding": {
        "role": "str: predefined role granted",
        "privilege": "str: admin | full_access | basic | scoped",
        "member": "str: principal (normalized: public for anonymous/all users)",
        "scope_level": "str: resource | group | project | account",
    },
    "identity": {"trust": "list[str]: who may assume it: service:<name> | account:self | account:<id> | principal:<id> | public"},
    "audit": {
        "data_events": "bool|None: data-access events recorded",
        "covers": "list[str]: storage | endpoints | ml | keys | registry",
        "cmk": "bool|None",
        "streamed": "bool|None: events also reach the log service, where metric filters and alerts can watch them",
    },
    "log_store": {"retention_days": "int|None", "cmk": "bool|None", "labels": "dict[str,str]"},
    "backup": {
        "retention_days": "int|None", "cross_region": "bool|None", "cmk": "bool|None",
        "source_retention_days": "int|None: retention_days of the data this backup copies (absent: unknown source)",
        "labels": "dict[str,str]",
    },
    "budget": {"limit_usd": "float|None", "alert_thresholds": "list[float]"},
    "alarm": {
        "notifies": "bool: sends to at least one notification target", "endpoint": "str|None",
        "notification_encrypted": "bool|None: the notifications it sends are stored encrypted "
                                  "(absent: the cloud's channels hold no message at rest)",
    },
}

# Pod-level hardening of a workload the target runs as containers it defines (a Kubernetes pod):
# absent where the cloud runs the containers itself (the rule is then not applicable).
WORKLOAD_ATTRS: dict[str, str] = {
    "runs_as_non_root": "bool|None: every container runs as a non-root user (Pod Security restricted)",
    "privilege_escalation": "bool|None: some container may gain more privileges than its process (allowPrivilegeEscalation)",
    "resource_limits": "bool|None: every container sets cpu and memory limits",
    "image_pinned": "bool|None: every image is referenced by digest (a tag can be moved under a running stack)",
}
for _kind in ("endpoint", "training", "batch", "monitor"):
    ATTRS[_kind].update(WORKLOAD_ATTRS)

# A bucket's purpose is recorded on the bucket itself, as this tag (AWS, Azure) or label (GCP),
# by the component that creates it: the offline facts and the CrossGuard pack (which sees only
# resource inputs) then read the same thing, and a bucket's name never decides it. Key and values
# fit every cloud's tag/label rules (GCP's are the strictest: lowercase letters, digits, "_" and
# "-", at most 63 characters, keys starting with a letter).
PURPOSE_TAG = "mlopskit-purpose"
PURPOSES: tuple[str, ...] = ("artifacts", "access-logs", "audit-logs", "replica", "backup")


def purpose_of(labels: Mapping[str, Any] | None) -> str:
    """The purpose a bucket's tags/labels declare. A bucket without the tag (or with a value
    outside ``PURPOSES``) counts as a data bucket, ``artifacts``: every data rule then applies
    to it, so a missing tag can only make the checks stricter (fail closed)."""
    value = (labels or {}).get(PURPOSE_TAG)
    return value if value in PURPOSES else "artifacts"


def without_purpose(labels: Mapping[str, Any] | None) -> dict[str, Any]:
    """Tags/labels as applied, minus the kit's own purpose marker (read into ``purpose`` instead)."""
    return {k: v for k, v in (labels or {}).items() if k != PURPOSE_TAG}


MISSING = object()


@dataclass(frozen=True)
class Fact:
    """One normalized fact about one recorded resource (or a few that belong together)."""

    kind: str
    resource_urn: str
    type: str
    name: str
    region: str | None = None
    protect: bool = False
    jurisdiction: str | None = None  # eu | br | us | ... (from the provider's region table)
    attrs: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=True)
    #: attrs whose values the platform's operator DECLARED (a guarantee the target cannot see from what it
    #: builds, e.g. a cluster's etcd encryption): a rule passing only thanks to one reports ``pass (declared)``
    declared: frozenset[str] = field(default=frozenset(), hash=False, compare=True)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fact kind {self.kind!r}")

    def has(self, key: str) -> bool:
        """Whether the cloud has the concept ``key`` for this resource."""
        return key in self.attrs

    def get(self, key: str, default: Any = None) -> Any:
        return self.attrs.get(key, default)

    def undeclared(self, keys: frozenset[str] | None = None) -> Fact:
        """This fact as if ``keys`` (default: every declared attr) were not declared: those attrs unknown (None)."""
        gone = self.declared if keys is None else keys & self.declared
        return replace(self, attrs={k: (None if k in gone else v) for k, v in self.attrs.items()},
                       declared=self.declared - gone)

    def with_attrs(self, **changes: Any) -> Fact:
        """A copy with attributes changed (``MISSING`` removes one): handy for mutations in tests."""
        attrs = dict(self.attrs)
        for key, value in changes.items():
            if value is MISSING:
                attrs.pop(key, None)
            else:
                attrs[key] = value
        return replace(self, attrs=attrs)

SECRET_SIG = "4dabf18193072939515e22adb298388d"
UNBOUNDED_DAYS = 36500  # "kept until someone deletes it": longer than any retention minimum


def as_list(value: Any) -> list[Any]:
    """A recorded input that may be absent, a single value or a list, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def plain(value: Any) -> Any:
    """The value inside a Pulumi secret wrapper (the engine records some inputs that way)."""
    if isinstance(value, dict) and SECRET_SIG in value:
        return value.get("value")
    return value


def iso_days(duration: str | None) -> int | None:
    """Days in an ISO-8601 duration such as ``P35D`` / ``P1Y`` (None when absent or unparsable)."""
    import re

    if not duration:
        return None
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?", duration)
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    return years * 365 + months * 30 + weeks * 7 + days


def seconds_days(duration: str | float | None) -> int | None:
    """Days in a ``"7776000s"`` duration string or a number of seconds."""
    if duration is None:
        return None
    text = str(duration).rstrip("s")
    try:
        return int(float(text) // 86400)
    except ValueError:
        return None
