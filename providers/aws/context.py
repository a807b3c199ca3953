"""What the AWS components share while one stack is built."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pulumi

from mlopskit.providers.aws import names
from mlopskit.providers.aws.target import AwsPlacement
from mlopskit.providers.base import BuildContext

T = TypeVar("T")


@dataclass
class AwsContext(BuildContext):
    """Stack-wide facts and the outputs later components wire to (keys, buckets, roles).

    The build (providers/aws/build.py) fills the optional fields as it registers the
    components, in dependency order, so a component only reads what an earlier one produced.
    """

    placement: AwsPlacement
    account_id: pulumi.Output[str]
    provider: pulumi.ProviderResource
    key_arn: pulumi.Output[str] | None = None
    backup_key_arn: pulumi.Output[str] | None = None
    bucket_name: pulumi.Output[str] | None = None
    bucket_arn: pulumi.Output[str] | None = None
    bucket_ready: list[pulumi.Resource] = field(default_factory=list)  # e.g. its versioning
    access_logs_bucket: pulumi.Output[str] | None = None  # the primary region's access-log bucket (its id)
    # Without CMKs: the key only the alarm topics use (CloudWatch cannot publish to alias/aws/sns).
    notifications_key_arn: pulumi.Output[str] | None = None
    subnet_ids: list[pulumi.Output[str]] = field(default_factory=list)
    security_group_ids: list[pulumi.Output[str]] = field(default_factory=list)
    # Training jobs' own group when the stack has a multi-instance job (else the shared one).
    training_security_group_ids: list[pulumi.Output[str]] = field(default_factory=list)
    repository_arn: pulumi.Output[str] | None = None
    repository_url: pulumi.Output[str] | None = None
    model_group_arns: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    roles: dict[str, pulumi.Output[str]] = field(default_factory=dict)  # service role name -> ARN
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def region(self) -> str:
        return self.placement.region

    def bucket(self, purpose: str) -> pulumi.Output[str]:
        """Physical name of one of the stack's buckets (fits S3's 63 characters)."""
        return self.account_id.apply(lambda account: names.bucket(self.stack, purpose, account))

    def arn(self, service: str, resource: str, region: str | None = None) -> pulumi.Output[str]:
        """ARN of a resource of this stack in this account (``region=""`` for global services)."""
        where = self.region if region is None else region
        return self.account_id.apply(lambda account: f"arn:aws:{service}:{where}:{account}:{resource}")

    def opts(self, parent: pulumi.Resource | None = None, **kwargs: Any) -> pulumi.ResourceOptions:
        """Options for a top-level component: this stack's explicit AWS provider."""
        return pulumi.ResourceOptions(parent=parent, providers={"aws": self.provider}, **kwargs)


def built(value: T | None, what: str) -> T:
    """``value``, which an earlier component must have produced (see ``AwsContext``)."""
    if value is None:
        raise RuntimeError(f"{what} is read before the component that creates it was built")
    return value


def policy_json(statements: list[dict[str, Any]]) -> pulumi.Output[str]:
    """An IAM policy document whose values may be Outputs."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements})


def service_trust(*services: str, account_id: pulumi.Output[str] | None = None) -> str | pulumi.Output[str]:
    """Trust policy allowing only the given AWS service principals to assume a role.

    With ``account_id`` the trust also requires the caller to act for this account
    (``aws:SourceAccount``), which blocks the confused-deputy problem.
    """
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": list(services)},
        "Action": "sts:AssumeRole",
    }
    if account_id is None:
        return json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return account_id.apply(
        lambda account: json.dumps({
            "Version": "2012-10-17",
            "Statement": [{**statement, "Condition": {"StringEquals": {"aws:SourceAccount": account}}}],
        })
    )
