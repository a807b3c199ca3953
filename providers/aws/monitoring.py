"""Endpoint monitoring: CloudWatch alarms on latency and error rate, an SNS topic with the
``notify`` subscriptions, (``monitoring.drift``) a SageMaker data-quality schedule,
(``monitoring.quality``) a model-quality schedule with one alarm per metric threshold, and
(``monitoring.bias`` / ``.explainability``) SageMaker Clarify model-bias and
model-explainability schedules."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, NamedTuple

import pulumi
from pulumi_aws import cloudcontrol, cloudwatch, s3, sagemaker, sns

from mlopskit.modules.endpoint import Bias, BiasFacet, Endpoint, Explainability
from mlopskit.providers.aws import names
from mlopskit.providers.aws.context import AwsContext, built

TYPE = "mlopskit:aws:EndpointMonitoring"
DRIFT_TYPE = "mlopskit:aws:DriftMonitor"
QUALITY_TYPE = "mlopskit:aws:QualityMonitor"
# pulumi_aws (7.x) has no ModelQualityJobDefinition resource, only the schedule that names one:
# the definition is created through AWS Cloud Control API as its CloudFormation type.
QUALITY_DEFINITION_TYPE = "AWS::SageMaker::ModelQualityJobDefinition"
# The documented sibling (SageMaker docs, "CloudWatch Metrics for Bias Drift Analysis"): Clarify
# publishes a real-time endpoint's bias metrics in aws/sagemaker/Endpoints/bias-metrics with
# Endpoint and MonitoringSchedule dimensions; model-quality metrics go to the model-metrics
# namespace. Not confirmed from an API model (CloudWatch metrics have none): docs/lifecycle.md.
QUALITY_NAMESPACE = "aws/sagemaker/Endpoints/model-metrics"
CLARIFY_TYPE = "mlopskit:aws:ClarifyMonitor"
# Clarify's job definitions, like the quality one, exist only as CloudFormation types (through Cloud Control).
CLARIFY_DEFINITION_TYPES = {"bias": "AWS::SageMaker::ModelBiasJobDefinition",
                            "explainability": "AWS::SageMaker::ModelExplainabilityJobDefinition"}
CLARIFY_MONITORING_TYPES = {"bias": "ModelBias", "explainability": "ModelExplainability"}
# Documented ("CloudWatch Metrics for Bias Drift Analysis"): a real-time endpoint's bias metrics,
# named bias_metric_<short name>, with Endpoint, MonitoringSchedule, BiasStage, Label, LabelValue,
# Facet and FacetValue dimensions. No such page was found for feature attributions: no alarm there.
BIAS_NAMESPACE = "aws/sagemaker/Endpoints/bias-metrics"
# Documented ("Model Feature Attribution Drift Violations"): a violation when the nDCG of the
# global SHAP ranking against the baseline's is below 0.9; the API has no setting for it.
NDCG_LIMIT = 0.9
_PROBLEM_TYPES = {"binary-classification": "BinaryClassification",
                  "multiclass-classification": "MulticlassClassification", "regression": "Regression"}
# Multiclass problems report class-weighted precision/recall/f1 (weighted_f1 ...).
_WEIGHTED = {"precision", "recall", "f1"}
_PERIOD_S = {"hourly": 3600, "daily": 86400}
VARIANT = names.PRIMARY_VARIANT
_SCHEDULES = {"hourly": "cron(0 * ? * * *)", "daily": "cron(0 0 ? * * *)"}


@dataclass(frozen=True)
class EndpointMonitoringArgs:
    """The spec endpoint and its (deterministic) SageMaker endpoint name."""

    endpoint: Endpoint
    endpoint_name: str


class EndpointMonitoring(pulumi.ComponentResource):
    """Alarms exist before the endpoint: the endpoint's auto-rollback configuration names
    them, so a deployment that trips one is rolled back by SageMaker itself."""

    def __init__(self, name: str, args: EndpointMonitoringArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("monitoring"), opts)
        child = pulumi.ResourceOptions(parent=self)
        spec = args.endpoint
        # CloudWatch can publish to an encrypted topic only if the key policy lets
        # cloudwatch.amazonaws.com use the key: the stack CMK does (providers/aws/keys.py); the
        # AWS-managed alias/aws/sns key's policy cannot be changed, so without CMKs the topics use
        # the notifications key the build makes for them: a topic is never unencrypted.
        self.topic = sns.Topic(f"{name}-alarms", name=f"{args.endpoint_name}-alarms",
                               kms_master_key_id=built(ctx.key_arn or ctx.notifications_key_arn, "notifications_key_arn"),
                               opts=child)
        for address in spec.monitoring.notify:
            sns.TopicSubscription(f"{name}-notify-{address}", topic=self.topic.arn, protocol="email",
                                  endpoint=address, opts=child)
        # One alarm set per variant that can serve traffic: SageMaker publishes metrics per
        # variant only, and a day-2 rollout serves the new model from the candidate variant.
        # The candidate's alarms see no data (notBreaching) until a rollout adds it.
        self.alarms: list[cloudwatch.MetricAlarm] = []
        for variant in names.ALARM_VARIANTS:
            for kind in spec.alarm_kinds:
                self.alarms.append(self._alarm(name, args, kind, variant, child))
        self.register_outputs({"topicArn": self.topic.arn, "alarms": [a.name for a in self.alarms]})


    def _alarm(self, name: str, args: EndpointMonitoringArgs, kind: str, variant: str,
               opts: pulumi.ResourceOptions) -> cloudwatch.MetricAlarm:
        alarms = args.endpoint.monitoring.alarms
        alarm_name = names.alarm(args.endpoint_name, kind, variant)
        dimensions = {"EndpointName": args.endpoint_name, "VariantName": variant}
        common = dict(
            evaluation_periods=3,
            datapoints_to_alarm=2,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=opts,
        )
        if kind == "latency":
            return cloudwatch.MetricAlarm(
                f"{name}-{alarm_name.removeprefix(args.endpoint_name + '-')}",
                name=alarm_name,
                alarm_description=f"p99 model latency of variant {variant} above {alarms.latency_p99_ms} ms",
                namespace="AWS/SageMaker",
                metric_name="ModelLatency",
                extended_statistic="p99",
                dimensions=dimensions,
                period=60,
                # ModelLatency is reported in microseconds.
                threshold=(alarms.latency_p99_ms or 0) * 1000,
                **common,
            )
        metric = lambda query_id, metric_name: cloudwatch.MetricAlarmMetricQueryArgs(  # noqa: E731
            id=query_id,
            metric=cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace="AWS/SageMaker", metric_name=metric_name, dimensions=dimensions, period=60, stat="Sum"),
        )
        return cloudwatch.MetricAlarm(
            f"{name}-{alarm_name.removeprefix(args.endpoint_name + '-')}",
            name=alarm_name,
            alarm_description=f"5xx error rate of variant {variant} above {alarms.error_rate_percent:g}%",
            metric_queries=[
                metric("errors", "Invocation5XXErrors"),
                metric("invocations", "Invocations"),
                cloudwatch.MetricAlarmMetricQueryArgs(
                    id="rate", expression="IF(invocations > 0, 100 * errors / invocations, 0)",
                    label="5xx error rate (%)", return_data=True),
            ],
            threshold=alarms.error_rate_percent,
            **common,
        )


@dataclass(frozen=True)
class DriftMonitorArgs:
    """Drift schedule of one endpoint, the model-monitor image for the region and the processing
    instance type the job runs on (one offered in the region)."""

    endpoint: Endpoint
    endpoint_name: str
    image_uri: str
    instance_type: str


class _DriftJob(NamedTuple):
    """The drift job's fixed settings (in its name's digest too: a kit release changing one replaces it)."""

    input_path: str = "/opt/ml/processing/input/endpoint"
    output_path: str = "/opt/ml/processing/output"
    volume_gib: int = 20
    max_runtime_s: int = 3600
    isolation: bool = True
    encryption: bool = True


_DRIFT_JOB = _DriftJob()


class DriftMonitor(pulumi.ComponentResource):
    """A data-quality job over the captured data on the drift schedule. Until a baseline is
    suggested (day-2 tooling), the job records statistics; with one it reports violations."""

    def __init__(self, name: str, args: DriftMonitorArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(DRIFT_TYPE, name, ctx.realises("drift"), opts)
        drift = args.endpoint.monitoring.drift
        assert drift is not None
        output_uri = pulumi.Output.concat("s3://", built(ctx.bucket_name, "bucket_name"),
                                          f"/{output_prefix(args.endpoint.name)}")
        # SageMaker has no UpdateDataQualityJobDefinition: any change replaces the definition, and
        # Pulumi creates the replacement first, so its name follows everything it is built from
        # (the schedule, updatable, keeps its name and moves to the new definition).
        content = {"role": ctx.roles["monitoring"], "image": args.image_uri, "endpoint": args.endpoint_name,
                   "output": output_uri, "key": ctx.key_arn, "instance": args.instance_type,
                   "subnets": ctx.subnet_ids, "groups": ctx.security_group_ids, **_DRIFT_JOB._asdict()}
        network = sagemaker.DataQualityJobDefinitionNetworkConfigArgs(
            enable_inter_container_traffic_encryption=_DRIFT_JOB.encryption,
            enable_network_isolation=_DRIFT_JOB.isolation,
            vpc_config=sagemaker.DataQualityJobDefinitionNetworkConfigVpcConfigArgs(
                subnets=ctx.subnet_ids, security_group_ids=ctx.security_group_ids) if ctx.subnet_ids else None,
        )
        self.job = sagemaker.DataQualityJobDefinition(
            f"{name}-job",
            name=names.content_name(names.drift_job(args.endpoint_name), content),
            role_arn=ctx.roles["monitoring"],
            data_quality_app_specification=sagemaker.DataQualityJobDefinitionDataQualityAppSpecificationArgs(
                image_uri=args.image_uri),
            data_quality_job_input=sagemaker.DataQualityJobDefinitionDataQualityJobInputArgs(
                endpoint_input=sagemaker.DataQualityJobDefinitionDataQualityJobInputEndpointInputArgs(
                    endpoint_name=args.endpoint_name, local_path=_DRIFT_JOB.input_path)),
            data_quality_job_output_config=sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigArgs(
                kms_key_id=ctx.key_arn,
                monitoring_outputs=sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigMonitoringOutputsArgs(
                    s3_output=sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigMonitoringOutputsS3OutputArgs(
                        s3_uri=output_uri, local_path=_DRIFT_JOB.output_path))),
            job_resources=sagemaker.DataQualityJobDefinitionJobResourcesArgs(
                cluster_config=sagemaker.DataQualityJobDefinitionJobResourcesClusterConfigArgs(
                    instance_count=1, instance_type=args.instance_type, volume_size_in_gb=_DRIFT_JOB.volume_gib,
                    volume_kms_key_id=ctx.key_arn)),
            network_config=network,
            stopping_condition=sagemaker.DataQualityJobDefinitionStoppingConditionArgs(
                max_runtime_in_seconds=_DRIFT_JOB.max_runtime_s),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.schedule = sagemaker.MonitoringSchedule(
            f"{name}-schedule",
            name=names.drift_job(args.endpoint_name),
            monitoring_schedule_config=sagemaker.MonitoringScheduleMonitoringScheduleConfigArgs(
                monitoring_type="DataQuality",
                monitoring_job_definition_name=self.job.name,
                schedule_config=sagemaker.MonitoringScheduleMonitoringScheduleConfigScheduleConfigArgs(
                    schedule_expression=_SCHEDULES[drift.schedule]),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"schedule": self.schedule.name})


@dataclass(frozen=True)
class QualityMonitorArgs:
    """Quality schedule of one endpoint: the model-monitor image and the alarms' topic."""

    endpoint: Endpoint
    endpoint_name: str
    image_uri: str
    topic_arn: pulumi.Input[str]
    instance_type: str  # a processing type offered in the region (as for drift)


def quality_metric(problem_type: str, metric: str) -> str:
    """The CloudWatch metric name Model Monitor publishes for a spec metric."""
    return f"weighted_{metric}" if problem_type == "multiclass-classification" and metric in _WEIGHTED else metric


class QualityMonitor(pulumi.ComponentResource):
    """A model-quality job merging captured predictions with the ground-truth folder on the
    quality schedule, and an alarm on each thresholded metric to the endpoint's topic.

    The endpoint's response is read as one value: the predicted label (or value), and for a
    binary classifier the positive-class probability cut at 0.5 (``ProbabilityThresholdAttribute``).
    """

    def __init__(self, name: str, args: QualityMonitorArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(QUALITY_TYPE, name, ctx.realises("quality"), opts)
        quality = args.endpoint.monitoring.quality
        assert quality is not None
        job_name = names.quality_job(args.endpoint_name)
        bucket = built(ctx.bucket_name, "bucket_name")
        state = pulumi.Output.all(bucket, ctx.roles["monitoring"], ctx.key_arn, ctx.subnet_ids,
                                  ctx.security_group_ids).apply(
            lambda v: json.dumps(versioned(_quality_definition(args, job_name, quality.ground_truth, *v)), sort_keys=True))
        self.definition = cloudcontrol.Resource(
            f"{name}-job", type_name=QUALITY_DEFINITION_TYPE, desired_state=state, opts=pulumi.ResourceOptions(parent=self))
        self.schedule = sagemaker.MonitoringSchedule(
            f"{name}-schedule",
            name=job_name,
            monitoring_schedule_config=sagemaker.MonitoringScheduleMonitoringScheduleConfigArgs(
                monitoring_type="ModelQuality",
                monitoring_job_definition_name=_definition_name(state),
                schedule_config=sagemaker.MonitoringScheduleMonitoringScheduleConfigScheduleConfigArgs(
                    schedule_expression=_SCHEDULES[quality.schedule]),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.definition]),
        )
        self.alarms = [self._alarm(name, args, job_name, metric, threshold)
                       for metric, threshold in sorted(quality.thresholds.items())]
        self.register_outputs({"schedule": self.schedule.name, "alarms": [a.name for a in self.alarms]})

    def _alarm(self, name: str, args: QualityMonitorArgs, schedule: str, metric: str, threshold: float) -> cloudwatch.MetricAlarm:
        quality = args.endpoint.monitoring.quality
        assert quality is not None
        below = quality.alarm_below(metric)
        return cloudwatch.MetricAlarm(
            f"{name}-{metric}",
            name=f"{args.endpoint_name}-quality-{metric}",
            alarm_description=f"model {metric} of {args.endpoint.name} {'below' if below else 'above'} {threshold:g} "
                              "against the ground truth",
            namespace=QUALITY_NAMESPACE,
            metric_name=quality_metric(quality.problem_type, metric),
            dimensions={"Endpoint": args.endpoint_name, "MonitoringSchedule": schedule},
            statistic="Average",
            period=_PERIOD_S[quality.schedule],
            # No value means the job found no labelled predictions: not a verdict on the model.
            **_threshold_alarm(below, threshold, args.topic_arn, "missing"),
            opts=pulumi.ResourceOptions(parent=self),
        )


