"""AWS: normalized policy facts (``modules.facts``) from the recorded SageMaker stack.

Reads the engine-recorded inputs of the types this provider registers (camelCase keys).
Concepts AWS does not have for a resource are left out of ``attrs``; values the inputs do
not settle are ``None`` (the rule then reports UNKNOWN).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from mlopskit.modules.facts import UNBOUNDED_DAYS, Fact, as_list, plain
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.stack import Stack
from mlopskit.modules.topology import SIGNALS, EndpointNode, Signal
from mlopskit.providers.aws.permissions import UNSCOPED_ACTIONS
from mlopskit.providers.aws.topology import KIT_PIPELINE, slots
from mlopskit.providers.catalog.resolver import lookup
from mlopskit.providers.facts_index import FactsIndex

# Region -> jurisdiction, for residency presets (gdpr: eu, lgpd: br). London and Zurich are
# not EU member states, so they are their own jurisdictions.
JURISDICTIONS: dict[str, str] = {
    "eu-west-1": "eu", "eu-west-3": "eu", "eu-central-1": "eu", "eu-north-1": "eu", "eu-south-1": "eu",
    "eu-south-2": "eu", "eu-west-2": "uk", "eu-central-2": "ch", "sa-east-1": "br",
}

# Actions that IAM cannot scope to a resource ARN: "Resource": "*" is the only form. One
# source of truth with the statements that grant them (providers/aws/permissions.py).
NON_RESOURCE_ACTIONS = UNSCOPED_ACTIONS | {"sts:GetCallerIdentity"}


def jurisdiction(region: str | None) -> str | None:
    if region is None:
        return None
    if region in JURISDICTIONS:
        return JURISDICTIONS[region]
    prefix = region.split("-")[0]
    return {"us": "us", "ca": "ca", "ap": "apac", "me": "me", "af": "af", "il": "il", "mx": "mx"}.get(prefix)


def _json(text: Any) -> Any:
    text = plain(text)
    if isinstance(text, (dict, list)):
        return text
    try:
        return json.loads(text) if text else None
    except (TypeError, ValueError):
        return None


def _statements(policy: Any) -> list[dict[str, Any]]:
    document = _json(policy) or {}
    return [s for s in as_list(document.get("Statement")) if isinstance(s, dict)]


def _public_statement(statement: dict[str, Any], *, conditional: bool = False) -> bool:
    """An Allow to everyone (``conditional``: even when a Condition narrows it)."""
    return (statement.get("Effect") == "Allow" and statement.get("Principal") in ("*", {"AWS": "*"})
            and (conditional or not statement.get("Condition")))


# Monitoring type -> the CloudFormation type of its job definition (created through Cloud Control).
MONITORING_DEFINITIONS = {"ModelQuality": "AWS::SageMaker::ModelQualityJobDefinition",
                          "ModelBias": "AWS::SageMaker::ModelBiasJobDefinition",
                          "ModelExplainability": "AWS::SageMaker::ModelExplainabilityJobDefinition"}


class _Aws(FactsIndex):
    """The AWS graph: default tags and region from the provider, the account, the trails."""

    def __init__(self, graph: Graph, stack: Stack) -> None:
        super().__init__(graph, stack)
        providers = self.of("pulumi:providers:aws")
        placement = stack.placement.aws
        self.region = (next((plain(p.inputs.get("region")) for p in providers if p.inputs.get("region")), None)
                       or (placement.region if placement else None))
        for p in providers:
            self.default_labels.update((_json(p.inputs.get("defaultTags")) or {}).get("tags") or {})
        # The account id appears in the ARNs the stack writes into its inputs (policies, targets).
        accounts = Counter(re.findall(r"arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):",
                                      json.dumps([r.inputs for r in graph.resources], default=str)))
        self.account = accounts.most_common(1)[0][0] if accounts else None
        self.trails = self.of("aws:cloudtrail/trail:Trail")

    jurisdiction = staticmethod(jurisdiction)
    slotter = staticmethod(slots)

    def cloud_control_definitions(self) -> list[tuple[RecordedResource, dict[str, Any]]]:
        """Monitoring job definitions created through Cloud Control, with their desired state."""
        return [(r, _json(r.inputs.get("desiredState")) or {}) for r in self.of("aws:cloudcontrol/resource:Resource")
                if str(r.inputs.get("typeName")) in MONITORING_DEFINITIONS.values()]

    def region_of(self, resource: RecordedResource, hint: str | None = None) -> str | None:
        # Resources in the backup region carry an explicit provider-level ``region`` input.
        return hint or plain(resource.inputs.get("region")) or self.region

    def data_events(self, resource_type: str, arn_prefix: str | None = None) -> bool:
        """Whether a trail records data events on ``resource_type`` (under ``arn_prefix`` when given)."""
        return any(_selects(selector, resource_type, arn_prefix)
                   for trail in self.trails for selector in as_list(trail.inputs.get("advancedEventSelectors")))


def _selects(selector: dict[str, Any], resource_type: str, arn_prefix: str | None) -> bool:
    """Whether one advanced event selector records data events on the resource type (and ARN prefix)."""
    fields = {f.get("field"): f for f in as_list(selector.get("fieldSelectors"))}
    if "Data" not in as_list(fields.get("eventCategory", {}).get("equals")):
        return False
    if resource_type not in as_list(fields.get("resources.type", {}).get("equals")):
        return False
    prefixes = as_list(fields.get("resources.ARN", {}).get("startsWiths"))
    return arn_prefix is None or not prefixes or any(arn_prefix.startswith(p) or p.startswith(arn_prefix)
                                                     for p in prefixes)


def _bucket_setting(g: _Aws, bucket_name: Any, setting: str) -> RecordedResource | None:
    """The bucket's own ``aws:s3/...`` setting resource (its ``bucket`` input names the bucket)."""
    found = g.grouped(f"aws:s3/{setting[0].lower()}{setting[1:]}:{setting}", "bucket").get(bucket_name)
    return found[-1] if found else None


