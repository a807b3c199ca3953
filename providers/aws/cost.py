"""AWS resource types -> cost components (priced by mlopskit.cost from providers/catalog/prices/aws.csv).

Every custom resource type the AWS provider records is either in ``COMPONENTS`` (a handler that
returns the resource's cost components) or in ``FREE`` with the reason it costs nothing itself.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from mlopskit.modules import monitor_job
from mlopskit.modules.cost import DAYS_PER_MONTH, HOURS_PER_MONTH, CostComponent, CostContext, Handler, PriceKey
from mlopskit.modules.facts import PURPOSE_TAG
from mlopskit.modules.graph import RecordedResource


def _key(ctx: CostContext, service: str, sku: str, region: str | None = None) -> PriceKey:
    return PriceKey("aws", service, sku, region or ctx.region)


def _region(resource: RecordedResource, ctx: CostContext) -> str:
    # Resources in the backup region carry an explicit provider-level ``region`` input.
    return str(resource.inputs.get("region") or ctx.region)


def _usage(ctx: CostContext, key: str, name: str, unit: str, price: PriceKey) -> CostComponent:
    return CostComponent(name, unit, ctx.usage.get(key), price, usage_key=key)


def endpoint_configuration(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """Instances of every production and shadow variant, 730 h each; max from the endpoint's
    autoscaling target (the topology's, which scales the production variant only)."""
    node = ctx.endpoint_of(resource)
    target = node.scaling if node is not None else None
    components = []
    for kind, variants in (("on-demand", resource.inputs.get("productionVariants") or []),
                           ("on-demand, shadow", resource.inputs.get("shadowProductionVariants") or [])):
        for variant in variants:
            instance = str(variant.get("instanceType"))
            count = Decimal(str(variant.get("initialInstanceCount", 1)))
            scaled = target is not None and kind == "on-demand"
            top = Decimal(str(target.inputs.get("maxCapacity", count))) if scaled and target is not None else count
            components.append(CostComponent(
                f"Instance usage ({kind}, {instance})", "hours", count * HOURS_PER_MONTH,
                _key(ctx, "sagemaker-hosting", instance), top * HOURS_PER_MONTH, hourly=True))
    return components


def endpoint(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """Container logs of the endpoint go to CloudWatch Logs (usage-based)."""
    return [_usage(ctx, "logs.ingestedGb", "Log ingestion (CloudWatch Logs)", "GB", _key(ctx, "cloudwatch", "log-ingestion"))]


def pipeline(resource: RecordedResource, ctx: CostContext) -> list[CostComponent] | str:
    """Per run of the pipeline (runs per month from its job's schedule): a Training step's
    instances x count x max runtime hours (spot price when managed spot); a Tuning step's the same
    x its trials; a Processing step's (the training gate) instances x max runtime; a Transform
    step's (a batch job's, or a gate's prediction of its hold-out set)."""
    definition = json.loads(str(resource.inputs.get("pipelineDefinition") or "{}"))
    job = ctx.training_of(resource)
    runs = ctx.runs_per_month(job.schedule if job else None)
    usage_key = None if job and job.schedule else "training.unscheduledRunsPerMonth"
    components = []
    for step in _steps(definition):
        args = step.get("Arguments", {})
        kind = step.get("Type")
        if kind == "Transform":
            components += (_transform_step(resource, ctx, args) if job is None
                           else [_gate_transform(ctx, args, runs, usage_key)])
        elif kind == "Training":
            components.append(_training_hours(ctx, args, runs, usage_key, Decimal(1), "Training"))
        elif kind == "Tuning":
            trials = Decimal(str(args["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxNumberOfTrainingJobs"]))
            components.append(_training_hours(ctx, args["TrainingJobDefinition"], runs, usage_key, trials,
                                              f"Tuning ({trials} trials)"))
        elif kind == "Processing":
            # The monitor pipeline (no training job) runs the kit's monitor job; a training job's
            # pipeline runs its evaluation gate.
            components += (_monitor_step(resource, ctx, args) if job is None
                           else [_processing_hours(ctx, args, runs, usage_key)])
    return components or "a pipeline without training, transform or processing steps runs nothing billable"


def _steps(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step, a condition's branches too (only the billable kinds are priced)."""
    steps = []
    for step in definition.get("Steps", []):
        steps.append(step)
        args = step.get("Arguments", {}) if step.get("Type") == "Condition" else {}
        steps += args.get("IfSteps", []) + args.get("ElseSteps", [])
    return steps


def _training_hours(ctx: CostContext, args: dict[str, Any], runs: Decimal | None, usage_key: str | None,
                    trials: Decimal, label: str) -> CostComponent:
    config = args.get("ResourceConfig", {})
    instance = str(config.get("InstanceType"))
    count = Decimal(str(config.get("InstanceCount", 1)))
    seconds = Decimal(str(args.get("StoppingCondition", {}).get("MaxRuntimeInSeconds", 3600)))
    spot = bool(args.get("EnableManagedSpotTraining"))
    hours = trials * count * runs * seconds / Decimal(3600) if runs is not None else None
    service = "sagemaker-training-spot" if spot else "sagemaker-training"
    return CostComponent(f"{label} instance usage ({'spot' if spot else 'on-demand'}, {instance})", "hours", hours,
                         _key(ctx, service, instance), usage_key=usage_key)


def _processing_hours(ctx: CostContext, args: dict[str, Any], runs: Decimal | None,
                      usage_key: str | None) -> CostComponent:
    """The training gate's processing job: its instances for at most its max runtime, per run."""
    cluster = args.get("ProcessingResources", {}).get("ClusterConfig", {})
    instance = str(cluster.get("InstanceType"))
    count = Decimal(str(cluster.get("InstanceCount", 1)))
    seconds = Decimal(str(args.get("StoppingCondition", {}).get("MaxRuntimeInSeconds", 3600)))
    hours = count * runs * seconds / Decimal(3600) if runs is not None else None
    return CostComponent(f"Evaluation gate processing ({instance})", "hours", hours,
                         _key(ctx, "sagemaker-processing", instance), usage_key=usage_key)


def _gate_transform(ctx: CostContext, args: dict[str, Any], runs: Decimal | None,
                    usage_key: str | None) -> CostComponent:
    """A training gate's prediction of the hold-out set: a transform has no run limit, so the usage
    default ``training.gateTransformHoursPerRun`` per model per run (priced as the resolver picks
    transform types, like a batch job's)."""
    resources = args.get("TransformResources", {})
    instance = str(resources.get("InstanceType"))
    count = Decimal(str(resources.get("InstanceCount", 1)))
    per_run = ctx.usage.get("training.gateTransformHoursPerRun")
    hours = count * runs * per_run if runs is not None and per_run is not None else None
    return CostComponent(f"Evaluation gate predictions (on-demand, {instance})", "hours", hours,
                         _key(ctx, "sagemaker-training", instance), usage_key="training.gateTransformHoursPerRun")


def _transform_step(resource: RecordedResource, ctx: CostContext, args: dict[str, Any]) -> list[CostComponent]:
    """A batch job's Transform step: its instances for the spec's max runtime per run. The
    request has no run-time limit (CreateTransformJob), so the spec's job (the entry that built the
    pipeline) gives it. Priced like training, as the resolver picks transform types
    (providers/aws/instance_types.py)."""
    job = ctx.batch_of(resource)
    instance = str((args.get("TransformResources") or {}).get("InstanceType"))
    price = _key(ctx, "sagemaker-training", instance)
    if job is None:  # not a pipeline of the spec: its runs are unknown
        return [CostComponent(f"Batch instance usage (on-demand, {instance})", "hours", None, price)]
    return ctx.batch_lines(job, "on-demand", instance, price)


def _monitor_step(resource: RecordedResource, ctx: CostContext, args: dict[str, Any]) -> list[CostComponent]:
    """The kit's monitor job (a Processing step): its instance for at most its max runtime per run,
    runs from the endpoint's monitor schedule; and the custom metrics it publishes (one metric per
    name and dimension set, each billed per month: modules/monitor_job.py ``series``)."""
    node = ctx.endpoint_of(resource)
    cluster = (args.get("ProcessingResources") or {}).get("ClusterConfig") or {}
    instance = str(cluster.get("InstanceType"))
    price = _key(ctx, "sagemaker-processing", instance)
    if node is None:  # not an endpoint's monitor job: its runs are unknown
        return [CostComponent(f"Monitor job instance usage ({instance})", "hours", None, price)]
    spec = ctx.stack.endpoints[node.index]
    runs = monitor_job.RUNS_PER_MONTH[monitor_job.schedule(spec)]
    seconds = Decimal(str((args.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds", 3600)))
    count = Decimal(str(cluster.get("InstanceCount", 1)))
    fixed, per_feature, per_facet_value = monitor_job.series(spec)
    features = Decimal(per_feature[1]) if per_feature[1] is not None else ctx.usage.get("monitoring.monitoredFeatures")
    values = ctx.usage.get("monitoring.valuesPerFacet")
    metrics = None if features is None or (per_facet_value and values is None) else \
        Decimal(fixed) + per_feature[0] * features + per_facet_value * (values or 0)
    return [
        CostComponent(f"Monitor job instance usage ({instance})", "hours", runs * count * seconds / Decimal(3600), price),
        CostComponent("Custom metrics (kit monitor job)", "months", metrics, _key(ctx, "cloudwatch", "custom-metric"),
                      usage_key=None if per_feature[1] is not None and not per_facet_value else "monitoring.monitoredFeatures"),
    ]


def monitoring_schedule(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """Each run of the monitoring job: its processing instances for at most its max runtime."""
    config = resource.inputs.get("monitoringScheduleConfig", {})
    name = config.get("monitoringJobDefinitionName")
    expression = str(config.get("scheduleConfig", {}).get("scheduleExpression", ""))
    runs = HOURS_PER_MONTH if "* * ? * * *" in expression and expression.startswith("cron(0 *") else DAYS_PER_MONTH
    components = []
    for cluster, seconds in ctx.memo("aws.job_definitions", lambda: _job_definitions(ctx)).get(name, []):
        instance = str(cluster.get("instanceType"))
        count = Decimal(str(cluster.get("instanceCount", 1)))
        components.append(CostComponent(
            f"Monitoring job instance usage ({instance})", "hours", runs * count * Decimal(str(seconds)) / Decimal(3600),
            _key(ctx, "sagemaker-processing", instance)))
    return components


def _job_definitions(ctx: CostContext) -> dict[str, list[tuple[dict[str, Any], Any]]]:
    """Monitoring job definition name -> (cluster config, max runtime in seconds): the data-quality
    resources, and the model-quality and Clarify ones created through Cloud Control (their desired state)."""
    found: dict[str, list[tuple[dict[str, Any], Any]]] = {}
    for name, definitions in ctx.graph.grouped(
            "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition", "name").items():
        for d in definitions:
            found.setdefault(str(name), []).append((d.inputs.get("jobResources", {}).get("clusterConfig", {}),
                                               d.inputs.get("stoppingCondition", {}).get("maxRuntimeInSeconds", 3600)))
    for resource in ctx.graph.of_type("aws:cloudcontrol/resource:Resource"):
        state = json.loads(resource.inputs.get("desiredState") or "{}")
        cluster = state.get("JobResources", {}).get("ClusterConfig", {})
        found.setdefault(str(state.get("JobDefinitionName")), []).append((
            {"instanceType": cluster.get("InstanceType"), "instanceCount": cluster.get("InstanceCount", 1)},
            state.get("StoppingCondition", {}).get("MaxRuntimeInSeconds", 3600)))
    return found


def tracking_server(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """A managed MLflow tracking server is billed per hour by size while it exists. The catalog
    prices the Small size only (no source for Medium and Large was found): those stay unpriced
    (unknown, never $0)."""
    size = str(resource.inputs.get("trackingServerSize") or "Small")
    return [CostComponent(f"MLflow tracking server ({size})", "hours", HOURS_PER_MONTH,
                          _key(ctx, "sagemaker-mlflow", size))]


_BUCKET_USAGE = {  # the bucket's purpose tag -> usage key (the replica holds a copy of the artifacts)
    "access-logs": "storage.accessLogsGb",
    "audit-logs": "storage.auditLogsGb",
    "artifacts": "storage.artifactsGb",
    "replica": "storage.artifactsGb",
}


def bucket(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """Standard storage, sized by the usage key of the purpose its component tagged it with."""
    region = _region(resource, ctx)
    key = _BUCKET_USAGE.get(str((resource.inputs.get("tags") or {}).get(PURPOSE_TAG)))
    price = _key(ctx, "s3", "standard-storage", region)
    if key is None:  # not a bucket the kit made: its size is not a usage setting
        return [CostComponent("Storage (standard)", "GB-months", None, price)]
    return [_usage(ctx, key, "Storage (standard)", "GB-months", price)]


def replication(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    target = ctx.backup_region or "unknown"
    return [_usage(ctx, "transfer.crossRegionReplicationGb", f"Cross-region replication ({ctx.region} -> {target})", "GB",
                   _key(ctx, "datatransfer", "inter-region"))]


def backup_plan(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """Backup storage in the vault, plus copy storage and transfer for each cross-region copy action."""
    components = [_usage(ctx, "backups.protectedGb", "Backup storage (S3, warm)", "GB-months",
                         _key(ctx, "backup", "s3-warm-storage"))]
    for rule in resource.inputs.get("rules", []):
        for action in rule.get("copyActions", []):
            region = str(action.get("destinationVaultArn", "")).split(":")[3] or "unknown"
            components.append(_usage(ctx, "backups.protectedGb", f"Backup copy storage ({region})", "GB-months",
                                     _key(ctx, "backup", "s3-warm-storage", region)))
            components.append(_usage(ctx, "backups.crossRegionCopyGb", f"Backup copy transfer ({ctx.region} -> {region})",
                                     "GB", _key(ctx, "datatransfer", "inter-region")))
    return components


def ecr_repository(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [_usage(ctx, "registry.containerImagesGb", "Storage", "GB-months", _key(ctx, "ecr", "storage"))]


def ecr_replication(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    components = []
    for rule in resource.inputs.get("replicationConfiguration", {}).get("rules", []):
        for destination in rule.get("destinations", []):
            region = str(destination.get("region"))
            components.append(_usage(ctx, "registry.containerImagesGb", f"Replicated image storage ({region})", "GB-months",
                                     _key(ctx, "ecr", "storage", region)))
            components.append(_usage(ctx, "registry.containerImagesGb", f"Replication transfer ({ctx.region} -> {region})",
                                     "GB", _key(ctx, "datatransfer", "inter-region")))
    return components


def kms_key(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    region = _region(resource, ctx)
    components = [CostComponent("Customer managed key", "months", Decimal(1), _key(ctx, "kms", "key", region))]
    if resource.inputs.get("enableKeyRotation"):
        # AWS charges $1/month for each of the first two rotated backing keys; after a year of
        # rotation that ceiling is reached, so the steady state is two extra key-months.
        components.append(CostComponent("Rotated key material (steady state)", "months", Decimal(2),
                                        _key(ctx, "kms", "rotated-key-material", region)))
    components.append(_usage(ctx, "keys.requests10k", "Requests", "10k requests", _key(ctx, "kms", "requests", region)))
    return components


def trail(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    components = [_usage(ctx, "audit.dataEvents100k", "Data events", "100k events", _key(ctx, "cloudtrail", "data-events"))]
    if resource.inputs.get("cloudWatchLogsGroupArn"):
        # Events delivered to CloudWatch Logs are ingested there at the standard rate.
        components.append(_usage(ctx, "logs.trailEventsGb", "Event delivery to CloudWatch Logs", "GB",
                                 _key(ctx, "cloudwatch", "log-ingestion")))
    return components


def flow_log(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """Flow logs are billed as vended logs ingested into CloudWatch Logs: the first tier is the
    standard ingestion rate (CloudWatch pricing, "Vended Logs"); the volume is the traffic's."""
    return [_usage(ctx, "logs.flowLogsGb", "Flow log ingestion (CloudWatch Logs, vended)", "GB",
                   _key(ctx, "cloudwatch", "log-ingestion"))]


def metric_alarm(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [CostComponent("Standard resolution alarm", "months", Decimal(1), _key(ctx, "cloudwatch", "alarm-standard"))]


def vpc_endpoint(resource: RecordedResource, ctx: CostContext) -> list[CostComponent] | str:
    if resource.inputs.get("vpcEndpointType") != "Interface":
        return "gateway VPC endpoints (S3) have no hourly or data charge"
    zones = Decimal(len(resource.inputs.get("subnetIds") or [1]))
    service = ".".join(str(resource.inputs.get("serviceName", "")).split(".")[3:])  # com.amazonaws.<region>.<service>
    return [
        CostComponent(f"Interface endpoint ({service}, per AZ)", "hours", zones * HOURS_PER_MONTH,
                      _key(ctx, "vpc", "interface-endpoint"), hourly=True),
        _usage(ctx, "network.privateEndpointGb", "Data processed", "GB", _key(ctx, "vpc", "interface-endpoint-data")),
    ]


COMPONENTS: dict[str, Handler] = {
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": endpoint_configuration,
    "aws:sagemaker/endpoint:Endpoint": endpoint,
    "aws:sagemaker/pipeline:Pipeline": pipeline,
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule": monitoring_schedule,
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": tracking_server,
    "aws:s3/bucket:Bucket": bucket,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": replication,
    "aws:backup/plan:Plan": backup_plan,
    "aws:ecr/repository:Repository": ecr_repository,
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": ecr_replication,
    "aws:kms/key:Key": kms_key,
    "aws:cloudtrail/trail:Trail": trail,
    "aws:ec2/flowLog:FlowLog": flow_log,
    "aws:cloudwatch/metricAlarm:MetricAlarm": metric_alarm,
    "aws:ec2/vpcEndpoint:VpcEndpoint": vpc_endpoint,
}

_BUCKET_SETTING = "a setting of its bucket; storage and requests are billed on the bucket"
FREE: dict[str, str] = {
    "pulumi:index:Stash": "a value kept in Pulumi's state only (the endpoint's scaling generation): no cloud resource",
    "aws:sagemaker/model:Model": "a model definition; instances are billed on the endpoint configuration",
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": "the model registry has no charge; artifacts are billed in S3",
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": "billed per run on its monitoring schedule",
    "aws:cloudcontrol/resource:Resource": "a monitoring job definition (model quality, Clarify bias or explainability): billed per run on its schedule",
    "aws:scheduler/schedule:Schedule": "EventBridge Scheduler: the first 14 million invocations a month are free; a few runs a month",
    "aws:appautoscaling/target:Target": "Application Auto Scaling has no charge; the extra instances are priced as the endpoint's maximum",
    "aws:appautoscaling/policy:Policy": "Application Auto Scaling has no charge",
    "aws:backup/vault:Vault": "a vault has no charge; backup storage is billed on the backup plan",
    "aws:backup/selection:Selection": "a selection has no charge; backup storage is billed on the backup plan",
    "aws:budgets/budget:Budget": "AWS Budgets: the first two action-free budgets per account are free",
    "aws:sns/topic:Topic": "SNS: the first 1,000 email deliveries a month are free; alarm notifications stay far below",
    "aws:sns/topicSubscription:TopicSubscription": "subscriptions have no charge",
    "aws:iam/role:Role": "IAM has no charge",
    "aws:kms/alias:Alias": "KMS aliases have no charge",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "lifecycle policies have no charge (they lower storage)",
    "aws:ec2/vpc:Vpc": "a VPC has no charge",
    "aws:ec2/subnet:Subnet": "subnets have no charge",
    "aws:ec2/routeTable:RouteTable": "route tables have no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "route table associations have no charge",
    "aws:ec2/securityGroup:SecurityGroup": "security groups have no charge",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "security group rules have no charge",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "the VPC's own default group, adopted: security groups have no charge",
    "aws:cloudwatch/logGroup:LogGroup": ("a log group has no charge of its own: ingestion is priced on the flow log and trail "
                                         "writing into it; its stored GB are not in the dated catalog yet"),
    "aws:s3/bucketVersioning:BucketVersioning": _BUCKET_SETTING,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _BUCKET_SETTING + "; KMS requests on the key",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _BUCKET_SETTING,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _BUCKET_SETTING,
    "aws:s3/bucketPolicy:BucketPolicy": _BUCKET_SETTING,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _BUCKET_SETTING + " (lifecycle lowers storage)",
    "aws:s3/bucketLogging:BucketLogging": _BUCKET_SETTING + "; log objects are billed on the access-log bucket",
    "aws:s3/bucketObjectv2:BucketObjectv2": "the packaged training code or a Clarify analysis configuration (kilobytes): stored and requested on its bucket",
}
