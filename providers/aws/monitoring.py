"""Endpoint monitoring: CloudWatch alarms on latency and error rate, an SNS topic with the
``notify`` subscriptions, and (``monitoring.drift``) a SageMaker data-quality schedule."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import cloudwatch, sagemaker, sns

from mlopskit.modules.endpoint import Endpoint
from mlopskit.providers.aws import names
from mlopskit.providers.aws.context import AwsContext, built

TYPE = "mlopskit:aws:EndpointMonitoring"
DRIFT_TYPE = "mlopskit:aws:DriftMonitor"
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
