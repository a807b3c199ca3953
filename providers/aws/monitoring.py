"""Endpoint monitoring: CloudWatch alarms on latency and error rate, an SNS topic with the
``notify`` subscriptions, (``monitoring.drift``) a SageMaker data-quality schedule and
(``monitoring.quality``) a model-quality schedule with one alarm per metric threshold."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import cloudcontrol, cloudwatch, sagemaker, sns

from mlopskit.modules.endpoint import Endpoint
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
        super().__init__(TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        spec = args.endpoint
        # CloudWatch can publish to an encrypted topic only if the key policy lets
        # cloudwatch.amazonaws.com use the key: the stack CMK does (providers/aws/keys.py); the
        # AWS-managed alias/aws/sns key's policy cannot be changed, so without CMKs: no SSE.
        self.topic = sns.Topic(f"{name}-alarms", name=f"{args.endpoint_name}-alarms",
                               kms_master_key_id=ctx.key_arn, opts=child)
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


class DriftMonitor(pulumi.ComponentResource):
    """A data-quality job over the captured data on the drift schedule. Until a baseline is
    suggested (day-2 tooling), the job records statistics; with one it reports violations."""

    def __init__(self, name: str, args: DriftMonitorArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(DRIFT_TYPE, name, None, opts)
        drift = args.endpoint.monitoring.drift
        assert drift is not None
        network = sagemaker.DataQualityJobDefinitionNetworkConfigArgs(
            enable_inter_container_traffic_encryption=True,
            enable_network_isolation=True,
            vpc_config=sagemaker.DataQualityJobDefinitionNetworkConfigVpcConfigArgs(
                subnets=ctx.subnet_ids, security_group_ids=ctx.security_group_ids) if ctx.subnet_ids else None,
        )
        self.job = sagemaker.DataQualityJobDefinition(
            f"{name}-job",
            name=names.drift_job(args.endpoint_name),
            role_arn=ctx.roles["monitoring"],
            data_quality_app_specification=sagemaker.DataQualityJobDefinitionDataQualityAppSpecificationArgs(
                image_uri=args.image_uri),
            data_quality_job_input=sagemaker.DataQualityJobDefinitionDataQualityJobInputArgs(
                endpoint_input=sagemaker.DataQualityJobDefinitionDataQualityJobInputEndpointInputArgs(
                    endpoint_name=args.endpoint_name, local_path="/opt/ml/processing/input/endpoint")),
            data_quality_job_output_config=sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigArgs(
                kms_key_id=ctx.key_arn,
                monitoring_outputs=sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigMonitoringOutputsArgs(
                    s3_output=sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigMonitoringOutputsS3OutputArgs(
                        s3_uri=pulumi.Output.concat("s3://", built(ctx.bucket_name, "bucket_name"), f"/monitoring/{args.endpoint.name}/"),
                        local_path="/opt/ml/processing/output"))),
            job_resources=sagemaker.DataQualityJobDefinitionJobResourcesArgs(
                cluster_config=sagemaker.DataQualityJobDefinitionJobResourcesClusterConfigArgs(
                    instance_count=1, instance_type=args.instance_type, volume_size_in_gb=20, volume_kms_key_id=ctx.key_arn)),
            network_config=network,
            stopping_condition=sagemaker.DataQualityJobDefinitionStoppingConditionArgs(max_runtime_in_seconds=3600),
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
        super().__init__(QUALITY_TYPE, name, None, opts)
        quality = args.endpoint.monitoring.quality
        assert quality is not None
        job_name = names.quality_job(args.endpoint_name)
        bucket = built(ctx.bucket_name, "bucket_name")
        state = pulumi.Output.all(bucket, ctx.roles["monitoring"], ctx.key_arn, ctx.subnet_ids,
                                  ctx.security_group_ids).apply(
            lambda v: json.dumps(_quality_definition(args, job_name, quality.ground_truth, *v), sort_keys=True))
        self.definition = cloudcontrol.Resource(
            f"{name}-job", type_name=QUALITY_DEFINITION_TYPE, desired_state=state, opts=pulumi.ResourceOptions(parent=self))
        self.schedule = sagemaker.MonitoringSchedule(
            f"{name}-schedule",
            name=job_name,
            monitoring_schedule_config=sagemaker.MonitoringScheduleMonitoringScheduleConfigArgs(
                monitoring_type="ModelQuality",
                # The definition's name is fixed: the schedule waits for the definition through depends_on.
                monitoring_job_definition_name=job_name,
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
            evaluation_periods=1,
            comparison_operator="LessThanThreshold" if below else "GreaterThanThreshold",
            threshold=threshold,
            # No value means the job found no labelled predictions: not a verdict on the model.
            treat_missing_data="missing",
            alarm_actions=[args.topic_arn],
            ok_actions=[args.topic_arn],
            opts=pulumi.ResourceOptions(parent=self),
        )


def _quality_definition(args: QualityMonitorArgs, job_name: str, ground_truth: str, bucket: str, role: str,
                        key: str | None, subnets: list[str] | None, groups: list[str] | None) -> dict[str, Any]:
    """The CloudFormation ``AWS::SageMaker::ModelQualityJobDefinition`` properties: the same
    names and shapes as the CreateModelQualityJobDefinition request (checked against botocore
    in tests/fidelity/aws/requests.py)."""
    quality = args.endpoint.monitoring.quality
    assert quality is not None
    endpoint_input: dict[str, Any] = {"EndpointName": args.endpoint_name, "LocalPath": "/opt/ml/processing/input/endpoint",
                                      "InferenceAttribute": "0"}
    if quality.problem_type == "binary-classification":
        endpoint_input.update(ProbabilityAttribute="0", ProbabilityThresholdAttribute=0.5)
    network: dict[str, Any] = {"EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": True}
    if subnets:
        network["VpcConfig"] = {"Subnets": subnets, "SecurityGroupIds": groups or []}
    cluster: dict[str, Any] = {"InstanceCount": 1, "InstanceType": args.instance_type, "VolumeSizeInGB": 20}
    output: dict[str, Any] = {"MonitoringOutputs": [{"S3Output": {
        "S3Uri": f"s3://{bucket}/monitoring/{args.endpoint.name}/quality/", "LocalPath": "/opt/ml/processing/output"}}]}
    if key:
        cluster["VolumeKmsKeyId"] = key
        output["KmsKeyId"] = key
    return {
        "JobDefinitionName": job_name,
        "RoleArn": role,
        "ModelQualityAppSpecification": {"ImageUri": args.image_uri, "ProblemType": _PROBLEM_TYPES[quality.problem_type],
                                         "Environment": {"publish_cloudwatch_metrics": "Enabled"}},
        "ModelQualityJobInput": {"EndpointInput": endpoint_input,
                                 "GroundTruthS3Input": {"S3Uri": f"s3://{bucket}/{ground_truth}"}},
        "ModelQualityJobOutputConfig": output,
        "JobResources": {"ClusterConfig": cluster},
        "NetworkConfig": network,
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }
