"""Continuous training on SageMaker Pipelines: tune (or train) -> predict the hold-out set with the
candidate and the serving model -> evaluate with the kit's gate -> condition -> register.

The steps' ``Arguments`` are the SageMaker API requests (CreateHyperParameterTuningJob,
CreateModel, CreateTransformJob, CreateProcessingJob, CreateModelPackage) with pipeline functions
where a value is known only at run time: ``{"Get": ...}`` a step's property, ``Std:Join`` a
string built from them, ``Std:JsonGet`` a value of the evaluation file (the SageMaker Python SDK's
``sagemaker.workflow.functions`` emits these three forms). tests/fidelity/aws checks each request
against botocore and the definition against the published pipeline-definition schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pulumi

from mlopskit.modules import gate
from mlopskit.modules.continuous import METRIC_LINE, Evaluation, Register, Tuning
from mlopskit.modules.training import TrainingJob
from mlopskit.providers.aws.context import AwsContext, built
from mlopskit.providers.aws.lineage import META_CODE, META_DATA, META_GATE, META_HYPERPARAMETER, META_JOB, META_METRIC
from mlopskit.providers.aws.names import SERVING_PARAMETER
from mlopskit.providers.aws.tuning import SCALE, STRATEGY

# Step names: what ``Get`` paths name and ``mlopskit train --wait`` follows.
TRAIN, TUNE = "Train", "Tune"
CANDIDATE_MODEL, CANDIDATE_PREDICTIONS = "CandidateModel", "CandidatePredictions"
SERVING_MODEL, SERVING_PREDICTIONS = "ServingModel", "ServingPredictions"
EVALUATE, GATE, REGISTER, REGISTER_REJECTED, FAIL = "Evaluate", "Gate", "Register", "RegisterRejected", "GateFailed"
PROPERTY_FILE = "Evaluation"
EVALUATION_OUTPUT = "evaluation"
EVALUATION_INSTANCE = "ml.m5.large"  # the gate reads two prediction files: the smallest general type
EVALUATION_IMAGE = ("sklearn", "1.2-1")  # numpy, pandas, scipy: what the gate imports
EVALUATION_RUNTIME_SECONDS = 3600
TRANSFORM_INSTANCE_COUNT = 1


@dataclass(frozen=True)
class GateInputs:
    """What the continuous steps need beyond the training request."""

    job: TrainingJob
    training_image: pulumi.Input[str]
    evaluation_image: str
    instance_type: str  # the transform steps' type (the job's compute, as CreateTransformJob accepts it)
    code_sha256: str | None  # of the training code archive
    gate_code_uri: pulumi.Input[str] | None  # s3:// of gate.tar.gz
    serving_package: str | None  # model package ARN the endpoint serves now; None: none yet


def evaluation_image(ctx: AwsContext) -> str:
    """The SageMaker scikit-learn image of the region: the gate needs numpy, pandas and scipy."""
    from mlopskit.providers.aws import images

    return images.image_uri(EVALUATION_IMAGE[0], "training", EVALUATION_IMAGE[1], ctx.region) or ""


def get(path: str) -> dict[str, str]:
    return {"Get": path}


def join(*values: Any, on: str = "") -> dict[str, Any]:
    return {"Std:Join": {"On": on, "Values": list(values)}}


def json_get(path: str) -> dict[str, Any]:
    """A value of the evaluation file written by the Evaluate step (sagemaker.workflow.functions.JsonGet)."""
    return {"Std:JsonGet": {"PropertyFile": get(f"Steps.{EVALUATE}.PropertyFiles.{PROPERTY_FILE}"), "Path": path}}


def metric_definitions(tuning: Tuning) -> list[dict[str, str]]:
    """The objective as SageMaker scrapes it from the job's log (``<name>=<number>``)."""
    name = tuning.objective.metric
    return [{"Name": name, "Regex": METRIC_LINE.format(name=re.escape(name))}]


