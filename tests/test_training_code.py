"""training[].code: a local directory packaged, uploaded by `pulumi up` into the stack's
artifact store, and referenced the way each cloud's training service expects."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from google.cloud import aiplatform_v1
from google.protobuf import json_format

from mlopskit.engine import preview
from mlopskit.modules import SpecError, load_stack, parse_stack
from mlopskit.modules.graph import Graph
from mlopskit.providers.packaging import python_module, python_package, source_archive
from tests.conftest import STACKS
from tests.specs import baseline, change

CODE = STACKS / "src"


def _issues(data: dict, base_dir: Path = STACKS) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_stack(data, base_dir=base_dir)
    return [str(i) for i in caught.value.issues]


def test_a_framework_image_needs_code() -> None:
    data = change(baseline(), "training[0].code", ...)
    assert _issues(data) == [("training[0].code: required with a framework image: the prebuilt image holds no training "
                              "code (give a local directory, e.g. ./src, or an image with the code built in)")]


def test_code_must_be_a_directory_with_the_entry_point(tmp_path: Path) -> None:
    assert _issues(change(baseline(), "training[0].code", "./missing")) == [
        "training[0].code: not a directory: ./missing (relative to the spec file)"]
    assert _issues(change(baseline(), "training[0].entrypoint", "absent.py")) == [
        "training[0].entrypoint: absent.py not found in ./src"]
    # The entry point grammar (modules/references.py) refuses `..` before any file is looked at.
    assert _issues(change(baseline(), "training[0].entrypoint", "../credit-risk.yaml")) == [
        "training[0].entrypoint: expected a relative file path or a Python module (train.py, src/train.py, "
        "trainer.task), not a command: '../credit-risk.yaml'"]
    # A link inside the code directory that leads out of it is still refused.
    shutil.copytree(CODE, tmp_path / "src")
    (tmp_path / "src" / "outside.py").symlink_to(STACKS / "credit-risk.yaml")
    assert _issues(change(baseline(), "training[0].entrypoint", "outside.py"), base_dir=tmp_path) == [
        "training[0].entrypoint: must be a file inside ./src"]


@pytest.mark.parametrize("code", ["/etc", "../stacks/src", "src/../..", "./", "", "src dir", "src;rm", "~/src",
                                  "a" * 129, "/".join(["a"] * 17)])
def test_code_stays_inside_the_spec_tree(code: str) -> None:
    (issue,) = _issues(change(baseline(), "training[0].code", code))
    assert issue.startswith("training[0].code: expected a directory relative to the spec file") and "\n" not in issue


def test_code_is_relative_to_the_spec_file(tmp_path: Path) -> None:
    shutil.copytree(CODE, tmp_path / "project" / "trainer")
    spec = tmp_path / "project" / "spec.yaml"
    spec.write_text(yaml.safe_dump(change(baseline(), "training[0].code", "trainer")))
    stack = load_stack(spec)
    assert stack.code_dir(stack.training[0]) == (tmp_path / "project" / "trainer").resolve()


@pytest.fixture(scope="module")
def gcp() -> Graph:
    return preview(load_stack(STACKS / "credit-risk.yaml"), "gcp")


@pytest.fixture(scope="module")
def azure() -> Graph:
    return preview(load_stack(STACKS / "credit-risk.yaml"), "azure")


def test_vertex_runs_the_uploaded_package_with_the_prebuilt_container(gcp: Graph) -> None:
    archive = python_package(CODE, "train.py")
    (upload,) = [r for r in gcp.of_type("gcp:storage/bucketObject:BucketObject") if r.name.endswith("-code")]
    assert upload.inputs["name"] == f"code/train-xgb/{archive.short}/mlopskit_trainer-0.0.0.tar.gz"
    assert upload.inputs["source"].path == str(archive.path)
    spec_object = gcp.named("credit-risk-prod-train-xgb-job-spec")
    content = spec_object.inputs["content"]
    body = json.loads(content["value"] if isinstance(content, dict) else content)
    job = aiplatform_v1.CustomJob()
    json_format.ParseDict(body, job._pb)  # every field name and type as the pinned API has them
    (pool,) = job.job_spec.worker_pool_specs
    package = pool.python_package_spec
    assert package.package_uris == [f"gs://{upload.inputs['bucket']}/{upload.inputs['name']}"]
    assert package.python_module == python_module()
    assert package.executor_image_uri == "europe-docker.pkg.dev/vertex-ai/training/xgboost-cpu.1-7:latest"
    assert list(package.args) == ["--max_depth=6"]
    assert upload.urn in spec_object.dependencies


def test_vertex_runs_code_in_a_custom_image_from_the_bucket_mount() -> None:
    data = change(baseline("fraud-dev.yaml"), "training[0].code", "./src")
    graph = preview(parse_stack(data, base_dir=STACKS), "gcp")
    archive = source_archive(CODE)
    body = json.loads(graph.named("fraud-dev-train-job-spec").inputs["content"]["value"])
    job = aiplatform_v1.CustomJob()
    json_format.ParseDict(body, job._pb)
    container = job.job_spec.worker_pool_specs[0].container_spec
    bucket = body["jobSpec"]["baseOutputDirectory"]["outputUriPrefix"].split("/")[2]
    assert container.image_uri == "europe-west4-docker.pkg.dev/acme-ml-dev/fraud-dev-images/fraud-train:1.4.0"
    assert container.command[:2] == ["/bin/sh", "-c"]
    assert f"tar -xzf /gcs/{bucket}/code/train/{archive.short}/sourcedir.tar.gz" in container.command[2]


def test_azure_job_runs_from_the_uploaded_code_asset(azure: Graph) -> None:
    archive = source_archive(CODE)
    # The monitor job's settings upload ends the same way (the private first deploy skips both).
    (upload,) = [r for r in azure if r.type == "pulumi-python:dynamic:Resource" and r.name.endswith("-code-upload")
                 and "-monitor-" not in r.name]
    account = upload.inputs["accountUrl"]
    assert re.fullmatch(r"https://creditriskprodart[0-9a-f]+\.blob\.core\.windows\.net/", account)
    assert (upload.inputs["container"], upload.inputs["prefix"]) == ("artifacts", f"code/train-xgb/{archive.short}/")
    assert (upload.inputs["archive"], upload.inputs["sha256"]) == (str(archive.path), archive.sha256)
    (code,) = [r for r in azure.of_type("azure-native:machinelearningservices:CodeVersion") if "train-xgb" in r.name]
    assert code.inputs["name"] == "train-xgb-code" and code.inputs["version"] == archive.short
    assert code.inputs["properties"]["codeUri"] == f"{account}artifacts/code/train-xgb/{archive.short}"
    assert upload.urn in code.dependencies
    (schedule,) = [r for r in azure.of_type("azure-native:machinelearningservices:Schedule") if "train-xgb" in r.name]
    definition = schedule.inputs["properties"]["action"]["jobDefinition"]
    assert definition["codeId"] == code.outputs["id"]
    assert definition["command"].startswith("python train.py")


def test_code_uploads_do_not_change_between_previews(gcp: Graph) -> None:
    again = preview(load_stack(STACKS / "credit-risk.yaml"), "gcp")
    def names(graph: Graph) -> list[str]:
        return sorted(r.inputs["name"] for r in graph.of_type("gcp:storage/bucketObject:BucketObject"))

    assert names(again) == names(gcp)
