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

from modules.facts import UNBOUNDED_DAYS, Fact, as_list, plain
from modules.graph import Graph
from modules.stack import Stack
from providers.catalog.resolver import lookup

# Region -> jurisdiction, for residency presets (gdpr: eu, lgpd: br). London and Zurich are
# not EU member states, so they are their own jurisdictions.
JURISDICTIONS: dict[str, str] = {
    "eu-west-1": "eu", "eu-west-3": "eu", "eu-central-1": "eu", "eu-north-1": "eu", "eu-south-1": "eu",
    "eu-south-2": "eu", "eu-west-2": "uk", "eu-central-2": "ch", "sa-east-1": "br",
}

# Actions that IAM cannot scope to a resource ARN: "Resource": "*" is the only form.
NON_RESOURCE_ACTIONS = frozenset({
    "ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", "sts:GetCallerIdentity",
    "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
})


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


class _Graph:
    """Indexes over one recorded graph, and the stack-wide settings every fact needs."""

    def __init__(self, graph: Graph, stack: Stack) -> None:
        self.resources = list(graph.resources)
        self.by_type: dict[str, list[Any]] = {}
        for r in self.resources:
            self.by_type.setdefault(r.type, []).append(r)
        providers = self.of("pulumi:providers:aws")
        self.region = next((plain(p.inputs.get("region")) for p in providers if p.inputs.get("region")), None)
        placement = stack.placement.for_cloud("aws")
        self.region = self.region or (placement.region if placement else None)
        tags: dict[str, str] = {}
        for p in providers:
            default = _json(p.inputs.get("defaultTags")) or {}
            tags.update(default.get("tags") or {})
        self.default_tags = tags
        accounts = Counter(re.findall(r"arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):",
                                      json.dumps([r.inputs for r in self.resources], default=str)))
        self.account = accounts.most_common(1)[0][0] if accounts else None
        self.trails = self.of("aws:cloudtrail/trail:Trail")

    def of(self, type_: str) -> list[Any]:
        return self.by_type.get(type_, [])

    def region_of(self, resource: Any) -> str | None:
        return plain(resource.inputs.get("region")) or self.region

    def labels(self, resource: Any) -> dict[str, str]:
        return {**self.default_tags, **(plain(resource.inputs.get("tags")) or {})}

    def descendants(self, root: Any) -> list[Any]:
        found, frontier = [], {root.urn}
        while frontier:
            children = [r for r in self.resources if r.parent in frontier]
            found += children
            frontier = {c.urn for c in children}
        return found

    def fact(self, kind: str, resource: Any, labels: bool = True, **attrs: Any) -> Fact:
        if labels:
            attrs["labels"] = self.labels(resource)
        region = self.region_of(resource)
        return Fact(kind, resource.urn, resource.type, resource.name, region, resource.protect,
                    jurisdiction(region), attrs)

    def data_events(self, resource_type: str, arn_prefix: str | None = None) -> bool:
        for trail in self.trails:
            for selector in as_list(trail.inputs.get("advancedEventSelectors")):
                fields = {f.get("field"): f for f in as_list(selector.get("fieldSelectors"))}
                if "Data" not in as_list(fields.get("eventCategory", {}).get("equals")):
                    continue
                if resource_type not in as_list(fields.get("resources.type", {}).get("equals")):
                    continue
                prefixes = as_list(fields.get("resources.ARN", {}).get("startsWiths"))
                if arn_prefix is None or not prefixes or any(arn_prefix.startswith(p) or p.startswith(arn_prefix)
                                                              for p in prefixes):
                    return True
        return False