def _enabled_rules(lifecycle: RecordedResource | None) -> list[dict[str, Any]]:
    return [r for r in as_list(lifecycle.inputs.get("rules") if lifecycle else None) if r.get("status") == "Enabled"]


def _bucket_cmk(encryption: RecordedResource | None) -> bool:
    defaults = [r.get("applyServerSideEncryptionByDefault") or {}
                for r in as_list(encryption.inputs.get("rules") if encryption else None)]
    return any(d.get("sseAlgorithm") in ("aws:kms", "aws:kms:dsse") and d.get("kmsMasterKeyId") for d in defaults)


def _bucket_public(statements: list[dict[str, Any]], block: RecordedResource | None) -> bool | None:
    """Public when the policy allows everyone; else settled by all four public access block switches."""
    if any(_public_statement(s) for s in statements):
        return True
    if block is None:
        return None
    return not all(block.inputs.get(k) for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                  "restrictPublicBuckets"))


def _tls_only(statements: list[dict[str, Any]]) -> bool:
    """A Deny on ``aws:SecureTransport`` false refuses plain HTTP."""
    conditions = [json.dumps(s.get("Condition", {})) for s in statements if s.get("Effect") == "Deny"]
    return any("false" in c.lower() and "aws:SecureTransport" in c for c in conditions)


