"""Small specs: secure defaults, optional sections left out, other model sources."""

from __future__ import annotations

from typing import Any

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.providers.azure import AzureProvider
from tests.azure.helpers import DEV, all_of, graph_of, graph_with, one, warned
from tests.conftest import STACKS


def _minimal(**extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "mlopskit/v1",
        "kind": "Stack",
        "metadata": {
            "name": "tiny", "environment": "staging", "owner": "a@example.com",
            "costCenter": "cc-1", "dataClassification": "restricted",
        },
        "placement": {"azure": {"location": "westeurope"}},
        **extra,
    }


def test_minimal_spec_gets_the_secure_defaults() -> None:
    graph = preview(parse_stack(_minimal(), base_dir=STACKS), "azure")
    assert one(graph, ":machinelearningservices:Workspace").inputs["publicNetworkAccess"] == "Disabled"
    assert one(graph, ":machinelearningservices:Workspace").inputs["hbiWorkspace"] is True
    assert one(graph, ":storage:StorageAccount").inputs["encryption"]["keySource"] == "Microsoft.Keyvault"
    assert one(graph, ":keyvault:Key").inputs["properties"]["rotationPolicy"]["lifetimeActions"][0]["trigger"]["timeAfterCreate"] == "P90D"
    assert len(all_of(graph, ":monitor:DiagnosticSetting")) == 4
    for absent in (":consumption:Budget", ":dataprotection:BackupVault", ":machinelearningservices:OnlineEndpoint",
                   ":machinelearningservices:Compute"):
        assert all_of(graph, absent) == []
    assert [r.name for r in graph if r.protect] == []  # staging is not prod


def test_a_spec_without_azure_placement_is_rejected_by_check() -> None:
    data = _minimal(placement={"aws": {"region": "eu-west-1"}})
    issues = AzureProvider().check(parse_stack(data, base_dir=STACKS))
    assert [i.path for i in issues] == ["placement.azure"]


def test_https_artifact_is_served_from_its_uri() -> None:
    graph = graph_with(DEV, **{
        "endpoints[0].model": {
            "source": "artifact", "image": "acme.azurecr.io/fraud-serve:1.4.0",
            "artifactUri": "https://acme.blob.core.windows.net/models/detector.tar.gz",
        },
    })
    deployment = one(graph, ":machinelearningservices:OnlineDeployment").inputs["properties"]
    assert deployment["model"] == "https://acme.blob.core.windows.net/models/detector.tar.gz"
    assert warned(graph, "endpoints[0].model.image") == []
    assert warned(graph, "endpoints[0].model.artifactUri") == []


def test_endpoint_without_recipients_has_alerts_but_no_action_group() -> None:
    graph = graph_of(DEV)
    assert all_of(graph, ":monitor:ActionGroup") == []
    rule = one(graph, ":monitor:ScheduledQueryRule").inputs
    assert rule["criteria"]["allOf"][0]["threshold"] == 1  # the default errorRatePercent
    assert rule["actions"] == {"actionGroups": []}
