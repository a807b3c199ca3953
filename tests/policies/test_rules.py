"""Per rule: a compliant fact passes, and each single mutation fails with the exact finding.

Rules are cloud-neutral, so each case runs against a fact carrying each cloud's type token.
"""

from __future__ import annotations

import dataclasses

import pytest

from mlopskit.modules.facts import MISSING, Fact
from mlopskit.modules.targets import names as target_names
from mlopskit.policies.context import PolicyContext, Settings
from mlopskit.policies.registry import BY_ID
from mlopskit.policies.rule import Status

TYPES = {
    "bucket": {"aws": "aws:s3/bucket:Bucket", "gcp": "gcp:storage/bucket:Bucket", "azure": "azure-native:storage:StorageAccount", "kubernetes": "kubernetes:core/v1:ConfigMap"},
    "key": {"aws": "aws:kms/key:Key", "gcp": "gcp:kms/cryptoKey:CryptoKey", "azure": "azure-native:keyvault:Key", "kubernetes": "none"},
    "container_registry": {"aws": "aws:ecr/repository:Repository", "gcp": "gcp:artifactregistry/repository:Repository", "azure": "azure-native:containerregistry:Registry", "kubernetes": "mlopskit:kubernetes:ContainerRegistry"},
    "model_registry": {"aws": "aws:sagemaker/modelPackageGroup:ModelPackageGroup", "gcp": "pulumi-python:dynamic:Resource", "azure": "azure-native:machinelearningservices:Registry", "kubernetes": "mlopskit:kubernetes:ModelRegistry"},
    "endpoint": {"aws": "aws:sagemaker/endpoint:Endpoint", "gcp": "gcp:vertex/aiEndpoint:AiEndpoint", "azure": "azure-native:machinelearningservices:OnlineEndpoint", "kubernetes": "kubernetes:serving.kserve.io/v1beta1:InferenceService"},
    "monitor": {"aws": "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition", "gcp": "pulumi-python:dynamic:Resource", "azure": "azure-native:machinelearningservices:Schedule", "kubernetes": "kubernetes:batch/v1:CronJob"},
    "training": {"aws": "aws:sagemaker/pipeline:Pipeline", "gcp": "gcp:storage/bucketObject:BucketObject", "azure": "azure-native:machinelearningservices:Compute", "kubernetes": "kubernetes:batch/v1:CronJob"},
    "batch": {"aws": "aws:sagemaker/pipeline:Pipeline", "gcp": "gcp:storage/bucketObject:BucketObject", "azure": "azure-native:machinelearningservices:BatchDeployment", "kubernetes": "kubernetes:batch/v1:CronJob"},
    "workspace": {"aws": "none", "gcp": "none", "azure": "azure-native:machinelearningservices:Workspace", "kubernetes": "none"},
    "network": {"aws": "aws:ec2/vpc:Vpc", "gcp": "gcp:compute/network:Network", "azure": "azure-native:network:VirtualNetwork", "kubernetes": "kubernetes:networking.k8s.io/v1:NetworkPolicy"},
    "role": {"aws": "aws:iam/role:Role", "gcp": "gcp:projects/iAMCustomRole:IAMCustomRole", "azure": "none", "kubernetes": "kubernetes:rbac.authorization.k8s.io/v1:Role"},
    "binding": {"aws": "aws:iam/role:Role", "gcp": "gcp:projects/iAMMember:IAMMember", "azure": "azure-native:authorization:RoleAssignment", "kubernetes": "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"},
    "identity": {"aws": "aws:iam/role:Role", "gcp": "gcp:serviceaccount/account:Account", "azure": "azure-native:managedidentity:UserAssignedIdentity", "kubernetes": "kubernetes:core/v1:ServiceAccount"},
    "audit": {"aws": "aws:cloudtrail/trail:Trail", "gcp": "gcp:projects/iAMAuditConfig:IAMAuditConfig", "azure": "azure-native:monitor:DiagnosticSetting", "kubernetes": "mlopskit:kubernetes:Audit"},
    "log_store": {"aws": "aws:s3/bucket:Bucket", "gcp": "gcp:logging/projectBucketConfig:ProjectBucketConfig", "azure": "azure-native:operationalinsights:Workspace", "kubernetes": "none"},
    "backup": {"aws": "aws:backup/vault:Vault", "gcp": "gcp:storage/bucket:Bucket", "azure": "azure-native:dataprotection:BackupVault", "kubernetes": "kubernetes:velero.io/v1:Schedule"},
    "budget": {"aws": "aws:budgets/budget:Budget", "gcp": "gcp:billing/budget:Budget", "azure": "azure-native:consumption:Budget", "kubernetes": "kubernetes:core/v1:ResourceQuota"},
    "alarm": {"aws": "aws:cloudwatch/metricAlarm:MetricAlarm", "gcp": "gcp:monitoring/alertPolicy:AlertPolicy", "azure": "azure-native:insights:MetricAlert", "kubernetes": "kubernetes:monitoring.coreos.com/v1:PrometheusRule"},
}
# Pod hardening (modules/facts.py WORKLOAD_ATTRS): only targets that define the containers emit them.
POD = dict(runs_as_non_root=True, privilege_escalation=False, resource_limits=True, image_pinned=True)
LABELS = {"owner": "ml-platform@example.com", "cost-center": "cc-1234", "data-classification": "confidential"}
BASE = {
    "bucket": dict(purpose="artifacts", cmk=True, public=False, versioning=True, retention_days=365, access_logging=True,
                   tls_only=True, receives_deletes=True, source_retention_days=365, labels=LABELS),
    "key": dict(rotation_days=90, deletion_protection=True, deletion_window_days=30, public=False, labels=LABELS),
    "container_registry": dict(cmk=True, public=False, scan_on_push=True, immutable_tags=True, labels=LABELS),
    "model_registry": dict(cmk=True, public=False, labels=LABELS),
    "endpoint": dict(cmk=True, public=False, private=True, network_isolation=True, auth_required=True, min_instances=2,
                     max_instances=6, instance_type="m.4x16", gpu_count=1, captures_data=True, sampling_percent=20.0,
                     capture_cmk=True, auto_rollback=True, audit_logging=True, alarms=2, quality_monitored=True,
                     bias_monitored=True, drift_monitored=True,
                     labels=LABELS),
    "monitor": dict(cmk=True, labels=LABELS, signal="drift", endpoint="endpoints[0]"),
    "training": dict(cmk=True, private=True, network_isolation=True, instance_type="m.4x16", gpu_count=0, max_instances=1,
                     scale_to_zero=True, max_runtime_minutes=180, schedule_cmk=True, labels=LABELS),
    "batch": dict(cmk=True, private=True, instance_type="m.4x16", gpu_count=0, max_instances=2, schedule_cmk=True,
                  labels=LABELS),
    "workspace": dict(cmk=True, public=False, private=True, labels=LABELS),
    "network": dict(private=True, flow_logs=True, default_rules_closed=True, labels=LABELS),
    "role": dict(actions=["s3:GetObject"], scope_level="resource"),
    "binding": dict(role="reader", privilege="scoped", member="principal:x", scope_level="resource"),
    "identity": dict(trust=["service:ml", "account:self"]),
    "audit": dict(data_events=True, covers=["storage"], cmk=True, streamed=True),
    "log_store": dict(retention_days=365, cmk=True, labels=LABELS),
    "backup": dict(retention_days=35, cross_region=True, cmk=True, source_retention_days=365, labels=LABELS),
    "budget": dict(limit_usd=6000.0, alert_thresholds=[50.0, 100.0]),
    "alarm": dict(notifies=True, endpoint="scoring", notification_encrypted=True),
}
for _kind in ("endpoint", "training", "batch", "monitor"):
    BASE[_kind].update(POD)