def _ranges(tuning: Tuning) -> dict[str, list[dict[str, Any]]]:
    ranges: dict[str, list[dict[str, Any]]] = {"IntegerParameterRanges": [], "ContinuousParameterRanges": [],
                                               "CategoricalParameterRanges": []}
    for name, spec in sorted(tuning.parameters.items()):
        if spec.categorical:
            ranges["CategoricalParameterRanges"].append({"Name": name, "Values": list(spec.values or [])})
            continue
        number = (lambda v: str(int(v))) if spec.type == "integer" else repr
        key = "IntegerParameterRanges" if spec.type == "integer" else "ContinuousParameterRanges"
        ranges[key].append({"Name": name, "MinValue": number(spec.min), "MaxValue": number(spec.max),
                            "ScalingType": SCALE[spec.scale or "linear"]})
    return {k: v for k, v in ranges.items() if v}


# CreateTrainingJob members a tuning job's TrainingJobDefinition takes under another name or not
# at all (botocore HyperParameterTrainingJobDefinition): HyperParameters are StaticHyperParameters.
_NOT_IN_DEFINITION = ("HyperParameters",)


def tuning_step(training_request: dict[str, Any], tuning: Tuning) -> dict[str, Any]:
    """The Tuning step: the training request as the definition every trial runs."""
    definition = {k: v for k, v in training_request.items() if k not in _NOT_IN_DEFINITION}
    definition["StaticHyperParameters"] = dict(training_request.get("HyperParameters", {}))
    spec = dict(definition["AlgorithmSpecification"])
    spec["MetricDefinitions"] = metric_definitions(tuning)
    definition["AlgorithmSpecification"] = spec
    config: dict[str, Any] = {
        "Strategy": STRATEGY[tuning.strategy],
        "HyperParameterTuningJobObjective": {"Type": tuning.objective.goal.capitalize(),
                                             "MetricName": tuning.objective.metric},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": tuning.trials, "MaxParallelTrainingJobs": tuning.parallel_trials},
        "ParameterRanges": _ranges(tuning),
        "TrainingJobEarlyStoppingType": "Auto" if tuning.early_stopping else "Off",
    }
    return {"Name": TUNE, "Type": "Tuning",
            "Arguments": {"HyperParameterTuningJobConfig": config, "TrainingJobDefinition": definition}}


def candidate_artifacts(job: TrainingJob, bucket: pulumi.Input[str]) -> Any:
    """Where the candidate's model.tar.gz is once its step has run."""
    if job.tuning is None:
        return get(f"Steps.{TRAIN}.ModelArtifacts.S3ModelArtifacts")
    # The best trial's artifacts: <S3OutputPath><training job name>/output/model.tar.gz, as the
    # SageMaker Python SDK's TuningStep.get_top_model_s3_uri builds it.
    return join(pulumi.Output.concat("s3://", bucket, f"/models/{job.name}/"),
                get(f"Steps.{TUNE}.BestTrainingJob.TrainingJobName"), "/output/model.tar.gz")


def run_prefix(bucket: pulumi.Input[str], job: TrainingJob, part: str) -> Any:
    """``s3://<bucket>/evaluation/<job>/<execution id>/<part>/``: one folder per run and part."""
    return join(pulumi.Output.concat("s3://", bucket, f"/evaluation/{job.name}/"),
                get("Execution.PipelineExecutionId"), f"/{part}/")


def _model_step(name: str, container: dict[str, Any], ctx: AwsContext, depends: list[str]) -> dict[str, Any]:
    args: dict[str, Any] = {"ExecutionRoleArn": ctx.roles["inference"], "PrimaryContainer": container,
                            "EnableNetworkIsolation": True}
    if ctx.subnet_ids:
        args["VpcConfig"] = {"Subnets": ctx.subnet_ids, "SecurityGroupIds": ctx.security_group_ids}
    return {"Name": name, "Type": "Model", "Arguments": args, **({"DependsOn": depends} if depends else {})}


def _transform_step(name: str, model_step: str, inputs: GateInputs, ctx: AwsContext, part: str) -> dict[str, Any]:
    bucket = built(ctx.bucket_name, "bucket_name")
    evaluation = inputs.job.evaluation
    assert evaluation is not None
    features = pulumi.Output.concat("s3://", bucket, "/", evaluation.holdout, gate.HOLDOUT_FEATURES)
    args: dict[str, Any] = {
        "ModelName": get(f"Steps.{model_step}.ModelName"),
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": features}},
                           "ContentType": "text/csv", "SplitType": "Line"},
        "TransformOutput": {"S3OutputPath": run_prefix(bucket, inputs.job, part), "AssembleWith": "Line",
                            **({"KmsKeyId": ctx.key_arn} if ctx.key_arn is not None else {})},
        "TransformResources": {"InstanceType": inputs.instance_type, "InstanceCount": TRANSFORM_INSTANCE_COUNT,
                               **({"VolumeKmsKeyId": ctx.key_arn} if ctx.key_arn is not None else {})},
        "BatchStrategy": "MultiRecord",
    }
    return {"Name": name, "Type": "Transform", "Arguments": args}


