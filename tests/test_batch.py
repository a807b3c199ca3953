"""Batch inference (issue 18 item 1): the spec, every field on AWS and GCP (Azure's are in
tests/azure/test_field_coverage.py), a missing model version, and the cost of a run.

Budget: about twenty mocked previews of the small lifecycle example (cached), ~30 s of CPU alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from mlopskit.cli import main
from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.stack import Stack
from mlopskit.modules.targets import names as target_names
from mlopskit.providers.costing import estimate
from tests.azure.test_field_coverage import _field_paths
from tests.specs import baseline, change

SPEC = "lifecycle.yaml"


@cache
def _graph(cloud: str, changes_json: str = "{}") -> Graph:
    data = baseline(SPEC)
    for path, value in json.loads(changes_json).items():
        change(data, path, value)
    return preview(parse_stack(data), cloud)  # type: ignore[arg-type]


def graph(cloud: str, **changes: Any) -> Graph:
    """The lifecycle example on ``cloud`` with ``path=value`` changes (paths as in tests.specs.change)."""
    return _graph(cloud, json.dumps({k.replace("__", "."): v for k, v in changes.items()}, sort_keys=True))


def warned(g: Graph, path: str) -> bool:
    return any(w.path == path for w in g.warnings)


# -- AWS: the pipeline's Transform step, its Model and schedule ----------------------------
def _aws_named(g: Graph, type_: str, part: str) -> RecordedResource:
    found = [r for r in g.of_type(type_) if part in r.name]
    assert len(found) == 1, [r.name for r in found]
    return found[0]


def step(g: Graph, job: str = "nightly") -> dict[str, Any]:
    pipeline = _aws_named(g, "aws:sagemaker/pipeline:Pipeline", f"batch-{job}")
    steps = json.loads(pipeline.inputs["pipelineDefinition"])["Steps"]
    assert [s["Type"] for s in steps] == ["Transform"]
    return steps[0]["Arguments"]


def aws_model(g: Graph, job: str = "nightly") -> dict[str, Any]:
    return _aws_named(g, "aws:sagemaker/model:Model", f"batch-{job}").inputs


def _check_paths(cloud: str, compute: dict[str, Any]) -> set[str]:
    """The fields the cloud's check refuses when batch[0] asks for ``compute``."""
    from mlopskit.providers import get_provider

    data = change(baseline(SPEC), "batch[0].compute", compute)
    return {issue.path for issue in get_provider(cloud).check(parse_stack(data))}  # type: ignore[arg-type]


def aws_type(**compute: Any) -> str:
    return step(graph("aws", **{"batch[0].compute": compute}))["TransformResources"]["InstanceType"]


