"""GCP: normalized policy facts (``modules.facts``) from the recorded Vertex AI stack.

Concepts Google Cloud does not have for a resource are left out of ``attrs``; values the
recorded inputs do not settle are ``None`` (the rule then reports UNKNOWN).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from mlopskit.modules.facts import UNBOUNDED_DAYS, Fact, as_list, plain, seconds_days
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.stack import Stack
from mlopskit.modules.topology import SIGNALS, EndpointNode
from mlopskit.providers.catalog.resolver import lookup_accelerated
from mlopskit.providers.facts_index import FactsIndex
from mlopskit.providers.gcp.topology import kit_monitor_body, slots

EU = {"europe-west1", "europe-west3", "europe-west4", "europe-west8", "europe-west9", "europe-west10",
      "europe-west12", "europe-north1", "europe-north2", "europe-central2", "europe-southwest1", "eu"}
OTHER = {"europe-west2": "uk", "europe-west6": "ch", "southamerica-east1": "br", "southamerica-west1": "cl"}
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
BASIC_ROLES = ("roles/owner", "roles/editor", "roles/viewer")


def jurisdiction(region: str | None) -> str | None:
    if region is None:
        return None
    region = region.lower()
    if region in EU:
        return "eu"
    if region in OTHER:
        return OTHER[region]
    return {"us": "us", "northamerica": "ca", "asia": "apac", "australia": "apac", "me": "me",
            "africa": "af"}.get(region.split("-")[0])


class _Gcp(FactsIndex):
    """The GCP graph: default labels from the provider, the project's audit configuration."""

    LABELS_INPUT = "labels"

    def __init__(self, graph: Graph, stack: Stack) -> None:
        super().__init__(graph, stack)
        placement = stack.placement.gcp
        self.region = placement.region if placement else None
        self.project = placement.project if placement else None
        for p in self.of("pulumi:providers:gcp"):
            try:
                self.default_labels.update(json.loads(plain(p.inputs.get("defaultLabels")) or "{}"))
            except (TypeError, ValueError):
                pass
        self.audit = {plain(a.inputs.get("service")): {c.get("logType") for c in as_list(a.inputs.get("auditLogConfigs"))}
                      for a in self.of("gcp:projects/iAMAuditConfig:IAMAuditConfig")}

    jurisdiction = staticmethod(jurisdiction)
    slotter = staticmethod(slots)

    def region_of(self, resource: RecordedResource, hint: str | None) -> str | None:
        # GCP resources record their location under different inputs: each producer names it.
        return hint.lower() if hint else None

    def dynamic(self, kind: str) -> list[RecordedResource]:
        """Dynamic resources (Vertex objects the GCP provider has no type for) of one ``kind``."""
        return self.graph.grouped("pulumi-python:dynamic:Resource", "kind").get(kind, [])

    def data_audited(self, service: str) -> bool:
        return bool(self.audit.get(service, set()) & {"DATA_READ", "DATA_WRITE"})

    def granted_to_public(self, type_: str, input_key: str, target: Any) -> bool:
        """Whether an IAM member resource of ``type_`` grants ``target`` to allUsers or allAuthenticatedUsers."""
        return any(plain(m.inputs.get("member")) in PUBLIC_MEMBERS for m in self.grouped(type_, input_key).get(target, []))


def _bucket_retention(inputs: dict[str, Any]) -> int:
    """Days deleted data stays recoverable: the retention policy, else noncurrent versions' lifetime."""
    retention = seconds_days((inputs.get("retentionPolicy") or {}).get("retentionPeriod"))
    if retention is not None:
        return retention
    if not (inputs.get("versioning") or {}).get("enabled"):
        return 0
    noncurrent = [int(r["condition"]["daysSinceNoncurrentTime"]) for r in as_list(inputs.get("lifecycleRules"))
                  if (r.get("action") or {}).get("type") == "Delete" and (r.get("condition") or {}).get("daysSinceNoncurrentTime")]
    return min(noncurrent) if noncurrent else UNBOUNDED_DAYS


