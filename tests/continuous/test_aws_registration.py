"""The AWS registration path run as SageMaker Pipelines would run it, against moto: the kit's gate
writes the evaluation file to S3, the Gate step reads it (Std:JsonGet), and the branch's
RegisterModel request registers the candidate with its metrics, lineage and approval. Then
`promote` and `rollout` refuse a version whose gate failed, and `status` shows the lineage.
"""

from __future__ import annotations

import json
import operator
from pathlib import Path
from typing import Any

import boto3
import pandas as pd
import pytest

from mlopskit.cli import main
from mlopskit.monitor import contract, gate_entry
from mlopskit.providers.packaging import source_archive
from tests.conftest import STACKS
from tests.continuous.test_gate import GOOD, LABELS, WEAKER
from tests.fidelity.aws.gate import SPECS, graph_of
from tests.fidelity.aws.pipeline_functions import Runtime, resolve
from tests.specs import write_spec

REGION, ACCOUNT = "eu-west-1", "123456789012"
BUCKET = f"churn-ct-staging-artifacts-{ACCOUNT}"
EXECUTION = "a1b2c3d4e5f6"
TUNED = {"max_depth": "7", "eta": "0.1", "subsample": "0.8"}
CONDITIONS = {"Equals": operator.eq, "GreaterThanOrEqualTo": operator.ge, "LessThanOrEqualTo": operator.le}


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    graph = graph_of(SPECS["continuous-training"]())
    [pipeline] = [r for r in graph.of_type("aws:sagemaker/pipeline:Pipeline") if "churn-train" in r.name]
    return json.loads(pipeline.inputs["pipelineDefinition"])


@pytest.fixture
def registry() -> Any:
    from moto import mock_aws

    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        boto3.client("sagemaker", region_name=REGION).create_model_package_group(ModelPackageGroupName="churn")
        yield boto3.client("sagemaker", region_name=REGION)


def evaluate(tmp_path: Path, candidate: pd.Series, serving: pd.Series) -> dict[str, Any]:
    """The Evaluate step: the kit's gate on the hold-out set, its report uploaded where the step's output goes."""
    for folder, name, values in ((contract.GATE_LABELS, contract.HOLDOUT_LABELS, LABELS),
                                 (contract.GATE_CANDIDATE, "features.csv.out", candidate),
                                 (contract.GATE_SERVING, "features.csv.out", serving),
                                 (contract.GATE_TRAINING_DATA, "train.csv", pd.Series(["1,0.5", "0,0.2"]))):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / name).write_text("".join(f"{v}\n" for v in values))
    env = {"GATE_ROOT": str(tmp_path), "GATE_PROBLEM_TYPE": "binary-classification",
           "GATE_MINIMUMS": "auc=0.8,f1=0.6", "GATE_MARGIN": "0.01"}
    assert gate_entry.main(env) == 0
    return json.loads((tmp_path / contract.GATE_OUTPUT / contract.EVALUATION_JSON).read_text())


def run(definition: dict[str, Any], report: dict[str, Any], registry: Any) -> tuple[list[str], Runtime]:
    """Upload the report where the Evaluate step writes it, then run the Gate step and its branch."""
    steps = {s["Name"]: s for s in definition["Steps"]}
    runtime = Runtime({"Execution.PipelineExecutionId": EXECUTION,
                       "Steps.Tune.BestTrainingJob.TrainingJobName": "a1b2c3d4e5f6-005-0123abcd",
                       **{f"Steps.Tune.BestTrainingJob.TunedHyperParameters['{k}']": v for k, v in TUNED.items()}})
    [output] = resolve(steps["Evaluate"]["Arguments"]["ProcessingOutputConfig"]["Outputs"], runtime)
    runtime.properties = {**runtime.properties,  # type: ignore[dict-item]
                          "Steps.Evaluate.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri":
                              output["S3Output"]["S3Uri"]}
    [file] = steps["Evaluate"]["PropertyFiles"]
    key = output["S3Output"]["S3Uri"].removeprefix(f"s3://{BUCKET}/") + file["FilePath"]
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key=key, Body=json.dumps(report).encode())
    body = boto3.client("s3", region_name=REGION).get_object(Bucket=BUCKET, Key=key)["Body"].read()
    runtime.property_files = {f"Steps.Evaluate.PropertyFiles.{file['PropertyFileName']}": json.loads(body)}
    gate = steps["Gate"]["Arguments"]
    passed = all(CONDITIONS[c["Type"]](resolve(c["LeftValue"], runtime), resolve(c["RightValue"], runtime))
                 for c in gate["Conditions"])
    ran = []
    for step in gate["IfSteps" if passed else "ElseSteps"]:
        ran.append(step["Name"])
        if step["Type"] == "RegisterModel":
            registry.create_model_package(**resolve(step["Arguments"], runtime))
    return ran, runtime


def only_version(registry: Any) -> dict[str, Any]:
    [summary] = registry.list_model_packages(ModelPackageGroupName="churn")["ModelPackageSummaryList"]
    return registry.describe_model_package(ModelPackageName=summary["ModelPackageArn"])


