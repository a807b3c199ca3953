"""One spec, three clouds: images and artifacts named cloud-neutrally reach each cloud
from its own registry and store, and another cloud's URI is refused with exit 2."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlopskit.cli import main
from mlopskit.engine import preview
from mlopskit.modules import SpecError, load_stack, parse_stack
from mlopskit.modules.targets import names as target_names
from mlopskit.providers import get_provider
from tests.conftest import EXAMPLE_SPECS, STACKS
from tests.specs import baseline, change, write_spec

ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-serve:1.4.0"
GCR = "gcr.io/acme/fraud-serve:1.4.0"
AR = "europe-west4-docker.pkg.dev/acme/images/fraud-serve:1.4.0"
ACR = "acme.azurecr.io/fraud-serve:1.4.0"
S3 = "s3://fraud-models/detector/"
GS = "gs://fraud-models/detector/"
BLOB = "https://acme.blob.core.windows.net/models/detector/"
IMAGES = {"aws": [ECR], "gcp": [GCR, AR], "azure": [ACR]}
ARTIFACTS = {"aws": S3, "gcp": GS, "azure": BLOB}
# What a location of each cloud looks like inside any recorded input (also inside JSON strings).
LOCATIONS = {
    "aws": re.compile(r"\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com|s3://"),
    "gcp": re.compile(r"[a-z0-9-]+-docker\.pkg\.dev/|(?<![a-z0-9.-])gcr\.io/|gs://"),
    "azure": re.compile(r"[a-z0-9]+\.azurecr\.io|\.blob\.core\.windows\.net"),
}


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _validate(tmp_path: Path, data: dict[str, Any], cloud: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", str(_write(tmp_path, data)), "--provider", cloud])
    return code, capsys.readouterr().err


def _with_serving(image: str | None = None, artifact: str | None = None) -> dict[str, Any]:
    data = baseline("fraud-dev.yaml")
    model = data["endpoints"][0]["model"]
    if image is not None:
        model["image"] = image
    if artifact is not None:
        del model["artifactPath"]
        model["artifactUri"] = artifact
    return data


FOREIGN_IMAGES = [(cloud, uri) for cloud in IMAGES for other, uris in IMAGES.items() if other != cloud for uri in uris]
FOREIGN_ARTIFACTS = [(cloud, uri) for cloud in ARTIFACTS for other, uri in ARTIFACTS.items() if other != cloud]


@pytest.mark.parametrize(("cloud", "uri"), FOREIGN_IMAGES)
def test_validate_rejects_another_clouds_serving_image(tmp_path: Path, capsys, cloud: str, uri: str) -> None:
    code, err = _validate(tmp_path, _with_serving(image=uri), cloud, capsys)
    assert code == 2
    assert "spec.yaml: endpoints[0].model.image.uri: " in err
    assert "push it to the stack's own container registry" in err


@pytest.mark.parametrize(("cloud", "uri"), FOREIGN_IMAGES)
def test_validate_rejects_another_clouds_training_image(tmp_path: Path, capsys, cloud: str, uri: str) -> None:
    data = change(baseline("fraud-dev.yaml"), "training[0].image", {"uri": uri.replace("serve", "train")})
    code, err = _validate(tmp_path, data, cloud, capsys)
    assert code == 2 and "training[0].image.uri: " in err


@pytest.mark.parametrize(("cloud", "uri"), FOREIGN_ARTIFACTS)
def test_validate_rejects_another_clouds_artifact(tmp_path: Path, capsys, cloud: str, uri: str) -> None:
    code, err = _validate(tmp_path, _with_serving(artifact=uri), cloud, capsys)
    assert code == 2
    assert "endpoints[0].model.artifactUri: " in err and "give artifactPath" in err


@pytest.mark.parametrize("cloud", list(target_names()))
def test_a_uri_stays_valid_on_the_cloud_it_belongs_to(tmp_path: Path, capsys, cloud: str) -> None:
    data = _with_serving(image=IMAGES[cloud][0], artifact=ARTIFACTS[cloud])
    data["placement"] = {cloud: data["placement"][cloud]}
    code, err = _validate(tmp_path, data, cloud, capsys)
    # valid: no error (validate --provider prints the cloud's spec-only warnings, as azure's)
    assert code == 0 and not [line for line in err.splitlines() if not line.startswith("warning: ")], err


def test_validate_without_provider_checks_every_placed_cloud(tmp_path: Path, capsys) -> None:
    code = main(["validate", str(_write(tmp_path, _with_serving(image=ECR)))])
    err = capsys.readouterr().err
    assert code == 2
    # Placed on AWS, GCP and Azure: the ECR image is refused once (same path) for GCP and Azure.
    assert "endpoints[0].model.image.uri: AWS registry image cannot be pulled on Google Cloud" in err
    assert "endpoints[0].model.image.uri: AWS registry image cannot be pulled on Azure" in err


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_an_mlflow_artifact_without_an_image_needs_one_where_the_cloud_serves_from_images(cloud: str) -> None:
    data = baseline("fraud-dev.yaml")
    data["endpoints"][0]["model"] = {"source": "artifact", "format": "mlflow", "artifactPath": "models/detector/"}
    issues = [str(i) for i in get_provider(cloud).check(parse_stack(data, base_dir=STACKS))]  # type: ignore[arg-type]
    assert [i for i in issues if i.startswith("endpoints[0].model.image: required on")] != []


def test_azure_deploys_an_mlflow_artifact_without_an_image() -> None:
    data = baseline("fraud-dev.yaml")
    data["endpoints"][0]["model"] = {"source": "artifact", "format": "mlflow", "artifactPath": "models/detector/"}
    stack = parse_stack(data, base_dir=STACKS)
    assert get_provider("azure").check(stack) == []
    graph = preview(stack, "azure")
    (version,) = graph.of_type("azure-native:machinelearningservices:ModelVersion")
    assert version.inputs["properties"]["modelType"] == "mlflow_model"
    (deployment,) = graph.of_type("azure-native:machinelearningservices:OnlineDeployment")
    assert deployment.inputs["properties"]["model"] == version.outputs["id"]
    assert "environmentId" not in deployment.inputs["properties"]  # no-code deployment
    serving_envs = [r for r in graph.of_type("azure-native:machinelearningservices:EnvironmentVersion") if "endpoint" in r.name]
    assert serving_envs == []


def test_azure_refuses_a_registry_model_declared_custom_with_exit_2(tmp_path: Path) -> None:
    """Azure deploys a registry model with no environment or scoring code, which works for
    MLflow models only: a declared custom format is refused at validate, naming the field."""
    data = baseline()
    data["endpoints"][0]["model"]["format"] = "custom"
    issues = [str(i) for i in get_provider("azure").check(parse_stack(data, base_dir=STACKS))]
    assert [i for i in issues if i.startswith("endpoints[0].model.format: must be mlflow on Azure, not custom")] != []
    assert get_provider("aws").check(parse_stack(data, base_dir=STACKS)) == []  # SageMaker serves it from its image
    assert main(["validate", str(write_spec(tmp_path, data)), "--provider", "azure"]) == 2


def test_azure_leaves_an_undeclared_registry_format_to_the_registry_record() -> None:
    """Without ``format`` the spec says nothing to check: validate passes (spec v1 stays
    additive), and the build reads the version's format from the registry instead."""
    data = baseline()
    del data["endpoints"][0]["model"]["format"]
    assert get_provider("azure").check(parse_stack(data, base_dir=STACKS)) == []


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("cloud", list(target_names()))
@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=lambda p: p.name)
def test_every_bundled_spec_reaches_each_cloud_with_only_its_own_locations(spec: Path, cloud: str) -> None:
    stack = load_stack(spec, cloud)  # type: ignore[arg-type]
    assert get_provider(cloud).check(stack) == []  # type: ignore[arg-type]
    graph = preview(stack, cloud)  # type: ignore[arg-type]
    foreign = [(r.name, s) for r in graph for s in _strings(r.inputs)
               for other, pattern in LOCATIONS.items() if other != cloud and pattern.search(s)]
    assert foreign == []
    assert not [w for w in graph.warnings if "registry" in w.message.lower() and ".image" in w.path]