def _bucket_facts(g: _Gcp, bucket: RecordedResource) -> Iterable[Fact]:
    inputs = bucket.inputs
    location = plain(inputs.get("location"))
    public = g.granted_to_public("gcp:storage/bucketIAMMember:BucketIAMMember", "bucket", plain(inputs.get("name")))
    purpose = g.purpose(bucket)
    days = _bucket_retention(inputs)
    cmk = bool((inputs.get("encryption") or {}).get("defaultKmsKeyName"))
    yield g.fact(
        "bucket", bucket, region=location,
        purpose=purpose,
        cmk=cmk,
        # Public when the stack grants allUsers; otherwise "enforced" prevention settles it, and
        # prevention inherited from the org policy leaves it open to grants made elsewhere.
        public=True if public else (False if inputs.get("publicAccessPrevention") == "enforced" else None),
        versioning=bool((inputs.get("versioning") or {}).get("enabled")),
        retention_days=days,
        access_logging=g.data_audited("storage.googleapis.com"),
        tls_only=True,  # Cloud Storage serves its JSON and XML APIs over HTTPS only
    )
    if purpose == "backup":
        # Transfer jobs copy into it without deleting (a point-in-time copy): erasure reaches it when the
        # copy expires, so its retention must not exceed the source's.
        sources = [plain(((j.inputs.get("transferSpec") or {}).get("gcsDataSource") or {}).get("bucketName"))
                   for j in g.of("gcp:storage/transferJob:TransferJob")
                   if ((j.inputs.get("transferSpec") or {}).get("gcsDataSink") or {}).get("bucketName") == plain(inputs.get("name"))]
        named = g.grouped("gcp:storage/bucket:Bucket", "name")
        source_days = [_bucket_retention(b.inputs) for name in sources for b in named.get(name, [])]
        yield g.fact("backup", bucket, region=location, retention_days=days,
                     cross_region=str(location).lower() != (g.region or "").lower(), cmk=cmk,
                     source_retention_days=min(source_days) if source_days else None)


def _buckets(g: _Gcp) -> Iterable[Fact]:
    for bucket in g.of("gcp:storage/bucket:Bucket"):
        yield from _bucket_facts(g, bucket)


