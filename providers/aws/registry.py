"""Model versions from the SageMaker Model Registry, through boto3.

The same class serves `pulumi up` (a real client) and previews (a client inside moto,
seeded with an approved version of every referenced package).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mlopskit.modules.endpoint import LATEST_APPROVED
from mlopskit.modules.provider import ResolvedModel
from mlopskit.modules.stack import Stack

OFFLINE_ACCOUNT = "123456789012"


class SageMakerModelRegistry:
    """Resolves ``package`` (a model package group) and version to a model package ARN."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def resolve(self, package: str, version: int | str) -> ResolvedModel | None:
        from botocore.exceptions import ClientError

        try:
            if version == LATEST_APPROVED:
                found = self.client.list_model_packages(
                    ModelPackageGroupName=package, ModelApprovalStatus="Approved",
                    SortBy="CreationTime", SortOrder="Descending", MaxResults=1,
                )["ModelPackageSummaryList"]
                if not found:
                    return None
                arn = found[0]["ModelPackageArn"]
                return ResolvedModel(package, int(found[0]["ModelPackageVersion"]), arn)
            arn = self._arn(package, int(version))
            described = self.client.describe_model_package(ModelPackageName=arn)
            # A pinned version is deployed only once approved, like latest-approved:
            # pinning chooses among approved versions, it does not bypass approval.
            if described.get("ModelApprovalStatus") != "Approved":
                return None
        except ClientError as error:
            if error.response["Error"]["Code"] in ("ValidationException", "ResourceNotFound", "ResourceNotFoundException"):
                return None
            raise
        return ResolvedModel(package, int(described["ModelPackageVersion"]), described["ModelPackageArn"])

    def _arn(self, package: str, version: int) -> str:
        region = self.client.meta.region_name
        account = self._account()
        return f"arn:aws:sagemaker:{region}:{account}:model-package/{package}/{version}"

    def _account(self) -> str:
        import boto3

        return boto3.client("sts", region_name=self.client.meta.region_name).get_caller_identity()["Account"]


def live_registry(region: str) -> SageMakerModelRegistry:
    """The registry of the account the AWS credentials chain points at."""
    import boto3

    return SageMakerModelRegistry(boto3.client("sagemaker", region_name=region))


def referenced_packages(stack: Stack) -> dict[str, int]:
    """Registry packages the stack's endpoints and batch jobs use, with the highest pinned version (0 if none)."""
    packages: dict[str, int] = {}
    for package, version in stack.registry_models():
        pinned = version if isinstance(version, int) else 0
        packages[package] = max(packages.get(package, 0), pinned)
    return packages


@contextmanager
def offline_registry(stack: Stack, region: str) -> Iterator[SageMakerModelRegistry]:
    """A registry inside moto holding versions 1..N of every referenced package, the last
    approved, so a preview shows the whole stack; nothing leaves the process."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("sagemaker", region_name=region)
        for package, pinned in referenced_packages(stack).items():
            client.create_model_package_group(ModelPackageGroupName=package)
            for version in range(1, max(pinned, 1) + 1):
                client.create_model_package(
                    ModelPackageGroupName=package,
                    ModelApprovalStatus="Approved",
                    InferenceSpecification={
                        "Containers": [{"Image": f"{OFFLINE_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{package}:{version}",
                                        "ModelDataUrl": f"s3://offline-models/{package}/{version}/model.tar.gz"}],
                        "SupportedContentTypes": ["text/csv"],
                        "SupportedResponseMIMETypes": ["text/csv"],
                    },
                )
        yield SageMakerModelRegistry(client)