CONTEXT = PolicyContext(
    cloud="aws", environment="prod", classification="confidential", frameworks=("gdpr",),
    settings=Settings(residency=frozenset({"eu"}), max_key_rotation_days=90, min_audit_retention_days=365,
                      min_backup_retention_days=30, min_storage_retention_days=30, max_sampling_percent=25.0),
    backups_requested=True, cross_region_requested=True, budget_limit_usd=6000.0,
    access_roles=(("data-scientist", ("training.submit", "models.read")),),
    known_instance_types=frozenset({"m.4x16", "m.96x384"}), instance_vcpus={"m.4x16": 4, "m.128x512": 128},
)


def fact(kind: str, cloud: str = "aws", **changes: object) -> Fact:
    base = Fact(kind, f"urn:{kind}", TYPES[kind][cloud], f"{kind}-1", "eu-x", True, "eu", dict(BASE[kind]))
    return base.with_attrs(**changes)


# (rule id, kind, fact changes, context changes, status, path, message)
CASES = [
    ("storage-cmk", "bucket", {"cmk": False}, {}, "fail", "cmk", "bucket is not encrypted with a customer-managed key"),
    ("storage-cmk", "bucket", {"cmk": None}, {}, "unknown", "cmk", "cannot tell cmk from the recorded inputs"),
    ("container-registry-cmk", "container_registry", {"cmk": False}, {}, "fail", "cmk", "container registry is not encrypted with a customer-managed key"),
    ("model-registry-cmk", "model_registry", {"cmk": False}, {}, "fail", "cmk", "model registry is not encrypted with a customer-managed key"),
    ("endpoint-cmk", "endpoint", {"cmk": False}, {}, "fail", "cmk", "endpoint is not encrypted with a customer-managed key"),
    ("endpoint-cmk", "endpoint", {"cmk": MISSING}, {}, "not_applicable", None, None),
    ("data-capture-cmk", "endpoint", {"capture_cmk": False}, {}, "fail", "capture_cmk", "captured data is not encrypted with a customer-managed key"),
    ("data-capture-cmk", "endpoint", {"captures_data": False, "capture_cmk": False}, {}, "not_applicable", None, None),
    ("monitoring-output-cmk", "monitor", {"cmk": False}, {}, "fail", "cmk", "monitoring output is not encrypted with a customer-managed key"),
    ("training-cmk", "training", {"cmk": False}, {}, "fail", "cmk", "training job is not encrypted with a customer-managed key"),
    ("batch-output-cmk", "batch", {"cmk": False}, {}, "fail", "cmk", "batch job output is not encrypted with a customer-managed key"),
    ("batch-output-cmk", "batch", {"cmk": None}, {}, "unknown", "cmk", "cannot tell cmk from the recorded inputs"),
    ("batch-private-network", "batch", {"private": False}, {}, "fail", "private", "batch job is not attached to the private network"),
    ("batch-private-network", "batch", {"private": None}, {}, "unknown", "private", "cannot tell private from the recorded inputs"),
    ("data-residency", "batch", {}, {"jurisdiction": "us", "region": "us-x"}, "fail", "region", "region us-x is outside eu"),
    ("workspace-cmk", "workspace", {"cmk": False}, {}, "fail", "cmk", "workspace is not encrypted with a customer-managed key"),
    ("backup-cmk", "backup", {"cmk": False}, {}, "fail", "cmk", "backup is not encrypted with a customer-managed key"),
    ("key-rotation", "key", {"rotation_days": None}, {}, "fail", "rotation_days", "automatic key rotation is off"),
    ("key-rotation", "key", {"rotation_days": 365}, {}, "fail", "rotation_days", "key rotates every 365 days, more than 90"),
    ("key-deletion-protection", "key", {"deletion_protection": False}, {}, "fail", "deletion_protection", "key can be deleted without a recovery window"),
    ("key-no-public-access", "key", {"public": True}, {}, "fail", "public", "key is reachable or usable publicly"),
    ("storage-no-public-access", "bucket", {"public": True}, {}, "fail", "public", "bucket allows public access"),
    ("storage-no-public-access", "bucket", {"public": None}, {}, "unknown", "public", "cannot tell public from the recorded inputs"),
    ("container-registry-no-public-access", "container_registry", {"public": True}, {}, "fail", "public", "container registry allows public access"),
    ("model-registry-no-public-access", "model_registry", {"public": True}, {}, "fail", "public", "model registry allows public access"),
    ("endpoint-no-public-access", "endpoint", {"public": True}, {}, "fail", "public", "endpoint allows public access"),
    ("ml-network-private", "network", {"private": False}, {}, "fail", "private", "network is not private"),
    ("endpoint-private-network", "endpoint", {"private": False}, {}, "fail", "private", "endpoint is not attached to the private network"),
    ("training-private-network", "training", {"private": False}, {}, "fail", "private", "training compute is not attached to the private network"),
    ("endpoint-network-isolation", "endpoint", {"network_isolation": False}, {}, "fail", "network_isolation", "endpoint containers are not network-isolated"),
    ("storage-tls-only", "bucket", {"tls_only": False}, {}, "fail", "tls_only", "bucket accepts plain-HTTP requests"),
    ("storage-versioning", "bucket", {"versioning": False}, {}, "fail", "versioning", "bucket versioning is off"),
    ("storage-retention", "bucket", {"retention_days": 7}, {}, "fail", "retention_days", "deleted data is kept 7 days, less than 30"),
    ("container-immutable-tags", "container_registry", {"immutable_tags": False}, {}, "fail", "immutable_tags", "image tags can be overwritten"),
    ("container-scan-on-push", "container_registry", {"scan_on_push": False}, {}, "fail", "scan_on_push", "pushed images are not scanned"),
    ("audit-data-events", "audit", {"data_events": False}, {}, "fail", "data_events", "audit configuration records no data-access events"),
    ("audit-log-retention", "log_store", {"retention_days": 30}, {}, "fail", "retention_days", "audit logs are kept 30 days, less than 365"),
    ("storage-access-logging", "bucket", {"access_logging": False}, {}, "fail", "access_logging", "bucket access is not logged"),
    ("endpoint-audit-logging", "endpoint", {"audit_logging": False}, {}, "fail", "audit_logging", "endpoint calls are not audit-logged"),
    ("endpoint-alarms", "endpoint", {"alarms": 0}, {}, "fail", "alarms", "endpoint has no alarm that notifies anyone"),
    ("iam-no-wildcard-actions", "role", {"actions": ["s3:*", "kms:Decrypt"]}, {}, "fail", "actions", "wildcard actions s3:*"),
    ("iam-no-admin-roles", "binding", {"privilege": "basic", "role": "editor"}, {}, "fail", "privilege", "basic role editor granted"),
    ("iam-trust-restricted", "identity", {"trust": ["public"]}, {}, "fail", "trust", "trusted by public"),
    ("iam-trust-restricted", "identity", {"trust": ["account:999999999999"]}, {}, "fail", "trust", "trusted by account:999999999999"),
    ("iam-resource-scoped", "binding", {"scope_level": "project"}, {}, "fail", "scope_level", "granted at project scope"),
    ("endpoint-auth-required", "endpoint", {"auth_required": False}, {}, "fail", "auth_required", "endpoint accepts calls without identity-based authentication"),
    ("tag-owner", "bucket", {"labels": {"cost-center": "cc", "data-classification": "x"}}, {}, "fail", "labels.owner", "missing tag owner"),
    ("tag-cost-center", "endpoint", {"labels": {"owner": "o", "data-classification": "x"}}, {}, "fail", "labels.cost-center", "missing tag cost-center"),
    ("tag-data-classification", "key", {"labels": {"owner": "o", "cost-center": "cc"}}, {}, "fail", "labels.data-classification", "missing tag data-classification"),
    ("data-residency", "bucket", {}, {"jurisdiction": "us", "region": "us-x"}, "fail", "region", "region us-x is outside eu"),
    ("prod-protect-data", "bucket", {}, {"protect": False}, "fail", "protect", "data-bearing resource is not protected"),
    ("prod-endpoint-ha", "endpoint", {"min_instances": 1}, {}, "fail", "min_instances", "runs 1 instance(s) at minimum, fewer than 2"),
    ("deployment-auto-rollback", "endpoint", {"auto_rollback": False}, {}, "fail", "auto_rollback", "rollouts are not rolled back automatically"),
    ("backup-retention", "backup", {"retention_days": 7}, {}, "fail", "retention_days", "backups are kept 7 days, less than 30"),
    ("backup-cross-region", "backup", {"cross_region": False}, {}, "fail", "cross_region", "backups stay in the primary region"),
    ("data-capture-sampling", "endpoint", {"sampling_percent": 50.0}, {}, "fail", "sampling_percent", "captures 50% of requests, more than 25%"),
    ("instance-type-allowed", "training", {"instance_type": "m.128x512"}, {}, "fail", "instance_type", "m.128x512 has 128 vCPUs, more than 96 allowed in prod"),
    ("instance-type-allowed", "training", {"instance_type": "m.unknown"}, {}, "unknown", "instance_type", "m.unknown is not in the instance catalog"),
    ("gpu-count-cap", "endpoint", {"gpu_count": 4, "max_instances": 6}, {}, "fail", "gpu_count", "24 GPUs at full scale, more than 16 in prod"),
    ("endpoint-max-instances-cap", "endpoint", {"max_instances": 50}, {}, "fail", "max_instances", "scales to 50 instances, more than 20 in prod"),
    ("training-scale-to-zero", "training", {"scale_to_zero": False}, {}, "fail", "scale_to_zero", "training compute keeps nodes running when idle"),
    ("training-max-runtime", "training", {"max_runtime_minutes": None}, {}, "fail", "max_runtime_minutes", "training job has no runtime limit"),
    ("drift-monitoring", "endpoint", {"drift_monitored": False}, {}, "fail", "drift_monitored",
     "prod endpoint has no drift monitoring of its requests"),
    ("drift-monitoring", "endpoint", {"drift_monitored": None}, {}, "unknown", "drift_monitored",
     "cannot tell drift_monitored from the recorded inputs"),
    ("endpoint-quality-monitoring", "endpoint", {"quality_monitored": False}, {}, "fail", "quality_monitored",
     "prod endpoint has no model-quality monitoring against ground truth"),
    ("endpoint-quality-monitoring", "endpoint", {"quality_monitored": None}, {}, "unknown", "quality_monitored",
     "cannot tell quality_monitored from the recorded inputs"),
    ("endpoint-bias-monitoring", "endpoint", {"bias_monitored": False}, {}, "fail", "bias_monitored",
     "endpoint serving confidential data has no bias monitoring"),
    ("endpoint-bias-monitoring", "endpoint", {"bias_monitored": None}, {}, "unknown", "bias_monitored",
     "cannot tell bias_monitored from the recorded inputs"),
    ("copy-receives-deletes", "bucket", {"receives_deletes": False}, {}, "fail", "receives_deletes",
     "deletions in the source are not replicated to this copy"),
    ("copy-receives-deletes", "bucket", {"receives_deletes": MISSING}, {}, "not_applicable", None, None),
    ("copy-retention-within-source", "bucket", {"retention_days": 36500}, {}, "fail", "retention_days",
     "the copy keeps data 36500 days, longer than its source (365)"),
    ("copy-retention-within-source", "backup", {"retention_days": 400}, {}, "fail", "retention_days",
     "the copy keeps data 400 days, longer than its source (365)"),
    ("copy-retention-within-source", "backup", {"source_retention_days": None}, {}, "unknown", "retention_days",
     "cannot tell how long the copy or its source keeps data"),
    ("network-flow-logs", "network", {"flow_logs": False}, {}, "fail", "flow_logs", "network traffic is not logged"),
    ("network-flow-logs", "network", {"flow_logs": None}, {}, "unknown", "flow_logs", "cannot tell flow_logs from the recorded inputs"),
    ("network-default-closed", "network", {"default_rules_closed": False}, {}, "fail", "default_rules_closed",
     "the default security group allows traffic"),
    ("audit-streamed", "audit", {"streamed": False}, {}, "fail", "streamed", "audit events are not delivered to the log service"),
    ("audit-cmk", "audit", {"cmk": False}, {}, "fail", "cmk", "the audit trail is not encrypted with a customer-managed key"),
    ("alarm-notifications-encrypted", "alarm", {"notification_encrypted": False}, {}, "fail", "notification_encrypted",
     "alarm notifications are stored unencrypted"),
    ("schedule-cmk", "training", {"schedule_cmk": False}, {}, "fail", "schedule_cmk",
     "the job's schedule is not encrypted with a customer-managed key"),
    ("schedule-cmk", "batch", {"schedule_cmk": False}, {}, "fail", "schedule_cmk",
     "the job's schedule is not encrypted with a customer-managed key"),
    # workload hardening (anchors: CKV_K8S_23, CKV_K8S_20, CKV_K8S_11/13, CKV_K8S_43; Pod Security restricted)
    ("workload-non-root", "training", {"runs_as_non_root": False}, {}, "fail", "runs_as_non_root",
     "a container may run as root"),
    ("workload-non-root", "endpoint", {"runs_as_non_root": None}, {}, "unknown", "runs_as_non_root",
     "cannot tell runs_as_non_root from the recorded inputs"),
    ("workload-no-privilege-escalation", "monitor", {"privilege_escalation": True}, {}, "fail", "privilege_escalation",
     "a container may escalate its privileges"),
    ("workload-resource-limits", "batch", {"resource_limits": False}, {}, "fail", "resource_limits",
     "a container sets no cpu or memory limit"),
    ("workload-image-digest", "training", {"image_pinned": False}, {}, "fail", "image_pinned",
     "an image is referenced by tag, not by digest"),
    ("iam-no-wildcard-actions", "role", {"actions": ["batch/jobs:create", "/pods:*"]}, {}, "fail", "actions",
     "wildcard actions /pods:*"),
    ("iam-no-wildcard-actions", "role", {"actions": ["apps/*:get"]}, {}, "fail", "actions", "wildcard actions apps/*:get"),
]


