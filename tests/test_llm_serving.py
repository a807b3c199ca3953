"""LLM serving (issue 18 item 4): a model size picks a type whose GPUs hold it, per-GPU memory
is a hard constraint, nothing fitting is exit 2 at the field, and large models get longer
start-up limits. The bundled stacks/llm-serving.yaml previews on the three clouds.

Budget: three mocked previews of a one-endpoint spec plus a few validations, ~15 s of CPU.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlopskit.cli import main
from mlopskit.engine import preview
from mlopskit.modules.graph import Graph
from mlopskit.providers.catalog.resolver import lookup, model_memory_gib
from tests.conftest import STACKS, placed_targets
from tests.specs import baseline, change, stack

SPEC = "llm-serving.yaml"
PLACED = placed_targets(STACKS / SPEC)  # the targets the example places (a cluster would need a GPU model named)
SIZE_GIB = 26  # 13B parameters at fp16


@cache
def _graph(cloud: str) -> Graph:
    return preview(stack(SPEC), cloud)  # type: ignore[arg-type]


def _served_type(cloud: str) -> str:
    g = _graph(cloud)
    if cloud == "aws":
        config = g.of_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration")[0]
        return str(config.inputs["productionVariants"][0]["instanceType"])
    if cloud == "gcp":
        deployed = [r for r in g.of_type("pulumi-python:dynamic:Resource") if r.inputs.get("kind") == "vertex-deployed-model"]
        return str(deployed[0].inputs["machineType"])
    return str(g.of_type("azure-native:machinelearningservices:OnlineDeployment")[0].inputs["properties"]["instanceType"])


@pytest.mark.parametrize("cloud,expected", [("aws", "ml.g6e.2xlarge"), ("gcp", "n1-highmem-16"),
                                            ("azure", "Standard_NC24ads_A100_v4")])
def test_the_bundled_llm_example_previews_with_a_gpu_type_whose_memory_fits(cloud: str, expected: str) -> None:
    name = _served_type(cloud)
    assert name == expected
    g = _graph(cloud)
    if cloud == "gcp":  # an N1 machine with attached GPUs: the GPUs are on the deployment
        deployed = next(r for r in g.of_type("pulumi-python:dynamic:Resource") if r.inputs.get("kind") == "vertex-deployed-model")
        gpus = {"NVIDIA_TESLA_T4": 16}[deployed.inputs["acceleratorType"]] * deployed.inputs["acceleratorCount"]
    else:
        instance = lookup(cloud, name)  # type: ignore[arg-type]
        assert instance is not None and instance.gpu_memory_gib is not None
        gpus = instance.gpu_memory_gib
    assert gpus >= model_memory_gib(SIZE_GIB) == pytest.approx(31.2)


def _validate(tmp_path: Path, data: dict[str, Any], cloud: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data))
    code = main(["validate", str(spec), "--provider", cloud])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("cloud", PLACED)
def test_a_model_larger_than_any_gpu_in_the_region_is_exit_2_at_its_size(tmp_path: Path, cloud: str,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = change(baseline(SPEC), "endpoints[0].model.sizeGiB", 2000)  # 2.4 TB of GPU memory: no single instance
    code, err = _validate(tmp_path, data, cloud, capsys)
    assert code == 2
    assert err.count("\n") == 1 and "endpoints[0].model.sizeGiB: a 2000 GiB model needs 2400 GiB of GPU memory" in err


@pytest.mark.parametrize("cloud,explicit", [("aws", "ml.g5.xlarge"), ("azure", "Standard_NC4as_T4_v3")])
def test_an_explicit_type_too_small_for_the_model_is_exit_2(tmp_path: Path, cloud: str, explicit: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = change(baseline(SPEC), "endpoints[0].compute", {"instanceType": {cloud: explicit}})
    code, err = _validate(tmp_path, data, cloud, capsys)
    assert code == 2
    assert f"endpoints[0].model.sizeGiB: {explicit} has" in err and "needs 31.2 GiB" in err


def test_per_gpu_memory_is_a_hard_constraint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The 80 GiB A100 is a different type from the 40 GiB one; more than a GPU has is exit 2."""
    from mlopskit.modules.compute import Compute
    from mlopskit.providers.catalog.resolver import ResolutionError, resolve

    compute = Compute.model_validate({"cpu": 12, "memoryGiB": 85, "gpu": {"type": "A100", "memoryGiB": 80}})
    assert resolve("gcp", compute, "us-central1", "serving").instance.name == "a2-ultragpu-1g"
    assert resolve("azure", compute, "eastus", "serving").instance.name == "Standard_NC24ads_A100_v4"
    with pytest.raises(ResolutionError) as raised:
        resolve("gcp", Compute.model_validate({"cpu": 12, "memoryGiB": 85, "gpu": {"type": "A100", "memoryGiB": 81}}),
                "us-central1", "serving")
    assert raised.value.field == "gpu.memoryGiB"
    data = change(baseline(SPEC), "endpoints[0].compute", {"cpu": 8, "memoryGiB": 32, "gpu": {"type": "T4", "memoryGiB": 24}})
    code, err = _validate(tmp_path, data, "azure", capsys)
    assert code == 2 and "endpoints[0].compute.gpu.memoryGiB: no azure instance type offers T4 GPUs with 24 GiB each" in err