AWS: dict[str, Callable[[], bool]] = {
    "batch[].name": lambda: _aws_named(graph("aws"), "aws:sagemaker/pipeline:Pipeline", "nightly").inputs["pipelineName"]
    == "churn-prod-batch-nightly-scoring",
    "batch[].model.package": lambda: aws_model(graph("aws"))["primaryContainer"]["modelPackageName"].endswith(
        ":model-package/churn/3") and step(graph("aws"))["ModelName"] == aws_model(graph("aws"))["name"],
    "batch[].model.version": lambda: aws_model(graph("aws", **{"batch[1].model.version": 2}), "backfill")[
        "primaryContainer"]["modelPackageName"].endswith("/churn/2"),
    "batch[].input": lambda: step(graph("aws"))["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"].endswith(
        "/batch/customers/"),
    "batch[].format": lambda: step(graph("aws"))["TransformInput"]["ContentType"] == "text/csv" and step(graph(
        "aws", **{"batch[0].format": "jsonl"}))["TransformInput"]["ContentType"] == "application/jsonlines",
    "batch[].output": lambda: step(graph("aws"))["TransformOutput"]["S3OutputPath"].endswith("/batch/scores/"),
    "batch[].compute.instanceType.aws": lambda: step(graph("aws"), "backfill")["TransformResources"]["InstanceType"]
    == "ml.m5.xlarge",
    "batch[].compute.cpu": lambda: aws_type(cpu=16, memoryGiB=16) == "ml.c5.4xlarge",
    "batch[].compute.memoryGiB": lambda: aws_type(cpu=4, memoryGiB=32) == "ml.r6i.xlarge",
    "batch[].compute.gpu.type": lambda: aws_type(cpu=4, memoryGiB=16, gpu={"type": "T4"}) == "ml.g4dn.xlarge",
    "batch[].compute.gpu.count": lambda: aws_type(cpu=4, memoryGiB=16, gpu={"type": "T4", "count": 4}) == "ml.g4dn.12xlarge",
    "batch[].compute.count": lambda: step(graph("aws"))["TransformResources"]["InstanceCount"] == 2,
    # SageMaker transform types carry 16 GiB T4s only: 24 GiB each is refused at the field.
    "batch[].compute.gpu.memoryGiB": lambda: aws_type(cpu=4, memoryGiB=16, gpu={"type": "T4", "memoryGiB": 16})
    == "ml.g4dn.xlarge" and "batch[0].compute.gpu.memoryGiB" in _check_paths(
        "aws", {"cpu": 4, "memoryGiB": 16, "gpu": {"type": "T4", "memoryGiB": 24}}),
    "batch[].maxRuntimeMinutes": lambda: step(graph("aws", **{"batch[0].maxRuntimeMinutes": 30}))["ModelClientConfig"][
        "InvocationsTimeoutInSeconds"] == 1800 and warned(graph("aws"), "batch[0].maxRuntimeMinutes"),
    "batch[].schedule": lambda: _aws_named(graph("aws"), "aws:scheduler/schedule:Schedule", "batch-nightly").inputs[
        "scheduleExpression"] == "cron(0 2 * * ? *)",
}


# -- GCP: the stored BatchPredictionJob body and its Cloud Scheduler job ----------------------
def body(g: Graph, job: str = "nightly") -> dict[str, Any]:
    found = [r for r in g.of_type("gcp:storage/bucketObject:BucketObject")
             if r.inputs["name"].startswith(f"batch-jobs/{job}")]
    assert len(found) == 1
    content = found[0].inputs["content"]
    return json.loads(content["value"] if isinstance(content, dict) else content)


def machine(**compute: Any) -> dict[str, Any]:
    return body(graph("gcp", **{"batch[0].compute": compute}))["dedicatedResources"]["machineSpec"]


GCP: dict[str, Callable[[], bool]] = {
    "batch[].name": lambda: body(graph("gcp"))["displayName"] == "churn-prod-nightly-scoring",
    "batch[].model.package": lambda: "/models/" in body(graph("gcp"))["model"],
    "batch[].model.version": lambda: body(graph("gcp", **{"batch[1].model.version": 2}), "backfill")["model"].endswith("@2"),
    "batch[].input": lambda: body(graph("gcp"))["inputConfig"]["gcsSource"]["uris"][0].endswith("/batch/customers/*"),
    "batch[].format": lambda: body(graph("gcp"))["inputConfig"]["instancesFormat"] == "csv" and body(graph(
        "gcp", **{"batch[0].format": "jsonl"}))["inputConfig"]["instancesFormat"] == "jsonl",
    "batch[].output": lambda: body(graph("gcp"))["outputConfig"]["gcsDestination"]["outputUriPrefix"].endswith("/batch/scores/"),
    "batch[].compute.instanceType.gcp": lambda: body(graph("gcp"), "backfill")["dedicatedResources"]["machineSpec"][
        "machineType"] == "n1-standard-4",
    "batch[].compute.cpu": lambda: machine(cpu=16, memoryGiB=16)["machineType"] == "e2-highcpu-16",
    "batch[].compute.memoryGiB": lambda: machine(cpu=4, memoryGiB=32)["machineType"] == "e2-highmem-4",
    "batch[].compute.gpu.type": lambda: machine(cpu=4, memoryGiB=16, gpu={"type": "T4"})["acceleratorType"] == "NVIDIA_TESLA_T4",
    "batch[].compute.gpu.count": lambda: machine(cpu=4, memoryGiB=16, gpu={"type": "T4", "count": 2})["acceleratorCount"] == 2,
    "batch[].compute.count": lambda: body(graph("gcp"))["dedicatedResources"]["startingReplicaCount"] == 2,
    "batch[].compute.gpu.memoryGiB": lambda: machine(cpu=12, memoryGiB=85, gpu={"type": "A100", "memoryGiB": 80})["machineType"]
    == "a2-ultragpu-1g",
    "batch[].maxRuntimeMinutes": lambda: warned(graph("gcp"), "batch[0].maxRuntimeMinutes"),
    "batch[].schedule": lambda: [j.inputs["schedule"] for j in graph("gcp").of_type("gcp:cloudscheduler/job:Job")
                                 if "batch-nightly" in j.name] == ["0 2 * * *"],
}
NOT_ON = {"aws": {"batch[].compute.instanceType.gcp", "batch[].compute.instanceType.azure"},
          "gcp": {"batch[].compute.instanceType.aws", "batch[].compute.instanceType.azure"}}