@pytest.mark.parametrize("cloud", list(target_names()))
@pytest.mark.parametrize("rule_id,kind,changes,fact_changes,status,path,message", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_mutation(cloud, rule_id, kind, changes, fact_changes, status, path, message) -> None:
    if TYPES[kind][cloud] == "none":
        pytest.skip(f"{cloud} has no {kind}")
    rule = BY_ID[rule_id]
    assert rule(fact(kind, cloud), CONTEXT).status is Status.PASS
    mutated = dataclasses.replace(fact(kind, cloud, **changes), **fact_changes)
    outcome = rule(mutated, CONTEXT)
    assert (outcome.status.value, outcome.path) == (status, path)
    if message is not None:
        assert outcome.message == message


def test_every_resource_rule_has_a_mutation_case() -> None:
    covered = {case[0] for case in CASES}
    resource_rules = {r.id for r in BY_ID.values() if r.scope == "resource"}
    # tested below: the first needs a context change, the second an audit-log bucket
    assert resource_rules - covered == {"data-capture-classification", "audit-store-access-logging"}


def test_audit_store_access_logging() -> None:
    rule = BY_ID["audit-store-access-logging"]
    store = fact("bucket", purpose="audit-logs")
    assert rule(store, CONTEXT).status is Status.PASS
    outcome = rule(store.with_attrs(access_logging=False), CONTEXT)
    assert (outcome.status, outcome.path, outcome.message) == (
        Status.FAIL, "access_logging", "access to the audit log bucket is not logged")
    assert rule(fact("bucket", access_logging=False), CONTEXT).status is Status.NOT_APPLICABLE


def test_data_capture_classification() -> None:
    rule = BY_ID["data-capture-classification"]
    assert rule(fact("endpoint"), CONTEXT).status is Status.PASS
    outcome = rule(fact("endpoint"), dataclasses.replace(CONTEXT, classification="restricted"))
    assert (outcome.status, outcome.path, outcome.message) == (Status.FAIL, "captures_data", "captures requests of restricted data")


def test_drift_monitoring_is_asked_of_prod_only() -> None:
    rule = BY_ID["drift-monitoring"]
    outcome = rule(fact("endpoint", drift_monitored=False), dataclasses.replace(CONTEXT, environment="staging"))
    assert outcome.status is Status.NOT_APPLICABLE


def test_quality_monitoring_is_asked_of_prod_only() -> None:
    rule = BY_ID["endpoint-quality-monitoring"]
    outcome = rule(fact("endpoint", quality_monitored=False), dataclasses.replace(CONTEXT, environment="staging"))
    assert outcome.status is Status.NOT_APPLICABLE


@pytest.mark.parametrize("classification", ["public", "internal"])
def test_bias_monitoring_is_asked_of_sensitive_data_only(classification: str) -> None:
    rule = BY_ID["endpoint-bias-monitoring"]
    outcome = rule(fact("endpoint", bias_monitored=False), dataclasses.replace(CONTEXT, classification=classification))
    assert outcome.status is Status.NOT_APPLICABLE


def test_residency_allowed_regions_override_the_preset() -> None:
    rule = BY_ID["data-residency"]
    context = dataclasses.replace(CONTEXT, settings=dataclasses.replace(CONTEXT.settings, allowed_regions=("eu-y",)))
    outcome = rule(fact("bucket"), context)
    assert (outcome.status, outcome.message) == (Status.FAIL, "region eu-x is not in allowedRegions (eu-y)")


def test_stack_rules() -> None:
    facts = [fact(k) for k in BASE]
    for rule_id in ("audit-trail-present", "backup-present", "budget-present", "iam-no-all-powerful-role"):
        assert BY_ID[rule_id](facts, CONTEXT).status is Status.PASS
    assert BY_ID["audit-trail-present"]([], CONTEXT).message == "no audit trail is configured"
    assert BY_ID["backup-present"]([], CONTEXT).path == "backups"
    assert BY_ID["budget-present"]([], CONTEXT).message == "no budget is deployed"
    power = dataclasses.replace(CONTEXT, access_roles=(("ds", ()), ("power", ("artifacts.write", "models.register", "models.promote",
                                                                                "endpoints.deploy", "backups.restore", "training.submit"))))
    outcome = BY_ID["iam-no-all-powerful-role"](facts, power)
    assert (outcome.status, outcome.path, outcome.message) == (Status.FAIL, "access.roles[1].permissions", "role power holds every write permission")


def test_backup_present_fails_when_backups_select_nothing() -> None:
    facts = [fact(k) for k in BASE]
    empty = dataclasses.replace(CONTEXT, backups_requested=True, backup_targets=())
    outcome = BY_ID["backup-present"](facts, empty)
    assert (outcome.status, outcome.path) == (Status.FAIL, "backups.targets")
    chosen = dataclasses.replace(CONTEXT, backups_requested=True, backup_targets=("artifacts",))
    assert BY_ID["backup-present"](facts, chosen).status is Status.PASS
