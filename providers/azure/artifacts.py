"""Model artifacts in the stack's storage account, registered as workspace model versions.

An ``artifactPath`` is a folder under the stack's ``artifacts`` container. Azure ML reads
models through a datastore (azure-ai-ml records a workspace model's path as
``azureml://.../datastores/<name>/paths/<path>``), so the container is registered as an
identity-based datastore (no keys: the account refuses them) and each served artifact
becomes a model version whose ``modelType`` says what it holds: ``mlflow_model`` lets
Azure ML deploy it with no environment or scoring script (no-code deployment),
``custom_model`` needs the serving image.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from mlopskit.modules.endpoint import ModelSource
from mlopskit.modules.naming import short_hash
from mlopskit.providers.azure import names
from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.storage import CONTAINER

DATASTORE = names.ARTIFACTS_DATASTORE
# azure-ai-ml's AssetTypes.MLFLOW_MODEL / CUSTOM_MODEL (azure.ai.ml.constants).
MODEL_TYPES = {"mlflow": "mlflow_model", "custom": "custom_model"}


TYPE = "mlopskit:azure:ModelArtifacts"


class ModelArtifacts(pulumi.ComponentResource):
    """The ``artifacts`` datastore and one model version per endpoint serving an artifactPath.

    ``versions[endpoint]`` is the model version's ARM id, what the deployment serves.
    """

    def __init__(self, name: str, models: dict[str, ModelSource], workspace_name: pulumi.Input[str], ctx: AzureContext,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("artifacts"), opts)
        self.datastore = ml.Datastore(
            f"{name}-datastore",
            name=DATASTORE,
            workspace_name=workspace_name,
            resource_group_name=ctx.resource_group_name,
            properties=ml.AzureBlobDatastoreArgs(
                datastore_type="AzureBlob",
                account_name=names.storage_account(ctx.prefix),
                container_name=CONTAINER,
                # Identity-based access: jobs and deployments read with their own identities.
                credentials=ml.NoneDatastoreCredentialsArgs(credentials_type="None"),
                service_data_access_auth_identity="WorkspaceUserAssignedIdentity",
                description=f"mlopskit artifact store of {ctx.prefix}",
                tags=ctx.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.versions: dict[str, pulumi.Output[str]] = {}
        for endpoint, model in sorted(models.items()):
            assert model.artifact_prefix is not None
            model_type = MODEL_TYPES[model.format or "custom"]
            version = ml.ModelVersion(
                f"{name}-{endpoint}",
                name=f"{endpoint}-model",
                # Versions are immutable: a different path or format is a new version.
                version=str(int(short_hash(model.artifact_prefix, model_type, length=8), 16)),
                workspace_name=workspace_name,
                resource_group_name=ctx.resource_group_name,
                properties=ml.ModelVersionPropertiesArgs(
                    model_uri=f"azureml://datastores/{DATASTORE}/paths/{model.artifact_prefix}",
                    model_type=model_type,
                    description=f"mlopskit model served by endpoint {endpoint}",
                    tags=ctx.tags,
                ),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.datastore]),
            )
            self.versions[endpoint] = version.id
        self.register_outputs({"datastore": self.datastore.id, "versions": self.versions})