@dataclass(frozen=True)
class _Job:
    """What every Cloud Control monitoring job definition of one endpoint shares."""

    endpoint: Endpoint
    endpoint_name: str
    instance_type: str
    bucket: str
    role: str
    key: str | None
    subnets: list[str] | None
    groups: list[str] | None

    def common(self, kind: str, job_name: str) -> dict[str, Any]:
        """Name, role, instances, network and outputs of the ``kind`` job: in the stack's subnets
        and isolated, its outputs and volume under the stack key."""
        # The explainability job computes SHAP values by invoking the endpoint (through the
        # stack's sagemaker.runtime interface endpoint): it cannot be network-isolated.
        network: dict[str, Any] = {"EnableInterContainerTrafficEncryption": True,
                                   "EnableNetworkIsolation": kind != "explainability"}
        if self.subnets:
            network["VpcConfig"] = {"Subnets": self.subnets, "SecurityGroupIds": self.groups or []}
        cluster: dict[str, Any] = {"InstanceCount": 1, "InstanceType": self.instance_type, "VolumeSizeInGB": 20}
        output: dict[str, Any] = {"MonitoringOutputs": [{"S3Output": {
            "S3Uri": f"s3://{self.bucket}/{output_prefix(self.endpoint.name, kind)}", "LocalPath": "/opt/ml/processing/output"}}]}
        if self.key:
            cluster["VolumeKmsKeyId"] = self.key
            output["KmsKeyId"] = self.key
        return {"JobDefinitionName": job_name, "RoleArn": self.role, "JobResources": {"ClusterConfig": cluster},
                "NetworkConfig": network, "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
                f"{_PREFIX[kind]}JobOutputConfig": output}

    def endpoint_input(self, binary: bool, label_attribute: bool = True) -> dict[str, Any]:
        """The captured data read as one value (``InferenceAttribute`` 0); for a binary classifier
        that value is the positive-class probability, cut at 0.5.

        Clarify's bias job (``label_attribute`` False) takes the probability alone: its parameters
        page says that without ``InferenceAttribute`` "the model output is a single numeric value
        corresponding to a score or probability", and with it the score would be read as the
        predicted label."""
        found: dict[str, Any] = {"EndpointName": self.endpoint_name, "LocalPath": "/opt/ml/processing/input/endpoint"}
        if label_attribute or not binary:
            found["InferenceAttribute"] = "0"
        if binary:
            found.update(ProbabilityAttribute="0", ProbabilityThresholdAttribute=0.5)
        return found


