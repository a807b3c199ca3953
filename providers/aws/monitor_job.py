"""The kit's own monitor job of one endpoint on AWS (docs/monitoring.md): a SageMaker pipeline whose
one Processing step runs ``python -m mlopskit.monitor`` from the SageMaker scikit-learn image,
started by EventBridge Scheduler, and a CloudWatch alarm on each published metric with a threshold.

Why a pipeline: it is the job service the kit already uses for training and batch (one scheduler
role, one pipeline role, a run history per execution), and a Processing step is the documented
way to run a container over S3 inputs. The job's code is the monitor package alone, uploaded by
``pulumi up`` and delivered as a processing input (no pip at run time, no internet).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import cloudwatch, s3

from mlopskit.modules import monitor_job
from mlopskit.modules.endpoint import Endpoint
from mlopskit.monitor import contract
from mlopskit.providers.aws import names
from mlopskit.providers.aws.context import AwsContext, built
from mlopskit.providers.aws.training import one_step_pipeline, pipeline_schedule
from mlopskit.providers.packaging import CodeArchive, monitor_archive

TYPE = "mlopskit:aws:MonitorJob"
STEP = "Monitor"
ARCHIVE = "monitor.tar.gz"
VOLUME_GIB = 20
_ROOT = contract.PROCESSING_ROOT
_PERIOD_S = {"hourly": 3600, "daily": 86400}


@dataclass(frozen=True)
class MonitorJobArgs:
    """One endpoint's job: the SageMaker endpoint name (the capture folder), the image, the
    processing type (the monitor's size, resolved in the region) and the alarms' topic."""

    endpoint: Endpoint
    endpoint_name: str
    stack_name: str
    image_uri: str
    instance_type: str
    topic_arn: pulumi.Input[str]


def code_key(archive: CodeArchive) -> str:
    """The S3 key of the monitor package: one per content hash, shared by every endpoint."""
    return f"code/mlopskit-monitor/{archive.short}/{ARCHIVE}"


def pipeline_name(endpoint_name: str) -> str:
    return names.sagemaker(endpoint_name, "monitor")


def _input(name: str, uri: pulumi.Input[str], local: str) -> dict[str, Any]:
    return {"InputName": name, "S3Input": {"S3Uri": uri, "LocalPath": local, "S3DataType": "S3Prefix",
                                           "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated"}}


def environment(args: MonitorJobArgs) -> dict[str, str]:
    """The entry point's variables (contract.ENV): CloudWatch publisher, the dimensions' values."""
    return {"MONITOR_TARGET": "aws", "MONITOR_STACK": args.stack_name, "MONITOR_ENDPOINT": args.endpoint.name,
            "MONITOR_CAPTURE_FORMAT": "sagemaker", "MONITOR_ROOT": _ROOT, "OMP_NUM_THREADS": "1"}


def processing_request(args: MonitorJobArgs, ctx: AwsContext, archive: CodeArchive) -> dict[str, Any]:
    """The CreateProcessingJob request of the pipeline's step (checked against botocore)."""
    spec = args.endpoint
    bucket = built(ctx.bucket_name, "bucket_name")
    uri = lambda prefix: pulumi.Output.concat("s3://", bucket, "/", prefix)  # noqa: E731
    schedule = monitor_job.schedule(spec)
    code_dir = f"{_ROOT}/input/code"
    # The image runs the uploaded package: unpack it beside nothing else and run the entry point.
    command = (f"mkdir -p /tmp/monitor && tar -xzf {code_dir}/{ARCHIVE} -C /tmp/monitor && "
               "cd /tmp/monitor && exec python -m mlopskit.monitor")
    inputs = [
        # SageMaker data capture writes s3://<bucket>/data-capture/<endpoint>/<variant>/yyyy/mm/dd/hh/
        # (providers/aws/endpoint.py): the job reads the endpoint's captures as its window. A
        # Processing input cannot select a date range; the captures' lifecycle bounds the folder.
        _input("captures", uri(f"data-capture/{spec.name}/"), f"{_ROOT}/{contract.INPUT_CAPTURES}"),
        _input("baseline", uri(monitor_job.baseline_prefix(spec)), f"{_ROOT}/{contract.INPUT_BASELINE}"),
        _input("config", uri(f"monitoring/{spec.name}/config/"), f"{_ROOT}/input/config"),
        _input("code", uri(code_key(archive).rpartition("/")[0] + "/"), code_dir),
    ]
    labels = monitor_job.labels_prefix(spec)
    if labels is not None:
        inputs.insert(2, _input("labels", uri(labels), f"{_ROOT}/{contract.INPUT_LABELS}"))
    cluster: dict[str, Any] = {"InstanceCount": 1, "InstanceType": args.instance_type, "VolumeSizeInGB": VOLUME_GIB}
    output: dict[str, Any] = {"Outputs": [{"OutputName": "report", "S3Output": {
        "S3Uri": uri(monitor_job.report_prefix(spec)), "LocalPath": f"{_ROOT}/{contract.OUTPUT_REPORT}",
        "S3UploadMode": "EndOfJob"}}]}
    if ctx.key_arn is not None:
        cluster["VolumeKmsKeyId"] = ctx.key_arn
        output["KmsKeyId"] = ctx.key_arn
    # Not network-isolated: the job publishes to CloudWatch (PutMetricData), through the stack's
    # monitoring interface endpoint in a private network (providers/aws/network.py).
    network: dict[str, Any] = {"EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": False}
    if ctx.subnet_ids:
        network["VpcConfig"] = {"Subnets": ctx.subnet_ids, "SecurityGroupIds": ctx.security_group_ids}
    return {
        "ProcessingResources": {"ClusterConfig": cluster},
        "StoppingCondition": {"MaxRuntimeInSeconds": monitor_job.MAX_RUNTIME_S[schedule]},
        "AppSpecification": {"ImageUri": args.image_uri, "ContainerEntrypoint": ["/bin/sh", "-c", command]},
        "Environment": environment(args),
        "NetworkConfig": network,
        "RoleArn": ctx.roles["monitoring"],
        "ProcessingInputs": inputs,
        "ProcessingOutputConfig": output,
    }


def alarm_name(endpoint_name: str, alarm: monitor_job.MonitorAlarm) -> str:
    return f"{endpoint_name}-monitor-{alarm.slug}"


def alarm_inputs(args: MonitorJobArgs, alarm: monitor_job.MonitorAlarm) -> dict[str, Any]:
    """What the alarm on ``alarm`` watches: the contract's namespace, metric name and dimensions."""
    metric = contract.published_name("aws", alarm.metric)
    namespace = contract.published_namespace("aws")
    values = {"Stack": args.stack_name, "Endpoint": args.endpoint.name}
    period = _PERIOD_S[monitor_job.schedule(args.endpoint)]
    if alarm.per_series:
        # A facet's values are data, not spec: Metrics Insights takes the worst series of the
        # metric (every dimension set of the namespace whose Stack and Endpoint match).
        where = " AND ".join(f"{k} = '{v}'" for k, v in values.items())
        query = f"SELECT {'MIN' if alarm.below else 'MAX'}({metric}) FROM \"{namespace}\" WHERE {where}"
        return {"metric_queries": [cloudwatch.MetricAlarmMetricQueryArgs(
            id="worst", expression=query, period=_PERIOD_S["hourly"], return_data=True, label=f"worst {metric}")]}
    return {"namespace": namespace, "metric_name": metric, "dimensions": values, "statistic": "Maximum"
            if not alarm.below else "Minimum", "period": period}


class MonitorJob(pulumi.ComponentResource):
    """The settings object, the monitor's code, the pipeline, its schedule and the alarms."""

    def __init__(self, name: str, args: MonitorJobArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("monitor"), opts)
        spec, child = args.endpoint, pulumi.ResourceOptions(parent=self, depends_on=ctx.bucket_ready)
        bucket = built(ctx.bucket_name, "bucket_name")
        encrypted = {"kms_key_id": ctx.key_arn, "server_side_encryption": "aws:kms" if ctx.key_arn is not None else None}
        self.config = s3.BucketObjectv2(
            f"{name}-config", bucket=bucket, key=monitor_job.config_key(spec),
            content=json.dumps(monitor_job.settings(args.stack_name, spec), sort_keys=True),
            content_type="application/json", opts=child, **encrypted)
        archive = monitor_archive()
        self.code = s3.BucketObjectv2(
            f"{name}-code", bucket=bucket, key=code_key(archive), source=pulumi.FileAsset(str(archive.path)),
            content_type="application/gzip", opts=child, **encrypted)
        request = processing_request(args, ctx, archive)
        pipeline = pipeline_name(args.endpoint_name)
        self.pipeline = one_step_pipeline(
            f"{name}-pipeline", pipeline, f"mlopskit monitor job of endpoint {spec.name}",
            {"Name": STEP, "Type": "Processing", "Arguments": request}, ctx,
            pulumi.ResourceOptions(parent=self, depends_on=[self.config, self.code]),
            tags={monitor_job.SIGNALS_TAG: monitor_job.signals_tag(spec)})
        self.schedule = pipeline_schedule(f"{name}-schedule", pipeline, monitor_job.CRON[monitor_job.schedule(spec)],
                                          self.pipeline, ctx, self)
        self.alarms = [self._alarm(name, args, alarm) for alarm in monitor_job.alarms(spec)]
        self.register_outputs({"pipeline": self.pipeline.arn, "alarms": [a.name for a in self.alarms]})

    def _alarm(self, name: str, args: MonitorJobArgs, alarm: monitor_job.MonitorAlarm) -> cloudwatch.MetricAlarm:
        return cloudwatch.MetricAlarm(
            f"{name}-{alarm.slug}",
            name=alarm_name(args.endpoint_name, alarm),
            alarm_description=f"{alarm.metric} of {args.endpoint.name} {'below' if alarm.below else 'above'} "
                              f"{alarm.threshold:g} (the kit's monitor job)",
            evaluation_periods=1,
            comparison_operator="LessThanThreshold" if alarm.below else "GreaterThanThreshold",
            threshold=alarm.threshold,
            # No value: the job did not run or had nothing to judge (no labels yet): not a verdict.
            treat_missing_data="missing" if not alarm.per_series else "ignore",
            alarm_actions=[args.topic_arn],
            ok_actions=[args.topic_arn],
            **alarm_inputs(args, alarm),
            opts=pulumi.ResourceOptions(parent=self),
        )
