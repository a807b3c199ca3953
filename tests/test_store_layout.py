"""The kit's own folders of the artifact store (modules/store_layout.py): every folder a
provider writes or reads is in the table, and no user folder the stack writes to or grades
against may be one of them."""

from __future__ import annotations

import json
import re
from functools import cache

import pytest

from mlopskit.engine import preview
from mlopskit.modules import SpecError, Stack, load_stack, parse_stack
from mlopskit.modules.graph import Graph
from mlopskit.modules.store_layout import KIT_FOLDERS, reserved_folders
from mlopskit.providers import get_provider
from tests.conftest import EXAMPLE_SPECS, STACKS
from tests.specs import baseline, change

# Object paths in recorded inputs: s3://bucket/P, gs://bucket/P, /gcs/bucket/P (Vertex's FUSE
# mount), azureml://datastores/D/paths/P, and the names of uploaded objects. Azure ML's own
# `workspaceblobstore` is not the artifact store: its data collector writes there in Azure's layout
# (providers/azure/monitor_job.py reads it), which the kit's table does not govern.
_URI = re.compile(r"(?:s3|gs)://[^/\"'\s\\]+/([^\"'\s\\]*)|azureml://datastores/(?!workspaceblobstore/)[^/]+/paths/([^\"'\s\\]*)"
                  r"|/gcs/[^/\"'\s\\]+/([^\"'\s\\]*)")
_OBJECTS = ("gcp:storage/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2")


def store_paths(graph: Graph) -> set[str]:
    """Every artifact-store path the recorded resources name."""
    paths = set()
    for resource in graph:
        text = json.dumps(resource.inputs, default=str)
        paths |= {next(p for p in m.groups() if p is not None) for m in _URI.finditer(text)}
        if resource.type in _OBJECTS:
            paths.add(str(resource.inputs.get("name") or resource.inputs.get("key")))
    return {p for p in paths if p}


def user_folders(stack: Stack) -> list[str]:
    """The folders the spec itself names (batch, monitoring, model artifacts)."""
    folders = [f for job in stack.batch for f in (job.input, job.output)]
    folders += [job.evaluation.holdout for job in stack.training if job.evaluation is not None]
    for endpoint in stack.endpoints:
        monitoring = endpoint.monitoring
        folders += [m.ground_truth for m in (monitoring.quality, monitoring.bias) if m is not None]
        folders += [m.baseline for m in (monitoring.bias, monitoring.explainability) if m is not None]
        if endpoint.model.artifact_prefix:
            folders.append(endpoint.model.artifact_prefix)
    return folders


def unaccounted(paths: set[str], stack: Stack) -> list[str]:
    """Paths under neither a kit folder of the table nor a folder the spec names."""
    known = [*reserved_folders([e.name for e in stack.endpoints], [j.name for j in stack.training]), *user_folders(stack)]
    # A folder without its slash (data-capture/<endpoint>) is the folder itself.
    return sorted(p for p in paths if not any(f"{p}/".startswith(k) or p.startswith(k) for k in known))


@cache
def _graph(spec: str, cloud: str) -> Graph:
    return preview(load_stack(STACKS / spec), cloud)


CASES = [(spec.name, cloud) for spec in EXAMPLE_SPECS for cloud in ("aws", "gcp", "azure")
         if load_stack(spec).placement.for_cloud(cloud) is not None]


@pytest.mark.parametrize(("spec", "cloud"), CASES)
def test_every_store_path_a_provider_uses_is_a_kit_folder_or_the_specs(spec: str, cloud: str) -> None:
    stack = load_stack(STACKS / spec)
    get_provider(cloud)  # the cloud's provider is importable here
    assert unaccounted(store_paths(_graph(spec, cloud)), stack) == []


def test_the_store_path_gate_catches_a_folder_missing_from_the_table() -> None:
    stack = load_stack(STACKS / "credit-risk.yaml")
    paths = store_paths(_graph("credit-risk.yaml", "aws"))
    assert any(p.startswith("checkpoints/") for p in paths)
    planted = {**KIT_FOLDERS}
    del planted["checkpoints/"]
    known = [*planted, *user_folders(stack), "data/", "data-capture/", "monitoring/"]
    assert [p for p in paths if not any(f"{p}/".startswith(k) or p.startswith(k) for k in known)] == [
        "checkpoints/train-xgb/"]
    assert unaccounted({"scratch/tmp/x"}, stack) == ["scratch/tmp/x"]


