"""IAM semantics of every policy document the AWS provider generates (issue 11): no empty
Resource or Principal, principals of a valid form, actions that exist (parliament).

Budget: reuses the gate's previews; parliament lints ~60 documents in about a second.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from mlopskit.providers.aws.permissions import UNSCOPED_ACTIONS
from tests.fidelity.aws.gate import SPECS, graph_of, requests

REGION = "eu-west-1"
# (service, operation, request member) holding a policy document, and whether it is a
# resource policy (it names principals) or an identity policy (it must name resources).
DOCUMENTS = {
    ("iam", "CreateRole", "AssumeRolePolicyDocument"): "trust",
    ("iam", "PutRolePolicy", "PolicyDocument"): "identity",
    ("s3", "PutBucketPolicy", "Policy"): "resource",
    ("kms", "CreateKey", "Policy"): "key",
}
# parliament lints every document as an identity policy; the findings expected of our
# documents, by (kind, issue id), and why each is right:
EXPECTED_FINDINGS: dict[tuple[str, str], tuple[Any, str]] = {
    ("trust", "MALFORMED"): (
        lambda detail: detail == "Statement contains neither Resource nor NotResource",
        "a trust policy is the role's resource policy: it names a Principal and never a Resource"),
    ("key", "RESOURCE_STAR"): (
        lambda detail: True,
        "in a KMS key policy Resource '*' means this key and nothing else (KMS developer guide, key policies)"),
    ("identity", "RESOURCE_STAR"): (
        lambda detail: set(detail) <= UNSCOPED_ACTIONS,
        "only the actions providers/aws/permissions.py lists as UNSCOPED_ACTIONS, each with its reason there"),
}
_PRINCIPAL_FORMS = {
    "AWS": re.compile(r"^arn:aws:iam::\d{12}:(root|role/[\w+=,.@/-]{1,64})$"),
    "Service": re.compile(r"^[a-z0-9.-]+\.amazonaws\.com$"),
}


def documents() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(spec, resource, kind, document) for every generated policy document."""
    for spec in SPECS:
        for sent in requests(graph_of(SPECS[spec]()), REGION):
            for (service, operation, member), kind in DOCUMENTS.items():
                if (sent.service, sent.operation) == (service, operation):
                    yield spec, sent.resource, kind, json.loads(sent.request[member])


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def all_documents() -> list[tuple[str, str, str, dict[str, Any]]]:
    found = list(documents())
    assert {kind for _, _, kind, _ in found} == {"trust", "identity", "resource", "key"}
    return found


def test_parliament_finds_nothing_unexpected(all_documents):
    from parliament import analyze_policy_string

    unexpected = []
    for spec, resource, kind, document in all_documents:
        for finding in analyze_policy_string(json.dumps(document)).findings:
            expected = EXPECTED_FINDINGS.get((kind, finding.issue))
            if expected is None or not expected[0](finding.detail):
                unexpected.append(f"{spec} {resource} ({kind}): {finding.issue} {finding.detail}")
    assert not unexpected, "\n".join(unexpected)


def test_no_empty_resource_or_principal_and_principals_of_a_valid_form(all_documents):
    for spec, resource, kind, document in all_documents:
        for statement in document["Statement"]:
            where = f"{spec} {resource}: {statement}"
            if kind in ("identity", "resource", "key"):
                assert _as_list(statement.get("Resource")) and all(_as_list(statement["Resource"])), where
            if kind == "identity":
                assert "Principal" not in statement, where
                continue
            principal = statement["Principal"]
            if principal == "*":  # everyone: only ever to deny (TLS-only bucket policies)
                assert statement["Effect"] == "Deny", where
                continue
            assert principal and all(_as_list(v) for v in principal.values()), where
            for form, values in principal.items():
                for value in _as_list(values):
                    assert _PRINCIPAL_FORMS[form].match(value), where


def test_the_lint_catches_an_unknown_action_and_an_empty_resource():
    from parliament import analyze_policy_string

    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:DeployEverything",
                                                   "Resource": "*"}]}
    assert "UNKNOWN_ACTION" in {f.issue for f in analyze_policy_string(json.dumps(bad)).findings}
    empty = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": []}]}
    assert analyze_policy_string(json.dumps(empty)).findings  # parliament refuses it too


def _resource_patterns() -> dict[str, list[re.Pattern[str]]]:
    """``service:Action`` -> the ARN patterns of the resource types the Service Authorization
    Reference lists for it (parliament ships the reference as iam_definition.json); an action
    with an empty resource type also takes ``*``."""
    import os

    import parliament

    path = os.path.join(os.path.dirname(parliament.__file__), "iam_definition.json")
    with open(path, encoding="utf-8") as handle:
        services = json.load(handle)
    patterns: dict[str, list[re.Pattern[str]]] = {}
    for service in services:
        arns = {r["resource"]: r["arn"] for r in service["resources"]}
        for privilege in service["privileges"]:
            found = []
            for entry in privilege["resource_types"]:
                kind = entry["resource_type"].rstrip("*")
                if not kind:
                    found.append(re.compile(r"^\*$"))
                elif kind in arns:
                    # ${Variable} and a literal * (AWS Backup's account) stand for any text.
                    template = re.escape(arns[kind]).replace(re.escape("*"), ".+")
                    found.append(re.compile("^" + re.sub(r"\\\$\\\{[^}]*\\\}", ".+", template) + "$"))
            patterns[f"{service['prefix']}:{privilege['privilege']}".lower()] = found
    return patterns


def _samples(arn: str) -> list[str]:
    """Concrete ARNs a wildcard ARN matches: in IAM ``*`` spans any text, colons included
    (``log-group:/aws/sagemaker/*`` covers that group's ``...:log-stream:NAME`` ARNs)."""
    if arn == "*" or "*" not in arn:
        return [arn]
    return [arn.replace("*", filler) for filler in ("x", "x/x", "x:log-stream:x")]


def _mismatches(document: dict[str, Any], patterns: dict[str, list[re.Pattern[str]]]) -> list[str]:
    """Allowed (action, resource) pairs whose resource is of no type the action takes."""
    found = []
    for statement in _as_list(document["Statement"]):
        if statement.get("Effect") != "Allow" or "Resource" not in statement or "Principal" in statement:
            continue
        for action in _as_list(statement["Action"]):
            kinds = patterns.get(action.lower())
            if not kinds:
                continue  # unknown actions are parliament's UNKNOWN_ACTION
            for arn in _as_list(statement["Resource"]):
                if not any(p.match(sample) for sample in _samples(arn) for p in kinds):
                    found.append(f"{action} on {arn}")
    return found


def test_every_resource_is_of_a_type_its_action_takes(all_documents):
    """parliament does not check that a Resource fits the action (sagemaker:ListModelPackages
    granted on a model-package-group ARN passed it): the reference's resource types do."""
    patterns = _resource_patterns()
    wrong = [f"{spec} {resource}: {m}" for spec, resource, kind, document in all_documents if kind == "identity"
             for m in _mismatches(document, patterns)]
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_the_resource_type_check_catches_a_group_arn_for_a_package_action():
    patterns = _resource_patterns()
    group = "arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/credit-risk"
    document = {"Statement": [{"Effect": "Allow", "Action": ["sagemaker:ListModelPackages"], "Resource": [group]}]}
    assert _mismatches(document, patterns) == [f"sagemaker:ListModelPackages on {group}"]
    document["Statement"][0]["Resource"] = [group.replace("-group/credit-risk", "/credit-risk/*")]
    assert _mismatches(document, patterns) == []