_PREFIX = {"quality": "ModelQuality", "bias": "ModelBias", "explainability": "ModelExplainability"}


def versioned(definition: dict[str, Any]) -> dict[str, Any]:
    """``definition`` named after its content: ``<schedule>-<8 hex digits>``.

    CloudFormation replaces a monitoring job definition on any change (the model-bias type says
    "Supports update: no", every property "replaces on change"), and Pulumi creates the
    replacement before deleting the old one: under the same fixed name the create would fail
    with "already exists". A name that follows the content lets the new definition exist beside
    the old one; the schedule (whose name stays fixed) moves to it, then the old one is deleted.
    """
    base = str(definition["JobDefinitionName"])
    digest = hashlib.sha256(json.dumps({**definition, "JobDefinitionName": None}, sort_keys=True).encode()).hexdigest()
    return {**definition, "JobDefinitionName": f"{base[:names.SAGEMAKER_MAX - 9]}-{digest[:8]}"}


def _definition_name(state: pulumi.Output[str]) -> pulumi.Output[str]:
    return state.apply(lambda text: str(json.loads(text)["JobDefinitionName"]))


def _job(args: QualityMonitorArgs | ClarifyMonitorArgs, bucket: str, role: str, key: str | None,
         subnets: list[str] | None, groups: list[str] | None) -> _Job:
    return _Job(args.endpoint, args.endpoint_name, args.instance_type, bucket, role, key, subnets, groups)


