"""`AzureMlSdk` against the real Azure SDK packages with their client classes patched, as the
SDKs' own unit tests do: each test asserts the exact calls and arguments (entities built
with the real azure-ai-ml / azure-mgmt-* classes, responses deserialized from REST shapes),
and each method has a failure path that must end as the one-line `CloudError`. Sockets are
blocked: a client that escaped its patch would fail the test, not reach Azure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

pytest.importorskip("azure.ai.ml")
pytest.importorskip("azure.mgmt.dataprotection")

from azure.ai.ml.entities import (  # noqa: E402
    DataCollector,
    DeploymentCollection,
    ManagedOnlineDeployment,
    ManagedOnlineEndpoint,
    Model,
)
from azure.core.exceptions import (  # noqa: E402
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
)
from azure.identity import CredentialUnavailableError  # noqa: E402
from azure.mgmt.alertsmanagement import models as alerts_models  # noqa: E402
from azure.mgmt.dataprotection import models as dp  # noqa: E402
from azure.mgmt.monitor import models as monitor_models  # noqa: E402
from azure.storage.blob import BlobProperties, ContentSettings  # noqa: E402

from mlopskit.modules.day2.calls import Gateway  # noqa: E402
from mlopskit.modules.day2.errors import CloudError  # noqa: E402
from mlopskit.providers.azure import (
    names,  # noqa: E402
    ops as azure_ops,  # noqa: E402
)
from tests.ops.conftest import FakeClock  # noqa: E402
from tests.specs import stack  # noqa: E402

PREFIX = "credit-risk-prod"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
GROUP = names.resource_group(PREFIX)
WORKSPACE = names.workspace(PREFIX)
REGISTRY = names.ml_registry(PREFIX)
ENDPOINT = names.online_endpoint(PREFIX, "scoring")
VAULT = names.backup_vault(PREFIX)
INSTANCE = f"{PREFIX}-artifacts"
ACCOUNT = names.storage_account(PREFIX)
ACCOUNT_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.Storage/storageAccounts/{ACCOUNT}"
MODEL_REF = f"azureml://registries/{REGISTRY}/models/credit-risk/versions/3"


class Sdk:
    """The patched SDK entry points of one test; ``backend.api`` is the real `AzureMlSdk`."""

    def __init__(self, patches: dict[str, mock.MagicMock], clock: FakeClock) -> None:
        self.credential = patches["DefaultAzureCredential"].return_value
        self.MLClient = patches["MLClient"]
        self.DataProtectionMgmtClient = patches["DataProtectionMgmtClient"]
        self.ContainerClient = patches["ContainerClient"]
        self.MonitorManagementClient = patches["MonitorManagementClient"]
        self.AlertsManagementClient = patches["AlertsManagementClient"]
        self.ml = self.MLClient.return_value  # workspace and registry clients alike
        self.dp = self.DataProtectionMgmtClient.return_value
        self.container = self.ContainerClient.from_container_url.return_value
        self.clock = clock
        self.gateway = Gateway(azure_ops.classify, clock=clock)
        self.backend = azure_ops.AzureOps(stack(), self.gateway)

    @property
    def api(self) -> azure_ops.AzureMlSdk:
        return self.backend.api

    def read(self, operation: str, **params: Any) -> Any:
        """Through the Gateway, as the commands call it (retries, classification)."""
        return self.gateway.read("azureml", operation, getattr(self.api, operation), **params)


@pytest.fixture
def sdk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sdk]:
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    targets = {
        "DefaultAzureCredential": "azure.identity.DefaultAzureCredential",
        "MLClient": "azure.ai.ml.MLClient",
        "DataProtectionMgmtClient": "azure.mgmt.dataprotection.DataProtectionMgmtClient",
        "ContainerClient": "azure.storage.blob.ContainerClient",
        "MonitorManagementClient": "azure.mgmt.monitor.MonitorManagementClient",
        "AlertsManagementClient": "azure.mgmt.alertsmanagement.AlertsManagementClient",
    }
    patchers = {name: mock.patch(target) for name, target in targets.items()}
    started = {name: p.start() for name, p in patchers.items()}
    try:
        yield Sdk(started, FakeClock())
    finally:
        for p in patchers.values():
            p.stop()


def _fails(sdk: Sdk, operation: str, kind: str, message: str, **params: Any) -> None:
    with pytest.raises(CloudError) as raised:
        sdk.read(operation, **params)
    assert str(raised.value) == f"azureml.{operation}: {kind}: {message}"
    assert "\n" not in str(raised.value)


def _status(error: HttpResponseError, status: int) -> HttpResponseError:
    error.status_code = status  # what azure-core sets from the HTTP response
    return error


# -- credentials and clients ------------------------------------------------------------------


def test_the_workspace_client_is_built_once_for_the_stack(sdk: Sdk) -> None:
    sdk.ml.jobs.get.return_value = mock.Mock(status="Running")
    sdk.api.job_status("run-1")
    sdk.api.job_status("run-2")
    sdk.MLClient.assert_called_once_with(sdk.credential, SUBSCRIPTION, GROUP, WORKSPACE)


def test_a_missing_subscription_is_access_denied(sdk: Sdk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID")
    with pytest.raises(CloudError) as raised:
        sdk.read("job_status", name="r")
    assert str(raised.value) == "azure: access-denied: set AZURE_SUBSCRIPTION_ID (the subscription the stack is in)"
    sdk.MLClient.assert_not_called()


def test_no_credential_is_access_denied(sdk: Sdk) -> None:
    sdk.ml.jobs.get.side_effect = CredentialUnavailableError(message="DefaultAzureCredential failed to retrieve a token\n"
                                                                     "Attempted credentials: ...")
    # The credential chain's own text lists every source it tried; the user gets one line
    # saying how to provide credentials instead.
    _fails(sdk, "job_status", "access-denied", azure_ops.NO_AZURE_CREDENTIALS, name="r")


# -- training ---------------------------------------------------------------------------------


JOB = {"name": "train-xgb-20260101", "display_name": "train-xgb-20260101", "experiment_name": "train-xgb",
       "command": "python train.py --max_depth ${{inputs.max_depth}}", "inputs": {"max_depth": 6},
       "environment": "azureml:train-xgb-env@latest", "compute": "train-xgb", "instance_count": 2,
       "timeout_seconds": 10800, "identity": f"id-{PREFIX}-training", "tags": {"stack": PREFIX, "job": "train-xgb"}}


def test_submit_command_job_builds_the_command(sdk: Sdk) -> None:
    sdk.ml.jobs.create_or_update.side_effect = lambda job: job
    assert sdk.api.submit_command_job(JOB) == "train-xgb-20260101"
    (built,), kwargs = sdk.ml.jobs.create_or_update.call_args
    assert kwargs == {}
    assert (built.name, built.display_name, built.experiment_name, built.command, built.environment, built.compute) == (
        JOB["name"], JOB["display_name"], "train-xgb", JOB["command"], "azureml:train-xgb-env@latest", "train-xgb")
    assert built.inputs["max_depth"]._data == 6
    assert built.resources.instance_count == 2
    assert built.limits.timeout == 10800
    assert built.identity.resource_id == (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/"
                                          f"Microsoft.ManagedIdentity/userAssignedIdentities/id-{PREFIX}-training")
    assert built.tags == {"stack": PREFIX, "job": "train-xgb"}


def test_submit_command_job_quota_error_is_one_line(sdk: Sdk) -> None:
    sdk.ml.jobs.create_or_update.side_effect = HttpResponseError(
        message="(UserError) Not enough quota for Standard_NC6s_v3\nCode: UserError\nMessage: ...")
    with pytest.raises(CloudError) as raised:
        sdk.gateway.write("azureml", "submit_command_job", sdk.api.submit_command_job, job=JOB)
    assert str(raised.value) == "azureml.submit_command_job: failed: (UserError) Not enough quota for Standard_NC6s_v3"


def test_invoke_batch_endpoint_names_the_job_and_the_datastore_folders(sdk: Sdk) -> None:
    sdk.ml.batch_endpoints.invoke.return_value = mock.Mock()
    sdk.ml.batch_endpoints.invoke.return_value.name = "churn-prod-nightly-20260101"
    inp, out = "azureml://datastores/artifacts/paths/batch/in/", "azureml://datastores/artifacts/paths/batch/out/"
    assert sdk.api.invoke_batch_endpoint("ep", "churn-prod-nightly-20260101", inp, out) == "churn-prod-nightly-20260101"
    (), kwargs = sdk.ml.batch_endpoints.invoke.call_args
    assert (kwargs["endpoint_name"], kwargs["job_name"]) == ("ep", "churn-prod-nightly-20260101")
    assert (kwargs["inputs"]["input"].type, kwargs["inputs"]["input"].path) == ("uri_folder", inp)
    assert (kwargs["outputs"]["score"].type, kwargs["outputs"]["score"].path) == ("uri_folder", out)


def test_invoke_batch_endpoint_of_a_missing_endpoint_is_not_found(sdk: Sdk) -> None:
    sdk.ml.batch_endpoints.invoke.side_effect = ResourceNotFoundError(message="Batch endpoint ep not found")
    with pytest.raises(CloudError) as raised:
        sdk.gateway.write("azureml", "invoke_batch_endpoint", sdk.api.invoke_batch_endpoint, endpoint="ep",
                          job_name="j", input_path="i", output_path="o")
    assert str(raised.value) == "azureml.invoke_batch_endpoint: not-found: Batch endpoint ep not found"


def test_job_status(sdk: Sdk) -> None:
    sdk.ml.jobs.get.return_value = mock.Mock(status="Completed")
    assert sdk.api.job_status("run-1") == "Completed"
    sdk.ml.jobs.get.assert_called_once_with("run-1")


def test_job_status_of_an_unknown_run_is_not_found(sdk: Sdk) -> None:
    sdk.ml.jobs.get.side_effect = ResourceNotFoundError(message="Job run-9 not found")
    _fails(sdk, "job_status", "not-found", "Job run-9 not found", name="run-9")


# -- endpoints --------------------------------------------------------------------------------


def _endpoint() -> ManagedOnlineEndpoint:
    return ManagedOnlineEndpoint(name=ENDPOINT, traffic={"blue": 90, "green": 10}, mirror_traffic={"green": 5},
                                 tags={"mlopskit-previous-slot": "blue"})


def test_get_endpoint(sdk: Sdk) -> None:
    sdk.ml.online_endpoints.get.return_value = _endpoint()
    assert sdk.api.get_endpoint(ENDPOINT) == {"traffic": {"blue": 90, "green": 10}, "mirror_traffic": {"green": 5},
                                              "tags": {"mlopskit-previous-slot": "blue"}}
    sdk.ml.online_endpoints.get.assert_called_once_with(ENDPOINT)


def test_get_endpoint_missing_is_not_found(sdk: Sdk) -> None:
    sdk.ml.online_endpoints.get.side_effect = ResourceNotFoundError(message=f"Endpoint {ENDPOINT} not found")
    _fails(sdk, "get_endpoint", "not-found", f"Endpoint {ENDPOINT} not found", name=ENDPOINT)


def _collector(rate: float) -> DataCollector:
    return DataCollector(collections={s: DeploymentCollection(enabled="true") for s in ("model_inputs", "model_outputs")},
                         rolling_rate="Hour", sampling_rate=rate)


def test_list_deployments(sdk: Sdk) -> None:
    sdk.ml.online_deployments.list.return_value = iter([
        ManagedOnlineDeployment(name="blue", endpoint_name=ENDPOINT, model=MODEL_REF, instance_type="Standard_NC4as_T4_v3",
                                instance_count=2, data_collector=_collector(0.2), app_insights_enabled=True,
                                egress_public_network_access="Disabled"),
        ManagedOnlineDeployment(name="green", endpoint_name=ENDPOINT, model=MODEL_REF, instance_type="Standard_DS3_v2",
                                instance_count=1),
    ])
    assert sdk.api.list_deployments(ENDPOINT) == [
        {"name": "blue", "model": MODEL_REF, "instance_type": "Standard_NC4as_T4_v3", "instance_count": 2,
         "data_collector": {"enabled": True, "sampling_rate": 0.2}, "egress_public_network_access": "Disabled",
         "app_insights_enabled": True},
        {"name": "green", "model": MODEL_REF, "instance_type": "Standard_DS3_v2", "instance_count": 1,
         "data_collector": {"enabled": False, "sampling_rate": 1.0}, "egress_public_network_access": None,
         "app_insights_enabled": False},
    ]
    sdk.ml.online_deployments.list.assert_called_once_with(endpoint_name=ENDPOINT)


def test_list_deployments_denied(sdk: Sdk) -> None:
    sdk.ml.online_deployments.list.side_effect = ClientAuthenticationError(message="AuthorizationFailed: no read on workspace")
    _fails(sdk, "list_deployments", "access-denied", "AuthorizationFailed: no read on workspace", endpoint=ENDPOINT)


def test_create_deployment_keeps_the_live_slots_posture(sdk: Sdk) -> None:
    sdk.api.create_deployment(ENDPOINT, {
        "name": "green", "model": MODEL_REF, "instance_type": "Standard_NC4as_T4_v3", "instance_count": 2,
        "data_collector": {"enabled": True, "sampling_rate": 0.2}, "egress_public_network_access": "Disabled",
        "app_insights_enabled": True})
    (deployment,), _ = sdk.ml.online_deployments.begin_create_or_update.call_args
    assert isinstance(deployment, ManagedOnlineDeployment)
    assert (deployment.name, deployment.endpoint_name, deployment.model, deployment.instance_type,
            deployment.instance_count) == ("green", ENDPOINT, MODEL_REF, "Standard_NC4as_T4_v3", 2)
    assert (deployment.egress_public_network_access, deployment.app_insights_enabled) == ("Disabled", True)
    assert deployment.data_collector.sampling_rate == 0.2
    assert deployment.data_collector.rolling_rate == "Hour"
    assert {s: c.enabled for s, c in deployment.data_collector.collections.items()} == {
        "model_inputs": "true", "model_outputs": "true"}
    sdk.ml.online_deployments.begin_create_or_update.return_value.result.assert_called_once_with()


def test_create_deployment_without_capture(sdk: Sdk) -> None:
    sdk.api.create_deployment(ENDPOINT, {"name": "green", "model": MODEL_REF, "instance_type": "Standard_DS3_v2",
                                         "data_collector": {"enabled": False, "sampling_rate": 1.0}})
    (deployment,), _ = sdk.ml.online_deployments.begin_create_or_update.call_args
    assert (deployment.data_collector, deployment.instance_count) == (None, 1)


def test_create_deployment_failure_is_one_line(sdk: Sdk) -> None:
    sdk.ml.online_deployments.begin_create_or_update.return_value.result.side_effect = HttpResponseError(
        message="Deployment green failed: image pull error\nSee the logs")
    with pytest.raises(CloudError) as raised:
        sdk.gateway.write("azureml", "create_deployment", sdk.api.create_deployment, endpoint=ENDPOINT,
                          deployment={"name": "green", "model": MODEL_REF})
    assert str(raised.value) == "azureml.create_deployment: failed: Deployment green failed: image pull error"


def test_update_endpoint_sets_traffic_mirror_and_tags(sdk: Sdk) -> None:
    endpoint = _endpoint()
    sdk.ml.online_endpoints.get.return_value = endpoint
    sdk.api.update_endpoint(ENDPOINT, traffic={"blue": 0, "green": 100}, mirror_traffic={}, tags={"a": "b"})
    sdk.ml.online_endpoints.get.assert_called_once_with(ENDPOINT)
    sdk.ml.online_endpoints.begin_create_or_update.assert_called_once_with(endpoint)
    assert (endpoint.traffic, endpoint.mirror_traffic, endpoint.tags) == ({"blue": 0, "green": 100}, {}, {"a": "b"})
    sdk.ml.online_endpoints.begin_create_or_update.return_value.result.assert_called_once_with()


def test_update_endpoint_conflict_is_failed(sdk: Sdk) -> None:
    sdk.ml.online_endpoints.get.return_value = _endpoint()
    sdk.ml.online_endpoints.begin_create_or_update.side_effect = ResourceExistsError(
        message="Conflict: another operation is in progress on the endpoint")
    with pytest.raises(CloudError) as raised:
        sdk.gateway.write("azureml", "update_endpoint", sdk.api.update_endpoint, endpoint=ENDPOINT,
                          traffic={"blue": 100}, mirror_traffic={}, tags={})
    assert str(raised.value) == "azureml.update_endpoint: failed: Conflict: another operation is in progress on the endpoint"


def test_delete_deployment(sdk: Sdk) -> None:
    sdk.api.delete_deployment(ENDPOINT, "blue")
    sdk.ml.online_deployments.begin_delete.assert_called_once_with(name="blue", endpoint_name=ENDPOINT)
    sdk.ml.online_deployments.begin_delete.return_value.result.assert_called_once_with()


def test_delete_deployment_serving_traffic_is_failed(sdk: Sdk) -> None:
    sdk.ml.online_deployments.begin_delete.side_effect = _status(HttpResponseError(
        message="Deployment blue has traffic: set its traffic to 0 first"), 400)
    with pytest.raises(CloudError) as raised:
        sdk.gateway.write("azureml", "delete_deployment", sdk.api.delete_deployment, endpoint=ENDPOINT, name="blue")
    assert raised.value.kind == "failed" and raised.value.message == "Deployment blue has traffic: set its traffic to 0 first"


# -- monitoring -------------------------------------------------------------------------------


def test_autoscale_bounds(sdk: Sdk) -> None:
    setting = azure_ops.autoscale_setting(ENDPOINT, "blue")
    autoscale = sdk.MonitorManagementClient.return_value.autoscale_settings
    autoscale.get.return_value = monitor_models.AutoscaleSettingResource(
        location="westeurope", enabled=True, profiles=[monitor_models.AutoscaleProfile(
            name="default", capacity=monitor_models.ScaleCapacity(minimum="2", maximum="6", default="2"), rules=[])])
    assert sdk.api.autoscale_bounds(setting) == (2, 6)
    sdk.MonitorManagementClient.assert_called_once_with(sdk.credential, SUBSCRIPTION)
    autoscale.get.assert_called_once_with(GROUP, setting)


def test_autoscale_bounds_without_a_setting_are_unknown(sdk: Sdk) -> None:
    sdk.MonitorManagementClient.return_value.autoscale_settings.get.side_effect = ResourceNotFoundError(message="not found")
    assert sdk.api.autoscale_bounds("x-autoscale") is None


def test_autoscale_bounds_throttled_retries_then_fails(sdk: Sdk) -> None:
    sdk.MonitorManagementClient.return_value.autoscale_settings.get.side_effect = _status(
        HttpResponseError(message="Too many requests"), 429)
    _fails(sdk, "autoscale_bounds", "throttled", "Too many requests", setting="x-autoscale")
    assert sdk.clock.sleeps == [1.0, 2.0, 4.0, 8.0]


def _alert(rule: str) -> alerts_models.Alert:
    # As the service returns it: alertRule is read-only, so the alert is deserialized.
    return alerts_models.Alert.deserialize({"properties": {"essentials": {
        "alertRule": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.Insights/metricAlerts/{rule}",
        "monitorCondition": "Fired"}}})


def test_firing_alerts_keeps_the_endpoints_rules(sdk: Sdk) -> None:
    alerts = sdk.AlertsManagementClient.return_value.alerts
    alerts.get_all.return_value = iter([_alert(f"{ENDPOINT}-latency-p99"), _alert("someone-elses-rule")])
    rules = [f"{ENDPOINT}-latency-p99", f"{ENDPOINT}-error-rate"]
    assert sdk.api.firing_alerts(rules) == [f"{ENDPOINT}-latency-p99"]
    sdk.AlertsManagementClient.assert_called_once_with(sdk.credential, SUBSCRIPTION)
    alerts.get_all.assert_called_once_with(monitor_condition="Fired", target_resource_group=GROUP)


def test_firing_alerts_denied(sdk: Sdk) -> None:
    sdk.AlertsManagementClient.return_value.alerts.get_all.side_effect = _status(
        HttpResponseError(message="The client does not have authorization to perform action"), 403)
    _fails(sdk, "firing_alerts", "access-denied", "The client does not have authorization to perform action",
           rule_names=["r"])


# -- registry ---------------------------------------------------------------------------------


def test_model_version_reads_the_registry(sdk: Sdk) -> None:
    sdk.ml.models.get.return_value = Model(name="credit-risk", version="3", tags={"stage": "approved"})
    assert sdk.api.model_version("credit-risk", "3") == {"version": "3", "tags": {"stage": "approved"}}
    sdk.MLClient.assert_called_once_with(sdk.credential, registry_name=REGISTRY)
    sdk.ml.models.get.assert_called_once_with(name="credit-risk", version="3")


def test_model_version_missing_is_not_found(sdk: Sdk) -> None:
    sdk.ml.models.get.side_effect = ResourceNotFoundError(message="Model credit-risk:9 not found")
    _fails(sdk, "model_version", "not-found", "Model credit-risk:9 not found", package="credit-risk", version="9")


def test_tag_model(sdk: Sdk) -> None:
    model = Model(name="credit-risk", version="2", tags={"owner": "risk"})
    sdk.ml.models.get.return_value = model
    sdk.api.tag_model("credit-risk", "2", {"owner": "risk", "stage": "approved"})
    sdk.ml.models.create_or_update.assert_called_once_with(model)
    assert model.tags == {"owner": "risk", "stage": "approved"}


def test_tag_model_denied(sdk: Sdk) -> None:
    sdk.ml.models.get.return_value = Model(name="credit-risk", version="2")
    sdk.ml.models.create_or_update.side_effect = ClientAuthenticationError(message="no write on registry")
    with pytest.raises(CloudError) as raised:
        sdk.gateway.write("azureml", "tag_model", sdk.api.tag_model, package="credit-risk", version="2", tags={})
    assert str(raised.value) == "azureml.tag_model: access-denied: no write on registry"


# -- backups: the vaulted blob restore ----------------------------------------------------------


def _instance(containers: list[str]) -> dp.BackupInstanceResource:
    """The backup instance providers/azure/backups.py creates, as the service returns it."""
    datasource = {"objectType": "Datasource", "datasourceType": "Microsoft.Storage/storageAccounts/blobServices",
                  "resourceID": ACCOUNT_ID, "resourceUri": ACCOUNT_ID, "resourceLocation": "westeurope",
                  "resourceName": ACCOUNT, "resourceType": "Microsoft.Storage/storageAccounts"}
    return dp.BackupInstanceResource({"name": INSTANCE, "properties": {
        "objectType": "BackupInstance", "friendlyName": f"{PREFIX} artifacts", "dataSourceInfo": datasource,
        "dataSourceSetInfo": {**datasource, "objectType": "DatasourceSet"},
        "policyInfo": {"policyId": f"{VAULT}/backupPolicies/blob-daily-30d", "policyParameters": {
            "backupDatasourceParametersList": [{"objectType": "BlobBackupDatasourceParameters",
                                                "containersList": containers}]}}}})


def _point(point_id: str, time: str, state: str = "Completed") -> dp.AzureBackupRecoveryPointResource:
    return dp.AzureBackupRecoveryPointResource({"name": point_id, "properties": {
        "objectType": "AzureBackupDiscreteRecoveryPoint", "recoveryPointId": point_id, "recoveryPointTime": time,
        "recoveryPointType": "Full", "recoveryPointState": state,
        "recoveryPointDataStoresDetails": [{"type": "VaultStore"}]}})


def _job(status: str, error: str | None = None) -> dp.AzureBackupJobResource:
    properties: dict[str, Any] = {"status": status, "operation": "Restore", "operationCategory": "Restore"}
    if error:
        properties["errorDetails"] = [{"code": "UserErrorContainerAlreadyExists", "message": error}]
    return dp.AzureBackupJobResource({"name": "5f0f8c2e-1111-2222-3333-444455556666", "properties": properties})


def _vault(sdk: Sdk, containers: list[str] | None = None, points: list[Any] | None = None,
           jobs: list[str] | None = None) -> mock.MagicMock:
    client = sdk.dp
    client.backup_instances.get.return_value = _instance(containers or ["artifacts"])
    client.recovery_points.list.return_value = iter(points if points is not None else [
        _point("rp-old", "2026-01-01T02:00:00Z"), _point("rp-new", "2026-01-03T02:00:00Z"),
        _point("rp-partial", "2026-01-04T02:00:00Z", state="Partial")])
    client.backup_instances.begin_trigger_restore.return_value.result.return_value = dp.OperationJobExtendedInfo(
        {"objectType": "OperationJobExtendedInfo",
         "jobId": f"{ACCOUNT_ID}/../backupVaults/{VAULT}/backupJobs/5f0f8c2e-1111-2222-3333-444455556666"})
    client.jobs.get.side_effect = [_job(s) for s in (jobs or ["InProgress", "InProgress", "Completed"])]
    return client


def test_restore_artifacts_restores_the_newest_point_into_a_scratch_container(sdk: Sdk) -> None:
    client = _vault(sdk)
    assert sdk.api.restore_artifacts(VAULT, INSTANCE, "restore-check-1790000000") == "rp-new"
    sdk.DataProtectionMgmtClient.assert_called_once_with(sdk.credential, SUBSCRIPTION)
    client.backup_instances.get.assert_called_once_with(GROUP, VAULT, INSTANCE)
    client.recovery_points.list.assert_called_once_with(GROUP, VAULT, INSTANCE)
    (group, vault, instance, request), kwargs = client.backup_instances.begin_trigger_restore.call_args
    assert (group, vault, instance, kwargs) == (GROUP, VAULT, INSTANCE, {})
    assert isinstance(request, dp.AzureBackupRecoveryPointBasedRestoreRequest)
    assert request.as_dict() == {
        "objectType": "AzureBackupRecoveryPointBasedRestoreRequest",
        "recoveryPointId": "rp-new",
        "sourceDataStoreType": "VaultStore",
        "sourceResourceId": ACCOUNT_ID,
        "restoreTargetInfo": {
            "objectType": "ItemLevelRestoreTargetInfo",
            "recoveryOption": "FailIfExists",
            "restoreLocation": "westeurope",
            "datasourceInfo": _instance(["artifacts"]).properties.data_source_info.as_dict(),
            "restoreCriteria": [{"objectType": "ItemPathBasedRestoreCriteria", "itemPath": "artifacts",
                                 "isPathRelativeToBackupItem": True, "renameTo": "restore-check-1790000000"}],
        },
    }
    assert client.jobs.get.call_args_list == [mock.call(GROUP, VAULT, "5f0f8c2e-1111-2222-3333-444455556666")] * 3
    assert sdk.clock.sleeps == [azure_ops.RESTORE_POLL_SECONDS] * 2


def test_a_failed_restore_job_is_one_line(sdk: Sdk) -> None:
    client = _vault(sdk, jobs=["InProgress"])
    client.jobs.get.side_effect = [_job("InProgress"), _job("Failed", "Container restore-check-1 already exists.\nRetry")]
    with pytest.raises(CloudError) as raised:
        sdk.gateway.write("azureml", "restore_artifacts", sdk.api.restore_artifacts, vault=VAULT, instance=INSTANCE,
                          target_container="restore-check-1")
    assert str(raised.value) == ("dataprotection.jobs.get: failed: restore job 5f0f8c2e-1111-2222-3333-444455556666 "
                                 "Failed: Container restore-check-1 already exists.")


def test_a_restore_job_that_never_ends_times_out(sdk: Sdk) -> None:
    client = _vault(sdk)
    client.jobs.get.side_effect = None
    client.jobs.get.return_value = _job("InProgress")
    with pytest.raises(CloudError) as raised:
        sdk.api.restore_artifacts(VAULT, INSTANCE, "restore-check-1")
    assert raised.value.message.startswith("restore job 5f0f8c2e-1111-2222-3333-444455556666 still InProgress after 6 h")
    assert sum(sdk.clock.sleeps) == azure_ops.RESTORE_TIMEOUT_SECONDS


def test_restore_without_a_completed_recovery_point_is_not_found(sdk: Sdk) -> None:
    client = _vault(sdk, points=[_point("rp-partial", "2026-01-04T02:00:00Z", state="Partial")])
    with pytest.raises(CloudError) as raised:
        sdk.api.restore_artifacts(VAULT, INSTANCE, "restore-check-1")
    assert str(raised.value) == (f"dataprotection.recovery_points.list: not-found: {VAULT}/{INSTANCE} "
                                 "has no completed recovery point yet")
    client.backup_instances.begin_trigger_restore.assert_not_called()


def test_restore_of_an_instance_without_the_artifacts_container_is_not_found(sdk: Sdk) -> None:
    client = _vault(sdk, containers=["data-capture"])
    with pytest.raises(CloudError) as raised:
        sdk.api.restore_artifacts(VAULT, INSTANCE, "restore-check-1")
    assert raised.value.kind == "not-found" and "does not back up container artifacts" in raised.value.message
    client.backup_instances.begin_trigger_restore.assert_not_called()


def test_restore_of_a_missing_instance_is_not_found(sdk: Sdk) -> None:
    sdk.dp.backup_instances.get.side_effect = ResourceNotFoundError(message=f"BackupInstance {INSTANCE} not found")
    with pytest.raises(CloudError) as raised:
        sdk.gateway.write("azureml", "restore_artifacts", sdk.api.restore_artifacts, vault=VAULT, instance=INSTANCE,
                          target_container="restore-check-1")
    assert str(raised.value) == f"azureml.restore_artifacts: not-found: BackupInstance {INSTANCE} not found"


def test_a_rejected_restore_request_is_failed(sdk: Sdk) -> None:
    client = _vault(sdk)
    client.backup_instances.begin_trigger_restore.side_effect = _status(HttpResponseError(
        message="(UserErrorMissingRequiredPermissions) The vault's identity lacks permissions\nTarget: ..."), 400)
    with pytest.raises(CloudError) as raised:
        sdk.gateway.write("azureml", "restore_artifacts", sdk.api.restore_artifacts, vault=VAULT, instance=INSTANCE,
                          target_container="restore-check-1")
    assert str(raised.value) == ("azureml.restore_artifacts: failed: (UserErrorMissingRequiredPermissions) "
                                 "The vault's identity lacks permissions")


# -- backups: blobs ---------------------------------------------------------------------------


def _blob(name: str, md5: bytes | None) -> BlobProperties:
    blob = BlobProperties(name=name)
    blob.content_settings = ContentSettings(content_md5=bytearray(md5) if md5 is not None else None)
    return blob


def test_blob_checksums(sdk: Sdk) -> None:
    import hashlib

    sdk.container.list_blobs.return_value = iter([_blob("data/train.csv", b"\x01\xab"), _blob("models/m.bin", None)])
    # a blob uploaded in blocks has no Content-MD5: it is downloaded and hashed, never ""
    sdk.container.download_blob.return_value.chunks.return_value = iter([b"weights-", b"part-2"])
    assert sdk.api.blob_checksums("artifacts", "") == {
        "data/train.csv": "01ab", "models/m.bin": hashlib.md5(b"weights-part-2").hexdigest()}
    sdk.container.download_blob.assert_called_once_with("models/m.bin")
    sdk.ContainerClient.from_container_url.assert_called_once_with(
        f"https://{ACCOUNT}.blob.core.windows.net/artifacts", credential=sdk.credential)
    sdk.container.list_blobs.assert_called_once_with(name_starts_with=None)


def test_blob_checksums_of_a_missing_container_is_not_found(sdk: Sdk) -> None:
    sdk.container.list_blobs.side_effect = ResourceNotFoundError(message="The specified container does not exist.")
    _fails(sdk, "blob_checksums", "not-found", "The specified container does not exist.", container="x", prefix="")


def test_delete_blobs_with_no_prefix_deletes_the_container(sdk: Sdk) -> None:
    sdk.api.delete_blobs("restore-check-1", "")
    sdk.ContainerClient.from_container_url.assert_called_once_with(
        f"https://{ACCOUNT}.blob.core.windows.net/restore-check-1", credential=sdk.credential)
    sdk.container.delete_container.assert_called_once_with()
    sdk.container.delete_blob.assert_not_called()


def test_delete_blobs_under_a_prefix(sdk: Sdk) -> None:
    sdk.container.list_blobs.return_value = iter([_blob("tmp/a", None), _blob("tmp/b", None)])
    sdk.api.delete_blobs("artifacts", "tmp/")
    sdk.container.list_blobs.assert_called_once_with(name_starts_with="tmp/")
    assert sdk.container.delete_blob.call_args_list == [mock.call("tmp/a"), mock.call("tmp/b")]
    sdk.container.delete_container.assert_not_called()


def test_delete_blobs_denied(sdk: Sdk) -> None:
    sdk.container.delete_container.side_effect = _status(HttpResponseError(
        message="This request is not authorized to perform this operation."), 403)
    with pytest.raises(CloudError) as raised:
        sdk.gateway.write("azureml", "delete_blobs", sdk.api.delete_blobs, container="restore-check-1", prefix="")
    assert str(raised.value) == ("azureml.delete_blobs: access-denied: "
                                 "This request is not authorized to perform this operation.")


def test_restore_latest_backup_end_to_end(sdk: Sdk) -> None:
    """AzureOps over the real AzureMlSdk: restore, compare both containers, delete the scratch one."""
    _vault(sdk)
    scratch = f"restore-check-{int(sdk.clock.now())}"
    containers = {"artifacts": mock.MagicMock(), scratch: mock.MagicMock()}
    containers["artifacts"].list_blobs.return_value = iter([_blob("data/train.csv", b"\xaa")])
    containers[scratch].list_blobs.return_value = iter([_blob("data/train.csv", b"\xaa")])
    sdk.ContainerClient.from_container_url.side_effect = lambda url, credential: containers[url.rsplit("/", 1)[1]]
    described, source, restored = sdk.backend.restore_latest_backup()
    assert described == f"{VAULT}/{INSTANCE} recovery point rp-new -> {ACCOUNT}/{scratch}"
    assert source == restored == {"data/train.csv": "aa"}
    request = sdk.dp.backup_instances.begin_trigger_restore.call_args.args[3]
    assert request.restore_target_info.restore_criteria[0].rename_to == scratch
    containers[scratch].delete_container.assert_called_once_with()
    containers["artifacts"].delete_container.assert_not_called()