def test_large_models_get_longer_start_up_limits_on_each_cloud() -> None:
    seconds = 600 + 30 * SIZE_GIB  # 10 minutes plus 30 s per GiB
    variant = _graph("aws").of_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration")[0].inputs["productionVariants"][0]
    assert (variant["containerStartupHealthCheckTimeoutInSeconds"], variant["modelDataDownloadTimeoutInSeconds"]) == (seconds, seconds)
    deployment = _graph("azure").of_type("azure-native:machinelearningservices:OnlineDeployment")[0].inputs["properties"]
    assert deployment["livenessProbe"]["initialDelay"] == deployment["readinessProbe"]["initialDelay"] == f"PT{seconds}S"
    warned = [w.message for w in _graph("gcp").warnings if w.path == "endpoints[0].model.sizeGiB"]
    assert len(warned) == 1 and f"deploymentTimeout of at least {seconds}s" in warned[0]


def test_a_spec_without_model_size_keeps_the_clouds_defaults() -> None:
    graph = preview(stack("credit-risk.yaml"), "aws")
    for config in graph.of_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration"):
        assert "containerStartupHealthCheckTimeoutInSeconds" not in config.inputs["productionVariants"][0]




@pytest.mark.parametrize("cloud,support", [("aws", "native"), ("gcp", "emulated"), ("azure", "native")])
def test_model_size_is_a_feature_row_of_the_comparison(cloud: str, support: str) -> None:
    from mlopskit.compare.run import features

    rows = {f.setting: f for f in features(cloud, stack(SPEC), _graph(cloud))}  # type: ignore[arg-type]
    assert (rows["model.sizeGiB"].support, rows["model.sizeGiB"].used) == (support, True)


# -- response streaming (endpoints[].streaming): what each cloud needs configured -------------------
def _endpoint(cloud: str, type_: str) -> dict[str, Any]:
    (found,) = [r.inputs for r in _graph(cloud).of_type(type_)]
    return found


def test_streaming_reaches_each_cloud_without_a_warning() -> None:
    # Vertex AI streams from Private Service Connect endpoints (the example's private network) ...
    assert "privateServiceConnectConfig" in _endpoint("gcp", "gcp:vertex/aiEndpoint:AiEndpoint")
    # ... and from dedicated public ones, not from the shared public endpoint.
    public = stack(SPEC, **{"network": {"private": False}})
    (endpoint,) = [r.inputs for r in preview(public, "gcp").of_type("gcp:vertex/aiEndpoint:AiEndpoint")]
    assert endpoint["dedicatedEndpointEnabled"] is True and "privateServiceConnectConfig" not in endpoint
    # Azure ML's 5 s default scoring timeout would cut a streamed answer off.
    deployments = [r.inputs["properties"] for r in _graph("azure").of_type(
        "azure-native:machinelearningservices:OnlineDeployment")]
    assert deployments and all(d["requestSettings"]["requestTimeout"] == "PT180S" for d in deployments)
    # SageMaker has nothing to configure: InvokeEndpointWithResponseStream needs sagemaker:InvokeEndpoint.
    for cloud in PLACED:
        assert not [w for w in _graph(cloud).warnings if w.path.endswith(".streaming")], cloud


def _dedicated_dns(spec: Any) -> dict[str, str]:
    """The GCP stack's ``endpoints.<name>.dedicatedEndpointDns`` outputs, resolved under mocks."""
    from mlopskit.engine import run_program
    from mlopskit.providers import get_provider

    provider, seen = get_provider("gcp"), {}
    with provider.offline_registry(spec) as registry:
        def program() -> None:
            for name, outputs in provider.build(spec, registry).outputs["endpoints"].items():
                if "dedicatedEndpointDns" in outputs:
                    outputs["dedicatedEndpointDns"].apply(lambda dns, name=name: seen.__setitem__(name, dns))
        run_program(provider, spec.name, program)
    return seen


def test_a_dedicated_vertex_endpoint_outputs_its_own_dns_name() -> None:
    # Once dedicated, the endpoint no longer answers on the regional DNS: its own is an output.
    (endpoint,) = stack(SPEC).endpoints
    dns = _dedicated_dns(stack(SPEC, **{"network": {"private": False}}))
    assert list(dns) == [endpoint.name]
    assert dns[endpoint.name].startswith("https://") and dns[endpoint.name].endswith(".prediction.vertexai.goog")
    # A Private Service Connect endpoint and a non-streaming public one are not dedicated: no such output.
    assert _dedicated_dns(stack(SPEC)) == {}
    assert _dedicated_dns(stack(SPEC, **{"endpoints[0].streaming": False, "network": {"private": False}})) == {}


def test_without_streaming_nothing_changes() -> None:
    bare = stack(SPEC, **{"endpoints[0].streaming": False, "network": {"private": False}})
    (gcp,) = [r.inputs for r in preview(bare, "gcp").of_type("gcp:vertex/aiEndpoint:AiEndpoint")]
    assert "dedicatedEndpointEnabled" not in gcp
    azure = [r.inputs["properties"] for r in preview(bare, "azure").of_type(
        "azure-native:machinelearningservices:OnlineDeployment")]
    assert azure and all("requestSettings" not in d for d in azure)
