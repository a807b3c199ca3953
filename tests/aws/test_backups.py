"""Backups: vault, plan with cross-region copy, selection, S3 and ECR replication."""

from __future__ import annotations

from tests.aws.helpers import (
    ACCOUNT,
    BACKUPS,
    PROD,
    artifact_bucket,
    backup_key,
    build,
    by_input,
    child,
    children,
    component,
    for_bucket,
    primary_key,
    role,
    spec,
)
from tests.conftest import STACKS

VAULT = "aws:backup/vault:Vault"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
REPLICA = f"{PROD}-replica-{ACCOUNT}"


def vaults(graph):
    return {v.inputs["name"]: v for v in children(graph, component(graph, BACKUPS), VAULT)}


def test_vaults_encrypted_and_protected(prod):
    found = vaults(prod)
    assert set(found) == {f"{PROD}-vault", f"{PROD}-vault-copy"}
    vault, copy = found[f"{PROD}-vault"], found[f"{PROD}-vault-copy"]
    assert vault.inputs["kmsKeyArn"] == primary_key(prod).outputs["arn"]
    assert copy.inputs["region"] == "eu-central-1"
    assert copy.inputs["kmsKeyArn"] == backup_key(prod).outputs["arn"]
    assert vault.protect and copy.protect
    assert component(prod, BACKUPS).parent is None


def test_plan_rule_schedule_retention_and_copy(prod):
    plan = child(prod, component(prod, BACKUPS), PLAN)
    (rule,) = plan.inputs["rules"]
    assert rule["ruleName"] == "daily"
    assert rule["schedule"] == "cron(0 3 ? * * *)"
    assert rule["targetVaultName"] == f"{PROD}-vault"
    assert rule["lifecycle"] == {"deleteAfter": 35}
    assert rule["copyActions"] == [{"destinationVaultArn": vaults(prod)[f"{PROD}-vault-copy"].outputs["arn"],
                                    "lifecycle": {"deleteAfter": 35}}]
    assert rule["copyActions"][0]["destinationVaultArn"].startswith("arn:aws:backup:eu-central-1:")


def test_retention_follows_the_spec():
    graph = build("credit-risk.yaml", ("backups.retentionDays", 14))
    (rule,) = child(graph, component(graph, BACKUPS), PLAN).inputs["rules"]
    assert rule["lifecycle"] == {"deleteAfter": 14}
    assert rule["copyActions"][0]["lifecycle"] == {"deleteAfter": 14}


def test_selection_covers_the_artifact_bucket(prod):
    backups = component(prod, BACKUPS)
    selection = child(prod, backups, SELECTION)
    assert selection.inputs["resources"] == [artifact_bucket(prod).outputs["arn"]]
    assert selection.inputs["planId"] == child(prod, backups, PLAN).outputs["id"]
    assert selection.inputs["iamRoleArn"] == role(prod, f"{PROD}-backup").outputs["arn"]


def test_replication_to_the_backup_region(prod):
    backups = component(prod, BACKUPS)
    replica = by_input(prod, "aws:s3/bucket:Bucket", "bucket", REPLICA)
    assert replica.parent == backups.urn
    assert replica.inputs["region"] == "eu-central-1"
    assert replica.protect is True
    config = child(prod, backups, REPLICATION)
    assert config.inputs["bucket"] == artifact_bucket(prod).inputs["bucket"]
    assert config.inputs["role"] == role(prod, f"{PROD}-replication").outputs["arn"]
    (rule,) = config.inputs["rules"]
    assert rule["status"] == "Enabled"
    assert rule["destination"] == {"bucket": replica.outputs["arn"],
                                   "encryptionConfiguration": {"replicaKmsKeyId": backup_key(prod).outputs["arn"]}}
    assert rule["sourceSelectionCriteria"] == {"sseKmsEncryptedObjects": {"status": "Enabled"}}
    # An erasure in the source reaches the replica (GDPR art. 17), and the replica forgets deleted
    # versions after the source's retention, like the source.
    assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
    lifecycle = for_bucket(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", replica)
    assert lifecycle.inputs["rules"][0]["noncurrentVersionExpiration"] == {"noncurrentDays": 365}
    assert "expiration" not in lifecycle.inputs["rules"][0]
    sse = for_bucket(prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                     replica)
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms", "kmsMasterKeyId": backup_key(prod).outputs["arn"]}


def test_replication_waits_for_versioning_on_both_buckets(prod):
    config = child(prod, component(prod, BACKUPS), REPLICATION)
    source = for_bucket(prod, VERSIONING, artifact_bucket(prod))
    replica = by_input(prod, VERSIONING, "bucket", REPLICA)
    assert source.urn in config.dependencies
    assert replica.urn in config.dependencies


def test_account_wide_ecr_replication_is_not_managed_silently(prod):
    # Issue 11.9: one replication configuration per account and region; a stack that manages
    # it overwrites the others' rules. Without the opt-in: no resource, a warning naming the rule.
    assert prod.of_type("aws:ecr/replicationConfiguration:ReplicationConfiguration") == []
    (warning,) = [w for w in prod.warnings if w.path == "backups.targets" and w.message.startswith("containers")]
    assert f"prefix {PROD!r} to eu-central-1" in warning.message and "mlopskit:ecrReplication managed" in warning.message


def test_container_images_replicated_when_the_stack_owns_the_registry_configuration(monkeypatch):
    from mlopskit.engine import preview
    from mlopskit.modules import parse_stack

    monkeypatch.setenv("PULUMI_CONFIG", '{"mlopskit:ecrReplication": "managed"}')  # how `pulumi up` passes config
    graph = preview(parse_stack(spec(), base_dir=STACKS), "aws")
    ecr = child(graph, component(graph, BACKUPS), "aws:ecr/replicationConfiguration:ReplicationConfiguration")
    (rule,) = ecr.inputs["replicationConfiguration"]["rules"]
    assert rule["destinations"] == [{"region": "eu-central-1", "registryId": ACCOUNT}]
    assert rule["repositoryFilters"] == [{"filter": PROD, "filterType": "PREFIX_MATCH"}]
    assert not [w for w in graph.warnings if w.message.startswith("containers")]


def test_models_target_warning(prod):
    (warning,) = [w for w in prod.warnings if w.path == "backups.targets" and w.message.startswith("models")]
    assert "models" in warning.message


def test_no_cross_region_no_copy_no_replication():
    graph = build("credit-risk.yaml", ("backups.crossRegion", False))
    assert set(vaults(graph)) == {f"{PROD}-vault"}
    (rule,) = child(graph, component(graph, BACKUPS), PLAN).inputs["rules"]
    assert "copyActions" not in rule
    assert graph.of_type(REPLICATION) == []
    assert graph.of_type("aws:ecr/replicationConfiguration:ReplicationConfiguration") == []
    assert [b for b in graph.of_type("aws:s3/bucket:Bucket") if b.inputs["bucket"] == REPLICA] == []
    assert child(graph, component(graph, BACKUPS), SELECTION)  # local backups stay


def test_dev_without_backups_has_no_backups_component(dev):
    assert dev.of_type(BACKUPS) == []
    assert dev.of_type(VAULT) == []
    assert [r for r in dev.of_type("aws:iam/role:Role") if r.inputs["name"].endswith("-backup")] == []