def _input(name: str, uri: Any, local: str) -> dict[str, Any]:
    return {"InputName": name, "S3Input": {"S3Uri": uri, "LocalPath": f"{gate.ROOT}/{local}", "S3DataType": "S3Prefix",
                                           "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated"}}


def evaluate_step(inputs: GateInputs, ctx: AwsContext, compare: bool) -> dict[str, Any]:
    """The Processing step running the kit's gate on the two prediction sets."""
    bucket = built(ctx.bucket_name, "bucket_name")
    job, evaluation = inputs.job, inputs.job.evaluation
    assert evaluation is not None and inputs.gate_code_uri is not None
    store = lambda key: pulumi.Output.concat("s3://", bucket, "/", key)  # noqa: E731
    processing_inputs = [
        _input("code", inputs.gate_code_uri, gate.CODE),
        _input("labels", store(evaluation.holdout + gate.HOLDOUT_LABELS), gate.LABELS),
        _input("candidate", get(f"Steps.{CANDIDATE_PREDICTIONS}.TransformOutput.S3OutputPath"), gate.CANDIDATE),
        _input("training-data", store(f"data/{job.name}/"), gate.TRAINING_DATA),
    ]
    if compare:
        processing_inputs.append(_input("serving", get(f"Steps.{SERVING_PREDICTIONS}.TransformOutput.S3OutputPath"),
                                        gate.SERVING))
    environment = gate.environment(evaluation)
    if not compare:
        environment.pop("GATE_MARGIN", None)
    run = (f"cd {gate.ROOT}/{gate.CODE} && tar -xzf {gate.GATE_ARCHIVE} && "
           f"exec python3 -m {gate.MODULE}")
    output = {"OutputName": EVALUATION_OUTPUT, "S3Output": {
        "S3Uri": run_prefix(bucket, job, "report"), "LocalPath": f"{gate.ROOT}/{gate.OUTPUT}", "S3UploadMode": "EndOfJob"}}
    args: dict[str, Any] = {
        "AppSpecification": {"ImageUri": inputs.evaluation_image, "ContainerEntrypoint": ["/bin/sh", "-c", run]},
        "Environment": environment,
        "ProcessingInputs": processing_inputs,
        "ProcessingOutputConfig": {"Outputs": [output], **({"KmsKeyId": ctx.key_arn} if ctx.key_arn is not None else {})},
        "ProcessingResources": {"ClusterConfig": {
            "InstanceCount": 1, "InstanceType": EVALUATION_INSTANCE, "VolumeSizeInGB": 30,
            **({"VolumeKmsKeyId": ctx.key_arn} if ctx.key_arn is not None else {})}},
        "StoppingCondition": {"MaxRuntimeInSeconds": EVALUATION_RUNTIME_SECONDS},
        "RoleArn": ctx.roles["evaluation"],
        "NetworkConfig": {"EnableNetworkIsolation": True, "EnableInterContainerTrafficEncryption": True,
                          **({"VpcConfig": {"Subnets": ctx.subnet_ids, "SecurityGroupIds": ctx.security_group_ids}}
                             if ctx.subnet_ids else {})},
    }
    return {"Name": EVALUATE, "Type": "Processing", "Arguments": args,
            "PropertyFiles": [{"PropertyFileName": PROPERTY_FILE, "OutputName": EVALUATION_OUTPUT,
                               "FilePath": gate.EVALUATION_JSON}]}


