"""Online endpoints: traffic for rollouts, mirror traffic for shadow, capture, autoscale, alerts."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azure_native as azure_native
import pytest

from mlopskit.engine import run_program
from mlopskit.modules import parse_stack
from mlopskit.providers.azure import AzureProvider
from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.endpoint import (
    EndpointArgs,
    OnlineEndpoint,
    ServedModel,
    rollout_steps,
)
from tests.azure.helpers import DEV, PROD, all_of, graph_of, graph_with, one, warned
from tests.conftest import STACKS
from tests.specs import baseline, change


def test_endpoint_is_private_with_entra_id_auth_and_the_serving_identity() -> None:
    graph = graph_of(PROD)
    endpoint = one(graph, ":machinelearningservices:OnlineEndpoint", "scoring").inputs
    assert endpoint["endpointName"] == endpoint["endpointName"][:32]
    assert endpoint["properties"]["authMode"] == "AADToken"
    assert endpoint["properties"]["publicNetworkAccess"] == "Disabled"
    serving = one(graph, ":managedidentity:UserAssignedIdentity", "identity-serving")
    assert endpoint["identity"]["userAssignedIdentities"] == [serving.outputs["id"]]


def test_first_deployment_takes_all_traffic_and_the_plan_is_recorded() -> None:
    graph = graph_of(PROD)
    endpoint = one(graph, ":machinelearningservices:OnlineEndpoint", "scoring").inputs
    assert endpoint["properties"]["traffic"] == {"blue": 100}
    tags = endpoint["tags"]
    assert tags["mlopskit-strategy"] == "canary"
    assert tags["mlopskit-canary-percent"] == "10"
    assert tags["mlopskit-rollout-steps"] == "10,100"
    assert tags["mlopskit-wait-minutes"] == "10"
    assert tags["mlopskit-auto-rollback"] == "true"
    rollout = graph.outputs["endpoints"]["scoring"]["rollout"]
    assert rollout["strategy"] == "canary" and rollout["steps"] == [10, 100]


def test_deployment_serves_the_resolved_model_on_the_resolved_size() -> None:
    deployment = one(graph_of(PROD), ":machinelearningservices:OnlineDeployment", "scoring").inputs
    assert deployment["deploymentName"] == "blue"
    props = deployment["properties"]
    assert props["endpointComputeType"] == "Managed"
    assert props["instanceType"] == "Standard_NC4as_T4_v3"
    assert props["model"] == "azureml://registries/mlr-credit-risk-prod/models/credit-risk/versions/7"
    assert props["egressPublicNetworkAccess"] == "Disabled"
    assert deployment["sku"]["capacity"] == 2


def test_generic_endpoint_compute_resolves() -> None:
    deployment = one(graph_of(PROD), ":machinelearningservices:OnlineDeployment", "challenger")
    assert deployment.inputs["properties"]["instanceType"] == "Standard_D4a_v4"


def test_data_capture_samples_the_requested_share() -> None:
    graph = graph_of(PROD)
    collector = one(graph, ":machinelearningservices:OnlineDeployment", "scoring").inputs["properties"]["dataCollector"]
    assert collector["collections"]["model_inputs"] == {"dataCollectionMode": "Enabled", "samplingRate": 0.2}
    assert collector["collections"]["model_outputs"]["samplingRate"] == 0.2
    challenger = one(graph, ":machinelearningservices:OnlineDeployment", "challenger").inputs["properties"]
    assert "dataCollector" not in challenger


def test_linear_rollout_steps() -> None:
    endpoint = one(graph_of(DEV), ":machinelearningservices:OnlineEndpoint").inputs
    assert endpoint["tags"]["mlopskit-rollout-steps"] == "25,50,75,100"
    assert endpoint["tags"]["mlopskit-linear-step-percent"] == "25"


def test_shadow_records_the_mirror_share() -> None:
    endpoint = one(graph_of(PROD), ":machinelearningservices:OnlineEndpoint", "challenger").inputs
    assert endpoint["tags"]["mlopskit-mirror-percent"] == "20"
    assert endpoint["properties"]["traffic"] == {"blue": 100}


def test_mirror_above_fifty_percent_is_a_check_error_and_a_capped_warning() -> None:
    data = change(baseline(PROD), "endpoints[1].deployment.mirrorPercent", 80)
    stack = parse_stack(data, base_dir=STACKS)
    issues = AzureProvider().check(stack)
    assert [i.path for i in issues] == ["endpoints[1].deployment.mirrorPercent"]
    graph = graph_with(PROD, **{"endpoints[1].deployment.mirrorPercent": 80})
    assert "at most 50%" in warned(graph, "endpoints[1].deployment.mirrorPercent")[0]
    endpoint = one(graph, ":machinelearningservices:OnlineEndpoint", "challenger").inputs
    assert endpoint["tags"]["mlopskit-mirror-percent"] == "50"


def test_wait_and_auto_rollback_are_reported() -> None:
    graph = graph_of(PROD)
    assert "does not shift traffic on a timer" in warned(graph, "endpoints[0].deployment.waitMinutes")[0]
    assert "no automatic rollback" in warned(graph, "endpoints[0].deployment.autoRollback")[0]
    assert graph.outputs["endpoints"]["scoring"]["alertRules"] == {
        "latency": f"{graph.outputs['endpoints']['scoring']['endpointName']}-latency-p99",
        "errors": f"{graph.outputs['endpoints']['scoring']['endpointName']}-error-rate",
    }


@pytest.mark.parametrize(
    ("strategy", "extra", "traffic", "mirror"),
    [
        ("canary", {"canary_percent": 10}, {"blue": 90, "green": 10}, None),
        ("linear", {"linear_step_percent": 20}, {"blue": 80, "green": 20}, None),
        ("blue-green", {}, {"blue": 100, "green": 0}, None),
        ("shadow", {"mirror_percent": 20}, {"blue": 100, "green": 0}, {"green": 20}),
        ("all-at-once", {}, {"blue": 0, "green": 100}, None),
    ],
)
def test_a_candidate_model_gets_the_first_step_of_the_rollout(
    strategy: str, extra: dict[str, Any], traffic: dict[str, int], mirror: dict[str, int] | None,
) -> None:
    stack = parse_stack(baseline(PROD), base_dir=STACKS)
    spec = stack.endpoints[0].model_copy(update={
        "deployment": stack.endpoints[0].deployment.model_copy(update={"strategy": strategy, **extra}),
    })
    provider = AzureProvider()

    def program() -> None:
        azure = azure_native.Provider("test-azure", location="westeurope")
        ctx = AzureContext(
            stack=stack, placement=stack.placement.azure, provider=azure,  # type: ignore[arg-type]
            subscription_id=pulumi.Output.from_input("sub"), tenant_id=pulumi.Output.from_input("tenant"),
            resource_group_name=pulumi.Output.from_input("rg-test"),
        )
        OnlineEndpoint("ep", EndpointArgs(
            endpoint=spec, path="endpoints[0]", endpoint_name="ep-test", vm_size="Standard_D4s_v3", private=True,
            workspace_name="mlw-test", identity_id="/id/serving",
            current=ServedModel(model="azureml://registries/r/models/m/versions/6", version=6),
            candidate=ServedModel(model="azureml://registries/r/models/m/versions/7", version=7),
        ), ctx, opts=ctx.opts())

    monitor = run_program(provider, "rollout-test", program)
    records = list(monitor.records.values())
    endpoint = next(r for r in records if r.type.endswith(":OnlineEndpoint"))
    assert endpoint.inputs["properties"]["traffic"] == traffic
    assert endpoint.inputs["properties"].get("mirrorTraffic") == mirror
    deployments = {r.inputs["deploymentName"]: r.inputs["properties"]["model"] for r in records if r.type.endswith(":OnlineDeployment")}
    assert deployments == {"blue": "azureml://registries/r/models/m/versions/6", "green": "azureml://registries/r/models/m/versions/7"}
    assert rollout_steps(spec)[-1] in (0, 100)


def test_autoscale_targets_the_deployment_with_min_max_and_requests_per_instance() -> None:
    graph = graph_of(PROD)
    deployment = one(graph, ":machinelearningservices:OnlineDeployment", "scoring")
    setting = one(graph, ":monitor:AutoscaleSetting", "scoring").inputs
    assert setting["targetResourceUri"] == deployment.outputs["id"]
    profile = setting["profiles"][0]
    assert profile["capacity"] == {"minimum": "2", "maximum": "6", "default": "2"}
    out, scale_in = profile["rules"]
    assert out["metricTrigger"]["metricName"] == "RequestsPerMinute"
    assert out["metricTrigger"]["dividePerInstance"] is True
    assert out["metricTrigger"]["threshold"] == 100
    assert out["scaleAction"]["direction"] == "Increase"
    assert scale_in["scaleAction"]["direction"] == "Decrease"
    assert scale_in["metricTrigger"]["threshold"] == 50
    challenger = one(graph, ":monitor:AutoscaleSetting", "challenger").inputs["profiles"][0]
    assert challenger["capacity"]["maximum"] == "4"
    assert challenger["rules"][0]["metricTrigger"]["threshold"] == 200


def test_alerts_fire_on_the_spec_thresholds_and_notify_by_email() -> None:
    graph = graph_of(PROD)
    endpoint = one(graph, ":machinelearningservices:OnlineEndpoint", "scoring")
    latency = one(graph, ":monitor:MetricAlert", "monitoring-scoring").inputs
    assert latency["scopes"] == [endpoint.outputs["id"]]
    criterion = latency["criteria"]["allOf"][0]
    assert criterion["metricName"] == "RequestLatency_P99"
    assert criterion["threshold"] == 500
    errors = one(graph, ":monitor:ScheduledQueryRule", "scoring").inputs
    condition = errors["criteria"]["allOf"][0]
    assert condition["threshold"] == 1
    assert condition["metricMeasureColumn"] == "errorRatePercent"
    assert endpoint.inputs["endpointName"] in condition["query"]
    group = one(graph, ":monitor:ActionGroup", "scoring")
    assert [r["emailAddress"] for r in group.inputs["emailReceivers"]] == ["ml-oncall@example.com"]
    assert latency["actions"] == [{"actionGroupId": group.outputs["id"]}]
    assert errors["actions"]["actionGroups"] == [group.outputs["id"]]
    challenger = one(graph, ":monitor:ScheduledQueryRule", "challenger").inputs
    assert challenger["criteria"]["allOf"][0]["threshold"] == 2
    # The challenger sets no latency alarm, so it has no metric alert (the others are the kit monitor job's).
    assert len([r for r in all_of(graph, ":monitor:MetricAlert") if "-monitoring-" in r.name]) == 1


def test_drift_monitor_schedule() -> None:
    # Azure ML model monitoring only with monitoring.engine: managed, on a workspace that is not private.
    graph = graph_with(PROD, **{"network.private": False, "endpoints[0].monitoring.engine": "managed"})
    drift = one(graph, ":machinelearningservices:Schedule", "drift").inputs["properties"]
    assert drift["trigger"]["frequency"] == "Day"
    monitor = drift["action"]["monitorDefinition"]
    assert drift["action"]["actionType"] == "CreateMonitor"
    signal = monitor["signals"]["data-drift"]
    assert signal["signalType"] == "DataDrift"
    assert signal["productionData"]["uri"].endswith("-blue-model_inputs:1")
    assert monitor["alertNotificationSettings"]["emailNotificationSettings"]["emails"] == ["ml-oncall@example.com"]
    hourly = graph_with(PROD, **{"network.private": False, "endpoints[0].monitoring.engine": "managed",
                                 "endpoints[0].monitoring.drift.schedule": "hourly"})
    assert one(hourly, ":machinelearningservices:Schedule", "drift").inputs["properties"]["trigger"]["frequency"] == "Hour"


class _TwoVersionProvider(AzureProvider):
    """Day-2 tooling's view: version 6 is live and version 7 was just approved."""

    def offline_registry(self, stack):  # type: ignore[no-untyped-def, override]
        from contextlib import contextmanager

        from mlopskit.providers.azure.model_registry import (
            AzureModelRegistry,
            InMemoryModelClient,
        )

        @contextmanager
        def seeded():  # type: ignore[no-untyped-def]
            client = InMemoryModelClient()
            client.register("credit-risk", 6)
            client.register("credit-risk", 7)
            yield AzureModelRegistry(client, "mlr-credit-risk-prod", "manual", offline=True)

        return seeded()