def _issues(data: dict) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_stack(data, base_dir=STACKS)
    return [str(i) for i in caught.value.issues]


RESERVED = ["code/", "models/", "checkpoints/", "experiments/", "training/", "batch-jobs/", "data-capture/",
            "data-capture/churn-online/", "monitoring/churn-online/", "monitoring/churn-online/quality/",
            "monitoring/", "code/train/abc/"]


@pytest.mark.parametrize("folder", RESERVED)
def test_a_batch_output_may_not_be_a_kit_folder(folder: str) -> None:
    (issue,) = _issues(change(baseline("lifecycle.yaml"), "batch[0].output", folder))
    assert issue.startswith(f"batch[0].output: {folder} overlaps ") and ", the kit's folder for " in issue


@pytest.mark.parametrize("folder", RESERVED)
def test_a_ground_truth_folder_may_not_be_a_kit_folder(folder: str) -> None:
    # Quality and bias read one set of labels (monitoring's own rule): both move to the folder.
    data = change(baseline("lifecycle.yaml"), "endpoints[0].monitoring.quality.groundTruth", folder)
    issues = _issues(change(data, "endpoints[0].monitoring.bias.groundTruth", folder))
    # one set of labels, checked once: at quality's path (the first that names it)
    assert any(i.startswith(f"endpoints[0].monitoring.quality.groundTruth: {folder} overlaps ") for i in issues), issues


def test_a_batch_output_may_not_be_a_training_jobs_input() -> None:
    data = baseline("lifecycle.yaml")
    data["training"] = [change(baseline("fraud-dev.yaml"), "training[0].code", "./src")["training"][0]]
    change(data, "batch[0].output", "data/train/")
    (issue,) = _issues(data)
    assert issue == ("batch[0].output: data/train/ overlaps data/train/, the kit's folder for training job "
                     "train's input data: choose another folder")


def test_folders_beside_the_kits_are_allowed() -> None:
    data = change(baseline("lifecycle.yaml"), "batch[0].output", "monitoring/churn-online-scores/")
    change(data, "endpoints[0].monitoring.quality.groundTruth", "labels/churn/")
    change(data, "endpoints[0].monitoring.bias.groundTruth", "labels/churn/")  # one set of labels for both
    change(data, "batch[1].output", "codes/")
    parse_stack(data, base_dir=STACKS)


def test_two_batch_outputs_never_overlap() -> None:
    (issue,) = _issues(change(baseline("lifecycle.yaml"), "batch[1].output", "batch/scores/backfill/"))
    assert issue == ("batch[1].output: batch/scores/backfill/ overlaps batch/scores/ (batch[0].output): "
                     "give each job its own folder")


@pytest.mark.parametrize("other", ["fraud/serve", "fraud"])
def test_images_that_become_one_ecr_tag_are_refused_on_aws(other: str) -> None:
    data = baseline("fraud-dev.yaml")
    tag = "1.4.0" if other == "fraud/serve" else "serve-1.4.0"
    train_image = data["training"][0]["image"]
    serve_image = data["endpoints"][0]["model"]["image"]
    assert serve_image == {"repository": "fraud-serve", "tag": "1.4.0"}, serve_image
    train_image.clear()
    train_image.update(repository=other, tag=tag)
    stack = parse_stack(data, base_dir=STACKS)  # valid in itself: the clash is AWS's naming
    issues = [str(i) for i in get_provider("aws").check(stack)]
    assert any(i.startswith(f"endpoints[0].model.image: fraud-serve:1.4.0 and {other}:{tag} (training[0].image) "
                            "are one image on AWS (ECR tag fraud-serve-1.4.0)") for i in issues), issues
    assert not [i for i in get_provider("gcp").check(stack) if "one image" in str(i)]  # GCP keeps both paths


@pytest.mark.parametrize(("path", "value"), [
    ("endpoints[0].monitoring.bias.positiveLabel", "yes\x1b[2J"),
    ("endpoints[0].monitoring.bias.positiveLabel", "ok\u202eevil"),
    ("training[0].hyperparameters", {"max_depth": "6\n::set-output name=x::y"}),
])
def test_free_strings_refuse_control_characters(path: str, value: object) -> None:
    spec = "credit-risk.yaml" if path.startswith("training") else "lifecycle.yaml"
    (issue,) = _issues(change(baseline(spec), path, value))
    assert "control characters are not allowed" in issue and issue.isprintable()
