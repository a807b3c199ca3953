"""Audit: multi-region CloudTrail with validation, KMS, data events and retention."""

from __future__ import annotations

from tests.aws.helpers import (
    ACCOUNT,
    AUDIT,
    PROD,
    artifact_bucket,
    build,
    by_input,
    child,
    component,
    for_bucket,
    primary_key,
    statements,
)

TRAIL = "aws:cloudtrail/trail:Trail"
AUDIT_BUCKET = f"{PROD}-audit-{ACCOUNT}"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


def trail(graph):
    return child(graph, component(graph, AUDIT), TRAIL)


def selectors(graph):
    return {s["name"]: s["fieldSelectors"] for s in trail(graph).inputs["advancedEventSelectors"]}


def test_trail_is_multi_region_validated_and_encrypted(prod):
    t = trail(prod)
    assert component(prod, AUDIT).parent is None
    assert t.inputs["name"] == f"{PROD}-audit"
    assert t.inputs["isMultiRegionTrail"] is True
    assert t.inputs["includeGlobalServiceEvents"] is True
    assert t.inputs["enableLogFileValidation"] is True
    assert t.inputs["kmsKeyId"] == primary_key(prod).outputs["arn"]
    assert t.inputs["s3BucketName"] == AUDIT_BUCKET


def test_data_events_for_artifact_objects_and_endpoints(prod):
    found = list(selectors(prod).values())
    s3 = next(f for f in found if {"field": "resources.type", "equals": ["AWS::S3::Object"]} in f)
    assert {"field": "eventCategory", "equals": ["Data"]} in s3
    assert {"field": "resources.ARN", "startsWiths": [artifact_bucket(prod).outputs["arn"] + "/"]} in s3
    endpoints = next(f for f in found if {"field": "resources.type", "equals": ["AWS::SageMaker::Endpoint"]} in f)
    assert {"field": "eventCategory", "equals": ["Data"]} in endpoints
    assert any(f == [{"field": "eventCategory", "equals": ["Management"]}] for f in found)


def test_audit_bucket_admits_only_this_trail(prod):
    bucket = by_input(prod, "aws:s3/bucket:Bucket", "bucket", AUDIT_BUCKET)
    assert bucket.protect is True
    assert bucket.parent == component(prod, AUDIT).urn
    policy = for_bucket(prod, "aws:s3/bucketPolicy:BucketPolicy", bucket)
    stmts = {s.get("Sid"): s for s in statements(policy.inputs["policy"])}
    trail_arn = f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/{PROD}-audit"
    assert stmts["CloudTrailWrite"]["Resource"] == [f"arn:aws:s3:::{AUDIT_BUCKET}/AWSLogs/{ACCOUNT}/*"]
    assert stmts["CloudTrailWrite"]["Condition"] == {"StringEquals": {
        "aws:SourceArn": trail_arn, "s3:x-amz-acl": "bucket-owner-full-control"}}
    assert stmts["CloudTrailAclCheck"]["Condition"] == {"StringEquals": {"aws:SourceArn": trail_arn}}
    assert trail_arn == trail(prod).outputs["arn"]
    assert policy.urn in trail(prod).dependencies


def test_audit_logs_kept_for_compliance_retention(prod):
    (rule,) = by_input(prod, LIFECYCLE, "bucket", AUDIT_BUCKET).inputs["rules"]
    assert rule["expiration"] == {"days": 365}


def test_retention_follows_compliance_retention_days():
    graph = build("credit-risk.yaml", ("compliance.retentionDays", 730))
    (rule,) = by_input(graph, LIFECYCLE, "bucket", AUDIT_BUCKET).inputs["rules"]
    assert rule["expiration"] == {"days": 730}
    # artifact noncurrent retention is storage's own setting, not compliance's
    (artifacts,) = for_bucket(graph, LIFECYCLE, artifact_bucket(graph)).inputs["rules"]
    assert artifacts["noncurrentVersionExpiration"] == {"noncurrentDays": 365}