def _keys(g: _Gcp) -> Iterable[Fact]:
    for key in g.of("gcp:kms/cryptoKey:CryptoKey"):
        ring = str(plain(key.inputs.get("keyRing")))
        match = re.search(r"/locations/([^/]+)/", ring)
        key_id = f"{ring}/cryptoKeys/{plain(key.inputs.get('name'))}"
        public = g.granted_to_public("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "cryptoKeyId", key_id)
        window = seconds_days(key.inputs.get("destroyScheduledDuration")) or 30  # Cloud KMS default: 30 days
        # A Cloud KMS key itself can never be deleted, and its versions are only scheduled for
        # destruction, restorable for the whole window ("Cloud KMS doesn't let you destroy key versions
        # immediately ... During the scheduled for destruction duration, you can restore a key version",
        # cloud.google.com/kms/docs/destroy-restore); `pulumi destroy` schedules them the same way. So the
        # window alone keeps the key from being deleted at once, as AWS's pending window does; whether
        # the resource is protected is prod-protect-data's question, not this one.
        yield g.fact("key", key, region=match.group(1) if match else None,
                     rotation_days=seconds_days(key.inputs.get("rotationPeriod")),
                     deletion_protection=window >= 1, deletion_window_days=window, public=public)


def _registries(g: _Gcp) -> Iterable[Fact]:
    for repo in g.of("gcp:artifactregistry/repository:Repository"):
        inputs = repo.inputs
        scanning = (inputs.get("vulnerabilityScanningConfig") or {}).get("enablementConfig")
        yield g.fact(
            "container_registry", repo, region=plain(inputs.get("location")),
            cmk=bool(inputs.get("kmsKeyName")),
            public=g.granted_to_public("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "repository",
                                       plain(inputs.get("repositoryId"))),
            scan_on_push=_scanned(g, scanning, plain(inputs.get("project"))),
            immutable_tags=bool((inputs.get("dockerConfig") or {}).get("immutableTags")),
        )
    for model in g.dynamic("vertex-model"):
        # Vertex models are reachable only through IAM on the project: there is no public mode.
        yield g.fact("model_registry", model, region=plain(model.inputs.get("region")),
                     cmk=bool(model.inputs.get("kmsKeyName")), public=False)


# Artifact Analysis scans every image pushed to a repository whose setting is INHERITED once the
# project has the Container Scanning API enabled
# (https://cloud.google.com/artifact-analysis/docs/enable-automatic-scanning).
SCANNING_API = "containerscanning.googleapis.com"


def _scanned(g: _Gcp, setting: Any, project: Any) -> bool | None:
    """Whether pushed images are scanned: DISABLED is no; INHERITED is yes when the stack enables
    the Container Scanning API in the repository's project, unknown when it does not say."""
    if setting == "DISABLED":
        return False
    if setting != "INHERITED":
        return None
    project = project or g.project
    enabled = any(plain(s.inputs.get("service")) == SCANNING_API and plain(s.inputs.get("project")) in (project, None)
                  for s in g.of("gcp:projects/service:Service"))
    return True if enabled else None


def _capture_cmk(g: _Gcp, logging: dict[str, Any]) -> bool | None:
    """Whether the BigQuery dataset receiving captured requests has a CMK (None: not in this stack)."""
    uri = str(((logging.get("bigqueryDestination") or {}).get("outputUri")) or "")
    match = re.match(r"bq://[^.]+\.([^.]+)", uri)
    datasets = g.grouped("gcp:bigquery/dataset:Dataset", "datasetId").get(match.group(1)) if match else None
    if not datasets:
        return None
    return bool((datasets[-1].inputs.get("defaultEncryptionConfiguration") or {}).get("kmsKeyName"))


def _replicas(first: dict[str, Any], key: str) -> int | None:
    return int(first[key]) if first.get(key) is not None else None


def _gpu_type(deployed: dict[str, Any]) -> str | None:
    """The catalog's GPU model of a deployed model's machine with its attached accelerator."""
    machine = deployed.get("machineType")
    row = lookup_accelerated("gcp", str(machine), deployed.get("acceleratorType")) if machine else None
    return row.gpu_type if row is not None else None


def _endpoint_fact(g: _Gcp, node: EndpointNode, endpoint: RecordedResource) -> Fact:
    inputs = endpoint.inputs
    private = bool((inputs.get("privateServiceConnectConfig") or {}).get("enablePrivateServiceConnect")) or bool(inputs.get("network"))
    logging = inputs.get("predictRequestResponseLoggingConfig") or {}
    mine = node.deployments
    first = mine[0].inputs if mine else {}
    # The deployed model keeps the replica bounds autoscaling moves between (providers/gcp/autoscaling.py).
    scaling = node.scaling.inputs if node.scaling is not None else {}
    return g.fact(
        "endpoint", endpoint, region=plain(inputs.get("location")),
        cmk=bool((inputs.get("encryptionSpec") or {}).get("kmsKeyName")),
        public=not private,
        private=private,
        auth_required=True,  # Vertex AI prediction requires an OAuth token with aiplatform.endpoints.predict
        min_instances=_replicas(scaling, "minReplicaCount"),
        max_instances=_replicas(scaling, "maxReplicaCount"),
        instance_type=first.get("machineType"),
        gpu_count=int(first.get("acceleratorCount") or 0) if mine else None,
        gpu_type=_gpu_type(first),
        captures_data=bool(logging.get("enabled")),
        sampling_percent=float(logging["samplingRate"]) * 100 if logging.get("samplingRate") is not None else None,
        capture_cmk=_capture_cmk(g, logging),
        auto_rollback=bool(mine) and all(d.inputs.get("autoRollback") and d.inputs.get("rollbackAlertPolicies") for d in mine),
        audit_logging=g.data_audited("aiplatform.googleapis.com"),
        alarms=sum(1 for policy in node.alarms if policy.inputs.get("notificationChannels")),
        # Quality, bias and attribution drift are computed only by the kit's monitor job (Vertex AI
        # model monitoring has no such objective); drift by either.
        **{f"{signal}_monitored": node.monitored(signal) for signal in SIGNALS},
    )


def _endpoints(g: _Gcp) -> Iterable[Fact]:
    for node in g.topology.endpoints:
        if node.endpoint is not None:
            yield _endpoint_fact(g, node, node.endpoint)


def _kit_monitors(g: _Gcp) -> Iterable[Fact]:
    """The kit's monitor job: one fact per computed section, from its stored CustomJob body (under
    the stack's key when it names one: encryptionSpec covers the job's disks and outputs)."""
    for node in g.topology.endpoints:
        bodies = {r.urn: r for s in SIGNALS for r in node.monitors(s) if kit_monitor_body(r)}
        for body in bodies.values():
            cmk = bool((kit_monitor_body(body).get("encryptionSpec") or {}).get("kmsKeyName"))
            yield g.fact("monitor", body, region=g.region, cmk=cmk, **g.monitored_as(body))


def _monitors(g: _Gcp) -> Iterable[Fact]:
    yield from _kit_monitors(g)
    for job in g.dynamic("vertex-model-monitoring-job"):
        yield g.fact("monitor", job, region=plain(job.inputs.get("region")), cmk=bool(job.inputs.get("kmsKeyName")),
                     **g.monitored_as(job))


def _training_fact(g: _Gcp, spec_object: RecordedResource) -> Fact:
    try:
        job = json.loads(plain(spec_object.inputs.get("content")) or "{}")
    except (TypeError, ValueError):
        job = {}
    spec = job.get("jobSpec") or {}
    pools = as_list(spec.get("workerPoolSpecs"))
    machine = ((pools[0].get("machineSpec") or {}) if pools else {})
    seconds = str((spec.get("scheduling") or {}).get("timeout") or "").rstrip("s")
    return g.fact(
        "training", spec_object, region=g.region,
        cmk=bool((job.get("encryptionSpec") or {}).get("kmsKeyName")),
        private=bool(spec.get("network")),
        instance_type=machine.get("machineType"),
        gpu_count=int(machine.get("acceleratorCount") or 0) if pools else None,
        max_instances=sum(int(p.get("replicaCount") or 1) for p in pools) if pools else None,
        scale_to_zero=True,  # custom-job machines exist only while the job runs
        spot=(spec.get("scheduling") or {}).get("strategy") == "SPOT" if pools else None,
        max_runtime_minutes=int(float(seconds)) // 60 if seconds else None,
    )


def _training(g: _Gcp) -> Iterable[Fact]:
    """Each stored CustomJob body a training job's component built (its topology node's job)."""
    for node in g.topology.training:
        for spec_object in node.jobs:
            yield _training_fact(g, spec_object)


def _batch(g: _Gcp) -> Iterable[Fact]:
    """Each stored BatchPredictionJob body (providers/gcp/batch.py). The v1 job has no network
    field, so it never runs in the stack's VPC (private False); it has no time limit either."""
    for spec_object in (job for node in g.topology.batch for job in node.jobs):
        try:
            job = json.loads(plain(spec_object.inputs.get("content")) or "{}")
        except (TypeError, ValueError):
            job = {}
        resources = job.get("dedicatedResources") or {}
        machine = resources.get("machineSpec") or {}
        yield g.fact(
            "batch", spec_object, region=g.region,
            cmk=bool((job.get("encryptionSpec") or {}).get("kmsKeyName")) if job else None,
            private=False if job else None,
            instance_type=machine.get("machineType"),
            gpu_count=int(machine.get("acceleratorCount") or 0) if machine else None,
            max_instances=int(resources["maxReplicaCount"]) if "maxReplicaCount" in resources else None,
        )


def _network(g: _Gcp) -> Iterable[Fact]:
    subnets = g.of("gcp:compute/subnetwork:Subnetwork")
    private = bool(subnets) and all(s.inputs.get("privateIpGoogleAccess") for s in subnets) \
        and bool(g.of("gcp:servicenetworking/connection:Connection"))
    for network in g.of("gcp:compute/network:Network"):
        # A subnetwork names its network by id, self link or name: all end with the network's name.
        name = str(plain(network.inputs.get("name")))
        mine = [s for s in subnets if str(plain(s.inputs.get("network"))).rsplit("/", 1)[-1] == name]
        # No default_rules_closed: a VPC network has no default group to empty. Its two implied rules
        # (deny all ingress, allow all egress) cannot be removed, only overridden (VPC firewall rules overview).
        yield g.fact("network", network, labels=False, private=private,
                     flow_logs=bool(mine) and all(bool(s.inputs.get("logConfig")) for s in mine))


# Google-managed service agents: a grant to one is the service acting, not another account.
_SERVICE_AGENT = re.compile(r"@gcp-sa-|@gs-project-accounts|@storage-transfer-service|bigquery-encryption")


def _member(member: str, project: str | None) -> str:
    """An IAM member as a normalized principal (public, service:, account:self, account:, principal:)."""
    if member in PUBLIC_MEMBERS:
        return "public"
    if not member.startswith("serviceAccount:"):
        return f"principal:{member}"
    email = member.split(":", 1)[1]
    if email.endswith(".iam.gserviceaccount.com") and _SERVICE_AGENT.search(email):
        return f"service:{email}"
    owner = email.split("@")[1].split(".")[0]
    return "account:self" if owner == project else f"account:{owner}"


_BINDINGS = {  # IAM member resource type -> the scope it grants at
    "gcp:projects/iAMMember:IAMMember": "project",
    "gcp:storage/bucketIAMMember:BucketIAMMember": "resource",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": "resource",
    "gcp:vertex/aiEndpointIamMember:AiEndpointIamMember": "resource",
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": "resource",
    "gcp:serviceaccount/iAMMember:IAMMember": "resource",
}


def _privilege(role: str) -> str:
    return "basic" if role in BASIC_ROLES else "admin" if role.endswith((".admin", "Admin")) else "scoped"


def _act_as(g: _Gcp) -> dict[str, set[str]]:
    """Service account id -> the normalized members allowed to act as it (one pass over the grants)."""
    trust: dict[str, set[str]] = {}
    for m in g.of("gcp:serviceaccount/iAMMember:IAMMember"):
        member = _member(str(plain(m.inputs.get("member"))), g.project)
        for account_id in set(re.findall(r"/serviceAccounts/([^@/]+)@", str(plain(m.inputs.get("serviceAccountId"))))):
            trust.setdefault(account_id, set()).add(member)
    return trust


def _identity(g: _Gcp) -> Iterable[Fact]:
    for role in g.of("gcp:projects/iAMCustomRole:IAMCustomRole"):
        yield g.fact("role", role, labels=False, actions=sorted(as_list(role.inputs.get("permissions"))))
    for type_, scope in _BINDINGS.items():
        for binding in g.of(type_):
            role_name = str(plain(binding.inputs.get("role")))
            yield g.fact("binding", binding, labels=False, role=role_name, privilege=_privilege(role_name),
                         member=_member(str(plain(binding.inputs.get("member"))), g.project), scope_level=scope)
    act_as = _act_as(g)
    for account in g.of("gcp:serviceaccount/account:Account"):
        yield g.fact("identity", account, labels=False, trust=sorted(act_as.get(str(plain(account.inputs.get("accountId"))), ())))


def _audit(g: _Gcp) -> Iterable[Fact]:
    names = {"storage.googleapis.com": "storage", "aiplatform.googleapis.com": "ml"}
    for config in g.of("gcp:projects/iAMAuditConfig:IAMAuditConfig"):
        service = plain(config.inputs.get("service"))
        # Cloud Audit Logs are written into Cloud Logging itself, where log-based metrics and alerting
        # policies read them: always streamed.
        yield g.fact("audit", config, labels=False, data_events=g.data_audited(service),
                     covers=[names.get(service, service)], streamed=True)
    for bucket in g.of("gcp:logging/projectBucketConfig:ProjectBucketConfig"):
        location = plain(bucket.inputs.get("location"))
        days = bucket.inputs.get("retentionDays")
        yield g.fact("log_store", bucket, region=None if location == "global" else location, labels=False,
                     retention_days=int(days) if days is not None else 30)  # _Default keeps 30 days unless set


def _budgets(g: _Gcp) -> Iterable[Fact]:
    for budget in g.of("gcp:billing/budget:Budget"):
        amount = ((budget.inputs.get("amount") or {}).get("specifiedAmount") or {}).get("units")
        yield g.fact("budget", budget, labels=False, limit_usd=float(amount) if amount else None,
                     alert_thresholds=sorted(float(t["thresholdPercent"]) * 100 for t in as_list(budget.inputs.get("thresholdRules"))))
    for policy in g.of("gcp:monitoring/alertPolicy:AlertPolicy"):
        yield g.fact("alarm", policy, labels=False, notifies=bool(policy.inputs.get("notificationChannels")),
                     endpoint=(policy.inputs.get("userLabels") or {}).get("endpoint"))


def facts(graph: Graph, stack: Stack) -> list[Fact]:
    """Every normalized fact of a GCP graph, in a deterministic order."""
    return _Gcp(graph, stack).collect((_buckets, _keys, _registries, _endpoints, _monitors, _training, _batch, _network,
                                       _identity, _audit, _budgets))
