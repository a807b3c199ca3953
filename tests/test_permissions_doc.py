"""docs/permissions.md is the one statement of what each permission means on every cloud: each
row is held to the providers' own mappings, so the table and what is deployed cannot drift."""

from __future__ import annotations

import re

import pytest

from mlopskit.modules.access import PERMISSIONS
from mlopskit.providers.aws.permissions import StackArns, statements
from mlopskit.providers.azure.roles import PERMISSION_GRANTS as AZURE
from mlopskit.providers.gcp.identity import PERMISSION_GRANTS as GCP
from tests.conftest import STACKS

DOC = STACKS.parent / "docs" / "permissions.md"
# Stand-in ARNs: which actions a permission gets does not depend on them. Well-formed ones, since
# some statements derive a value from an ARN (kms_grants: its region) in an ``apply`` that Pulumi
# runs in whichever program comes next in the process.
_ARN = "arn:aws:{}:eu-west-1:123456789012:{}"
ARNS = StackArns(
    bucket="arn:aws:s3:::b", key=_ARN.format("kms", "key/k"), repository=_ARN.format("ecr", "repository/r"),
    model_groups=(_ARN.format("sagemaker", "model-package-group/g"),),
    model_packages=(_ARN.format("sagemaker", "model-package/g/*"),), pipelines=(_ARN.format("sagemaker", "pipeline/p"),),
    training_jobs=_ARN.format("sagemaker", "training-job/t-*"), endpoints=(_ARN.format("sagemaker", "endpoint/e"),),
    endpoint_configs=_ARN.format("sagemaker", "endpoint-config/e-*"), models=_ARN.format("sagemaker", "model/m-*"),
    alarms=_ARN.format("cloudwatch", "alarm:a-*"), scratch_bucket="arn:aws:s3:::scratch",
    log_groups=_ARN.format("logs", "log-group:/aws/sagemaker/*"), backup_vault=_ARN.format("backup", "backup-vault:v"),
    recovery_points=_ARN.format("backup", "recovery-point:*"), training_role="arn:aws:iam::123456789012:role/t",
    inference_role="arn:aws:iam::123456789012:role/i", backup_role="arn:aws:iam::123456789012:role/b",
    tracking_server=_ARN.format("sagemaker", "mlflow-tracking-server/s"),
    champions=(_ARN.format("sagemaker", "endpoint/e"),),  # the table lists what a gated stack adds too
)


def rows(text: str) -> dict[str, list[str]]:
    """The permission table's cells by permission (the first column, in backticks)."""
    found = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`([a-z]+\.[a-z]+)`", cells[0]) if len(cells) == 5 else None
        if match:
            found[match.group(1)] = cells
    return found


def aws_actions(permission: str) -> set[str]:
    actions: set[str] = set()
    for statement in statements(permission, ARNS):
        action = statement["Action"]
        actions |= {action} if isinstance(action, str) else set(action)
    return actions


def check(cells: list[str], permission: str) -> list[str]:
    """What in one row differs from the providers (empty: the row is right)."""
    _, meaning, aws, gcp, azure = cells
    problems = []
    if not meaning:
        problems.append("no meaning")
    if set(re.findall(r"`([^`]+)`", aws)) != aws_actions(permission):
        problems.append("AWS actions")
    if set(re.findall(r"`([^`]+)` on", gcp)) != {role for _, role in GCP[permission]}:
        problems.append("GCP roles")
    if {part.split(" on ")[0].strip() for part in re.sub(r"\(.*?\)", "", azure).split(",")} != {r for r, _ in AZURE[permission]}:
        problems.append("Azure roles")
    return problems


def test_every_permission_has_one_row() -> None:
    assert sorted(rows(DOC.read_text(encoding="utf-8"))) == sorted(PERMISSIONS)


@pytest.mark.parametrize("permission", PERMISSIONS)
def test_each_row_says_what_each_cloud_grants(permission: str) -> None:
    assert check(rows(DOC.read_text(encoding="utf-8"))[permission], permission) == []


def test_a_planted_wrong_row_fails() -> None:
    cells = rows(DOC.read_text(encoding="utf-8"))["artifacts.write"]
    planted = [cells[0], cells[1], cells[2] + ", `s3:DeleteObject`", cells[3].replace("objectCreator", "objectUser"),
               cells[4].replace("Contributor", "Owner")]
    assert check(planted, "artifacts.write") == ["AWS actions", "GCP roles", "Azure roles"]