EVIDENCE = {"aws": AWS, "gcp": GCP}


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_every_batch_field_has_evidence(cloud: str) -> None:
    fields = {f for f in _field_paths(Stack) if f.startswith("batch[]")}
    assert fields - NOT_ON[cloud] == set(EVIDENCE[cloud])


@pytest.mark.parametrize("cloud,path", [(c, p) for c in EVIDENCE for p in sorted(EVIDENCE[c])])
def test_batch_field_reaches(cloud: str, path: str) -> None:
    assert EVIDENCE[cloud][path](), path


# -- the spec -------------------------------------------------------------------------------
@pytest.mark.parametrize("path,value,expected", [
    ("batch[0].output", "batch/customers/scores/", "batch[0].output: must not overlap input"),
    ("batch[0].input", "batch/../secrets/", "batch[0].input: expected a folder of the artifact store"),
    ("batch[0].input", "s3://other/bucket/", "batch[0].input: String should match pattern"),
    ("batch[1].name", "nightly-scoring", "batch[1].name: duplicate name 'nightly-scoring'"),
    ("batch[0].compute.count", 0, "batch[0].compute.count: Input should be greater than or equal to 1"),
    ("batch[0].schedule", "0 0 31 2 *", "batch[0].schedule"),
])
def test_bad_batch_spec_exits_2_naming_the_field(tmp_path, capsys, path: str, value: Any, expected: str) -> None:
    import yaml

    data = change(baseline(SPEC), path, value)
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data))
    assert main(["validate", str(spec), "--provider", "aws"]) == 2
    assert expected in capsys.readouterr().err


def test_a_type_sagemaker_cannot_transform_on_is_refused(tmp_path, capsys) -> None:
    import yaml

    # ml.t3.medium hosts and trains, but CreateTransformJob does not accept it.
    data = change(baseline(SPEC), "batch[1].compute.instanceType.aws", "ml.t3.medium")
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data))
    assert main(["validate", str(spec), "--provider", "aws"]) == 2
    assert "batch[1].compute.instanceType.aws" in capsys.readouterr().err


class _Withheld:
    """A cloud's offline registry in which ``version`` of every package is not approved yet."""

    def __init__(self, inner: Any, version: int) -> None:
        self.inner, self.version = inner, version

    def resolve(self, package: str, version: int | str) -> Any:
        return None if version == self.version else self.inner.resolve(package, version)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("cloud", list(target_names()))