def test_a_better_candidate_is_registered_approved_with_metrics_and_lineage(tmp_path, definition, registry) -> None:
    report = evaluate(tmp_path, GOOD, WEAKER)
    ran, runtime = run(definition, report, registry)
    assert ran == ["Register"]
    version = only_version(registry)
    assert version["ModelApprovalStatus"] == "Approved"  # register.approval: automatic-when-gate-passes
    meta = version["CustomerMetadataProperties"]
    assert {k: v for k, v in meta.items() if k.startswith("mlopskit.metric.")} == {
        "mlopskit.metric.auc": "0.875", "mlopskit.metric.f1": "0.75",
        "mlopskit.metric.serving.auc": "0.5625", "mlopskit.metric.serving.f1": "0.5"}
    assert meta["mlopskit.gate"] == "passed" and meta["mlopskit.training-job"] == "churn-train"
    assert meta["mlopskit.code-sha256"] == source_archive(STACKS / "src").sha256
    assert meta["mlopskit.data-manifest-sha256"] == report["lineage"]["data_manifest_sha256"]
    assert len(meta["mlopskit.data-manifest-sha256"]) == 64
    assert {k.removeprefix("mlopskit.hp."): v for k, v in meta.items() if k.startswith("mlopskit.hp.")} == {
        **TUNED, "objective": "binary:logistic"}
    statistics = version["ModelMetrics"]["ModelQuality"]["Statistics"]
    assert statistics == {"ContentType": "application/json", "S3Uri":
                          f"s3://{BUCKET}/evaluation/churn-train/{EXECUTION}/report/evaluation.json"}
    container = version["InferenceSpecification"]["Containers"][0]
    assert container["ModelDataUrl"] == (f"s3://{BUCKET}/models/churn-train/a1b2c3d4e5f6-005-0123abcd"
                                         "/output/model.tar.gz")
    # The condition and the registration read exactly the evaluator's contract paths.
    assert runtime.read[0] == contract.GATE_PASSED_PATH


def test_a_worse_candidate_is_registered_rejected_and_the_run_fails(tmp_path, definition, registry) -> None:
    ran, _ = run(definition, evaluate(tmp_path, WEAKER, GOOD), registry)
    assert ran == ["RegisterRejected", "GateFailed"]
    version = only_version(registry)
    assert version["ModelApprovalStatus"] == "Rejected"
    meta = version["CustomerMetadataProperties"]
    assert meta["mlopskit.gate"] == "failed"
    assert meta["mlopskit.metric.auc"] == "0.5625" and meta["mlopskit.metric.serving.auc"] == "0.875"


@pytest.fixture
def spec_file(tmp_path: Path) -> str:
    data = SPECS["continuous-training"]()
    return str(write_spec(tmp_path, data))


def test_promote_refuses_a_version_whose_gate_failed_unless_forced(tmp_path, definition, registry, spec_file,
                                                                   capsys) -> None:
    run(definition, evaluate(tmp_path, WEAKER, GOOD), registry)
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/churn/1"
    assert main(["promote", spec_file, "--provider", "aws", "--package", "churn", "--version", "1"]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {arn} failed its training gate (auc=0.5625, f1=0.5, serving.auc=0.875, serving.f1=0.75); " \
                  "give --force to use it anyway\n"
    assert registry.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Rejected"
    assert main(["promote", spec_file, "--provider", "aws", "--package", "churn", "--version", "1", "--force"]) == 0
    assert registry.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Approved"


def test_rollout_refuses_a_version_whose_gate_failed(tmp_path, definition, registry, spec_file, capsys) -> None:
    run(definition, evaluate(tmp_path, WEAKER, GOOD), registry)
    code = main(["rollout", spec_file, "--provider", "aws", "--endpoint", "churn-online", "--model-version", "1"])
    assert code == 1
    assert "failed its training gate" in capsys.readouterr().err


def test_a_passed_version_is_promoted_without_force(tmp_path, definition, registry, spec_file) -> None:
    run(definition, evaluate(tmp_path, GOOD, WEAKER), registry)
    assert main(["promote", spec_file, "--provider", "aws", "--package", "churn", "--version", "1"]) == 0


def test_status_shows_the_lineage_of_the_version_an_endpoint_serves(tmp_path, definition, registry, spec_file,
                                                                    capsys) -> None:
    report = evaluate(tmp_path, GOOD, WEAKER)
    run(definition, report, registry)
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/churn/1"
    registry.create_model(ModelName="churn-ct-staging-churn-online-model-1", PrimaryContainer={"ModelPackageName": arn},
                          ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/churn-ct-staging-inference")
    registry.create_endpoint_config(EndpointConfigName="churn-ct-staging-churn-online-config-1", ProductionVariants=[
        {"VariantName": "primary", "ModelName": "churn-ct-staging-churn-online-model-1", "InstanceType": "ml.m5.large",
         "InitialInstanceCount": 2, "InitialVariantWeight": 1.0}])
    registry.create_endpoint(EndpointName="churn-ct-staging-churn-online", EndpointConfigName="churn-ct-staging-churn-online-config-1")
    main(["status", spec_file, "--provider", "aws"])
    out = capsys.readouterr().out
    code = source_archive(STACKS / "src").sha256
    assert (f"churn-online primary: {arn} gate passed\n"
            "  training job: churn-train\n"
            f"  code sha256: {code}\n"
            f"  data manifest sha256: {report['lineage']['data_manifest_sha256']}\n"
            "  hyperparameters: eta=0.1, max_depth=7, objective=binary:logistic, subsample=0.8\n"
            "  metrics: auc=0.875, f1=0.75, serving.auc=0.5625, serving.f1=0.5\n") in out
    main(["status", spec_file, "--provider", "aws", "--format", "json"])
    lineage = json.loads(capsys.readouterr().out)["lineage"]["churn-online"]
    assert [(v["reference"], v["gate"], v["metrics"]["auc"]) for v in lineage] == [(arn, "passed", "0.875")]
