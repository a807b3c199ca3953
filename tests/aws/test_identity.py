"""IAM: least privilege for workload and access roles."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from mlopskit.providers.aws.facts import _role_permissions
from mlopskit.providers.aws.permissions import UNSCOPED_ACTIONS
from mlopskit.providers.aws.principals import permission_set
from tests.aws.helpers import (
    ACCOUNT,
    DEV,
    IDENTITY,
    PROD,
    actions,
    build,
    children,
    component,
    inline_statements,
    primary_key,
    role,
    statements,
)

ROLE = "aws:iam/role:Role"
SERVICES = {
    "training": "sagemaker.amazonaws.com",
    "inference": "sagemaker.amazonaws.com",
    "monitoring": "sagemaker.amazonaws.com",
    "pipeline": "sagemaker.amazonaws.com",
    "scheduler": "scheduler.amazonaws.com",
    "backup": "backup.amazonaws.com",
    "replication": "s3.amazonaws.com",
}
# What each abstract permission means on AWS, written out independently of permissions.py.
GRANTS = {
    "artifacts.read": {"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation", "kms:Decrypt"},
    "artifacts.write": {"s3:PutObject", "s3:AbortMultipartUpload", "kms:GenerateDataKey", "kms:Encrypt"},
    "models.read": {"sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages",
                    "sagemaker:DescribeModelPackage", "s3:GetObject", "kms:Decrypt"},
    "models.register": {"sagemaker:CreateModelPackage", "s3:PutObject", "kms:GenerateDataKey"},
    "models.promote": {"sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackage"},
    "training.submit": {"sagemaker:StartPipelineExecution", "sagemaker:DescribePipelineExecution",
                        "sagemaker:DescribePipeline", "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob",
                        "sagemaker:StopTrainingJob", "iam:PassRole", "kms:CreateGrant", "kms:DescribeKey"},
    "endpoints.invoke": {"sagemaker:InvokeEndpoint"},
    "endpoints.deploy": {"sagemaker:UpdateEndpoint", "sagemaker:UpdateEndpointWeightsAndCapacities",
                         "sagemaker:DescribeEndpoint", "sagemaker:AddTags", "sagemaker:ListTags",
                         "sagemaker:CreateEndpointConfig", "sagemaker:DescribeEndpointConfig", "sagemaker:CreateModel",
                         "sagemaker:DescribeModel", "sagemaker:DescribeModelPackage", "cloudwatch:DescribeAlarms",
                         "application-autoscaling:DescribeScalableTargets", "iam:PassRole",
                         "kms:CreateGrant", "kms:DescribeKey"},
    "logs.read": {"logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"},
    "backups.restore": {"backup:ListRecoveryPointsByBackupVault", "backup:DescribeBackupVault",
                        "backup:StartRestoreJob", "backup:DescribeRecoveryPoint", "backup:GetRecoveryPointRestoreMetadata",
                        "backup:DescribeRestoreJob", "s3:ListBucket", "s3:GetObject", "s3:DeleteObject",
                        "s3:DeleteBucket", "kms:Decrypt", "iam:PassRole"},
}
ACCESS = {
    "data-scientist": ["training.submit", "models.read", "artifacts.read"],
    "ci-deployer": ["endpoints.deploy", "models.promote", "models.register"],
    "auditor": ["logs.read"],
    "operator": ["endpoints.invoke", "backups.restore", "artifacts.write"],
}


def test_no_wildcard_actions(prod):
    for r in prod.of_type(ROLE):
        for s in inline_statements(r):
            for action in s["Action"]:
                assert action != "*" and not action.endswith(":*"), (r.name, action)


def test_no_broad_managed_policies(prod):
    for r in prod.of_type(ROLE):
        for arn in r.inputs.get("managedPolicyArns", []):
            assert "FullAccess" not in arn and "AdministratorAccess" not in arn, (r.name, arn)


def test_only_unscoped_actions_on_any_resource(prod):
    for r in prod.of_type(ROLE):
        for s in inline_statements(r):
            if "*" in s["Resource"]:
                assert set(s["Action"]) <= UNSCOPED_ACTIONS, (r.name, s)
            assert s["Effect"] == "Allow"


def test_every_role_is_labelled_resource_scoped(prod):
    # Audit 1: a "*" statement of unscoped actions only (DescribeScalableTargets for
    # endpoints.deploy, DescribeRestoreJob for backups.restore) is not an account-wide grant.
    for r in prod.of_type(ROLE):
        assert _role_permissions(r)[1] == "resource", r.name


def test_a_resource_action_on_any_resource_is_labelled_account_scoped(prod):
    r = role(prod, f"{PROD}-access-auditor")
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    widened = dataclasses.replace(r, inputs={**r.inputs, "inlinePolicies": [{"policy": policy}]})
    assert _role_permissions(widened)[1] == "account"


KMS_VIA = {"kms:ViaService": "sagemaker.eu-west-1.amazonaws.com"}


def _kms_grant_statements(stmts):
    return [s for s in stmts if set(s["Action"]) & {"kms:CreateGrant", "kms:DescribeKey"}]


@pytest.mark.parametrize("name", ["training", "monitoring", "access-ci-deployer", "access-data-scientist"])
def test_roles_passing_the_stack_key_to_sagemaker_may_create_grants_through_it(prod, name):
    # Audit 3: VolumeKmsKeyId (training, drift job) and KmsKeyId (endpoint configs the
    # deployer creates) need kms:CreateGrant, only through SageMaker, only for AWS resources.
    grants = _kms_grant_statements(inline_statements(role(prod, f"{PROD}-{name}")))
    by_action = {a: s for s in grants for a in s["Action"]}
    assert set(by_action) == {"kms:CreateGrant", "kms:DescribeKey"}
    key = primary_key(prod).outputs["arn"]
    assert all(s["Resource"] == [key] for s in grants)
    assert by_action["kms:CreateGrant"]["Condition"] == {
        "StringEquals": KMS_VIA, "Bool": {"kms:GrantIsForAWSResource": "true"}}
    assert by_action["kms:DescribeKey"]["Condition"] == {"StringEquals": KMS_VIA}


def test_roles_that_never_pass_the_key_get_no_grant(prod):
    for name in ("inference", "access-auditor"):
        assert not _kms_grant_statements(inline_statements(role(prod, f"{PROD}-{name}"))), name
    # The pipeline role starts the kit monitor job's Processing steps, whose VolumeKmsKeyId is the
    # stack key (providers/aws/monitor_job.py): it needs the grant, and only through SageMaker.
    grants = _kms_grant_statements(inline_statements(role(prod, f"{PROD}-pipeline")))
    assert grants and {g["Condition"]["StringEquals"]["kms:ViaService"] for g in grants} == {
        "sagemaker.eu-west-1.amazonaws.com"}


def test_scoped_resources_belong_to_this_account(prod):
    # ... or are an image the spec names (the xgboost framework image lives in AWS's account), or
    # the one the kit's monitor job runs (the SageMaker scikit-learn image, providers/aws/build.py).
    spec_images = {"arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-xgboost",
                   "arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-scikit-learn"}
    for r in prod.of_type(ROLE):
        for s in inline_statements(r):
            for resource in s["Resource"]:
                assert resource == "*" or f":{ACCOUNT}:" in resource or resource.startswith(
                    f"arn:aws:s3:::{PROD}-") or resource in spec_images, (r.name, resource)


def test_no_statement_with_nothing_to_act_on():
    # Issue 11.2: training.submit in a stack without training jobs gave "Resource": [],
    # which IAM rejects; the statement goes and the spec is told.
    graph = build("credit-risk.yaml", ("training", []))
    for r in graph.of_type(ROLE):
        for s in inline_statements(r):
            assert s["Resource"], (r.name, s)
    assert "sagemaker:StartPipelineExecution" not in actions(inline_statements(
        role(graph, f"{PROD}-access-data-scientist")))
    (warning,) = [w for w in graph.warnings if w.path == "access.roles[0].permissions[0]"]
    assert "training.submit grants nothing" in warning.message


def test_roles_may_pull_exactly_the_images_and_read_exactly_the_artifacts_the_spec_names():
    # Issue 11.3: images outside the stack's repository and artifacts outside its bucket
    # (explicit ECR/S3 URIs: fraud-dev itself now names its images in the stack's repository).
    dev = build("fraud-dev.yaml",
                ("training[0].image", {"uri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-train:1.4.0"}),
                ("endpoints[0].model", {"source": "artifact", "format": "custom",
                                        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-serve:1.4.0",
                                        "artifactUri": "s3://fraud-dev-models/detector/model.tar.gz"}))
    pulls = lambda name: {r for s in inline_statements(role(dev, name))  # noqa: E731
                          if "ecr:BatchGetImage" in s["Action"] for r in s["Resource"]}
    repo = f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository"
    assert pulls(f"{DEV}-training") == {f"{repo}/{DEV}", f"{repo}/fraud-train"}
    assert pulls(f"{DEV}-inference") == {f"{repo}/{DEV}", f"{repo}/fraud-serve"}
    reads = {r for s in inline_statements(role(dev, f"{DEV}-inference")) if "s3:GetObject" in s["Action"]
             for r in s["Resource"]}
    assert "arn:aws:s3:::fraud-dev-models/detector/model.tar.gz" in reads
    assert not any(r.startswith("arn:aws:s3:::fraud-dev-models") and r.endswith("*") for r in reads)


def test_service_roles_trust_only_their_service(prod):
    for purpose, service in SERVICES.items():
        r = role(prod, f"{PROD}-{purpose}")
        trust = statements(r.inputs["assumeRolePolicy"])
        for s in trust:
            assert s["Principal"] == {"Service": [service]}, purpose
            assert s["Action"] == ["sts:AssumeRole"]
        if purpose != "backup":
            assert all(s["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}} for s in trust), purpose


def test_identity_roles_are_identity_children(prod):
    identity = component(prod, IDENTITY)
    assert identity.parent is None
    names = {r.inputs["name"] for r in children(prod, identity, ROLE)}
    assert names == {f"{PROD}-{p}" for p in SERVICES if p != "replication"} | {
        f"{PROD}-access-{a}" for a in ACCESS}


def test_access_roles_cover_exactly_their_permissions(prod):
    for name, permissions in ACCESS.items():
        r = role(prod, f"{PROD}-access-{name}")
        expected = set().union(*(GRANTS[p] for p in permissions))
        assert actions(inline_statements(r)) == expected, name
        assert r.inputs["tags"] == {"mlopskit-role": name}
        assert r.inputs["maxSessionDuration"] == 3600


def test_data_scientist_can_start_pipelines_of_this_stack(prod):
    stmts = inline_statements(role(prod, f"{PROD}-access-data-scientist"))
    start = next(s for s in stmts if "sagemaker:StartPipelineExecution" in s["Action"])
    pipeline = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:pipeline/{PROD}-train-xgb"
    assert start["Resource"] == [pipeline]
    describe = next(s for s in stmts if s["Action"] == ["sagemaker:DescribePipelineExecution"])
    assert describe["Resource"] == [f"{pipeline}/execution/*"]  # the pipeline-execution resource type
    passes = next(s for s in stmts if s["Action"] == ["iam:PassRole"])
    assert passes["Resource"] == [f"arn:aws:iam::{ACCOUNT}:role/{PROD}-training"]
    assert passes["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}


def test_auditor_only_reads_logs(prod):
    stmts = inline_statements(role(prod, f"{PROD}-access-auditor"))
    assert actions(stmts) == {"logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"}
    assert all(s["Resource"] == [f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/sagemaker/*"] for s in stmts)


def test_invoke_only_on_the_stack_endpoints(prod):
    endpoint_arns = sorted(e.outputs["arn"] for e in prod.of_type("aws:sagemaker/endpoint:Endpoint"))
    assert endpoint_arns == sorted(f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:endpoint/{PROD}-{n}"
                                   for n in ("scoring", "challenger"))
    holders = []
    for r in prod.of_type(ROLE):
        for s in inline_statements(r):
            if "sagemaker:InvokeEndpoint" in s["Action"]:
                holders.append(r.inputs["name"])
                assert s["Action"] == ["sagemaker:InvokeEndpoint"]
                assert sorted(s["Resource"]) == endpoint_arns
    assert holders == [f"{PROD}-access-operator"]


def test_access_roles_trust_their_identity_center_permission_set_not_a_tag(prod):
    # Audit 7: a tag condition trusted anyone in the account who may tag a session; the roles
    # Identity Center creates for one permission set are named by AWS (aws-reserved path).
    for name in ACCESS:
        trust = statements(role(prod, f"{PROD}-access-{name}").inputs["assumeRolePolicy"])
        people = next(s for s in trust if s["Sid"] == "IdentityCenter")
        assert people["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
        assert people["Action"] == ["sts:AssumeRole"]
        reserved = f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com"
        assert people["Condition"] == {"ArnLike": {"aws:PrincipalArn": [
            f"{reserved}/AWSReservedSSO_{PROD}-{name}_*", f"{reserved}/*/AWSReservedSSO_{PROD}-{name}_*"]}}
        assert "PrincipalTag" not in json.dumps(trust)


def test_permission_set_names_fit_identity_centers_32_characters():
    name = permission_set("a-very-long-stack-name-prod", "a-long-access-role-name")
    assert len(name) <= 32 and re.fullmatch(r"[\w+=,.@-]+", name, re.ASCII)
    assert name != permission_set("a-very-long-stack-name-prod", "a-long-access-role-name2")


def test_warnings_for_people_principals_name_each_principal(prod):
    paths = {w.path: w.message for w in prod.warnings if w.path.startswith("access.")}
    assert set(paths) == {"access.roles[0].principals[0]", "access.roles[3].principals[0]"}
    assert "emulated" in paths["access.roles[0].principals[0]"]
    assert "group:ds@example.com" in paths["access.roles[0].principals[0]"]
    assert f"permission set {PROD}-data-scientist " in paths["access.roles[0].principals[0]"]
    assert "user:oncall@example.com" in paths["access.roles[3].principals[0]"]


def test_service_account_principal_trusted_by_condition_never_as_a_principal_arn():
    # Issue 11.1: a role ARN as Principal must exist when IAM stores the trust policy.
    graph = build("credit-risk.yaml", ("access.roles[1].principals", ["serviceAccount:ci-runner"]))
    trust = statements(role(graph, f"{PROD}-access-ci-deployer").inputs["assumeRolePolicy"])
    for s in trust:
        assert s["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert [s["Sid"] for s in trust] == ["Workloads"]  # no person may assume it
    workloads = next(s for s in trust if s.get("Sid") == "Workloads")
    assert workloads["Condition"] == {"ArnEquals": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/ci-runner"]}}
    assert not [w for w in graph.warnings if w.path.startswith("access.roles[1].principals")]


def test_no_network_interface_permissions_when_public():
    graph = build("credit-risk.yaml", ("network.private", False))
    for r in graph.of_type(ROLE):
        assert not any(a.startswith("ec2:") for a in actions(inline_statements(r))), r.name


def test_eni_permissions_only_when_private(prod):
    training = actions(inline_statements(role(prod, f"{PROD}-training")))
    assert "ec2:CreateNetworkInterface" in training
    assert json.loads(role(prod, f"{PROD}-pipeline").inputs["inlinePolicies"][0]["policy"])