def test_a_version_not_approved_yet_builds_no_batch_job_and_says_so(cloud: str) -> None:
    from contextlib import contextmanager

    from mlopskit.providers import get_provider

    provider = type(get_provider(cloud))()  # type: ignore[arg-type]  # a fresh one: patched below
    seeded = provider.offline_registry

    @contextmanager
    def registry(stack: Stack) -> Any:
        with seeded(stack) as inner:
            yield _Withheld(inner, 3)

    provider.offline_registry = registry  # type: ignore[method-assign]
    g = preview(parse_stack(baseline(SPEC)), cloud, provider)  # type: ignore[arg-type]
    assert [w.message for w in g.warnings if w.path == "batch[1].model.version"] == [
        "registry package 'churn' has no approved version 3 yet: batch job 'backfill' is not built until one is "
        "approved; everything else is built"]
    components = [r for r in g if r.type == provider.components["batch"]]
    # Only the nightly job (batch[0]) is built, as what it realises says (each target names it its own way).
    assert [p.entry for r in components if (p := g.provenance(r)) is not None] == ["batch[0]"]
    assert len(components) == 1 and components[0].name.endswith("nightly-scoring")


# -- cost: instance-hours per run x runs per month from the cron ------------------------------
def _machine_hours(name: str, quantity: Any) -> Decimal | None:
    """The instance- (or pod-) hours a batch cost line counts: a cloud bills the instance's hours; a
    cluster bills a pod's requests, so its vCPU line counts vCPU-hours, ``N per pod`` times the pod-hours."""
    if name.startswith("Batch instance usage"):
        return Decimal(quantity)
    per_pod = re.fullmatch(r"Batch vCPU \((\d+) per pod\)", name)
    return Decimal(quantity) / int(per_pod[1]) if per_pod else None


@pytest.mark.parametrize("cloud", list(target_names()))
def test_batch_runs_are_priced_from_the_cron_and_the_usage_default(cloud: str) -> None:
    stack = parse_stack(baseline(SPEC))
    lines = [c for r in estimate(graph(cloud), stack).resources for c in r.components
             if _machine_hours(c.component.name, c.component.monthly_quantity) is not None]
    quantities = sorted(_machine_hours(c.component.name, c.component.monthly_quantity).quantize(Decimal("0.01"))
                        for c in lines)
    # backfill: 4 unscheduled runs (usage default) x 1 instance x 4 h; nightly: 365/12 runs x 2 x 1.5 h.
    assert quantities == [Decimal("16.00"), Decimal("91.25")]
    assert all(c.monthly_cost is not None and c.monthly_cost > 0 for c in lines)


# -- issue 26 rows 8 and 9: the transform splits by line with a content type; formats per cloud ----
def test_row8_aws_transform_splits_lines_in_mini_batches_with_a_content_type() -> None:
    args = step(graph("aws"))
    assert args["TransformInput"]["SplitType"] == "Line" and args["TransformInput"]["ContentType"] == "text/csv"
    assert (args["BatchStrategy"], args["MaxPayloadInMB"]) == ("MultiRecord", 6)
    assert args["TransformOutput"]["AssembleWith"] == "Line"


def test_row8_a_parquet_file_goes_whole_and_the_build_says_so() -> None:
    g = graph("aws", **{"batch[0].format": "parquet"})
    args = step(g)
    assert (args["TransformInput"]["SplitType"], args["BatchStrategy"], args["MaxPayloadInMB"]) == (
        "None", "SingleRecord", 100)
    assert warned(g, "batch[0].format")


@pytest.mark.parametrize("cloud,value,expected", [
    ("gcp", "parquet", "batch[0].format: parquet cannot be read by a Vertex AI batch prediction job"),
    ("azure", "jsonl", "batch[0].format: jsonl cannot be read by an Azure ML batch deployment"),
])
def test_row9_a_format_the_cloud_cannot_read_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], cloud: str,
                                                      value: str, expected: str) -> None:
    import yaml

    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(change(baseline(SPEC), "batch[0].format", value)))
    assert main(["validate", str(spec), "--provider", cloud]) == 2
    assert expected in capsys.readouterr().err


def test_row9_the_format_defaults_to_csv_so_specs_without_it_stay_valid() -> None:
    data = baseline(SPEC)
    for job in data["batch"]:
        job.pop("format", None)
    assert [job.format for job in parse_stack(data).batch] == ["csv", "csv"]
