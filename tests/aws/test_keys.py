"""KMS keys: rotation, deletion window, protection, backup-region key, no-CMK fallback."""

from __future__ import annotations

import pytest

from tests.aws.helpers import (
    ACCOUNT,
    KEYS,
    PROD,
    artifact_bucket,
    backup_key,
    build,
    children,
    component,
    for_bucket,
    primary_key,
    statements,
)

KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"


def test_keys_component_is_top_level(prod):
    keys = component(prod, KEYS)
    assert keys.name == f"{PROD}-keys"
    assert keys.parent is None


def test_primary_key_rotation_and_deletion_window(prod):
    key = primary_key(prod)
    assert key.parent == component(prod, KEYS).urn
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["rotationPeriodInDays"] == 90
    assert key.inputs["deletionWindowInDays"] == 30
    assert key.provider == f"{PROD}-aws"
    assert key.inputs["description"] == f"mlopskit {PROD} data key (eu-west-1)"


def test_prod_key_is_protected(prod):
    assert primary_key(prod).protect is True
    assert backup_key(prod).protect is True


def test_dev_key_is_not_protected_and_has_no_backup_key(dev):
    keys = children(dev, component(dev, KEYS), KEY)
    assert len(keys) == 1
    assert keys[0].protect is False
    assert keys[0].inputs["enableKeyRotation"] is True


def test_backup_region_key_when_backups_cross_region(prod):
    key = backup_key(prod)
    assert key.parent == component(prod, KEYS).urn
    assert key.inputs["region"] == "eu-central-1"
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["rotationPeriodInDays"] == 90
    assert key.inputs["deletionWindowInDays"] == 30
    assert key.outputs["arn"].startswith(f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/")


def test_each_key_has_an_alias(prod):
    keys = component(prod, KEYS)
    aliases = children(prod, keys, ALIAS)
    assert {a.inputs["targetKeyId"] for a in aliases} == {primary_key(prod).outputs["keyId"],
                                                        backup_key(prod).outputs["keyId"]}
    assert all(a.inputs["name"].startswith(f"alias/{PROD}-keys") for a in aliases)
    backup_alias = next(a for a in aliases if a.inputs["targetKeyId"] == backup_key(prod).outputs["keyId"])
    assert backup_alias.inputs["region"] == "eu-central-1"


def test_key_policy_limits_services_to_this_account(prod):
    policy = statements(primary_key(prod).inputs["policy"])
    admin = next(s for s in policy if s["Sid"] == "AccountAdministers")
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    services = next(s for s in policy if s["Sid"] == "StackServicesEncrypt")
    assert "kms:*" not in services["Action"]
    assert services["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert set(services["Principal"]["Service"]) >= {"cloudtrail.amazonaws.com", "sns.amazonaws.com"}


def test_cloudwatch_may_only_decrypt_and_generate_data_keys(prod):
    # Audit 4: the SNS guide's statement for a service publishing to an encrypted topic.
    policy = statements(primary_key(prod).inputs["policy"])
    cloudwatch = [s for s in policy if "cloudwatch.amazonaws.com" in s["Principal"].get("Service", [])]
    assert len(cloudwatch) == 1
    assert set(cloudwatch[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert cloudwatch[0]["Principal"] == {"Service": ["cloudwatch.amazonaws.com"]}
    assert cloudwatch[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_rotation_days_follow_the_spec():
    graph = build("credit-risk.yaml", ("encryption.keyRotationDays", 180))
    assert primary_key(graph).inputs["rotationPeriodInDays"] == 180
    assert backup_key(graph).inputs["rotationPeriodInDays"] == 180


def test_no_backup_key_without_cross_region_backups():
    graph = build("credit-risk.yaml", ("backups.crossRegion", False))
    keys = children(graph, component(graph, KEYS), KEY)
    assert len(keys) == 1
    assert not keys[0].inputs.get("region")


@pytest.fixture(scope="module")
def no_cmk():
    return build("credit-risk.yaml", ("encryption.customerManagedKeys", False))


def test_no_customer_managed_keys_creates_no_data_key(no_cmk):
    # Only the alarm topics' key (see test_no_customer_managed_keys_leaves_only_the_alarm_topics_key).
    (keys,) = no_cmk.of_type(KEYS)
    assert keys.name.endswith("-notification-keys")
    assert [k.inputs["description"] for k in no_cmk.of_type(KEY)] == ["mlopskit credit-risk-prod notifications key (eu-west-1)"]
    assert len(no_cmk.of_type(ALIAS)) == 1
    assert not any(r.inputs.get("kmsKeyArn") or r.inputs.get("kmsKeyId") for r in no_cmk
                   if r.type not in ("aws:sns/topic:Topic", KEY, ALIAS))


def test_no_customer_managed_keys_buckets_fall_back_to_aes256(no_cmk):
    for bucket in no_cmk.of_type("aws:s3/bucket:Bucket"):
        encryption = for_bucket(no_cmk, "aws:s3/bucketServerSideEncryptionConfiguration:"
                                        "BucketServerSideEncryptionConfiguration", bucket)
        assert encryption.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"},
                                               "bucketKeyEnabled": False}], bucket.name
    assert artifact_bucket(no_cmk)  # the bucket itself is still there


def test_no_customer_managed_keys_leaves_only_the_alarm_topics_key(no_cmk):
    # Nothing may point at a key that does not exist; the one key left is the alarm topics' own
    # (CloudWatch cannot publish to a topic under alias/aws/sns), and only the topics use it.
    (key,) = no_cmk.of_type("aws:kms/key:Key")
    assert "notifications key" in key.inputs["description"]
    for resource in no_cmk:
        if resource.type in ("aws:sns/topic:Topic", "aws:kms/alias:Alias") or resource.urn == key.urn:
            continue
        assert ":kms:" not in repr(resource.inputs), resource.name
    for topic in no_cmk.of_type("aws:sns/topic:Topic"):
        assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