def _threshold_alarm(below: bool, threshold: float, topic: pulumi.Input[str], missing: str) -> dict[str, Any]:
    """One evaluation of a monitoring job's metric against its threshold, notifying the topic both ways."""
    return {"evaluation_periods": 1, "comparison_operator": "LessThanThreshold" if below else "GreaterThanThreshold",
            "threshold": threshold, "treat_missing_data": missing, "alarm_actions": [topic], "ok_actions": [topic]}


def _quality_definition(args: QualityMonitorArgs, job_name: str, ground_truth: str, bucket: str, role: str,
                        key: str | None, subnets: list[str] | None, groups: list[str] | None) -> dict[str, Any]:
    """The CloudFormation ``AWS::SageMaker::ModelQualityJobDefinition`` properties: the same
    names and shapes as the CreateModelQualityJobDefinition request (checked against botocore
    in tests/fidelity/aws/requests.py)."""
    quality = args.endpoint.monitoring.quality
    assert quality is not None
    job = _job(args, bucket, role, key, subnets, groups)
    return {
        **job.common("quality", job_name),
        "ModelQualityAppSpecification": {"ImageUri": args.image_uri, "ProblemType": _PROBLEM_TYPES[quality.problem_type],
                                         "Environment": {"publish_cloudwatch_metrics": "Enabled"}},
        "ModelQualityJobInput": {"EndpointInput": job.endpoint_input(quality.problem_type == "binary-classification"),
                                 "GroundTruthS3Input": {"S3Uri": f"s3://{bucket}/{ground_truth}"}},
    }


# -- SageMaker Clarify: model bias and model explainability --------------------------------