def _bucket_facts(g: _Aws, bucket: RecordedResource) -> Iterable[Fact]:
    name = plain(bucket.inputs.get("bucket"))
    purpose = g.purpose(bucket)
    policy = _bucket_setting(g, name, "BucketPolicy")
    statements = _statements(policy.inputs.get("policy")) if policy else []
    versioning = _bucket_setting(g, name, "BucketVersioning")
    lifecycle = _enabled_rules(_bucket_setting(g, name, "BucketLifecycleConfiguration"))
    attrs: dict[str, Any] = {"purpose": purpose}
    if purpose != "access-logs":
        # S3 server access logs can only be delivered to SSE-S3 buckets: no CMK is possible there.
        attrs["cmk"] = _bucket_cmk(_bucket_setting(g, name, "BucketServerSideEncryptionConfiguration"))
    attrs["public"] = _bucket_public(statements, _bucket_setting(g, name, "BucketPublicAccessBlock"))
    attrs["versioning"] = bool(versioning and (versioning.inputs.get("versioningConfiguration") or {}).get("status") == "Enabled")
    noncurrent = [int(r["noncurrentVersionExpiration"]["noncurrentDays"]) for r in lifecycle
                  if (r.get("noncurrentVersionExpiration") or {}).get("noncurrentDays")]
    attrs["retention_days"] = (min(noncurrent) if noncurrent else UNBOUNDED_DAYS) if attrs["versioning"] else 0
    attrs["access_logging"] = (_bucket_setting(g, name, "BucketLogging") is not None
                               or g.data_events("AWS::S3::Object", f"arn:aws:s3:::{name}/"))
    attrs["tls_only"] = _tls_only(statements)
    if purpose == "replica":
        attrs.update(_replica_attrs(g, bucket))
    yield g.fact("bucket", bucket, **attrs)
    if purpose == "audit-logs":
        expiry = [int(r["expiration"]["days"]) for r in lifecycle if (r.get("expiration") or {}).get("days")]
        yield g.fact("log_store", bucket, retention_days=min(expiry) if expiry else UNBOUNDED_DAYS, cmk=attrs.get("cmk"))


def _noncurrent_days(g: _Aws, bucket_name: Any) -> int:
    """How long a bucket keeps deleted/overwritten data (as ``retention_days`` of its fact)."""
    versioning = _bucket_setting(g, bucket_name, "BucketVersioning")
    if not (versioning and (versioning.inputs.get("versioningConfiguration") or {}).get("status") == "Enabled"):
        return 0
    lifecycle = _enabled_rules(_bucket_setting(g, bucket_name, "BucketLifecycleConfiguration"))
    noncurrent = [int(r["noncurrentVersionExpiration"]["noncurrentDays"]) for r in lifecycle
                  if (r.get("noncurrentVersionExpiration") or {}).get("noncurrentDays")]
    return min(noncurrent) if noncurrent else UNBOUNDED_DAYS