def test_neutral_images_resolve_to_each_clouds_own_registry() -> None:
    stack = load_stack(STACKS / "fraud-dev.yaml")
    inputs = {cloud: json.dumps([r.inputs for r in preview(stack, cloud)], default=str) for cloud in target_names()}
    assert "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-dev:fraud-serve-1.4.0" in inputs["aws"]
    assert "europe-west4-docker.pkg.dev/acme-ml-dev/fraud-dev-images/fraud-serve:1.4.0" in inputs["gcp"]
    assert re.search(r"acrfrauddev[0-9a-f]+\.azurecr\.io/fraud-serve:1\.4\.0", inputs["azure"])


@pytest.mark.parametrize(("image", "expected"), [
    ({"repository": "fraud-train"}, "training[0].image.tag: give exactly one of tag or digest with repository"),
    ({"repository": "fraud-train", "tag": "1", "digest": "sha256:" + "a" * 64},
     "training[0].image.tag: give exactly one of tag or digest with repository"),
    ({"repository": "Fraud_Train", "tag": "1"}, "training[0].image.repository: String should match pattern"),
    ({"repository": "fraud-train", "digest": "md5:abc"}, "training[0].image.digest: String should match pattern"),
    ({"repository": "fraud-train", "tag": "1", "uri": "a/b:1"}, "training[0].image.uri: not allowed together with repository"),
    ({"uri": "a/b:1", "tag": "1"}, "training[0].image.tag: only applies together with repository"),
])
def test_stack_image_names_follow_the_oci_grammar(image: dict[str, str], expected: str) -> None:
    data = change(baseline("fraud-dev.yaml"), "training[0].image", image)
    with pytest.raises(SpecError) as caught:
        parse_stack(data, base_dir=STACKS)
    assert any(str(i).startswith(expected) for i in caught.value.issues), caught.value.issues


@pytest.mark.parametrize(("path", "expected"), [
    ("detector/", "must be under models/"),
    ("models/../secrets/", "String should match pattern"),
    ("/models/detector/", "String should match pattern"),
    ("models/detector/model.tar.gz", "names a directory of model files, not an archive"),
])
def test_artifact_paths_stay_inside_the_models_prefix(path: str, expected: str) -> None:
    data = change(baseline("fraud-dev.yaml"), "endpoints[0].model.artifactPath", path)
    with pytest.raises(SpecError) as caught:
        parse_stack(data, base_dir=STACKS)
    assert [str(i) for i in caught.value.issues if expected in str(i)] != [], caught.value.issues
    assert caught.value.issues[0].path == "endpoints[0].model.artifactPath"