@dataclass(frozen=True)
class ClarifyMonitorArgs:
    """One Clarify schedule of an endpoint (``kind`` bias or explainability): the Clarify
    processing image for the region, the alarms' topic and the processing type (as for drift)."""

    kind: str
    endpoint: Endpoint
    endpoint_name: str
    image_uri: str
    topic_arn: pulumi.Input[str]
    instance_type: str


def clarify_config_key(endpoint: str, kind: str) -> str:
    """Where the analysis configuration of an endpoint's ``kind`` job is stored in the artifacts
    bucket (the monitoring role may read that folder)."""
    return f"{clarify_config_prefix(endpoint, kind)}analysis_config.json"


def clarify_config_prefix(endpoint: str, kind: str) -> str:
    return f"monitoring/{endpoint}/{kind}-config/"


def output_prefix(endpoint: str, kind: str | None = None) -> str:
    """The artifacts-bucket folder an endpoint's monitoring job writes its results to: drift
    (``kind`` None) the endpoint's folder, quality, bias and explainability a folder each in it
    (the monitoring role may write these and nothing else, providers/aws/identity.py)."""
    return f"monitoring/{endpoint}/{kind}/" if kind else f"monitoring/{endpoint}/"


def analysis_config(kind: str, spec: Bias | Explainability) -> dict[str, Any]:
    """The Clarify analysis configuration the monitoring job reads from ``ConfigUri``: the
    documented subsets "Parameters to Monitor Bias Drift" / "... Attribution Drift". Captured
    requests are CSV rows without a header: ``headers`` names their columns."""
    if isinstance(spec, Bias):
        # The label is one of the columns (the documented CSV example lists it last in headers).
        return {"version": "1.0", "headers": [*spec.features, spec.label], "label": spec.label,
                "label_values_or_threshold": [spec.positive_label],
                "facet": [_clarify_facet(facet) for facet in spec.facets],
                "probability_threshold": 0.5,
                "methods": {"post_training_bias": {"methods": sorted(spec.thresholds)}}}
    # One score explained, named after the label in the violation report: ``label_headers``
    # belongs to ``predictor`` (the explainability parameters page; the SageMaker SDK's
    # ExplainabilityAnalysisConfig puts it there), which a real-time endpoint needs nothing else of.
    return {"version": "1.0", "headers": list(spec.features), "predictor": {"label_headers": [spec.label]},
            "methods": {"shap": {"agg_method": "mean_abs", "use_logit": False, "save_local_shap_values": False}}}


def _clarify_facet(facet: str | BiasFacet) -> dict[str, Any]:
    """Clarify's facet entry: a numeric facet's threshold is ``value_or_threshold`` (a list)."""
    if isinstance(facet, str):
        return {"name_or_index": facet}
    found: dict[str, Any] = {"name_or_index": facet.name}
    if facet.value_or_threshold is not None:
        found["value_or_threshold"] = [facet.value_or_threshold]
    return found


