"""The Checkov gate (tests/checkov/gate.py) and the Terraform JSON converter it judges.

One Checkov run scans every bundled spec on AWS and GCP plus planted copies of credit-risk, each
with one property removed: the bundled specs must have no failure outside
tests/checkov/exceptions.yaml (and no stale entry there); each planted copy must fail exactly
the check its property satisfies, which passes on the kit's own output. That proves the
converter keeps the property where Checkov looks for it, and that the gate can fail.

Checkov lives in its own environment, .venv-checkov (``make checkov-env``). Without it these
tests skip with the reason, except under CI (``CI`` set), where they fail. The tests that scan
carry the ``checkov`` marker: ``make test`` leaves them out, ``make checkov-gate`` (run by .ci/run)
runs them. Measured on the shared two-core machine under load: 216-381 s wall, ~50 s of CPU
(eight offline previews, two of them GCP, and one Checkov run of ~13 s CPU over 26 files).
"""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlopskit.engine import preview
from mlopskit.load import load_checked
from mlopskit.modules.loader import load_stack
from tests.checkov import gate
from tests.checkov.terraform_json import convert, singular, snake, terraform_type
from tests.conftest import missing_environment

ROOT = Path(__file__).resolve().parents[2]
# The bundled specs (stacks/Pulumi.<stack>.yaml are Pulumi stack configs).
SPECS = sorted(p for p in (ROOT / "stacks").glob("*.yaml") if not p.name.startswith("Pulumi."))
Document = dict[str, Any]


def _named(document: Document, tf_type: str, pattern: str) -> list[tuple[str, dict[str, Any]]]:
    found = [(n, b) for n, b in document["resource"].get(tf_type, {}).items() if fnmatch.fnmatchcase(n, pattern)]
    assert found, f"no {tf_type} named {pattern} in the kit's output"
    return found


def drop_resource(tf_type: str, pattern: str) -> Callable[[Document], None]:
    def plant(document: Document) -> None:
        for name, _ in _named(document, tf_type, pattern):
            del document["resource"][tf_type][name]
    return plant


def drop_property(tf_type: str, pattern: str, *path: str) -> Callable[[Document], None]:
    def plant(document: Document) -> None:
        for _, body in _named(document, tf_type, pattern):
            for step in path[:-1]:
                body = body[step][0] if isinstance(body[step], list) else body[step]
            assert path[-1] in body, f"{tf_type}.{pattern} has no {'.'.join(path)} to remove"
            del body[path[-1]]
    return plant


def set_property(tf_type: str, pattern: str, value: Any, *path: str) -> Callable[[Document], None]:
    def plant(document: Document) -> None:
        for _, body in _named(document, tf_type, pattern):
            for step in path[:-1]:
                body = body[step][0] if isinstance(body[step], list) else body[step]
            body[path[-1]] = value
    return plant


# (name, cloud, mutation of the kit's credit-risk output, check that must then fail, on which resource)
PLANTED = [
    # The eight items of issue 32 (AWS).
    ("replica-lifecycle", "aws", drop_resource("aws_s3_bucket_lifecycle_configuration", "*-backups-replica-lifecycle"),
     "CKV2_AWS_61", "*-backups-replica"),
    ("replica-deletes", "aws", set_property("aws_s3_bucket_replication_configuration", "*-backups-replication",
                                            {"status": "Disabled"}, "rule", "delete_marker_replication"),
     "CKV2_MLOPSKIT_1", "*-backups-replication"),
    ("flow-logs", "aws", drop_resource("aws_flow_log", "*"), "CKV2_AWS_11", "*-network-vpc"),
    ("trail-bucket-logging", "aws", drop_resource("aws_s3_bucket_logging", "*-audit-logs-delivery"),
     "CKV_AWS_18", "*-audit-logs"),
    ("trail-cloudwatch", "aws", drop_property("aws_cloudtrail", "*", "cloud_watch_logs_group_arn"),
     "CKV2_AWS_10", "*-audit-trail"),
    ("default-security-group", "aws", drop_resource("aws_default_security_group", "*"), "CKV2_AWS_12", "*-network-vpc"),
    ("topic-key", "aws", drop_property("aws_sns_topic", "*", "kms_master_key_id"), "CKV_AWS_26", "*-alarms"),
    ("schedule-key", "aws", drop_property("aws_scheduler_schedule", "*", "kms_key_arn"), "CKV_AWS_297", "*"),
    ("trail-key", "aws", drop_property("aws_cloudtrail", "*", "kms_key_id"), "CKV_AWS_35", "*-audit-trail"),
    # More of the converter's output where Checkov looks for it.
    ("key-rotation", "aws", drop_property("aws_kms_key", "*-keys-primary", "enable_key_rotation"),
     "CKV_AWS_7", "*-keys-primary"),
    ("immutable-tags", "aws", drop_property("aws_ecr_repository", "*", "image_tag_mutability"), "CKV_AWS_51", "*"),
    ("log-group-key", "aws", drop_property("aws_cloudwatch_log_group", "*-flow-logs", "kms_key_id"),
     "CKV_AWS_158", "*-flow-logs"),
    ("subnet-flow-logs", "gcp", drop_property("google_compute_subnetwork", "*", "log_config"), "CKV_GCP_26", "*"),
    ("gcp-key-rotation", "gcp", drop_property("google_kms_crypto_key", "*-europe-west4-key", "rotation_period"),
     "CKV_GCP_43", "*-europe-west4-key"),
    ("gcp-key-destroy", "gcp", drop_property("google_kms_crypto_key", "*-europe-west4-key", "lifecycle"),
     "CKV_GCP_82", "*-europe-west4-key"),
    ("uniform-access", "gcp", drop_property("google_storage_bucket", "*-artifacts-bucket", "uniform_bucket_level_access"),
     "CKV_GCP_29", "*-artifacts-bucket"),
    ("public-access-prevention", "gcp", drop_property("google_storage_bucket", "*-artifacts-bucket",
                                                      "public_access_prevention"), "CKV_GCP_114", "*-artifacts-bucket"),
    ("gcp-versioning", "gcp", drop_property("google_storage_bucket", "*-artifacts-bucket", "versioning"),
     "CKV_GCP_78", "*-artifacts-bucket"),
]


