"""`mlopskit batch run`: start a spec batch job now on each cloud (moto for AWS, mocked
clients for GCP and Azure), and `--dry-run` prints the planned call without making it.

Budget: one mocked AWS preview (module-scoped), the rest in-memory; a few seconds alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from google.cloud import aiplatform_v1

from mlopskit.cli import main
from mlopskit.commands import ops as ops_command
from mlopskit.providers.azure import ops as azure_ops
from mlopskit.providers.gcp import names as gcp_names, ops as gcp_ops
from tests.ops.conftest import ACCOUNT, REGION, FakeClock, write_spec
from tests.ops.gcp_fakes import PARENT, PROJECT, FakeClients
from tests.specs import baseline, stack

SPEC = "lifecycle.yaml"
PREFIX = "churn-prod"


@pytest.fixture
def spec_file(tmp_path: Path) -> str:
    return write_spec(tmp_path, baseline(SPEC))


def _run(spec: str, cloud: str, job: str, *extra: str) -> int:
    return main(["batch", "run", spec, job, "--provider", cloud, *extra])


def _planned(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if line.strip().startswith(("would call", "call", "read", "would read"))]


# -- AWS: the batch pipeline in moto ----------------------------------------------------------
@pytest.fixture(scope="module")
def batch_pipeline() -> str:
    from mlopskit.engine import preview

    graph = preview(stack(SPEC), "aws")
    return next(r.inputs["pipelineDefinition"] for r in graph.of_type("aws:sagemaker/pipeline:Pipeline")
                if r.inputs["pipelineName"] == f"{PREFIX}-batch-nightly-scoring")


@pytest.fixture
def sagemaker(batch_pipeline: str) -> Any:
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("sagemaker", region_name=REGION)
        client.create_pipeline(PipelineName=f"{PREFIX}-batch-nightly-scoring", PipelineDefinition=batch_pipeline,
                               RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-pipeline")
        yield client


def test_aws_batch_run_starts_the_batch_pipeline(sagemaker: Any, spec_file: str, clock: FakeClock,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "aws", "nightly-scoring") == 0
    executions = sagemaker.list_pipeline_executions(PipelineName=f"{PREFIX}-batch-nightly-scoring")["PipelineExecutionSummaries"]
    assert len(executions) == 1
    assert executions[0]["PipelineExecutionDisplayName"].startswith(f"{PREFIX}-nightly-scoring-2026")
    assert capsys.readouterr().out == f"started {executions[0]['PipelineExecutionArn']}\n"


def test_aws_batch_run_dry_run_prints_the_call_and_starts_nothing(sagemaker: Any, spec_file: str, clock: FakeClock,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "aws", "nightly-scoring", "--dry-run") == 0
    out = capsys.readouterr().out
    planned = _planned(out)
    assert len(planned) == 1 and planned[0].startswith(
        f'would call sagemaker.start_pipeline_execution(PipelineName="{PREFIX}-batch-nightly-scoring"')
    # A dry run starts nothing and says so: "would start", never "started" (issue 27).
    assert out.startswith("would start ") and "\nstarted " not in out and not out.startswith("started")
    executions = sagemaker.list_pipeline_executions(PipelineName=f"{PREFIX}-batch-nightly-scoring")
    assert executions["PipelineExecutionSummaries"] == []


def test_aws_batch_run_of_a_pipeline_not_deployed_is_one_line(sagemaker: Any, spec_file: str, clock: FakeClock,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "aws", "backfill") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: aws: sagemaker.start_pipeline_execution: ") and err.count("\n") == 1


def test_an_unknown_batch_job_is_bad_input(spec_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "aws", "nope") == 2
    assert "batch: no batch job named 'nope' (spec has: nightly-scoring, backfill)" in capsys.readouterr().err


# -- GCP: the stored BatchPredictionJob body, created through a mocked JobServiceClient ----------
@pytest.fixture
def gcp(monkeypatch: pytest.MonkeyPatch) -> FakeClients:
    clients = FakeClients()
    monkeypatch.setattr(ops_command, "make_backend", lambda cloud, s, gateway: gcp_ops.GcpOps(s, gateway, clients=clients))
    s = stack(SPEC)
    body = {"displayName": "churn-prod-nightly-scoring", "model": f"{PARENT}/models/4242@3",
            "inputConfig": {"instancesFormat": "jsonl", "gcsSource": {"uris": ["gs://b/batch/customers/*"]}},
            "outputConfig": {"predictionsFormat": "jsonl", "gcsDestination": {"outputUriPrefix": "gs://b/batch/scores/"}},
            "dedicatedResources": {"machineSpec": {"machineType": "e2-standard-4"}, "startingReplicaCount": 2,
                                   "maxReplicaCount": 2}}
    clients.made["storage"].put(gcp_names.bucket(PROJECT, s, "artifacts"), gcp_names.batch_job_object("nightly-scoring"),
                                json.dumps(body).encode())
    clients.made["jobs"].create_batch_prediction_job.return_value = aiplatform_v1.BatchPredictionJob(
        name=f"{PARENT}/batchPredictionJobs/88")
    return clients


def test_gcp_batch_run_creates_the_stored_batch_prediction_job(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "gcp", "nightly-scoring") == 0
    sent = gcp.made["jobs"].create_batch_prediction_job.call_args.kwargs
    assert sent["parent"] == PARENT
    job = sent["batch_prediction_job"]
    assert isinstance(job, aiplatform_v1.BatchPredictionJob)
    assert job.display_name.startswith("churn-prod-nightly-scoring-2026")
    assert job.model == f"{PARENT}/models/4242@3" and job.dedicated_resources.starting_replica_count == 2
    assert capsys.readouterr().out == f"started {PARENT}/batchPredictionJobs/88\n"


def test_gcp_batch_run_dry_run_reads_the_body_and_creates_nothing(gcp: FakeClients, spec_file: str, clock: FakeClock,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "gcp", "nightly-scoring", "--dry-run") == 0
    planned = [line.split("(")[0] for line in _planned(capsys.readouterr().out)]
    assert planned == ["read storage.bucket", "read storage.download_as_text", "would call jobs.create_batch_prediction_job"]
    gcp.made["jobs"].create_batch_prediction_job.assert_not_called()


# -- Azure: the batch endpoint invoked through the AzureMlApi interface -------------------------
@pytest.fixture
def azure(monkeypatch: pytest.MonkeyPatch) -> mock.MagicMock:
    api = mock.MagicMock(name="AzureMlApi")
    api.invoke_batch_endpoint.return_value = "batchjob-1234"
    monkeypatch.setattr(ops_command, "make_backend", lambda cloud, s, gateway: azure_ops.AzureOps(s, gateway, api=api))
    return api


def test_azure_batch_run_invokes_the_batch_endpoint_on_the_spec_folders(azure: mock.MagicMock, spec_file: str,
                                                                         clock: FakeClock,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from mlopskit.providers.azure import names

    assert _run(spec_file, "azure", "nightly-scoring") == 0
    azure.invoke_batch_endpoint.assert_called_once_with(
        endpoint=names.batch_endpoint(PREFIX, "nightly-scoring"), job_name=mock.ANY,
        input_path="azureml://datastores/artifacts/paths/batch/customers/",
        output_path="azureml://datastores/artifacts/paths/batch/scores/")
    assert capsys.readouterr().out == "started batchjob-1234\n"
    assert azure.invoke_batch_endpoint.call_args.kwargs["job_name"].startswith("churn-prod-nightly-scoring-2026")


def test_azure_batch_run_dry_run_prints_the_invocation(azure: mock.MagicMock, spec_file: str, clock: FakeClock,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(spec_file, "azure", "backfill", "--dry-run") == 0
    planned = _planned(capsys.readouterr().out)
    assert len(planned) == 1
    assert planned[0].startswith('would call azureml.invoke_batch_endpoint(endpoint="churn-prod-batch-backfill-54bfd4", '
                                 'job_name="churn-prod-backfill-2026')
    assert planned[0].endswith('input_path="azureml://datastores/artifacts/paths/batch/history/", '
                               'output_path="azureml://datastores/artifacts/paths/batch/backfill-scores/")')
    azure.invoke_batch_endpoint.assert_not_called()


def test_names_match_the_provider() -> None:
    """The names day 2 uses are the ones the builds give (recorded in the previews)."""
    from mlopskit.engine import preview

    s = stack(SPEC)
    gcp_graph = preview(s, "gcp")
    assert gcp_names.batch_job_object("backfill") in {r.inputs["name"] for r in gcp_graph.of_type(
        "gcp:storage/bucketObject:BucketObject")}
    azure_graph = preview(s, "azure")
    from mlopskit.providers.azure import names

    assert names.batch_endpoint(PREFIX, "backfill") in {r.inputs["endpointName"] for r in azure_graph.of_type(
        "azure-native:machinelearningservices:BatchEndpoint")}
    assert {r.inputs["name"] for r in azure_graph.of_type("azure-native:machinelearningservices:Datastore")} == {
        names.ARTIFACTS_DATASTORE}
