"""GCP: normalized policy facts (``modules.facts``) from the recorded Vertex AI stack.

Concepts Google Cloud does not have for a resource are left out of ``attrs``; values the
recorded inputs do not settle are ``None`` (the rule then reports UNKNOWN).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from modules.facts import UNBOUNDED_DAYS, Fact, as_list, plain, seconds_days
from modules.graph import Graph
from modules.stack import Stack

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


class _Graph:
    def __init__(self, graph: Graph, stack: Stack) -> None:
        self.resources = list(graph.resources)
        self.by_type: dict[str, list[Any]] = {}
        for r in self.resources:
            self.by_type.setdefault(r.type, []).append(r)
        placement = stack.placement.for_cloud("gcp")
        self.region = placement.region if placement else None
        self.project = placement.project if placement else None
        labels: dict[str, str] = {}
        for p in self.of("pulumi:providers:gcp"):
            try:
                labels.update(json.loads(plain(p.inputs.get("defaultLabels")) or "{}"))
            except (TypeError, ValueError):
                pass
        self.default_labels = labels
        self.audit = {plain(a.inputs.get("service")): {c.get("logType") for c in as_list(a.inputs.get("auditLogConfigs"))}
                      for a in self.of("gcp:projects/iAMAuditConfig:IAMAuditConfig")}

    def of(self, type_: str) -> list[Any]:
        return self.by_type.get(type_, [])

    def dynamic(self, kind: str) -> list[Any]:
        return [r for r in self.of("pulumi-python:dynamic:Resource") if r.inputs.get("kind") == kind]

    def data_audited(self, service: str) -> bool:
        return bool(self.audit.get(service, set()) & {"DATA_READ", "DATA_WRITE"})

    def fact(self, kind: str, resource: Any, region: str | None, labels: bool = True, **attrs: Any) -> Fact:
        if labels:
            attrs["labels"] = {**self.default_labels, **(plain(resource.inputs.get("labels")) or {})}
        region = region.lower() if region else None
        return Fact(kind, resource.urn, resource.type, resource.name, region, resource.protect, jurisdiction(region), attrs)


def _buckets(g: _Graph) -> Iterable[Fact]:
    members = g.of("gcp:storage/bucketIAMMember:BucketIAMMember")
    for bucket in g.of("gcp:storage/bucket:Bucket"):
        inputs = bucket.inputs
        name = plain(inputs.get("name"))
        public = any(plain(m.inputs.get("bucket")) == name and plain(m.inputs.get("member")) in PUBLIC_MEMBERS for m in members)
        versioning = bool((inputs.get("versioning") or {}).get("enabled"))
        retention = seconds_days((inputs.get("retentionPolicy") or {}).get("retentionPeriod"))
        noncurrent = [int(r["condition"]["daysSinceNoncurrentTime"]) for r in as_list(inputs.get("lifecycleRules"))
                      if (r.get("action") or {}).get("type") == "Delete" and (r.get("condition") or {}).get("daysSinceNoncurrentTime")]
        if retention is not None:
            days = retention
        elif versioning:
            days = min(noncurrent) if noncurrent else UNBOUNDED_DAYS
        else:
            days = 0
        purpose = "backup" if "backup" in bucket.name else "artifacts"
        attrs: dict[str, Any] = {
            "purpose": purpose,
            "cmk": bool((inputs.get("encryption") or {}).get("defaultKmsKeyName")),
            # Public when the stack grants allUsers; otherwise "enforced" prevention settles it, and
            # prevention inherited from the org policy leaves it open to grants made elsewhere.
            "public": True if public else (False if inputs.get("publicAccessPrevention") == "enforced" else None),
            "versioning": versioning,
            "retention_days": days,
            "access_logging": g.data_audited("storage.googleapis.com"),
            "tls_only": True,  # Cloud Storage serves its JSON and XML APIs over HTTPS only
        }
        yield g.fact("bucket", bucket, plain(inputs.get("location")), **attrs)
        if purpose == "backup":
            primary = (g.region or "").lower()
            yield g.fact("backup", bucket, plain(inputs.get("location")), retention_days=days,
                         cross_region=str(plain(inputs.get("location"))).lower() != primary,
                         cmk=attrs["cmk"])


def _keys(g: _Graph) -> Iterable[Fact]:
    members = g.of("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
    for key in g.of("gcp:kms/cryptoKey:CryptoKey"):
        ring = str(plain(key.inputs.get("keyRing")))
        match = re.search(r"/locations/([^/]+)/", ring)
        key_id = f"{ring}/cryptoKeys/{plain(key.inputs.get('name'))}"
        public = any(plain(m.inputs.get("cryptoKeyId")) == key_id and plain(m.inputs.get("member")) in PUBLIC_MEMBERS
                     for m in members)
        window = seconds_days(key.inputs.get("destroyScheduledDuration")) or 30  # Cloud KMS default: 30 days
        yield g.fact("key", key, match.group(1) if match else None, rotation_days=seconds_days(key.inputs.get("rotationPeriod")),
                     deletion_protection=key.protect and window >= 1, deletion_window_days=window, public=public)


def _registries(g: _Graph) -> Iterable[Fact]:
    members = g.of("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")
    for repo in g.of("gcp:artifactregistry/repository:Repository"):
        inputs = repo.inputs
        repo_id = plain(inputs.get("repositoryId"))
        scanning = (inputs.get("vulnerabilityScanningConfig") or {}).get("enablementConfig")
        yield g.fact(
            "container_registry", repo, plain(inputs.get("location")),
            cmk=bool(inputs.get("kmsKeyName")),
            public=any(plain(m.inputs.get("repository")) == repo_id and plain(m.inputs.get("member")) in PUBLIC_MEMBERS
                       for m in members),
            # INHERITED follows the project's Container Scanning API, which the stack does not record.
            scan_on_push=None if scanning in (None, "INHERITED") else scanning != "DISABLED",
            immutable_tags=bool((inputs.get("dockerConfig") or {}).get("immutableTags")),
        )
    for model in g.dynamic("vertex-model"):
        # Vertex models are reachable only through IAM on the project: there is no public mode.
        yield g.fact("model_registry", model, plain(model.inputs.get("region")),
                     cmk=bool(model.inputs.get("kmsKeyName")), public=False)


def _endpoints(g: _Graph) -> Iterable[Fact]:
    deployments = g.dynamic("vertex-deployed-model")
    datasets = {plain(d.inputs.get("datasetId")): d for d in g.of("gcp:bigquery/dataset:Dataset")}
    policies = g.of("gcp:monitoring/alertPolicy:AlertPolicy")
    for endpoint in g.of("gcp:vertex/aiEndpoint:AiEndpoint"):
        inputs = endpoint.inputs
        endpoint_id = str(plain(inputs.get("name")))
        mine = [d for d in deployments if str(plain(d.inputs.get("endpoint"))).endswith(f"/endpoints/{endpoint_id}")]
        private = bool((inputs.get("privateServiceConnectConfig") or {}).get("enablePrivateServiceConnect")) or bool(inputs.get("network"))
        logging = inputs.get("predictRequestResponseLoggingConfig") or {}
        capture_cmk: bool | None = None
        uri = str(((logging.get("bigqueryDestination") or {}).get("outputUri")) or "")
        match = re.match(r"bq://[^.]+\.([^.]+)", uri)
        if match and match.group(1) in datasets:
            capture_cmk = bool((datasets[match.group(1)].inputs.get("defaultEncryptionConfiguration") or {}).get("kmsKeyName"))
        first = mine[0].inputs if mine else {}
        machine = first.get("machineType")
        alarms = [p for p in policies if f'endpoint_id="{endpoint_id}"' in str(p.inputs.get("conditions"))
                  and p.inputs.get("notificationChannels")]
        yield g.fact(
            "endpoint", endpoint, plain(inputs.get("location")),
            cmk=bool((inputs.get("encryptionSpec") or {}).get("kmsKeyName")),
            public=not private,
            private=private,
            auth_required=True,  # Vertex AI prediction requires an OAuth token with aiplatform.endpoints.predict
            min_instances=int(first["minReplicaCount"]) if first.get("minReplicaCount") is not None else None,
            max_instances=int(first["maxReplicaCount"]) if first.get("maxReplicaCount") is not None else None,
            instance_type=machine,
            gpu_count=int(first.get("acceleratorCount") or 0) if mine else None,
            captures_data=bool(logging.get("enabled")),
            sampling_percent=float(logging["samplingRate"]) * 100 if logging.get("samplingRate") is not None else None,
            capture_cmk=capture_cmk,
            auto_rollback=bool(mine) and all(d.inputs.get("autoRollback") and d.inputs.get("rollbackAlertPolicies") for d in mine),
            audit_logging=g.data_audited("aiplatform.googleapis.com"),
            alarms=len(alarms),
        )


def _monitors(g: _Graph) -> Iterable[Fact]:
    for job in g.dynamic("vertex-model-monitoring-job"):
        yield g.fact("monitor", job, plain(job.inputs.get("region")), cmk=bool(job.inputs.get("kmsKeyName")))


def _training(g: _Graph) -> Iterable[Fact]:
    for spec_object in g.of("gcp:storage/bucketObject:BucketObject"):
        if not str(plain(spec_object.inputs.get("name", ""))).endswith("custom-job.json"):
            continue
        try:
            job = json.loads(plain(spec_object.inputs.get("content")) or "{}")
        except (TypeError, ValueError):
            job = {}
        spec = job.get("jobSpec") or {}
        pools = as_list(spec.get("workerPoolSpecs"))
        machine = ((pools[0].get("machineSpec") or {}) if pools else {})
        seconds = str((spec.get("scheduling") or {}).get("timeout") or "").rstrip("s")
        yield g.fact(
            "training", spec_object, g.region,
            cmk=bool((job.get("encryptionSpec") or {}).get("kmsKeyName")),
            private=bool(spec.get("network")),
            instance_type=machine.get("machineType"),
            gpu_count=int(machine.get("acceleratorCount") or 0) if pools else None,
            max_instances=sum(int(p.get("replicaCount") or 1) for p in pools) if pools else None,
            scale_to_zero=True,  # custom-job machines exist only while the job runs
            max_runtime_minutes=int(float(seconds)) // 60 if seconds else None,
        )


def _network(g: _Graph) -> Iterable[Fact]:
    for network in g.of("gcp:compute/network:Network"):
        subnets = g.of("gcp:compute/subnetwork:Subnetwork")
        private = bool(subnets) and all(s.inputs.get("privateIpGoogleAccess") for s in subnets) \
            and bool(g.of("gcp:servicenetworking/connection:Connection"))
        yield g.fact("network", network, None, labels=False, private=private)


def _member(member: str, project: str | None) -> str:
    if member in PUBLIC_MEMBERS:
        return "public"
    if member.startswith("serviceAccount:"):
        email = member.split(":", 1)[1]
        if email.endswith(".iam.gserviceaccount.com") and (re.search(r"@gcp-sa-|@gs-project-accounts|@storage-transfer-service|bigquery-encryption", email)):
            return f"service:{email}"
        owner = email.split("@")[1].split(".")[0]
        return "account:self" if owner == project else f"account:{owner}"
    return f"principal:{member}"


def _identity(g: _Graph) -> Iterable[Fact]:
    for role in g.of("gcp:projects/iAMCustomRole:IAMCustomRole"):
        yield g.fact("role", role, None, labels=False, actions=sorted(as_list(role.inputs.get("permissions"))))
    bindings = {
        "gcp:projects/iAMMember:IAMMember": "project",
        "gcp:storage/bucketIAMMember:BucketIAMMember": "resource",
        "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": "resource",
        "gcp:vertex/aiEndpointIamMember:AiEndpointIamMember": "resource",
        "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": "resource",
        "gcp:serviceaccount/iAMMember:IAMMember": "resource",
    }
    for type_, scope in bindings.items():
        for binding in g.of(type_):
            role = str(plain(binding.inputs.get("role")))
            privilege = ("basic" if role in BASIC_ROLES else "admin" if role.endswith(".admin") or role.endswith("Admin")
                         else "scoped")
            yield g.fact("binding", binding, None, labels=False, role=role, privilege=privilege,
                         member=_member(str(plain(binding.inputs.get("member"))), g.project), scope_level=scope)
    act_as = g.of("gcp:serviceaccount/iAMMember:IAMMember")
    for account in g.of("gcp:serviceaccount/account:Account"):
        account_id = plain(account.inputs.get("accountId"))
        trust = sorted({_member(str(plain(m.inputs.get("member"))), g.project) for m in act_as
                        if f"/serviceAccounts/{account_id}@" in str(plain(m.inputs.get("serviceAccountId")))})
        yield g.fact("identity", account, None, labels=False, trust=trust)


def _audit(g: _Graph) -> Iterable[Fact]:
    names = {"storage.googleapis.com": "storage", "aiplatform.googleapis.com": "ml"}
    for config in g.of("gcp:projects/iAMAuditConfig:IAMAuditConfig"):
        service = plain(config.inputs.get("service"))
        yield g.fact("audit", config, None, labels=False, data_events=g.data_audited(service),
                     covers=[names.get(service, service)])
    for bucket in g.of("gcp:logging/projectBucketConfig:ProjectBucketConfig"):
        location = plain(bucket.inputs.get("location"))
        days = bucket.inputs.get("retentionDays")
        yield g.fact("log_store", bucket, None if location == "global" else location, labels=False,
                     retention_days=int(days) if days is not None else 30)  # _Default keeps 30 days unless set


def _budgets(g: _Graph) -> Iterable[Fact]:
    for budget in g.of("gcp:billing/budget:Budget"):
        amount = ((budget.inputs.get("amount") or {}).get("specifiedAmount") or {}).get("units")
        yield g.fact("budget", budget, None, labels=False, limit_usd=float(amount) if amount else None,
                     alert_thresholds=sorted(float(t["thresholdPercent"]) * 100 for t in as_list(budget.inputs.get("thresholdRules"))))
    for policy in g.of("gcp:monitoring/alertPolicy:AlertPolicy"):
        yield g.fact("alarm", policy, None, labels=False, notifies=bool(policy.inputs.get("notificationChannels")),
                     endpoint=(policy.inputs.get("userLabels") or {}).get("endpoint"))


def facts(graph: Graph, stack: Stack) -> list[Fact]:
    """Every normalized fact of a GCP graph, in a deterministic order."""
    g = _Graph(graph, stack)
    out: list[Fact] = []
    for producer in (_buckets, _keys, _registries, _endpoints, _monitors, _training, _network, _identity, _audit, _budgets):
        out += list(producer(g))
    return sorted(out, key=lambda f: (f.kind, f.resource_urn, f.name))