class ClarifyMonitor(pulumi.ComponentResource):
    """A SageMaker Clarify job definition (bias: merged with the ground truth; explainability:
    SHAP values of the captured requests) judged against the baseline's ``analysis.json``, its
    analysis configuration in the artifacts bucket, the schedule, and (bias) one alarm per metric
    threshold to the endpoint's topic."""

    def __init__(self, name: str, args: ClarifyMonitorArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(CLARIFY_TYPE, name, ctx.realises(args.kind), opts)
        spec = getattr(args.endpoint.monitoring, args.kind)
        assert isinstance(spec, (Bias, Explainability))
        job_name = names.clarify_job(args.endpoint_name, args.kind)
        bucket = built(ctx.bucket_name, "bucket_name")
        child = pulumi.ResourceOptions(parent=self)
        self.config = s3.BucketObjectv2(
            f"{name}-config", bucket=bucket, key=clarify_config_key(args.endpoint.name, args.kind),
            content=json.dumps(analysis_config(args.kind, spec), sort_keys=True), content_type="application/json",
            kms_key_id=ctx.key_arn, server_side_encryption="aws:kms" if ctx.key_arn is not None else None,
            opts=pulumi.ResourceOptions(parent=self, depends_on=ctx.bucket_ready))
        state = pulumi.Output.all(bucket, ctx.roles["monitoring"], ctx.key_arn, ctx.subnet_ids,
                                  ctx.security_group_ids).apply(
            lambda v: json.dumps(versioned(_clarify_definition(args, spec, job_name, _job(args, *v))), sort_keys=True))
        self.definition = cloudcontrol.Resource(
            f"{name}-job", type_name=CLARIFY_DEFINITION_TYPES[args.kind], desired_state=state,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.config]))
        self.schedule = sagemaker.MonitoringSchedule(
            f"{name}-schedule",
            name=job_name,
            monitoring_schedule_config=sagemaker.MonitoringScheduleMonitoringScheduleConfigArgs(
                monitoring_type=CLARIFY_MONITORING_TYPES[args.kind],
                monitoring_job_definition_name=_definition_name(state),
                schedule_config=sagemaker.MonitoringScheduleMonitoringScheduleConfigScheduleConfigArgs(
                    schedule_expression=_SCHEDULES[spec.schedule]),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.definition]),
        )
        self.alarms = [self._bias_alarm(name, args, spec, job_name, metric, threshold, child)
                       for metric, threshold in sorted(spec.thresholds.items())] if isinstance(spec, Bias) else []
        self.register_outputs({"schedule": self.schedule.name, "alarms": [a.name for a in self.alarms]})

    def _bias_alarm(self, name: str, args: ClarifyMonitorArgs, bias: Bias, schedule: str, metric: str,
                    threshold: float, opts: pulumi.ResourceOptions) -> cloudwatch.MetricAlarm:
        """A Metrics Insights query over every facet and value: the worst one (the lowest
        disparate impact, the highest difference) is compared with the threshold. Facet values
        are data, not spec, so the alarm cannot name each series by its dimensions."""
        below = bias.alarm_below(metric)
        query = (f"SELECT {'MIN' if below else 'MAX'}(bias_metric_{metric}) FROM \"{BIAS_NAMESPACE}\" "
                 f"WHERE Endpoint = '{args.endpoint_name}' AND MonitoringSchedule = '{schedule}'")
        return cloudwatch.MetricAlarm(
            f"{name}-{metric.lower()}",
            name=f"{args.endpoint_name}-bias-{metric.lower()}",
            alarm_description=f"bias metric {metric} of {args.endpoint.name} {'below' if below else 'above'} "
                              f"{threshold:g} for a facet of {', '.join(bias.facet_names)}",
            metric_queries=[cloudwatch.MetricAlarmMetricQueryArgs(
                id="bias", expression=query, period=_PERIOD_S["hourly"], return_data=True, label=f"worst {metric}")],
            # Metrics Insights sees the last three hours only: between runs there is no value,
            # which keeps the alarm's state instead of clearing it.
            **_threshold_alarm(below, threshold, args.topic_arn, "ignore"),
            opts=opts,
        )


def _clarify_definition(args: ClarifyMonitorArgs, spec: Bias | Explainability, job_name: str, job: _Job) -> dict[str, Any]:
    """The CloudFormation ``AWS::SageMaker::ModelBiasJobDefinition`` /
    ``ModelExplainabilityJobDefinition`` properties: the same names and shapes as botocore's
    CreateModelBiasJobDefinition / CreateModelExplainabilityJobDefinition requests."""
    prefix = _PREFIX[args.kind]
    bias = isinstance(spec, Bias)
    job_input: dict[str, Any] = {"EndpointInput": job.endpoint_input(bias, label_attribute=not bias)}
    if isinstance(spec, Bias):
        job_input["GroundTruthS3Input"] = {"S3Uri": f"s3://{job.bucket}/{spec.ground_truth}"}
    return {
        **job.common(args.kind, job_name),
        f"{prefix}AppSpecification": {
            "ImageUri": args.image_uri, "ConfigUri": f"s3://{job.bucket}/{clarify_config_key(args.endpoint.name, args.kind)}",
            "Environment": {"publish_cloudwatch_metrics": "Enabled"}},
        f"{prefix}BaselineConfig": {"ConstraintsResource": {"S3Uri": f"s3://{job.bucket}/{spec.baseline}analysis.json"}},
        f"{prefix}JobInput": job_input,
    }