def lineage(inputs: GateInputs, compare: bool) -> dict[str, Any]:
    """CustomerMetadataProperties of a registered version: the gate's verdict, code and data
    hashes, chosen hyperparameters and every gated metric (strings: the API takes text only)."""
    job, evaluation = inputs.job, inputs.job.evaluation
    meta: dict[str, Any] = {META_JOB: job.name}
    if evaluation is not None:
        meta[META_DATA] = join(json_get(gate.DATA_MANIFEST_PATH))
    if inputs.code_sha256 is not None:
        meta[META_CODE] = inputs.code_sha256
    for name, value in sorted(job.hyperparameters.items()):
        meta[f"{META_HYPERPARAMETER}{name}"] = value
    for name in sorted(job.tuning.parameters if job.tuning else ()):
        meta[f"{META_HYPERPARAMETER}{name}"] = get(f"Steps.{TUNE}.BestTrainingJob.TunedHyperParameters['{name}']")
    for metric in sorted(evaluation.minimums if evaluation is not None else ()):
        meta[f"{META_METRIC}{metric}"] = join(json_get(gate.metric_path("candidate", metric)))
        if compare:
            meta[f"{META_METRIC}serving.{metric}"] = join(json_get(gate.metric_path("serving", metric)))
    return meta


def register_step(name: str, inputs: GateInputs, ctx: AwsContext, status: str, verdict: str,
                  compare: bool) -> dict[str, Any]:
    """A RegisterModel step: the candidate as a version of the package with the evaluation attached."""
    register = inputs.job.registration
    assert register is not None
    bucket = built(ctx.bucket_name, "bucket_name")
    report = join(get(f"Steps.{EVALUATE}.ProcessingOutputConfig.Outputs['{EVALUATION_OUTPUT}'].S3Output.S3Uri"),
                  gate.EVALUATION_JSON)  # the output URI ends with "/"
    args: dict[str, Any] = {
        "ModelPackageGroupName": register.package,
        "ModelPackageDescription": f"mlopskit training job {inputs.job.name}: gate {verdict}",
        "InferenceSpecification": {
            "Containers": [{"Image": inputs.training_image, "ModelDataUrl": candidate_artifacts(inputs.job, bucket)}],
            "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]},
        "ModelApprovalStatus": status,
        "CustomerMetadataProperties": {**lineage(inputs, compare), META_GATE: verdict},
    }
    if inputs.job.evaluation is not None:
        args["ModelMetrics"] = {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": report}}}
    return {"Name": name, "Type": "RegisterModel", "Arguments": args}


def approval_status(register: Register) -> str:
    return "Approved" if register.approval == "automatic-when-gate-passes" else "PendingManualApproval"


def gated_steps(first: dict[str, Any], inputs: GateInputs, ctx: AwsContext) -> list[dict[str, Any]]:
    """Every step after tuning/training when the job has an evaluation (and so a register)."""
    job = inputs.job
    evaluation: Evaluation | None = job.evaluation
    assert evaluation is not None and job.registration is not None
    bucket = built(ctx.bucket_name, "bucket_name")
    compare = evaluation.against is not None and inputs.serving_package is not None
    steps = [first,
             _model_step(CANDIDATE_MODEL, {"Image": inputs.training_image,
                                           "ModelDataUrl": candidate_artifacts(job, bucket)}, ctx, []),
             _transform_step(CANDIDATE_PREDICTIONS, CANDIDATE_MODEL, inputs, ctx, "candidate")]
    if compare:
        steps += [_model_step(SERVING_MODEL, {"ModelPackageName": get(f"Parameters.{SERVING_PARAMETER}")}, ctx, []),
                  _transform_step(SERVING_PREDICTIONS, SERVING_MODEL, inputs, ctx, "serving")]
    steps.append(evaluate_step(inputs, ctx, compare))
    steps.append({"Name": GATE, "Type": "Condition", "Arguments": {
        "Conditions": [{"Type": "Equals", "LeftValue": json_get(gate.PASSED_PATH), "RightValue": 1}],
        "IfSteps": [register_step(REGISTER, inputs, ctx, approval_status(job.registration), "passed", compare)],
        # A failed gate still records the candidate, rejected, with its metrics (the issue's
        # "registers as rejected"), then fails the execution so its status says so.
        "ElseSteps": [register_step(REGISTER_REJECTED, inputs, ctx, "Rejected", "failed", compare),
                      {"Name": FAIL, "Type": "Fail", "Arguments": {
                          "ErrorMessage": f"training job {job.name}: the candidate did not pass the evaluation gate"}}],
    }})
    return steps


def parameters(inputs: GateInputs) -> list[dict[str, Any]]:
    evaluation = inputs.job.evaluation
    if evaluation is None or evaluation.against is None or inputs.serving_package is None:
        return []
    return [{"Name": SERVING_PARAMETER, "Type": "String", "DefaultValue": inputs.serving_package}]