def _replica_attrs(g: _Aws, bucket: RecordedResource) -> dict[str, Any]:
    """Whether the replication rules writing into ``bucket`` carry deletions, and the source's retention."""
    # From inputs only (CrossGuard sees no outputs): a bucket's ARN follows from its name.
    arn = f"arn:aws:s3:::{plain(bucket.inputs.get('bucket'))}"
    feeding = [(config, rule) for config in g.of("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
               for rule in as_list(config.inputs.get("rules"))
               if (rule.get("destination") or {}).get("bucket") == arn and rule.get("status") == "Enabled"]
    if not feeding:
        return {"receives_deletes": None, "source_retention_days": None}
    return {
        "receives_deletes": all((rule.get("deleteMarkerReplication") or {}).get("status") == "Enabled"
                                for _, rule in feeding),
        "source_retention_days": min(_noncurrent_days(g, plain(config.inputs.get("bucket"))) for config, _ in feeding),
    }


def _buckets(g: _Aws) -> Iterable[Fact]:
    for bucket in g.of("aws:s3/bucket:Bucket"):
        yield from _bucket_facts(g, bucket)


def _keys(g: _Aws) -> Iterable[Fact]:
    for key in g.of("aws:kms/key:Key"):
        inputs = key.inputs
        rotation = int(inputs.get("rotationPeriodInDays") or 365) if inputs.get("enableKeyRotation") else None
        window = int(inputs.get("deletionWindowInDays") or 30)  # AWS default pending window
        public = any(_public_statement(s) for s in _statements(inputs.get("policy")))
        yield g.fact("key", key, rotation_days=rotation, deletion_protection=window >= 7,
                     deletion_window_days=window, public=public)


def _registries(g: _Aws) -> Iterable[Fact]:
    for repo in g.of("aws:ecr/repository:Repository"):
        inputs = repo.inputs
        encryption = as_list(inputs.get("encryptionConfigurations"))
        policies = g.grouped("aws:ecr/repositoryPolicy:RepositoryPolicy", "repository").get(plain(inputs.get("name")))
        statements = _statements(policies[-1].inputs.get("policy")) if policies else []
        yield g.fact("container_registry", repo,
                     cmk=any(e.get("encryptionType") == "KMS" and e.get("kmsKey") for e in encryption),
                     public=any(_public_statement(s, conditional=True) for s in statements),
                     scan_on_push=bool((inputs.get("imageScanningConfiguration") or {}).get("scanOnPush")),
                     immutable_tags=inputs.get("imageTagMutability") == "IMMUTABLE")
    group_policies = g.grouped("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy", "modelPackageGroupName")
    for group in g.of("aws:sagemaker/modelPackageGroup:ModelPackageGroup"):
        # A model package group has no key of its own: the model files live in the (CMK) artifact bucket.
        yield g.fact("model_registry", group, public=plain(group.inputs.get("modelPackageGroupName")) in group_policies)


def _endpoint_scale(node: EndpointNode, variants: list[dict[str, Any]]) -> dict[str, int | None]:
    """Min and max instances: the bounds of the endpoint's scaling target (a top-level component
    beside the endpoint), else the variants' fixed initial count."""
    target = node.scaling
    if target is not None:
        return {"min_instances": int(target.inputs["minCapacity"]), "max_instances": int(target.inputs["maxCapacity"])}
    initial = sum(int(v.get("initialInstanceCount") or 0) for v in variants) if variants else None
    return {"min_instances": initial, "max_instances": initial}


def _endpoint_attrs(g: _Aws, node: EndpointNode, endpoint: RecordedResource, config: RecordedResource,
                    runtime_private: bool) -> dict[str, Any]:
    models = node.all("model")
    variants = as_list(config.inputs.get("productionVariants"))
    instance_type = variants[0].get("instanceType") if variants else None
    catalog = lookup("aws", instance_type) if instance_type else None
    private = bool(models) and all(m.inputs.get("vpcConfig") for m in models) and runtime_private
    capture = config.inputs.get("dataCaptureConfig") or {}
    rollback = ((endpoint.inputs.get("deploymentConfig") or {}).get("autoRollbackConfiguration") or {}).get("alarms")
    attrs: dict[str, Any] = {
        "public": not private,  # without the runtime VPC endpoint, calls travel the public runtime API
        "private": private,
        "network_isolation": bool(models) and all(m.inputs.get("enableNetworkIsolation") for m in models),
        "auth_required": True,  # the SageMaker runtime only accepts SigV4-signed calls
        **_endpoint_scale(node, variants),
        "instance_type": instance_type,
        "gpu_count": catalog.gpu_count if catalog else None,
        "gpu_type": catalog.gpu_type if catalog else None,
        "captures_data": bool(capture.get("enableCapture")),
        "sampling_percent": capture.get("initialSamplingPercentage"),
        "capture_cmk": bool(capture.get("kmsKeyId")),
        "auto_rollback": bool(rollback),
        "audit_logging": g.data_events("AWS::SageMaker::Endpoint"),
        "alarms": sum(1 for alarm in node.alarms if alarm.inputs.get("alarmActions")),
        **{f"{signal}_monitored": _scheduled(node, signal) for signal in SIGNALS},
    }
    if config.inputs.get("kmsKeyArn"):
        attrs["cmk"] = True
    elif not (catalog and catalog.local_storage):
        attrs["cmk"] = False
    # else: NVMe instance storage only, hardware-encrypted; SageMaker refuses a KMS key there.
    return attrs


def _scheduled(node: EndpointNode, signal: Signal) -> bool:
    """A monitoring schedule runs a job definition computing ``signal`` on this endpoint, or the kit's
    monitor pipeline computing it has an EventBridge schedule starting it."""
    return any(r.type == "aws:sagemaker/monitoringSchedule:MonitoringSchedule" for r in node.monitors(signal)) \
        or any(r.type == KIT_PIPELINE for r in node.monitors(signal)) and bool(node.all("schedule"))


def _endpoints(g: _Aws) -> Iterable[Fact]:
    runtime_private = any(str(plain(e.inputs.get("serviceName", ""))).endswith(".sagemaker.runtime")
                          for e in g.of("aws:ec2/vpcEndpoint:VpcEndpoint"))
    for node in g.topology.endpoints:
        endpoint, config = node.endpoint, node.one("deployment")
        if endpoint is not None and config is not None:
            yield g.fact("endpoint", endpoint, **_endpoint_attrs(g, node, endpoint, config, runtime_private))


def _kit_monitors(g: _Aws) -> Iterable[Fact]:
    """The kit's monitor job: one fact per computed section, from its pipeline's Processing step."""
    for node in g.topology.endpoints:
        pipelines = {r.urn: r for s in SIGNALS for r in node.monitors(s) if r.type == KIT_PIPELINE}
        for pipeline in pipelines.values():
            definition = _json(pipeline.inputs.get("pipelineDefinition")) or {}
            for step in as_list(definition.get("Steps")):
                args = step.get("Arguments") or {}
                volume = ((args.get("ProcessingResources") or {}).get("ClusterConfig") or {}).get("VolumeKmsKeyId")
                cmk = bool((args.get("ProcessingOutputConfig") or {}).get("KmsKeyId")) and bool(volume)
                yield g.fact("monitor", pipeline, cmk=cmk, **g.monitored_as(pipeline))


def _monitors(g: _Aws) -> Iterable[Fact]:
    yield from _kit_monitors(g)
    for job in g.of("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"):
        output = job.inputs.get("dataQualityJobOutputConfig") or {}
        volume = ((job.inputs.get("jobResources") or {}).get("clusterConfig") or {}).get("volumeKmsKeyId")
        yield g.fact("monitor", job, cmk=bool(output.get("kmsKeyId")) and bool(volume), **g.monitored_as(job))
    for job, state in g.cloud_control_definitions():
        monitoring_type = next(t for t, cfn in MONITORING_DEFINITIONS.items() if cfn == job.inputs.get("typeName"))
        output = state.get(f"{monitoring_type}JobOutputConfig") or {}
        volume = ((state.get("JobResources") or {}).get("ClusterConfig") or {}).get("VolumeKmsKeyId")
        yield g.fact("monitor", job, cmk=bool(output.get("KmsKeyId")) and bool(volume), **g.monitored_as(job))


def _training_step(g: _Aws, pipeline: RecordedResource, step: dict[str, Any]) -> Fact:
    resources = step.get("ResourceConfig") or {}
    instance_type = resources.get("InstanceType")
    catalog = lookup("aws", instance_type) if instance_type else None
    runtime = (step.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds")
    return g.fact(
        "training", pipeline,
        cmk=bool((step.get("OutputDataConfig") or {}).get("KmsKeyId")) and bool(resources.get("VolumeKmsKeyId")),
        private=bool(step.get("VpcConfig")),
        network_isolation=bool(step.get("EnableNetworkIsolation")),
        instance_type=instance_type,
        gpu_count=catalog.gpu_count if catalog else None,
        max_instances=int(resources.get("InstanceCount") or 1),
        scale_to_zero=True,  # SageMaker training instances exist only while a job runs
        spot=bool(step.get("EnableManagedSpotTraining")),
        max_runtime_minutes=int(runtime) // 60 if runtime else None,
    )


def _schedule_cmk(g: _Aws, pipeline: RecordedResource) -> dict[str, Any]:
    """``schedule_cmk`` when an EventBridge Scheduler schedule starts the pipeline (absent otherwise)."""
    # The target's ARN ends with the pipeline's name (inputs only: CrossGuard sees no outputs).
    suffix = f":pipeline/{plain(pipeline.inputs.get('pipelineName'))}"
    schedules = [s for s in g.of("aws:scheduler/schedule:Schedule")
                 if str((s.inputs.get("target") or {}).get("arn")).endswith(suffix)]
    return {"schedule_cmk": all(bool(s.inputs.get("kmsKeyArn")) for s in schedules)} if schedules else {}


def _training(g: _Aws) -> Iterable[Fact]:
    """Each Training step of the pipeline a training job's component built (its topology node); a
    Tuning step's training job definition is what each of its trials runs (issue 31)."""
    for pipeline in (p for node in g.topology.training for p in node.all("pipeline")):
        definition = _json(pipeline.inputs.get("pipelineDefinition")) or {}
        steps = [s.get("Arguments") or {} for s in as_list(definition.get("Steps")) if s.get("Type") == "Training"]
        steps += [(s.get("Arguments") or {}).get("TrainingJobDefinition") or {}
                  for s in as_list(definition.get("Steps")) if s.get("Type") == "Tuning"]
        if not steps:
            yield g.fact("training", pipeline, cmk=None, private=None, network_isolation=None, instance_type=None,
                         gpu_count=None, max_instances=None, scale_to_zero=True, spot=None, max_runtime_minutes=None)
        for step in steps:
            fact = _training_step(g, pipeline, step)
            yield fact.with_attrs(**_schedule_cmk(g, pipeline))


def _batch(g: _Aws) -> Iterable[Fact]:
    """Each Transform step of a batch job's pipeline; it runs in the network of the job's Model
    (both built by the job's component: its topology node)."""
    for node in g.topology.batch:
        yield from _transform_steps(g, node.all("pipeline"), node.all("model"))


def _transform_steps(g: _Aws, pipelines: Iterable[RecordedResource], models: tuple[RecordedResource, ...]) -> Iterable[Fact]:
    for pipeline in pipelines:
        definition = _json(pipeline.inputs.get("pipelineDefinition")) or {}
        for step in as_list(definition.get("Steps")):
            if step.get("Type") != "Transform":
                continue
            args = step.get("Arguments") or {}
            resources = args.get("TransformResources") or {}
            instance_type = resources.get("InstanceType")
            catalog = lookup("aws", instance_type) if instance_type else None
            named = models
            # Transform jobs have no run-time limit of their own (CreateTransformJob): the key is absent.
            yield g.fact(
                "batch", pipeline,
                cmk=bool((args.get("TransformOutput") or {}).get("KmsKeyId")),
                private=bool(named[0].inputs.get("vpcConfig")) if named else None,
                instance_type=instance_type,
                gpu_count=catalog.gpu_count if catalog else None,
                max_instances=int(resources.get("InstanceCount") or 1),
                **_schedule_cmk(g, pipeline),
            )


def _network(g: _Aws) -> Iterable[Fact]:
    subnets = g.of("aws:ec2/subnet:Subnet")
    gateways = g.of("aws:ec2/internetGateway:InternetGateway")
    private = bool(subnets) and not gateways and all(not s.inputs.get("mapPublicIpOnLaunch") for s in subnets)
    for vpc in g.of("aws:ec2/vpc:Vpc"):
        # The network component creates the VPC, its flow log and its default group together (inputs
        # only: CrossGuard does not see the VPC's id).
        logged = bool(g.graph.siblings(vpc, "aws:ec2/flowLog:FlowLog"))
        defaults = g.graph.siblings(vpc, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
        # Not adopted, the default group keeps the rules AWS gives it (all traffic between members, all egress).
        closed = bool(defaults) and all(not d.inputs.get("ingress") and not d.inputs.get("egress") for d in defaults)
        yield g.fact("network", vpc, private=private, flow_logs=logged, default_rules_closed=closed)


def _account_principal(arn: Any, account: str | None) -> str:
    if arn == "*":
        return "public"
    match = re.match(r"(?:arn:aws:iam::)?(\d{12})", str(arn))
    owner = match.group(1) if match else None
    return "account:self" if owner == account else f"account:{owner or arn}"


def _principal(value: Any, account: str | None) -> list[str]:
    """A policy Principal as normalized trust entries (service:, account:, principal:, public)."""
    if value == "*":
        return ["public"]
    if not isinstance(value, dict):
        return []
    return ([f"service:{service}" for service in as_list(value.get("Service"))]
            + [_account_principal(arn, account) for arn in as_list(value.get("AWS"))]
            + [f"principal:{federated}" for federated in as_list(value.get("Federated"))])


def _role_permissions(role: RecordedResource) -> tuple[list[str], str]:
    """Actions the inline policies allow, and ``account`` when one reaches "*" with a resource-level action."""
    actions: list[str] = []
    scope = "resource"
    for policy in as_list(role.inputs.get("inlinePolicies")):
        for statement in _statements(policy.get("policy")):
            if statement.get("Effect") != "Allow":
                continue
            listed = [str(a) for a in as_list(statement.get("Action"))]
            actions += listed
            if "*" in as_list(statement.get("Resource")) and any(a not in NON_RESOURCE_ACTIONS for a in listed):
                scope = "account"
    return actions, scope


def _managed_binding(g: _Aws, role: RecordedResource, arn: Any) -> Fact:
    name = str(arn).rsplit("/", 1)[-1]
    privilege = "admin" if name == "AdministratorAccess" else "full_access" if name.endswith("FullAccess") else "scoped"
    return Fact("binding", role.urn, role.type, f"{role.name}:{name}", g.region_of(role), role.protect, None,
                {"role": name, "privilege": privilege, "member": role.name, "scope_level": "account"})


def _identity(g: _Aws) -> Iterable[Fact]:
    for role in g.of("aws:iam/role:Role"):
        trust = [entry for statement in _statements(role.inputs.get("assumeRolePolicy")) if statement.get("Effect") == "Allow"
                 for entry in _principal(statement.get("Principal"), g.account)]
        yield g.fact("identity", role, labels=False, trust=sorted(set(trust)))
        if role.inputs.get("inlinePolicies"):
            actions, scope = _role_permissions(role)
            yield g.fact("role", role, labels=False, actions=sorted(set(actions)), scope_level=scope)
        for arn in as_list(role.inputs.get("managedPolicyArns")):
            yield _managed_binding(g, role, arn)


def _audit(g: _Aws) -> Iterable[Fact]:
    for trail in g.trails:
        text = json.dumps(as_list(trail.inputs.get("advancedEventSelectors")))
        covers = sorted({name for token, name in (("AWS::S3::Object", "storage"), ("AWS::SageMaker::Endpoint", "endpoints"))
                         if token in text})
        yield g.fact("audit", trail, labels=False, data_events='"Data"' in text, covers=covers,
                     cmk=bool(trail.inputs.get("kmsKeyId")),
                     streamed=bool(trail.inputs.get("cloudWatchLogsGroupArn") and trail.inputs.get("cloudWatchLogsRoleArn")))


def _days(lifecycle: dict[str, Any] | None) -> int:
    """Days a recovery point is kept (no ``deleteAfter``: until someone deletes it)."""
    return int((lifecycle or {}).get("deleteAfter") or 0) or UNBOUNDED_DAYS


def _copy_region(copy: dict[str, Any]) -> str:
    return str(copy.get("destinationVaultArn", "")).split(":")[3]


def _vault_retention(g: _Aws, vault: RecordedResource, rules: list[dict[str, Any]]) -> tuple[list[int], bool]:
    """Retention days of the recovery points the vault holds, and whether they are copied to another region.
    A vault is either a rule's target (its own backups) or a copy action's destination."""
    name = plain(vault.inputs.get("name"))
    own = [r for r in rules if r.get("targetVaultName") == name]
    if own:
        region = g.region_of(vault)
        return ([_days(r.get("lifecycle")) for r in own],
                any(_copy_region(c) != region for r in own for c in as_list(r.get("copyActions"))))
    copies = [c for r in rules for c in as_list(r.get("copyActions"))
              if str(c.get("destinationVaultArn", "")).endswith(f":{name}")]
    if copies:
        return [_days(c.get("lifecycle")) for c in copies], g.region_of(vault) != g.region  # the copy target itself
    return [], False


def _backed_up_retention(g: _Aws) -> int | None:
    """The shortest retention among the buckets the backup selections cover (None: none is a stack bucket)."""
    arns = {str(arn) for s in g.of("aws:backup/selection:Selection") for arn in as_list(s.inputs.get("resources"))}
    days = [_noncurrent_days(g, plain(b.inputs.get("bucket"))) for b in g.of("aws:s3/bucket:Bucket")
            if f"arn:aws:s3:::{plain(b.inputs.get('bucket'))}" in arns]
    return min(days) if days else None


def _backups(g: _Aws) -> Iterable[Fact]:
    rules = [r for p in g.of("aws:backup/plan:Plan") for r in as_list(p.inputs.get("rules"))]
    for vault in g.of("aws:backup/vault:Vault"):
        days, cross = _vault_retention(g, vault, rules)
        yield g.fact("backup", vault, retention_days=min(days) if days else None, cross_region=cross,
                     cmk=bool(vault.inputs.get("kmsKeyArn")), source_retention_days=_backed_up_retention(g))


def _budgets(g: _Aws) -> Iterable[Fact]:
    for budget in g.of("aws:budgets/budget:Budget"):
        limit = budget.inputs.get("limitAmount")
        yield g.fact("budget", budget, labels=False, limit_usd=float(limit) if limit else None,
                     alert_thresholds=sorted({float(n["threshold"]) for n in as_list(budget.inputs.get("notifications"))
                                              if n.get("threshold") is not None}))


def _alarms(g: _Aws) -> Iterable[Fact]:
    topics = {str(plain(t.inputs.get("name"))): t for t in g.of("aws:sns/topic:Topic")}
    for alarm in g.of("aws:cloudwatch/metricAlarm:MetricAlarm"):
        text = json.dumps(alarm.inputs.get("dimensions") or alarm.inputs.get("metricQueries") or {})
        match = re.search(r'"EndpointName": "([^"]+)"', text)
        # A topic ARN ends with the topic's name (inputs only: CrossGuard sees no outputs).
        actions = [str(a).rsplit(":", 1)[-1] for a in as_list(alarm.inputs.get("alarmActions"))]
        # Absent when the alarm notifies nobody; None when it notifies a topic the stack does not record.
        encrypted: dict[str, Any] = {}
        if actions:
            known = all(a in topics for a in actions)
            encrypted["notification_encrypted"] = (all(bool(topics[a].inputs.get("kmsMasterKeyId")) for a in actions)
                                                   if known else None)
        yield g.fact("alarm", alarm, labels=False, notifies=bool(actions),
                     endpoint=match.group(1) if match else None, **encrypted)


def facts(graph: Graph, stack: Stack) -> list[Fact]:
    """Every normalized fact of an AWS graph, in a deterministic order."""
    return _Aws(graph, stack).collect((_buckets, _keys, _registries, _endpoints, _monitors, _training, _batch, _network,
                                       _identity, _audit, _backups, _budgets, _alarms))
