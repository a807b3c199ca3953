"""Model versions from the SageMaker Model Registry, through boto3.

The same class serves `pulumi up` (a real client) and previews (``SeededSageMaker``, a stand-in
client seeded with approved versions of every referenced package, checked against moto).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
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


class _OfflineRegistry(SageMakerModelRegistry):
    """The live class over the seeded stand-in: its account is the offline one (no STS)."""

    def _account(self) -> str:
        return OFFLINE_ACCOUNT


class SeededSageMaker:
    """The two SageMaker calls the registry makes, answered from memory as SageMaker answers them.

    Seeded with versions 1..N of every referenced package, all approved (N: the highest pinned
    version, or 1). It stands in for a moto client in previews: moto's import and seeding took
    ~0.75 s of every AWS ``policy`` run. tests/aws/test_registry_resolution.py checks that it
    answers exactly as moto seeded the same way does, and that every request the registry sends
    it passes botocore's validation of the SageMaker service model.
    """

    def __init__(self, packages: dict[str, int], region: str) -> None:
        self.meta = SimpleNamespace(region_name=region)  # as a boto3 client's ``meta``
        self.versions = {package: max(pinned, 1) for package, pinned in packages.items()}
        self.calls: list[tuple[str, dict[str, Any]]] = []  # (operation, params), for the tests

    def _arn(self, package: str, version: int) -> str:
        return f"arn:aws:sagemaker:{self.meta.region_name}:{OFFLINE_ACCOUNT}:model-package/{package}/{version}"

    def list_model_packages(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("ListModelPackages", params))
        package = params["ModelPackageGroupName"]
        newest = self.versions.get(package)
        if newest is None or params.get("ModelApprovalStatus", "Approved") != "Approved":
            return {"ModelPackageSummaryList": []}
        return {"ModelPackageSummaryList": [{
            "ModelPackageGroupName": package, "ModelPackageVersion": newest,
            "ModelPackageArn": self._arn(package, newest), "ModelApprovalStatus": "Approved",
        }]}

    def describe_model_package(self, **params: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        self.calls.append(("DescribeModelPackage", params))
        name = params["ModelPackageName"]
        prefix, _, version = name.rpartition("/")
        package = prefix.rpartition("/")[2]
        if f"{prefix}/" != self._arn(package, 0)[:-1] or not version.isdigit() \
                or not 1 <= int(version) <= self.versions.get(package, 0):
            raise ClientError({"Error": {"Code": "ValidationException", "Message": f"Model Package {name} not found"}},
                              "DescribeModelPackage")
        return {"ModelPackageGroupName": package, "ModelPackageVersion": int(version),
                "ModelPackageArn": self._arn(package, int(version)), "ModelApprovalStatus": "Approved"}


@contextmanager
def offline_registry(stack: Stack, region: str) -> Iterator[SageMakerModelRegistry]:
    """A registry holding versions 1..N of every referenced package, all approved, so a preview
    shows the whole stack; nothing leaves the process (``SeededSageMaker``)."""
    yield _OfflineRegistry(SeededSageMaker(referenced_packages(stack), region))