def test_live_version_from_day2_tooling_starts_the_canary_and_the_shadow() -> None:
    from mlopskit.engine import preview

    graph = preview(parse_stack(baseline(PROD), base_dir=STACKS), "azure", provider=_TwoVersionProvider(live_versions={"scoring": 6, "challenger": 6}))
    scoring = one(graph, ":machinelearningservices:OnlineEndpoint", "scoring").inputs["properties"]
    assert scoring["traffic"] == {"blue": 90, "green": 10}
    challenger = one(graph, ":machinelearningservices:OnlineEndpoint", "challenger").inputs["properties"]
    assert challenger["traffic"] == {"blue": 100, "green": 0}
    assert challenger["mirrorTraffic"] == {"green": 20}
    models = {
        (d.name.rsplit("-", 1)[1], d.inputs["endpointName"][-6:]): d.inputs["properties"]["model"].rsplit("/", 1)[1]
        for d in all_of(graph, ":machinelearningservices:OnlineDeployment")
    }
    assert sorted(models.values()) == ["6", "6", "7", "7"]
    assert len(all_of(graph, ":monitor:AutoscaleSetting")) == 4
    # The live slot's autoscale keeps its name: starting a rollout replaces nothing.
    assert {a.name for a in all_of(graph_of(PROD), ":monitor:AutoscaleSetting")} <= {a.name for a in all_of(graph, ":monitor:AutoscaleSetting")}
