"""Training code on Azure ML: the packaged ``training[].code`` as a workspace code asset.

Azure ML runs a command job from a code asset: a folder of files in blob storage that
the job downloads into its working directory (azure-ai-ml uploads a local ``code`` the
same way and records the folder's https URL as the asset's ``codeUri``). The upload is a
Pulumi dynamic resource because the stack's storage account refuses shared keys
(Entra ID only) and pulumi-azure-native's ``storage.Blob`` signs uploads with account
keys (pulumi/pulumi-azure-native#2015); the dynamic resource uploads with
azure-storage-blob and ``DefaultAzureCredential``, the identity `pulumi up` runs as,
which needs Storage Blob Data Contributor on the account (and a network path to it when
``network.private`` turns public access off).
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider
from pulumi_azure_native import machinelearningservices as ml

from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.packaging import CodeArchive, source_archive

#: The folder of the kit's monitor jobs' code (providers/azure/monitor_job.py): one per endpoint below it.
MONITOR_CODE = "mlopskit-monitor"


def _container(props: dict[str, Any]) -> Any:
    from azure.identity import DefaultAzureCredential
    from azure.storage.blob import ContainerClient

    return ContainerClient(props["accountUrl"], props["container"], credential=DefaultAzureCredential())


class CodeUploadProvider(ResourceProvider):
    """Uploads the files of a packaged archive under ``prefix`` (one blob per file)."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        container = _container(props)
        if props.get("archive"):
            with tarfile.open(props["archive"], mode="r:gz") as tar:
                for member in tar.getmembers():
                    data = tar.extractfile(member)
                    if data is not None:
                        container.upload_blob(f"{props['prefix']}{member.name}", io.BytesIO(data.read()), overwrite=True)
        # Small generated files (the monitor job's settings): name -> text.
        for file_name, text in sorted((props.get("files") or {}).items()):
            container.upload_blob(f"{props['prefix']}{file_name}", io.BytesIO(str(text).encode()), overwrite=True)
        return CreateResult(id_=f"{props['accountUrl']}{props['container']}/{props['prefix']}", outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # The prefix carries the content hash: new code is a new folder, never an overwrite.
        changed = [k for k in ("accountUrl", "container", "prefix", "sha256") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        container = _container(props)
        for blob in container.list_blobs(name_starts_with=props["prefix"]):
            container.delete_blob(blob.name)


class CodeUpload(pulumi.dynamic.Resource):
    """One job's code folder in the stack's storage account."""

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(CodeUploadProvider(), name, {"kind": "azure-code-upload", **props}, opts)


def code_asset(name: str, job_name: str, code_dir: Path, account: str, container: str,
               workspace_name: pulumi.Input[str], ctx: AzureContext, parent: pulumi.Resource) -> ml.CodeVersion:
    """Upload ``code_dir`` and register it as code asset ``<job>-code``, versioned by content."""
    return archive_asset(name, job_name, job_name, source_archive(code_dir), account, container, workspace_name, ctx, parent)


def archive_asset(name: str, job_name: str, folder: str, archive: CodeArchive, account: str, container: str,
                  workspace_name: pulumi.Input[str], ctx: AzureContext, parent: pulumi.Resource) -> ml.CodeVersion:
    """Upload a packaged ``archive`` under ``code/<folder>/<hash>/`` and register it as code asset
    ``<job>-code``: one upload and one asset per job (deleting one never removes another's files)."""
    prefix = f"code/{folder}/{archive.short}/"
    account_url = f"https://{account}.blob.core.windows.net/"
    upload = CodeUpload(f"{name}-code-upload", {
        "accountUrl": account_url, "container": container, "prefix": prefix,
        "archive": str(archive.path), "sha256": archive.sha256,
    }, pulumi.ResourceOptions(parent=parent))
    return ml.CodeVersion(
        f"{name}-code",
        name=f"{job_name}-code",
        version=archive.short,  # immutable per version: the content hash names it
        workspace_name=workspace_name,
        resource_group_name=ctx.resource_group_name,
        properties=ml.CodeVersionPropertiesArgs(
            code_uri=f"{account_url}{container}/{prefix.rstrip('/')}",
            description=f"mlopskit training code of {job_name}" if folder == job_name else "mlopskit monitor job code",
            tags=ctx.tags,
        ),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[upload]),
    )
