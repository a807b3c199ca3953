"""Artifact storage: versioned, KMS-encrypted, private, TLS-only, retention, access logs."""

from __future__ import annotations

from tests.aws.helpers import (
    ACCOUNT,
    DEV,
    PROD,
    STORE,
    artifact_bucket,
    build,
    by_input,
    children,
    component,
    for_bucket,
    primary_key,
    statements,
)

BUCKET = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"


def logs_bucket(graph, prefix=PROD):
    return by_input(graph, BUCKET, "bucket", f"{prefix}-access-logs-{ACCOUNT}")


def test_store_holds_artifact_and_log_buckets(prod):
    store = component(prod, STORE)
    assert store.name == f"{PROD}-artifacts"
    assert store.parent is None
    assert {b.urn for b in children(prod, store, BUCKET)} == {artifact_bucket(prod).urn, logs_bucket(prod).urn}
    # every sub-resource of the store is its direct child
    for type_ in (VERSIONING, SSE, BLOCK, POLICY, LIFECYCLE, OWNERSHIP):
        for bucket in (artifact_bucket(prod), logs_bucket(prod)):
            assert for_bucket(prod, type_, bucket).parent == store.urn


def test_artifact_bucket_versioning_enabled(prod):
    versioning = for_bucket(prod, VERSIONING, artifact_bucket(prod))
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}


def test_artifact_bucket_encrypted_with_stack_key(prod):
    sse = for_bucket(prod, SSE, artifact_bucket(prod))
    assert sse.inputs["rules"] == [{
        "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms",
                                               "kmsMasterKeyId": primary_key(prod).outputs["arn"]},
        "bucketKeyEnabled": True,
    }]


def test_buckets_block_all_public_access(prod):
    for bucket in prod.of_type(BUCKET):
        block = for_bucket(prod, BLOCK, bucket)
        assert {k: block.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                             "restrictPublicBuckets")} == dict.fromkeys(
            ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True), bucket.name
        assert for_bucket(prod, OWNERSHIP, bucket).inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


def test_bucket_policies_deny_insecure_transport(prod):
    for bucket in prod.of_type(BUCKET):
        policy = for_bucket(prod, POLICY, bucket)
        deny = next(s for s in statements(policy.inputs["policy"]) if s.get("Sid") == "DenyInsecureTransport")
        arn = bucket.outputs["arn"]
        assert deny["Effect"] == "Deny"
        assert deny["Principal"] == "*"
        assert deny["Action"] == ["s3:*"]
        assert deny["Resource"] == [arn, f"{arn}/*"]
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        # the policy is applied only after the public access block
        assert for_bucket(prod, BLOCK, bucket).urn in policy.dependencies


def test_noncurrent_versions_expire_after_retention_days(prod):
    lifecycle = for_bucket(prod, LIFECYCLE, artifact_bucket(prod))
    (rule,) = lifecycle.inputs["rules"]
    assert rule["status"] == "Enabled"
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 365}
    assert "expiration" not in rule  # current artifacts are never expired


def test_retention_days_follow_the_spec():
    graph = build("credit-risk.yaml", ("storage.artifacts.retentionDays", 90))
    (rule,) = for_bucket(graph, LIFECYCLE, artifact_bucket(graph)).inputs["rules"]
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 90}
    # the access logs keep following compliance.retentionDays
    (logs_rule,) = for_bucket(graph, LIFECYCLE, logs_bucket(graph)).inputs["rules"]
    assert logs_rule["expiration"] == {"days": 365}


def test_access_logging_to_the_logs_bucket(prod):
    logging = by_input(prod, LOGGING, "bucket", artifact_bucket(prod).inputs["bucket"])
    assert logging.parent == component(prod, STORE).urn
    assert logging.inputs["targetBucket"] == logs_bucket(prod).inputs["bucket"]
    assert logging.inputs["targetPrefix"] == "artifacts/"


def test_logs_bucket_uses_sse_s3_and_admits_the_log_service(prod):
    # S3 server access logs can only be delivered to SSE-S3 buckets.
    sse = for_bucket(prod, SSE, logs_bucket(prod))
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    policy = statements(for_bucket(prod, POLICY, logs_bucket(prod)).inputs["policy"])
    logs = next(s for s in policy if s.get("Sid") == "S3ServerAccessLogs")
    assert logs["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert logs["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_prod_buckets_protected_dev_not(prod, dev):
    assert all(b.protect for b in prod.of_type(BUCKET))
    assert not any(b.protect for b in dev.of_type(BUCKET))


def test_versioning_off_suspends_versioning_on_a_dev_spec():
    graph = build("fraud-dev.yaml", ("storage", {"artifacts": {"versioning": False}}))
    assert for_bucket(graph, VERSIONING, artifact_bucket(graph, DEV)).inputs["versioningConfiguration"] == {
        "status": "Suspended"}
    # the access-log bucket is versioned regardless
    assert for_bucket(graph, VERSIONING, logs_bucket(graph, DEV)).inputs["versioningConfiguration"] == {
        "status": "Enabled"}
