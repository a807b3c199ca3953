"""Training: compute cluster scaling to zero, CommandJob, cron schedule; VM size resolution."""

from __future__ import annotations

import pytest

from mlopskit.modules import Compute
from mlopskit.providers.azure import AzureProvider, images
from mlopskit.providers.catalog.resolver import resolve
from tests.azure.helpers import DEV, PROD, all_of, graph_of, graph_with, one
from tests.specs import stack


@pytest.mark.parametrize(
    ("compute", "size"),
    [
        ({"cpu": 4, "memoryGiB": 16, "gpu": {"type": "T4"}}, "Standard_NC4as_T4_v3"),
        ({"cpu": 4, "memoryGiB": 16, "gpu": {"type": "V100"}}, "Standard_NC6s_v3"),
        ({"cpu": 8, "memoryGiB": 64, "gpu": {"type": "A100"}}, "Standard_NC24ads_A100_v4"),
        ({"cpu": 4, "memoryGiB": 16}, "Standard_D4a_v4"),
        ({"cpu": 2, "memoryGiB": 4, "instanceType": {"azure": "Standard_E8s_v3"}}, "Standard_E8s_v3"),
    ],
)
def test_generic_compute_resolves_to_azure_vm_sizes(compute: dict, size: str) -> None:
    assert resolve("azure", Compute.model_validate(compute)).instance.name == size


def test_cluster_scales_to_zero_on_low_priority_nodes() -> None:
    cluster = one(graph_of(PROD), ":machinelearningservices:Compute", "training-")
    assert cluster.inputs["computeName"] == "train-xgb"
    props = cluster.inputs["properties"]
    assert props["computeType"] == "AmlCompute"
    assert props["disableLocalAuth"] is True
    inner = props["properties"]
    assert inner["vmSize"] == "Standard_D4a_v4"
    assert inner["vmPriority"] == "LowPriority"
    assert inner["scaleSettings"]["minNodeCount"] == 0
    assert inner["scaleSettings"]["maxNodeCount"] == 1
    assert inner["enableNodePublicIp"] is False


def test_dedicated_nodes_without_spot() -> None:
    cluster = one(graph_of(DEV), ":machinelearningservices:Compute", "training-")
    assert cluster.inputs["properties"]["properties"]["vmPriority"] == "Dedicated"
    assert cluster.inputs["properties"]["properties"]["vmSize"] == "Standard_D8a_v4"


def test_scheduled_training_is_a_cron_schedule_with_a_command_job() -> None:
    graph = graph_of(PROD)
    schedule = one(graph, ":machinelearningservices:Schedule", "train-xgb")
    props = schedule.inputs["properties"]
    assert props["trigger"] == {"triggerType": "Cron", "expression": "0 3 * * 1", "timeZone": "UTC"}
    job = props["action"]["jobDefinition"]
    assert props["action"]["actionType"] == "CreateJob"
    assert job["jobType"] == "Command"
    assert job["command"] == "python train.py --max_depth ${{inputs.max_depth}}"
    assert job["inputs"]["max_depth"] == {"jobInputType": "literal", "value": "6"}
    assert job["limits"] == {"jobLimitsType": "Command", "timeout": "PT180M"}
    assert job["resources"]["instanceCount"] == 1
    cluster = one(graph, ":machinelearningservices:Compute", "training-")
    assert job["computeId"] == cluster.outputs["id"]
    identity = one(graph, ":managedidentity:UserAssignedIdentity", "identity-training")
    assert job["identity"]["resourceId"] == identity.outputs["id"]
    assert all_of(graph, ":machinelearningservices:Job") == []


def test_framework_image_becomes_an_environment_with_the_framework() -> None:
    environment = one(graph_of(PROD), ":machinelearningservices:EnvironmentVersion", "train-xgb")
    props = environment.inputs["properties"]
    assert props["image"].startswith("mcr.microsoft.com/azureml/")
    assert "xgboost==1.7.*" in props["condaFile"]


def test_unscheduled_training_is_a_one_off_job_with_the_image_uri() -> None:
    graph = graph_of(DEV)
    job = one(graph, ":machinelearningservices:Job")
    assert job.inputs["properties"]["command"] == "python train.py"
    environment = one(graph, ":machinelearningservices:EnvironmentVersion", "training")
    # {repository: fraud-train, tag: 1.4.0} is pulled from the stack's own registry: nothing to warn about.
    assert environment.inputs["properties"]["image"] == f"{images.login_server('fraud-dev')}/fraud-train:1.4.0"
    assert not [w for w in graph.warnings if w.path.startswith("training[0].image")]


def test_count_and_runtime_follow_the_spec() -> None:
    graph = graph_with(PROD, **{"training[0].compute.count": 4, "training[0].maxRuntimeMinutes": 30})
    cluster = one(graph, ":machinelearningservices:Compute", "training-")
    assert cluster.inputs["properties"]["properties"]["scaleSettings"]["maxNodeCount"] == 4
    job = one(graph, ":machinelearningservices:Schedule", "train-xgb").inputs["properties"]["action"]["jobDefinition"]
    assert job["limits"]["timeout"] == "PT30M"
    assert job["resources"]["instanceCount"] == 4


def test_unresolvable_gpu_is_a_check_error() -> None:
    s = stack(**{"training[0].compute": {"cpu": 4, "memoryGiB": 16, "gpu": {"type": "A10G"}}})
    issues = AzureProvider().check(s)
    assert [i.path for i in issues] == ["training[0].compute.gpu.type"]
