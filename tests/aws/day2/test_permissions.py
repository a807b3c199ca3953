"""Every call a day-2 command makes on AWS is granted to the role that runs it (issue 11.4).

The commands run against moto (the day-2 tests' world, tests/ops/conftest.py); every SDK call
they make through the Gateway is recorded, turned into the IAM action(s) and resource ARN(s)
AWS authorises it on, and checked against the inline policy the provider gives the access
role holding the command's permission (``providers.aws.permissions.DAY2_PERMISSIONS``).
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

import boto3
import pytest
from botocore import xform_name

from mlopskit.cli import main
from mlopskit.modules.day2.calls import Gateway
from mlopskit.providers.aws.permissions import DAY2_PERMISSIONS
from tests.aws.helpers import PROD, inline_statements, role
from tests.ops.conftest import ACCOUNT, REGION
from tests.ops.test_aws_commands import _backup_world
from tests.specs import baseline

pytestmark = pytest.mark.usefixtures("aws")

# IAM's service prefix where it differs from boto3's client name, and S3 actions that are
# not named after their operation.
_PREFIX = {"cloudwatch": "cloudwatch", "sagemaker": "sagemaker", "backup": "backup", "s3": "s3",
           "application-autoscaling": "application-autoscaling"}
_S3_ACTIONS = {"ListObjectsV2": "s3:ListBucket", "GetObject": "s3:GetObject", "DeleteObject": "s3:DeleteObject",
               "DeleteBucket": "s3:DeleteBucket"}
_NEEDS_NO_PERMISSION = {("sts", "get_caller_identity")}  # AWS answers it for any caller


def _operation(service: str, python_name: str) -> str:
    model = boto3.client(service, region_name=REGION).meta.service_model
    return {xform_name(name): name for name in model.operation_names}[python_name]


def _sagemaker(kind: str, name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{kind}/{name}"


def requirements(service: str, python_name: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """(IAM action, resource ARN) pairs AWS checks for one call."""
    operation = _operation(service, python_name)
    action = _S3_ACTIONS[operation] if service == "s3" else f"{_PREFIX[service]}:{operation}"
    resources: list[str] = []
    if service == "sagemaker":
        for key, kind in (("EndpointName", "endpoint"), ("EndpointConfigName", "endpoint-config"),
                          ("ModelName", "model"), ("PipelineName", "pipeline"), ("TrainingJobName", "training-job")):
            if key in params:
                resources.append(_sagemaker(kind, params[key]))
        resources += [params[k] for k in ("ModelPackageName", "ModelPackageArn", "ResourceArn") if k in params]
    elif service == "cloudwatch":
        resources = [f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{n}" for n in params["AlarmNames"]]
    elif service == "s3":
        bucket = f"arn:aws:s3:::{params['Bucket']}"
        resources = [f"{bucket}/{params['Key']}" if "Key" in params else bucket]
    elif service == "backup":
        # Calls naming a recovery point are authorised on it (Service Authorization Reference,
        # AWS Backup: resource type recoveryPoint), the others on the vault they name.
        if "RecoveryPointArn" in params:
            resources.append(params["RecoveryPointArn"])
        elif "BackupVaultName" in params:
            resources.append(f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:{params['BackupVaultName']}")
    pairs = [(action, r) for r in resources or ["*"]]
    # Passing a role to a service is authorised separately (iam:PassRole on that role).
    pairs += [("iam:PassRole", params[k]) for k in ("ExecutionRoleArn", "RoleArn", "IamRoleArn") if k in params]
    return pairs


def granted(policy: list[dict[str, Any]], action: str, resource: str) -> bool:
    return any(s["Effect"] == "Allow" and any(fnmatchcase(action, a) for a in s["Action"])
               and any(fnmatchcase(resource, r) for r in s["Resource"]) for s in policy)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict[str, Any]]]:
    """Every Gateway call the commands make, reads and writes."""
    made: list[tuple[str, str, dict[str, Any]]] = []
    read, write = Gateway.read, Gateway.write

    def record_read(self: Gateway, service: str, operation: str, fn: Any, /, **params: Any) -> Any:
        made.append((service, operation, params))
        return read(self, service, operation, fn, **params)

    def record_write(self: Gateway, service: str, operation: str, fn: Any, /, dry_result: Any = None,
                     **params: Any) -> Any:
        made.append((service, operation, params))
        return write(self, service, operation, fn, dry_result=dry_result, **params)

    monkeypatch.setattr(Gateway, "read", record_read)
    monkeypatch.setattr(Gateway, "write", record_write)
    return made


def role_running(graph: Any, command: str) -> list[dict[str, Any]]:
    """The inline policy of the spec's access role holding the command's permission."""
    permission = DAY2_PERMISSIONS[command]
    holder = next(r["name"] for r in baseline()["access"]["roles"] if permission in r["permissions"])
    return inline_statements(role(graph, f"{PROD}-access-{holder}"))


def run(command: str, *args: str) -> None:
    assert main([*command.split(), *args]) == 0


ENDPOINT_ARGS = ("--provider", "aws", "--endpoint", "scoring")


@pytest.mark.parametrize("command, steps", [
    ("rollout", [("rollout", ("--model-version", "3")), ("rollback", ())]),
    ("rollout", [("rollout", ("--model-version", "3", "--stepwise")), ("rollback", ())]),
    ("promote", [("promote", ("--provider", "aws", "--package", "credit-risk", "--version", "2"))]),
    ("train", [("train", ("--provider", "aws", "--job", "train-xgb", "--wait"))]),
], ids=["native-rollout-rollback", "stepwise-rollout-rollback", "promote", "train"])
def test_every_call_of_the_command_is_granted(prod, spec_file, clock, calls, command, steps, capsys) -> None:
    for name, extra in steps:
        args = [spec_file, *(ENDPOINT_ARGS if name in ("rollout", "rollback") else ()), *extra]
        run(name, *args)
        policy = role_running(prod, name)
        missing = [(action, resource) for service, operation, params in calls
                   if (service, operation) not in _NEEDS_NO_PERMISSION
                   for action, resource in requirements(service, operation, params)
                   if not granted(policy, action, resource)]
        assert calls and not missing, json.dumps(missing, indent=1)
        calls.clear()


def test_backup_verify_calls_are_granted(prod, spec_file, clock, calls, monkeypatch, capsys) -> None:
    _backup_world(monkeypatch, {"models/credit-risk/3/model.tar.gz": b"weights-v3", "data/train.csv": b"a,b\n1,2\n"})
    run("backup verify", spec_file, "--provider", "aws")
    policy = role_running(prod, "backup verify")
    missing = [(action, resource) for service, operation, params in calls
               if (service, operation) not in _NEEDS_NO_PERMISSION
               for action, resource in requirements(service, operation, params) if not granted(policy, action, resource)]
    assert {s for s, _, _ in calls} >= {"backup", "s3"} and not missing, json.dumps(missing, indent=1)


def test_the_check_catches_a_missing_grant(prod) -> None:
    # What the deployer lacked before issue 11.4: UpdateEndpoint checked on the endpoint config.
    policy = [s for s in role_running(prod, "rollout")
              if not ("sagemaker:UpdateEndpoint" in s["Action"] and any("endpoint-config/" in r for r in s["Resource"]))]
    needed = requirements("sagemaker", "update_endpoint",
                          {"EndpointName": f"{PROD}-scoring", "EndpointConfigName": f"{PROD}-scoring-v3-1"})
    assert not all(granted(policy, action, resource) for action, resource in needed)
