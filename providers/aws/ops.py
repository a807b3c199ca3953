"""Day-2 operations on AWS through boto3: SageMaker, CloudWatch, Application Auto Scaling,
AWS Backup and S3. Clients follow boto3's standard configuration (credentials chain,
``AWS_ENDPOINT_URL``, the spec's region).

Rollouts use SageMaker's native deployment guardrails where they fit: for canary, linear,
blue-green and all-at-once, a new model and a copy of the live endpoint config with it on
``primary`` go to ``update_endpoint`` with the same blue/green DeploymentConfig and alarm
auto-rollback the provider gives the endpoint (``providers.aws.endpoint.deployment_request``),
so `pulumi up` and `mlopskit rollout` move an endpoint the same way. SageMaker shifts the
traffic and rolls back on the alarms; the kit follows ``describe_endpoint`` until it ends.

Shadow (the guardrails run no shadow tests) and ``mlopskit rollout --stepwise`` use stepwise
production-variant weights instead: the candidate variant is deployed beside ``primary``
with weight 0, ``update_endpoint_weights_and_capacities`` moves traffic (it needs both the
weight and the instance count of each variant), and the kit reads the alarms between steps.

Either way the endpoint's ``mlopskit:previous-config`` tag names the pre-rollout config,
which `mlopskit rollback` restores.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from mlopskit.modules.batch import BatchJob
from mlopskit.modules.day2.backend import (
    LiveEndpoint,
    LiveVariant,
    NativeOutcome,
    OpsBackend,
    Rollout,
    TrainingState,
    TrainingStatus,
    VersionLineage,
    credentials_configured,
)
from mlopskit.modules.day2.calls import Gateway
from mlopskit.modules.day2.errors import CloudError
from mlopskit.modules.endpoint import Endpoint
from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.modules.stack import Stack
from mlopskit.modules.training import TrainingJob
from mlopskit.providers.aws import names
from mlopskit.providers.aws.instance_types import resolve_use
from mlopskit.providers.aws.lineage import lineage_of
from mlopskit.providers.aws.names import SERVING_PARAMETER

THROTTLING = {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded",
              "ProvisionedThroughputExceededException", "SlowDown", "RequestThrottled"}
NOT_FOUND = {"ResourceNotFound", "ResourceNotFoundException", "NoSuchBucket", "NoSuchKey", "NotFound", "404"}
DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
          "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException"}
POLL_SECONDS = 30
# describe_endpoint statuses of an update still under way (RollingBack: the guardrails
# are undoing it after an alarm).
UPDATING = {"Updating", "SystemUpdating", "RollingBack", "Creating"}
TRAINING_STATES: dict[str, TrainingState] = {
    "InProgress": "running", "Stopping": "running", "Completed": "succeeded", "Failed": "failed", "Stopped": "failed",
}
# DescribePipelineExecution's PipelineExecutionStatus (botocore's enum).
PIPELINE_STATES: dict[str, TrainingState] = {
    "Executing": "running", "Stopping": "running", "Succeeded": "succeeded", "Failed": "failed", "Stopped": "failed",
    "CompletedWithFailures": "failed",
}


# Where boto3's credentials chain looks, besides a VM's or container's metadata endpoint.
AWS_CREDENTIAL_ENV = ("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
                      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")
NO_AWS_CREDENTIALS = ("no AWS credentials found: set AWS_PROFILE (after `aws configure` or `aws sso login`) "
                      "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")


def classify(error: BaseException) -> CloudError | None:
    """botocore errors -> throttled / not-found / access-denied / failed, one line each."""
    from botocore import exceptions

    if isinstance(error, exceptions.ClientError):
        info = error.response.get("Error", {})
        code, message = str(info.get("Code", "")), str(info.get("Message", "")) or str(error)
        if code in THROTTLING:
            return CloudError("throttled", "", message)
        # SageMaker reports a missing resource as a ValidationException "Could not find ...".
        if code in NOT_FOUND or (code == "ValidationException" and ("not find" in message or "does not exist" in message)):
            return CloudError("not-found", "", message)
        if code in DENIED:
            return CloudError("access-denied", "", message)
        return CloudError("failed", "", f"{code}: {message}")
    if isinstance(error, (exceptions.NoCredentialsError, exceptions.PartialCredentialsError)):
        return CloudError("access-denied", "", NO_AWS_CREDENTIALS)
    if isinstance(error, exceptions.BotoCoreError):
        return CloudError("failed", "", str(error))
    return None


def _stamp(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%Y%m%d%H%M%S")


class AwsOps(OpsBackend):
    """The stack's SageMaker endpoints, training pipelines, registry and backups."""

    cloud = "aws"

    def __init__(self, stack: Stack, gateway: Gateway, client: Callable[[str], Any] | None = None) -> None:
        super().__init__(gateway)
        placement = stack.placement.aws
        assert placement is not None, "placement.aws is checked before ops run"
        self.stack = stack
        self.region = placement.region
        self._injected = client is not None
        self._factory = client or (lambda service: _boto_client(service, self.region))
        self._clients: dict[str, Any] = {}
        self._account: str | None = None
        self._stale_reasons: dict[str, str] = {}  # endpoint -> FailureReason before a native rollout

    # -- plumbing -------------------------------------------------------------------------
    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._factory(service)
        return self._clients[service]

    def _call(self, service: str, operation: str) -> Callable[..., Any]:
        # The client is made inside the call: making one resolves credentials, which an
        # offline dry run must never do.
        return lambda **params: getattr(self.client(service), operation)(**params)

    def _read(self, service: str, operation: str, **params: Any) -> Any:
        return self.gateway.read(service, operation, self._call(service, operation), **params)

    def _write(self, service: str, operation: str, dry_result: Any = None, **params: Any) -> Any:
        return self.gateway.write(service, operation, self._call(service, operation), dry_result=dry_result, **params)

    def missing_credentials(self) -> str | None:
        files = (os.environ.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
                 os.environ.get("AWS_CONFIG_FILE", "~/.aws/config"))
        if self._injected or credentials_configured(AWS_CREDENTIAL_ENV, files):
            return None
        return NO_AWS_CREDENTIALS

    @property
    def account(self) -> str:
        if self._account is None:
            self._account = self._read("sts", "get_caller_identity")["Account"]
        return self._account

    def _arn(self, service: str, resource: str, region: str | None = None) -> str:
        return f"arn:aws:{service}:{self.region if region is None else region}:{self.account}:{resource}"

    def _stamp(self) -> str:
        return _stamp(self.gateway.clock.now())

    # -- training -------------------------------------------------------------------------
    def submit_training(self, job: TrainingJob, run_name: str) -> str:
        """The pipeline's training step is the stack's exact CreateTrainingJob request (role,
        image, bucket, KMS key, VPC); the spec's compute and limits are applied over it. A job
        that tunes, evaluates or registers runs its whole pipeline (issue 31): one execution."""
        pipeline = names.pipeline(self.stack, job.name)
        if job.tuning is not None or job.evaluation is not None or job.registration is not None:
            serving = self._serving_package(job)
            parameters = {"PipelineParameters": [{"Name": SERVING_PARAMETER, "Value": serving}]} if serving else {}
            started = self._write("sagemaker", "start_pipeline_execution",
                                  dry_result={"PipelineExecutionArn": f"<execution of {pipeline}>"},
                                  PipelineName=pipeline, PipelineExecutionDisplayName=run_name,
                                  PipelineExecutionDescription=f"mlopskit train of {job.name}", **parameters)
            return str(started["PipelineExecutionArn"])
        definition = json.loads(self._read("sagemaker", "describe_pipeline", PipelineName=pipeline)["PipelineDefinition"])
        step = next((s for s in definition.get("Steps", []) if s.get("Type") == "Training"), None)
        if step is None:
            raise CloudError("failed", "sagemaker.describe_pipeline", f"pipeline {pipeline} has no training step")
        request = dict(step["Arguments"])
        path = f"training[{self.stack.training.index(job)}].compute"
        instance = resolve_use("training", path, job.compute, self.region).instance.name
        request["ResourceConfig"] = {**request.get("ResourceConfig", {}), "InstanceType": instance,
                                     "InstanceCount": job.compute.count}
        runtime = job.max_runtime_minutes * 60
        stopping = {**request.get("StoppingCondition", {}), "MaxRuntimeInSeconds": runtime}
        request["EnableManagedSpotTraining"] = job.compute.spot
        if not job.compute.spot:
            stopping.pop("MaxWaitTimeInSeconds", None)
        request["StoppingCondition"] = stopping
        request["HyperParameters"] = {**request.get("HyperParameters", {}), **job.hyperparameters}
        self._write("sagemaker", "create_training_job", TrainingJobName=run_name, **request)
        return run_name

    def start_batch(self, job: BatchJob, run_name: str) -> str:
        """Starts the batch job's pipeline: its Transform step is the stack's exact
        CreateTransformJob request (model in the stack's subnets, KMS key, folders)."""
        started = self._write("sagemaker", "start_pipeline_execution",
                              dry_result={"PipelineExecutionArn": f"<execution of {names.batch_pipeline(self.stack, job.name)}>"},
                              PipelineName=names.batch_pipeline(self.stack, job.name),
                              PipelineExecutionDisplayName=run_name,
                              PipelineExecutionDescription=f"mlopskit batch run of {job.name}")
        return str(started["PipelineExecutionArn"])

    def training_status(self, run_id: str) -> TrainingStatus:
        if ":pipeline/" in run_id:
            return self._pipeline_status(run_id)
        described = self._read("sagemaker", "describe_training_job", TrainingJobName=run_id)
        status = described["TrainingJobStatus"]
        detail = status + (f" ({described['SecondaryStatus']})" if described.get("SecondaryStatus") else "")
        if described.get("FailureReason"):
            detail += f": {described['FailureReason']}"
        return TrainingStatus(TRAINING_STATES.get(status, "running"), detail)

    def _pipeline_status(self, arn: str) -> TrainingStatus:
        """A continuous pipeline's run, step by step: each step's status, and the gate's verdict
        once a registration step (Register or RegisterRejected, providers/aws/continuous.py) ran."""
        described = self._read("sagemaker", "describe_pipeline_execution", PipelineExecutionArn=arn)
        status = described["PipelineExecutionStatus"]
        steps = self._read("sagemaker", "list_pipeline_execution_steps", PipelineExecutionArn=arn,
                           SortOrder="Ascending").get("PipelineExecutionSteps", [])
        detail = status + (": " + ", ".join(f"{s['StepName']} {s.get('StepStatus', '')}" for s in steps) if steps else "")
        ran = {s["StepName"] for s in steps}
        if "RegisterRejected" in ran:
            detail += "; gate failed: the candidate is registered rejected"
        elif "Register" in ran:
            detail += "; gate passed: the candidate is registered"
        if described.get("FailureReason"):
            detail += f"; {described['FailureReason']}"
        return TrainingStatus(PIPELINE_STATES.get(status, "running"), detail)

    # -- endpoints ------------------------------------------------------------------------
    def _endpoint(self, name: str) -> dict[str, Any]:
        return self._read("sagemaker", "describe_endpoint", EndpointName=name)

    def _config(self, name: str) -> dict[str, Any]:
        return self._read("sagemaker", "describe_endpoint_config", EndpointConfigName=name)

    def _serving_package(self, job: TrainingJob) -> str | None:
        """The model package the gate's ``against`` endpoint serves now: a rollout may have moved it
        since ``pulumi up`` set the pipeline parameter's default. The variant taking most of the
        live traffic is the champion; None (the default stays) when it serves no registry version or
        does not exist yet."""
        against = job.evaluation.against if job.evaluation is not None else None
        if against is None:
            return None
        try:
            described = self._endpoint(names.endpoint(self.stack, self.stack.endpoints[against.index]))
        except CloudError as error:
            if error.kind != "not-found":
                raise
            return None  # not deployed yet (no approved version): the pipeline built no comparison
        config = self._config(described["EndpointConfigName"])
        models = {v["VariantName"]: v.get("ModelName", "") for v in config.get("ProductionVariants", [])}
        live = [v for v in described.get("ProductionVariants", []) if models.get(v["VariantName"])]
        if not live:
            return None
        champion = max(live, key=lambda v: float(v.get("CurrentWeight", 0.0)))
        container = self._read("sagemaker", "describe_model", ModelName=models[champion["VariantName"]])
        package = (container.get("PrimaryContainer") or {}).get("ModelPackageName")
        return str(package) if package else None

    def live_endpoint(self, endpoint: Endpoint) -> LiveEndpoint:
        name = names.endpoint(self.stack, endpoint)
        described = self._endpoint(name)
        config = self._config(described["EndpointConfigName"])
        models = {v["VariantName"]: v.get("ModelName", "") for v in config.get("ProductionVariants", [])}
        production = described.get("ProductionVariants", [])
        total = sum(float(v.get("CurrentWeight", 0.0)) for v in production)
        variants = [LiveVariant(v["VariantName"], models.get(v["VariantName"], ""),
                                100.0 * float(v.get("CurrentWeight", 0.0)) / total if total else 0.0,
                                v.get("CurrentInstanceCount")) for v in production]
        primary_weight = next((float(v.get("CurrentWeight", 0.0)) for v in production
                               if v["VariantName"] == names.PRIMARY_VARIANT), 1.0) or 1.0
        for shadow in described.get("ShadowProductionVariants", []):
            # SageMaker mirrors weight(shadow) / weight(production) of the requests.
            variants.append(LiveVariant(shadow["VariantName"], "", 0.0, shadow.get("CurrentInstanceCount"), shadow=True,
                                        mirror_percent=round(100.0 * float(shadow.get("CurrentWeight", 0.0)) / primary_weight, 2)))
        targets = self._read("application-autoscaling", "describe_scalable_targets", ServiceNamespace="sagemaker",
                             ResourceIds=[names.scalable_target(name)],
                             ScalableDimension="sagemaker:variant:DesiredInstanceCount")["ScalableTargets"]
        capture = described.get("DataCaptureConfig")
        percent = capture.get("CurrentSamplingPercentage") if capture else None
        if capture and percent is None:
            # The summary omits it on some endpoints; the config it runs holds the rate.
            percent = (config.get("DataCaptureConfig") or {}).get("InitialSamplingPercentage")
        return LiveEndpoint(
            name=name, variants=tuple(variants),
            min_instances=targets[0]["MinCapacity"] if targets else None,
            max_instances=targets[0]["MaxCapacity"] if targets else None,
            capture_enabled=bool(capture.get("EnableCapture")) if capture else False,
            capture_percent=float(percent) if percent is not None else None,
        )

    def _package_arn(self, package: str, version: str) -> str:
        return self._arn("sagemaker", f"model-package/{names.model_package_group(package)}/{version}")

    def _prepare(self, endpoint: Endpoint, version: str) -> _Prepared:
        """Checks shared by both rollout paths, then the rollout's model (the registry
        version, with the live model's role, network isolation and VPC)."""
        if endpoint.model.source != "registry" or not endpoint.model.package:
            raise SpecError([SpecIssue(f"endpoints.{endpoint.name}.model.source",
                                       "a rollout deploys a registry version: the endpoint must use source: registry")])
        name = names.endpoint(self.stack, endpoint)
        described = self._endpoint(name)
        current = described["EndpointConfigName"]
        config = self._config(current)
        variants = config.get("ProductionVariants", [])
        if len(variants) != 1 or config.get("ShadowProductionVariants"):
            raise CloudError("failed", "sagemaker.describe_endpoint_config",
                             f"{name} is mid-rollout ({current} has {len(variants)} production variant(s) and "
                             f"{len(config.get('ShadowProductionVariants', []))} shadow): finish it or run `mlopskit rollback`")
        live = variants[0]
        live_now: dict[str, Any] = next((v for v in described.get("ProductionVariants", []) if v["VariantName"] == live["VariantName"]), {})
        instances = int(live_now.get("CurrentInstanceCount") or live.get("InitialInstanceCount") or 1)
        package = self._read("sagemaker", "describe_model_package", ModelPackageName=self._package_arn(endpoint.model.package, version))
        if self.stack.registry.models.approval == "manual" and package.get("ModelApprovalStatus") != "Approved":
            raise CloudError("failed", "sagemaker.describe_model_package",
                             f"{endpoint.model.package} version {version} is {package.get('ModelApprovalStatus')}, "
                             "not Approved (registry.models.approval is manual): run `mlopskit promote` first")
        old_model = self._read("sagemaker", "describe_model", ModelName=live["ModelName"])
        model_name = names.rollout_resource(name, version, self._stamp())
        model: dict[str, Any] = {"ModelName": model_name, "ExecutionRoleArn": old_model["ExecutionRoleArn"],
                                 "PrimaryContainer": {"ModelPackageName": package["ModelPackageArn"]},
                                 "EnableNetworkIsolation": bool(old_model.get("EnableNetworkIsolation", True))}
        if old_model.get("VpcConfig"):
            model["VpcConfig"] = old_model["VpcConfig"]
        self._write("sagemaker", "create_model", **model)
        return _Prepared(name, described, config, live, instances, model_name)

    def _remember_previous(self, prepared: _Prepared) -> None:
        self._write("sagemaker", "add_tags", ResourceArn=prepared.described["EndpointArn"],
                    Tags=[{"Key": names.PREVIOUS_CONFIG_TAG, "Value": prepared.current}])

    def start_rollout(self, endpoint: Endpoint, version: str, mirror_percent: int | None) -> Rollout:
        prepared = self._prepare(endpoint, version)
        name, config, live, instances, model_name = (prepared.name, prepared.config, prepared.live,
                                                     prepared.instances, prepared.model_name)
        candidate_name = names.SHADOW_VARIANT if mirror_percent is not None else names.CANDIDATE_VARIANT
        base: dict[str, Any] = {k: live[k] for k in ("InstanceType", "VolumeSizeInGB") if k in live}
        kept = {**{k: v for k, v in live.items() if k in ("VariantName", "ModelName", "InstanceType", "VolumeSizeInGB")},
                "InitialInstanceCount": instances, "InitialVariantWeight": 1.0}
        new_config: dict[str, Any] = {"EndpointConfigName": model_name, "ProductionVariants": [kept]}
        if mirror_percent is not None:
            new_config["ShadowProductionVariants"] = [{**base, "VariantName": candidate_name, "ModelName": model_name,
                                                       "InitialInstanceCount": 1, "InitialVariantWeight": mirror_percent / 100}]
        else:
            # Same capacity as the live variant: the candidate must be able to take 100%.
            new_config["ProductionVariants"].append({**base, "VariantName": candidate_name, "ModelName": model_name,
                                                     "InitialInstanceCount": instances, "InitialVariantWeight": 0.0})
        for key in ("DataCaptureConfig", "KmsKeyId"):
            if config.get(key):
                new_config[key] = config[key]
        self._write("sagemaker", "create_endpoint_config", **new_config)
        self._remember_previous(prepared)
        # Existing variants keep their live weights and (autoscaled) instance counts.
        self._update_endpoint(name, model_name)
        return Rollout(endpoint=name, live=live["VariantName"], candidate=candidate_name, live_instances=instances,
                       previous_config=prepared.current)

    # -- native rollouts: SageMaker's deployment guardrails --------------------------------
    # Canary, linear, blue-green and all-at-once are SageMaker blue/green traffic-routing
    # modes; shadow is not (the guardrails run no shadow tests), so it stays stepwise.
    native_strategies = frozenset({"canary", "linear", "blue-green", "all-at-once"})

    def start_native_rollout(self, endpoint: Endpoint, version: str) -> Rollout:
        """The live config again, with the new model on ``primary`` (SageMaker's guardrails
        need the variant name unchanged), sent with the provider's DeploymentConfig."""
        prepared = self._prepare(endpoint, version)
        # Everything the live config sets carries over, except what names this one config.
        new_config = {"EndpointConfigName": prepared.model_name,
                      **{k: v for k, v in prepared.config.items()
                         if k not in ("EndpointConfigName", "EndpointConfigArn", "CreationTime", "ResponseMetadata")}}
        # The new (green) fleet starts at the size the live one has now, autoscaled or not,
        # so that it can take all the traffic.
        new_config["ProductionVariants"] = [{**prepared.live, "ModelName": prepared.model_name,
                                             "InitialInstanceCount": prepared.instances}]
        self._write("sagemaker", "create_endpoint_config", **new_config)
        self._remember_previous(prepared)
        # A FailureReason left by an earlier deployment must not read as this one failing.
        self._stale_reasons[prepared.name] = str(prepared.described.get("FailureReason") or "")
        # Imported here: endpoint.py loads pulumi_aws, and this module is loaded with the facts and cost
        # parts (Provider.parts), which the CrossGuard pack's environment runs without any cloud SDK.
        from mlopskit.providers.aws.endpoint import deployment_request

        self._write("sagemaker", "update_endpoint", EndpointName=prepared.name, EndpointConfigName=prepared.model_name,
                    DeploymentConfig=deployment_request(endpoint.deployment, names.alarms(self.stack, endpoint)),
                    RetainDeploymentConfig=False)
        return Rollout(endpoint=prepared.name, live=prepared.live["VariantName"], candidate=prepared.live["VariantName"],
                       live_instances=prepared.instances, previous_config=prepared.current,
                       new_config=prepared.model_name)

    def wait_native_rollout(self, rollout: Rollout) -> NativeOutcome:
        """Until the endpoint leaves Updating: InService on the new config is success; back on
        the old one, Failed / UpdateRollbackFailed, or a new FailureReason is SageMaker's
        rollback (its FailureReason names the alarm)."""
        if self.gateway.dry_run:
            self.gateway.note(f"wait for SageMaker's blue/green deployment of {rollout.new_config}, "
                              f"reading describe_endpoint every {POLL_SECONDS} s")
            return NativeOutcome("completed", rollout.new_config, "InService")
        described = self._endpoint(rollout.endpoint)
        while described["EndpointStatus"] in UPDATING:
            self.gateway.clock.sleep(POLL_SECONDS)
            described = self._endpoint(rollout.endpoint)
        status, serving = described["EndpointStatus"], described["EndpointConfigName"]
        reason = str(described.get("FailureReason") or "")
        fresh = reason if reason != self._stale_reasons.get(rollout.endpoint, "") else ""
        if status == "InService" and serving == rollout.new_config and not fresh:
            return NativeOutcome("completed", serving, status)
        if status == "InService" and serving == rollout.previous_config:
            return NativeOutcome("rolled-back", serving, status, reason)
        return NativeOutcome("failed", serving, status, reason)

    def _update_endpoint(self, name: str, config: str) -> None:
        self._write("sagemaker", "update_endpoint", EndpointName=name, EndpointConfigName=config,
                    RetainAllVariantProperties=True)
        self._wait_in_service(name)

    def _wait_in_service(self, name: str) -> None:
        if self.gateway.dry_run:
            return
        while True:
            described = self._endpoint(name)
            status = described["EndpointStatus"]
            if status == "InService":
                return
            if status in ("Failed", "UpdateRollbackFailed", "OutOfService"):
                raise CloudError("failed", "sagemaker.describe_endpoint",
                                 f"{name} is {status}: {described.get('FailureReason', 'no reason given')}")
            self.gateway.clock.sleep(POLL_SECONDS)

    def _weights(self, name: str, weights: dict[str, tuple[float, int]]) -> None:
        self._write("sagemaker", "update_endpoint_weights_and_capacities", EndpointName=name,
                    DesiredWeightsAndCapacities=[{"VariantName": v, "DesiredWeight": w, "DesiredInstanceCount": n}
                                                 for v, (w, n) in weights.items()])
        self._wait_in_service(name)

    def shift_traffic(self, rollout: Rollout, candidate_percent: int) -> None:
        n = rollout.live_instances
        self._weights(rollout.endpoint, {rollout.live: (float(100 - candidate_percent), n),
                                         rollout.candidate: (float(candidate_percent), n)})

    def firing_alarms(self, endpoint: Endpoint) -> list[str]:
        wanted = names.alarms(self.stack, endpoint)
        if not wanted:
            return []
        found = self._read("cloudwatch", "describe_alarms", AlarmNames=wanted)["MetricAlarms"]
        return sorted(a["AlarmName"] for a in found if a["StateValue"] == "ALARM")

    def complete_rollout(self, rollout: Rollout) -> None:
        """The candidate's model becomes ``primary`` (the variant the alarms and autoscaling
        target), in a config of its own; the tag keeps the pre-rollout config for rollback."""
        config = self._config(self._endpoint(rollout.endpoint)["EndpointConfigName"]) if not self.gateway.dry_run else {}
        candidate = next((v for v in config.get("ProductionVariants", []) if v["VariantName"] == rollout.candidate), None)
        if self.gateway.dry_run or candidate is None:
            model = "<candidate model>"
            final = f"{rollout.endpoint}-final"
        else:
            model = candidate["ModelName"]
            final = f"{model}-final"[:63]
        variant = {**({k: candidate[k] for k in ("InstanceType", "VolumeSizeInGB") if k in candidate} if candidate else {}),
                   "VariantName": rollout.live, "ModelName": model, "InitialInstanceCount": rollout.live_instances,
                   "InitialVariantWeight": 1.0}
        final_config: dict[str, Any] = {"EndpointConfigName": final, "ProductionVariants": [variant]}
        for key in ("DataCaptureConfig", "KmsKeyId"):
            if config.get(key):
                final_config[key] = config[key]
        self._write("sagemaker", "create_endpoint_config", **final_config)
        self._write("sagemaker", "update_endpoint", EndpointName=rollout.endpoint, EndpointConfigName=final,
                    RetainAllVariantProperties=False)
        self._wait_in_service(rollout.endpoint)

    def abort_rollout(self, rollout: Rollout) -> None:
        # Traffic first (instant), then the candidate's capacity goes with the old config.
        if rollout.candidate != names.SHADOW_VARIANT:
            self._weights(rollout.endpoint, {rollout.live: (100.0, rollout.live_instances),
                                             rollout.candidate: (0.0, rollout.live_instances)})
        self._update_endpoint(rollout.endpoint, rollout.previous_config)

    def rollback(self, endpoint: Endpoint) -> str:
        name = names.endpoint(self.stack, endpoint)
        described = self._endpoint(name)
        current = described["EndpointConfigName"]
        tags = {t["Key"]: t["Value"] for t in self._read("sagemaker", "list_tags", ResourceArn=described["EndpointArn"])["Tags"]}
        previous = tags.get(names.PREVIOUS_CONFIG_TAG)
        if not previous or previous == current:
            raise CloudError("failed", "sagemaker.list_tags",
                             f"{name}: no previous version recorded (tag {names.PREVIOUS_CONFIG_TAG}): nothing to roll back to")
        production = described.get("ProductionVariants", [])
        live = next((v for v in production if v["VariantName"] == names.PRIMARY_VARIANT), None)
        if live is not None and len(production) > 1:
            # Mid-rollout: the previous version is still `primary`; give it all traffic now.
            count = int(live.get("CurrentInstanceCount") or 1)
            self._weights(name, {v["VariantName"]: (100.0 if v is live else 0.0, count) for v in production})
        self._update_endpoint(name, previous)
        return f"{name} serves {previous} again (100%)"

    # -- registry -------------------------------------------------------------------------
    def promote(self, package: str, version: str) -> str:
        arn = self._package_arn(package, version)
        self._read("sagemaker", "describe_model_package", ModelPackageName=arn)
        self._write("sagemaker", "update_model_package", ModelPackageArn=arn, ModelApprovalStatus="Approved",
                    ApprovalDescription="promoted with mlopskit promote")
        return arn

    def lineage(self, package: str, version: str) -> VersionLineage | None:
        arn = self._package_arn(package, version)
        return lineage_of(arn, self._read("sagemaker", "describe_model_package", ModelPackageName=arn))

    def served_lineage(self, endpoint: Endpoint) -> list[VersionLineage]:
        found = []
        for variant in self.live_endpoint(endpoint).variants:
            if not variant.model:
                continue
            container = self._read("sagemaker", "describe_model", ModelName=variant.model).get("PrimaryContainer", {})
            package = container.get("ModelPackageName")
            if package:
                described = self._read("sagemaker", "describe_model_package", ModelPackageName=package)
                found.append(dataclasses.replace(lineage_of(package, described), variant=variant.name))
        return found

    # -- backups --------------------------------------------------------------------------
    def restore_latest_backup(self) -> tuple[str, dict[str, str], dict[str, str]]:
        bucket = names.artifacts_bucket(self.stack, self.account)
        vault = names.vault(self.stack)
        points = self._read("backup", "list_recovery_points_by_backup_vault", BackupVaultName=vault,
                            ByResourceArn=f"arn:aws:s3:::{bucket}")["RecoveryPoints"]
        done = [p for p in points if p.get("Status") == "COMPLETED"]
        if not done:
            raise CloudError("not-found", "backup.list_recovery_points_by_backup_vault",
                             f"no completed recovery point of {bucket} in vault {vault}")
        point = max(done, key=lambda p: p["CreationDate"])
        metadata = self._read("backup", "get_recovery_point_restore_metadata", BackupVaultName=vault,
                              RecoveryPointArn=point["RecoveryPointArn"])["RestoreMetadata"]
        scratch = names.restore_bucket(self.stack, self.account)
        metadata = {**metadata, "DestinationBucketName": scratch, "NewBucket": "true"}
        job = self._write("backup", "start_restore_job", dry_result={"RestoreJobId": "<restore job>"},
                          RecoveryPointArn=point["RecoveryPointArn"], Metadata=metadata, ResourceType="S3",
                          IamRoleArn=self._arn("iam", f"role/{names.role(self.stack, 'backup')}", region=""))
        described = f"{point['RecoveryPointArn']} ({point['CreationDate']}) -> s3://{scratch}"
        if self.gateway.dry_run:
            self.gateway.note(f"then compare SHA-256 of s3://{bucket} (objects up to the recovery point) "
                              f"with s3://{scratch}, and delete s3://{scratch}")
            return described, {}, {}
        self._wait_restore(job["RestoreJobId"])
        try:
            created = point["CreationDate"]
            source = self._checksums(bucket, before=created)
            restored = self._checksums(scratch)
        finally:
            self._empty_and_delete(scratch)
        return described, source, restored

    def _wait_restore(self, job_id: str) -> None:
        while True:
            job = self._read("backup", "describe_restore_job", RestoreJobId=job_id)
            if job["Status"] == "COMPLETED":
                return
            if job["Status"] in ("ABORTED", "FAILED"):
                raise CloudError("failed", "backup.describe_restore_job",
                                 f"restore job {job_id} {job['Status']}: {job.get('StatusMessage', '')}")
            self.gateway.clock.sleep(POLL_SECONDS)

    def _objects(self, bucket: str) -> list[dict[str, Any]]:
        objects, token = [], None
        while True:
            page = self._read("s3", "list_objects_v2", Bucket=bucket, **({"ContinuationToken": token} if token else {}))
            objects += page.get("Contents", [])
            token = page.get("NextContinuationToken")
            if not token:
                return objects

    def _checksums(self, bucket: str, before: Any = None) -> dict[str, str]:
        """SHA-256 of each object's bytes (ETags differ between KMS-encrypted copies)."""
        sums = {}
        for obj in self._objects(bucket):
            if before is not None and obj["LastModified"] > before:
                continue  # written after the recovery point: not in this backup by design
            body = self._read("s3", "get_object", Bucket=bucket, Key=obj["Key"])["Body"]
            digest = hashlib.sha256()
            for chunk in iter(partial(body.read, 1 << 20), b""):
                digest.update(chunk)
            sums[obj["Key"]] = digest.hexdigest()
        return sums

    def _empty_and_delete(self, bucket: str) -> None:
        # Restored production data must not outlive the check.
        for obj in self._objects(bucket):
            self._write("s3", "delete_object", Bucket=bucket, Key=obj["Key"])
        self._write("s3", "delete_bucket", Bucket=bucket)


@dataclass(frozen=True)
class _Prepared:
    """What both rollout paths learned about the live endpoint, and the new model's name."""

    name: str
    described: dict[str, Any]  # describe_endpoint
    config: dict[str, Any]  # describe_endpoint_config of the live config
    live: dict[str, Any]  # its one production variant
    instances: int  # instances the live variant runs now
    model_name: str  # the new model's (and new config's) name

    @property
    def current(self) -> str:
        return str(self.described["EndpointConfigName"])


def _boto_client(service: str, region: str) -> Any:
    import boto3
    from botocore.config import Config

    # Standard retry mode backs off on throttling inside botocore too; the Gateway adds
    # its own (longer) backoff on top and turns what remains into one line.
    return boto3.client(service, region_name=region, config=Config(retries={"mode": "standard"}))


def backend(stack: Stack, gateway: Gateway) -> AwsOps:
    return AwsOps(stack, gateway)