def _buckets(g: _Graph) -> Iterable[Fact]:
    siblings: dict[str, dict[str, Any]] = {}
    for r in g.resources:
        if r.type.startswith("aws:s3/") and r.type != "aws:s3/bucket:Bucket":
            siblings.setdefault(str(plain(r.inputs.get("bucket"))), {})[r.type.split(":")[-1]] = r
    for bucket in g.of("aws:s3/bucket:Bucket"):
        name = str(plain(bucket.inputs.get("bucket")))
        parts = siblings.get(name, {})
        purpose = ("access-logs" if "access-logs" in bucket.name else "audit-logs" if "audit" in bucket.name
                   else "replica" if "replica" in bucket.name else "artifacts")
        attrs: dict[str, Any] = {"purpose": purpose}
        encryption = parts.get("BucketServerSideEncryptionConfiguration")
        rules = as_list(encryption.inputs.get("rules")) if encryption else []
        kms = [r for r in rules if (r.get("applyServerSideEncryptionByDefault") or {}).get("sseAlgorithm") in ("aws:kms", "aws:kms:dsse")
               and (r.get("applyServerSideEncryptionByDefault") or {}).get("kmsMasterKeyId")]
        if purpose != "access-logs":
            # S3 server access logs can only be delivered to SSE-S3 buckets: no CMK is possible there.
            attrs["cmk"] = bool(kms)
        block = parts.get("BucketPublicAccessBlock")
        public_policy = any(s.get("Effect") == "Allow" and s.get("Principal") in ("*", {"AWS": "*"}) and not s.get("Condition")
                            for s in _statements(parts["BucketPolicy"].inputs.get("policy")) if "BucketPolicy" in parts)
        if public_policy:
            attrs["public"] = True
        elif block is None:
            attrs["public"] = None
        else:
            attrs["public"] = not all(block.inputs.get(k) for k in ("blockPublicAcls", "blockPublicPolicy",
                                                                     "ignorePublicAcls", "restrictPublicBuckets"))
        versioning = parts.get("BucketVersioning")
        attrs["versioning"] = bool(versioning and (versioning.inputs.get("versioningConfiguration") or {}).get("status") == "Enabled")
        lifecycle = parts.get("BucketLifecycleConfiguration")
        noncurrent = [int(r["noncurrentVersionExpiration"]["noncurrentDays"])
                      for r in as_list(lifecycle.inputs.get("rules") if lifecycle else None)
                      if r.get("status") == "Enabled" and (r.get("noncurrentVersionExpiration") or {}).get("noncurrentDays")]
        attrs["retention_days"] = (min(noncurrent) if noncurrent else UNBOUNDED_DAYS) if attrs["versioning"] else 0
        arn = f"arn:aws:s3:::{name}/"
        attrs["access_logging"] = "BucketLogging" in parts or g.data_events("AWS::S3::Object", arn)
        attrs["tls_only"] = any(s.get("Effect") == "Deny" and "false" in json.dumps(s.get("Condition", {})).lower()
                                and "aws:SecureTransport" in json.dumps(s.get("Condition", {}))
                                for s in _statements(parts["BucketPolicy"].inputs.get("policy"))) if "BucketPolicy" in parts else False
        yield g.fact("bucket", bucket, **attrs)
        if purpose == "audit-logs":
            expiry = [int(r["expiration"]["days"]) for r in as_list(lifecycle.inputs.get("rules") if lifecycle else None)
                      if r.get("status") == "Enabled" and (r.get("expiration") or {}).get("days")]
            yield g.fact("log_store", bucket, retention_days=min(expiry) if expiry else UNBOUNDED_DAYS, cmk=attrs.get("cmk"))


def _keys(g: _Graph) -> Iterable[Fact]:
    for key in g.of("aws:kms/key:Key"):
        inputs = key.inputs
        rotation = int(inputs.get("rotationPeriodInDays") or 365) if inputs.get("enableKeyRotation") else None
        window = int(inputs.get("deletionWindowInDays") or 30)  # AWS default pending window
        public = any(s.get("Effect") == "Allow" and s.get("Principal") in ("*", {"AWS": "*"}) and not s.get("Condition")
                     for s in _statements(inputs.get("policy")))
        yield g.fact("key", key, rotation_days=rotation, deletion_protection=window >= 7,
                     deletion_window_days=window, public=public)


def _registries(g: _Graph) -> Iterable[Fact]:
    repo_policies = {plain(p.inputs.get("repository")): p for p in g.of("aws:ecr/repositoryPolicy:RepositoryPolicy")}
    for repo in g.of("aws:ecr/repository:Repository"):
        inputs = repo.inputs
        encryption = as_list(inputs.get("encryptionConfigurations"))
        policy = repo_policies.get(plain(inputs.get("name")))
        public = policy is not None and any(s.get("Effect") == "Allow" and s.get("Principal") in ("*", {"AWS": "*"})
                                            for s in _statements(policy.inputs.get("policy")))
        yield g.fact("container_registry", repo,
                     cmk=any(e.get("encryptionType") == "KMS" and e.get("kmsKey") for e in encryption),
                     public=public,
                     scan_on_push=bool((inputs.get("imageScanningConfiguration") or {}).get("scanOnPush")),
                     immutable_tags=inputs.get("imageTagMutability") == "IMMUTABLE")
    group_policies = {plain(p.inputs.get("modelPackageGroupName")) for p in g.of("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy")}
    for group in g.of("aws:sagemaker/modelPackageGroup:ModelPackageGroup"):
        # A model package group has no key of its own: the model files live in the (CMK) artifact bucket.
        yield g.fact("model_registry", group, public=plain(group.inputs.get("modelPackageGroupName")) in group_policies)