def _clouds(spec: Path) -> list[str]:
    stack = load_stack(spec)
    return [cloud for cloud in gate.CLOUDS if getattr(stack.placement, cloud) is not None]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[gate.Finding], dict[str, Document]]:
    if not gate.CHECKOV.exists():
        reason = f"Checkov's environment {gate.CHECKOV.parent.parent.relative_to(ROOT)} is absent (`make checkov-env`)"
        missing_environment(reason)
    directory = tmp_path_factory.mktemp("checkov")
    documents: dict[str, Document] = {}
    for spec in SPECS:
        for cloud in _clouds(spec):
            documents[f"{spec.stem}-{cloud}"] = convert(preview(load_checked(str(spec), cloud), cloud))
    for name, cloud, plant, _, _ in PLANTED:
        planted = copy.deepcopy(documents[f"credit-risk-{cloud}"])
        plant(planted)
        documents[f"planted_{name}-{cloud}"] = planted
    for source, document in documents.items():
        gate.write_document(directory, source, document)
    return gate.run_checkov(directory), documents


def _bundled(documents: dict[str, Document]) -> list[str]:
    return [s for s in documents if not s.startswith("planted_")]


@pytest.mark.checkov
def test_every_bundled_spec_is_scanned_on_aws_and_gcp(scanned) -> None:
    _, documents = scanned
    assert {s.rsplit("-", 1)[0] for s in _bundled(documents)} == {p.stem for p in SPECS}
    assert {s.rsplit("-", 1)[1] for s in _bundled(documents)} == set(gate.CLOUDS)


@pytest.mark.checkov
def test_no_bundled_spec_has_an_unlisted_failure(scanned) -> None:
    findings, documents = scanned
    bundled = [f for f in findings if f.source in _bundled(documents)]
    assert gate.unlisted(bundled, gate.load_exceptions()) == []


@pytest.mark.checkov
def test_no_exception_is_stale(scanned) -> None:
    findings, documents = scanned
    bundled = [f for f in findings if f.source in _bundled(documents)]
    assert gate.stale(bundled, gate.load_exceptions(), _bundled(documents)) == []


@pytest.mark.checkov
@pytest.mark.parametrize("name,cloud,check,resource", [(p[0], p[1], p[3], p[4]) for p in PLANTED],
                         ids=[p[0] for p in PLANTED])
def test_a_planted_regression_fails_the_gate(scanned, name: str, cloud: str, check: str, resource: str) -> None:
    findings, _ = scanned
    found = gate.by_source(findings)
    # Passes on the kit's own output ...
    assert not [r for c, r in found.get(f"credit-risk-{cloud}", set()) if c == check and fnmatch.fnmatchcase(r, resource)]
    # ... fails once the property is gone, and nothing reviewed excuses it.
    planted = [f for f in findings if f.source == f"planted_{name}-{cloud}" and f.check == check
               and fnmatch.fnmatchcase(f.resource, resource)]
    assert planted, f"{check} did not fail on {resource} with {name} planted"
    assert gate.unlisted(planted, gate.load_exceptions()) == planted


def test_an_unlisted_failure_and_a_stale_entry_are_reported() -> None:
    finding = gate.Finding("credit-risk-aws", "CKV_AWS_26", "credit-risk-prod-endpoint-scoring-monitoring-alarms")
    listed = gate.Exception_("CKV_AWS_26", ("*-alarms",), "planted", ("aws",))
    assert gate.unlisted([finding], []) == [finding]
    assert gate.unlisted([finding], [listed]) == []
    assert gate.unlisted([finding], [gate.Exception_("CKV_AWS_26", ("*-alarms",), "planted", ("gcp",))]) == [finding]
    assert gate.stale([], [listed], ["credit-risk-aws"]) == [listed]


def test_every_exception_names_its_check_resources_and_reason() -> None:
    for entry in gate.load_exceptions():
        assert entry.check.startswith(("CKV_", "CKV2_")) and entry.resources and len(entry.reason) > 40, entry


@pytest.mark.parametrize("token,expected", [
    ("aws:s3/bucket:Bucket", "aws_s3_bucket"),
    ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws_default_security_group"),
    ("aws:cloudwatch/logGroup:LogGroup", "aws_cloudwatch_log_group"),
    ("aws:cloudtrail/trail:Trail", "aws_cloudtrail"),
    ("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "aws_s3_bucket_replication_configuration"),
    ("gcp:projects/iAMAuditConfig:IAMAuditConfig", "google_project_iam_audit_config"),
    ("gcp:kms/cryptoKey:CryptoKey", "google_kms_crypto_key"),
    ("gcp:serviceaccount/account:Account", "google_service_account"),
    ("pulumi:providers:aws", None),
])
def test_type_tokens(token: str, expected: str | None) -> None:
    assert terraform_type(token) == expected


def test_names_and_blocks() -> None:
    assert snake("cloudWatchLogsGroupArn") == "cloud_watch_logs_group_arn"
    assert snake("s3BucketName") == "s3_bucket_name"
    assert [singular(n) for n in ("rules", "inline_policies", "production_variants", "ingress")] == [
        "rule", "inline_policy", "production_variants", "ingress"]