def _endpoints(g: _Graph) -> Iterable[Fact]:
    runtime_private = any(str(plain(e.inputs.get("serviceName", ""))).endswith(".sagemaker.runtime")
                          for e in g.of("aws:ec2/vpcEndpoint:VpcEndpoint"))
    for component in g.of("mlopskit:aws:Endpoint"):
        parts = g.descendants(component)
        endpoint = next((r for r in parts if r.type == "aws:sagemaker/endpoint:Endpoint"), None)
        config = next((r for r in parts if r.type == "aws:sagemaker/endpointConfiguration:EndpointConfiguration"), None)
        if endpoint is None or config is None:
            continue
        models = [r for r in parts if r.type == "aws:sagemaker/model:Model"]
        variants = as_list(config.inputs.get("productionVariants"))
        target = next((r for r in parts if r.type == "aws:appautoscaling/target:Target"), None)
        alarms = [r for r in parts if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm" and r.inputs.get("alarmActions")]
        instance_type = variants[0].get("instanceType") if variants else None
        catalog = lookup("aws", instance_type) if instance_type else None
        initial = sum(int(v.get("initialInstanceCount") or 0) for v in variants) if variants else None
        private = bool(models) and all(m.inputs.get("vpcConfig") for m in models) and runtime_private
        capture = config.inputs.get("dataCaptureConfig") or {}
        rollback = ((endpoint.inputs.get("deploymentConfig") or {}).get("autoRollbackConfiguration") or {}).get("alarms")
        attrs: dict[str, Any] = {
            "public": not private,  # without the runtime VPC endpoint, calls travel the public runtime API
            "private": private,
            "network_isolation": bool(models) and all(m.inputs.get("enableNetworkIsolation") for m in models),
            "auth_required": True,  # the SageMaker runtime only accepts SigV4-signed calls
            "min_instances": int(target.inputs["minCapacity"]) if target else initial,
            "max_instances": int(target.inputs["maxCapacity"]) if target else initial,
            "instance_type": instance_type,
            "gpu_count": catalog.gpu_count if catalog else None,
            "captures_data": bool(capture.get("enableCapture")),
            "sampling_percent": capture.get("initialSamplingPercentage"),
            "capture_cmk": bool(capture.get("kmsKeyId")),
            "auto_rollback": bool(rollback),
            "audit_logging": g.data_events("AWS::SageMaker::Endpoint"),
            "alarms": len(alarms),
        }
        if config.inputs.get("kmsKeyArn"):
            attrs["cmk"] = True
        elif not (catalog and catalog.local_storage):
            attrs["cmk"] = False
        # else: NVMe instance storage only, hardware-encrypted; SageMaker refuses a KMS key there.
        yield g.fact("endpoint", endpoint, **attrs)


def _monitors(g: _Graph) -> Iterable[Fact]:
    for job in g.of("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"):
        output = job.inputs.get("dataQualityJobOutputConfig") or {}
        volume = ((job.inputs.get("jobResources") or {}).get("clusterConfig") or {}).get("volumeKmsKeyId")
        yield g.fact("monitor", job, cmk=bool(output.get("kmsKeyId")) and bool(volume))


def _training(g: _Graph) -> Iterable[Fact]:
    for pipeline in g.of("aws:sagemaker/pipeline:Pipeline"):
        definition = _json(pipeline.inputs.get("pipelineDefinition")) or {}
        steps = [s.get("Arguments") or {} for s in as_list(definition.get("Steps")) if s.get("Type") == "Training"]
        if not steps:
            yield g.fact("training", pipeline, cmk=None, private=None, network_isolation=None, instance_type=None,
                         gpu_count=None, max_instances=None, scale_to_zero=True, max_runtime_minutes=None)
            continue
        for step in steps:
            resources = step.get("ResourceConfig") or {}
            instance_type = resources.get("InstanceType")
            catalog = lookup("aws", instance_type) if instance_type else None
            runtime = (step.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds")
            yield g.fact(
                "training", pipeline,
                cmk=bool((step.get("OutputDataConfig") or {}).get("KmsKeyId")) and bool(resources.get("VolumeKmsKeyId")),
                private=bool(step.get("VpcConfig")),
                network_isolation=bool(step.get("EnableNetworkIsolation")),
                instance_type=instance_type,
                gpu_count=catalog.gpu_count if catalog else None,
                max_instances=int(resources.get("InstanceCount") or 1),
                scale_to_zero=True,  # SageMaker training instances exist only while a job runs
                max_runtime_minutes=int(runtime) // 60 if runtime else None,
            )


def _network(g: _Graph) -> Iterable[Fact]:
    for vpc in g.of("aws:ec2/vpc:Vpc"):
        subnets = g.of("aws:ec2/subnet:Subnet")
        gateways = g.of("aws:ec2/internetGateway:InternetGateway")
        private = bool(subnets) and not gateways and all(not s.inputs.get("mapPublicIpOnLaunch") for s in subnets)
        yield g.fact("network", vpc, private=private)


def _principal(value: Any, account: str | None) -> list[str]:
    if value == "*":
        return ["public"]
    out: list[str] = []
    if isinstance(value, dict):
        for service in as_list(value.get("Service")):
            out.append(f"service:{service}")
        for arn in as_list(value.get("AWS")):
            if arn == "*":
                out.append("public")
                continue
            match = re.match(r"(?:arn:aws:iam::)?(\d{12})", str(arn))
            owner = match.group(1) if match else None
            out.append("account:self" if owner == account else f"account:{owner or arn}")
        for federated in as_list(value.get("Federated")):
            out.append(f"principal:{federated}")
    return out


def _identity(g: _Graph) -> Iterable[Fact]:
    for role in g.of("aws:iam/role:Role"):
        trust: list[str] = []
        for statement in _statements(role.inputs.get("assumeRolePolicy")):
            if statement.get("Effect") == "Allow":
                trust += _principal(statement.get("Principal"), g.account)
        yield g.fact("identity", role, labels=False, trust=sorted(set(trust)))
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
        if role.inputs.get("inlinePolicies"):
            yield g.fact("role", role, labels=False, actions=sorted(set(actions)), scope_level=scope)
        for arn in as_list(role.inputs.get("managedPolicyArns")):
            name = str(arn).rsplit("/", 1)[-1]
            privilege = ("admin" if name == "AdministratorAccess" else "full_access" if name.endswith("FullAccess")
                         else "scoped")
            yield Fact("binding", role.urn, role.type, f"{role.name}:{name}", g.region_of(role), role.protect, None,
                       {"role": name, "privilege": privilege, "member": role.name, "scope_level": "account"})


def _audit(g: _Graph) -> Iterable[Fact]:
    for trail in g.trails:
        selectors = as_list(trail.inputs.get("advancedEventSelectors"))
        text = json.dumps(selectors)
        covers = sorted({name for token, name in (("AWS::S3::Object", "storage"), ("AWS::SageMaker::Endpoint", "endpoints"))
                         if token in text})
        yield g.fact("audit", trail, labels=False, data_events='"Data"' in text, covers=covers,
                     cmk=bool(trail.inputs.get("kmsKeyId")))


def _backups(g: _Graph) -> Iterable[Fact]:
    plans = g.of("aws:backup/plan:Plan")
    rules = [r for p in plans for r in as_list(p.inputs.get("rules"))]
    for vault in g.of("aws:backup/vault:Vault"):
        name = plain(vault.inputs.get("name"))
        own = [r for r in rules if r.get("targetVaultName") == name]
        copies = [c for r in rules for c in as_list(r.get("copyActions")) if str(c.get("destinationVaultArn", "")).endswith(f":{name}")]
        region = g.region_of(vault)
        if own:
            days = [int((r.get("lifecycle") or {}).get("deleteAfter") or 0) or UNBOUNDED_DAYS for r in own]
            cross = any(str(c.get("destinationVaultArn", "")).split(":")[3] != region
                        for r in own for c in as_list(r.get("copyActions")))
        elif copies:
            days = [int((c.get("lifecycle") or {}).get("deleteAfter") or 0) or UNBOUNDED_DAYS for c in copies]
            cross = region != g.region  # the copy target itself
        else:
            days, cross = [], False
        yield g.fact("backup", vault, retention_days=min(days) if days else None, cross_region=cross,
                     cmk=bool(vault.inputs.get("kmsKeyArn")))


def _budgets(g: _Graph) -> Iterable[Fact]:
    for budget in g.of("aws:budgets/budget:Budget"):
        limit = budget.inputs.get("limitAmount")
        yield g.fact("budget", budget, labels=False, limit_usd=float(limit) if limit else None,
                     alert_thresholds=sorted({float(n["threshold"]) for n in as_list(budget.inputs.get("notifications"))
                                              if n.get("threshold") is not None}))


def _alarms(g: _Graph) -> Iterable[Fact]:
    for alarm in g.of("aws:cloudwatch/metricAlarm:MetricAlarm"):
        text = json.dumps(alarm.inputs.get("dimensions") or alarm.inputs.get("metricQueries") or {})
        match = re.search(r'"EndpointName": "([^"]+)"', text)
        yield g.fact("alarm", alarm, labels=False, notifies=bool(alarm.inputs.get("alarmActions")),
                     endpoint=match.group(1) if match else None)


def facts(graph: Graph, stack: Stack) -> list[Fact]:
    """Every normalized fact of an AWS graph, in a deterministic order."""
    g = _Graph(graph, stack)
    out: list[Fact] = []
    for producer in (_buckets, _keys, _registries, _endpoints, _monitors, _training, _network, _identity,
                     _audit, _backups, _budgets, _alarms):
        out += list(producer(g))
    return sorted(out, key=lambda f: (f.kind, f.resource_urn, f.name))
