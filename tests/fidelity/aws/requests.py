"""Each recorded AWS resource type -> the AWS API request(s) `pulumi up` makes for it.

``REQUESTS`` maps a Pulumi type token to a function turning the recorded (camelCase) inputs
into ``(service, operation, request)`` tuples shaped like the API's own (the Terraform AWS
provider behind pulumi-aws sends these calls on create). ``EXEMPT`` lists the recorded types
with no API request of their own, each with the reason.

Values the engine only knows after apply are concrete under the kit's mocks (mock ARNs and
ids shaped like AWS's); the few a request needs that nothing records are realistic
placeholders, marked ``PLACEHOLDER`` below.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from tests.fidelity.aws.pipeline_functions import all_steps, placeholder_runtime, resolve

Request = tuple[str, str, dict[str, Any]]
Inputs = dict[str, Any]

ACCOUNT = "123456789012"  # the mocks' account (providers/aws/mocks.py)
# PLACEHOLDER: SageMaker names a pipeline step's training job itself, at execution time
# (pipelines-<execution id>-<step>-<suffix>); this is the longest form it produces.
PIPELINE_TRAINING_JOB = "pipelines-a1b2c3d4e5f6-Train-0123456789"
PIPELINE_TRANSFORM_JOB = "pipelines-a1b2c3d4e5f6-Transform-0123456789"
# A Processing step's job (the kit's monitor job, a training gate's evaluation):
# pipelines-<execution>-<step>-<suffix>, with the longer of the kit's step names.
PIPELINE_PROCESSING_JOB = "pipelines-a1b2c3d4e5f6-Evaluate-0123456789"
# PLACEHOLDER: a tuning job's name is at most 32 characters (botocore HyperParameterTuningJobName).
PIPELINE_TUNING_JOB = "a1b2c3d4e5f6-Tune-0123456789"


def autoname(inputs: Inputs, logical: str, key: str = "name") -> str:
    """The physical name: the recorded one, else Pulumi's auto-name (logical name plus "-"
    and 7 random characters; PLACEHOLDER characters)."""
    return str(inputs.get(key) or f"{logical}-a1b2c3d")


def _num(value: Any) -> Any:
    """The mocks record every number as a float; the provider sends integers as integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_num(v) for v in value]
    if isinstance(value, dict):
        return {k: _num(v) for k, v in value.items()}
    return value


def _pick(source: Inputs, **names: str) -> dict[str, Any]:
    """``{ApiName: source[recordedName]}`` for the recorded names present."""
    return {api: _num(source[recorded]) for api, recorded in names.items() if recorded in source}


def _tags(tags: dict[str, str] | None, key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    return [{key: k, value: v} for k, v in (tags or {}).items()]


# -- SageMaker ------------------------------------------------------------------------------


def _vpc(config: Inputs | None) -> dict[str, Any] | None:
    return {"SecurityGroupIds": config["securityGroupIds"], "Subnets": config["subnets"]} if config else None


def _model(i: Inputs, logical: str) -> Iterable[Request]:
    container = _pick(i["primaryContainer"], Image="image", ModelDataUrl="modelDataUrl",
                      ModelPackageName="modelPackageName")
    request = {"ModelName": autoname(i, logical), "ExecutionRoleArn": i["executionRoleArn"], "PrimaryContainer": container,
               **_pick(i, EnableNetworkIsolation="enableNetworkIsolation")}
    if i.get("vpcConfig"):
        request["VpcConfig"] = _vpc(i["vpcConfig"])
    yield "sagemaker", "CreateModel", request


def _variant(v: Inputs) -> dict[str, Any]:
    return _pick(v, VariantName="variantName", ModelName="modelName", InstanceType="instanceType",
                 InitialInstanceCount="initialInstanceCount", InitialVariantWeight="initialVariantWeight")


def _endpoint_config(i: Inputs, logical: str) -> Iterable[Request]:
    request: dict[str, Any] = {"EndpointConfigName": autoname(i, logical),
                               "ProductionVariants": [_variant(v) for v in i["productionVariants"]],
                               **_pick(i, KmsKeyId="kmsKeyArn")}
    if i.get("shadowProductionVariants"):
        request["ShadowProductionVariants"] = [_variant(v) for v in i["shadowProductionVariants"]]
    if i.get("dataCaptureConfig"):
        c = i["dataCaptureConfig"]
        request["DataCaptureConfig"] = {
            **_pick(c, EnableCapture="enableCapture", InitialSamplingPercentage="initialSamplingPercentage",
                    DestinationS3Uri="destinationS3Uri", KmsKeyId="kmsKeyId"),
            "CaptureOptions": [{"CaptureMode": o["captureMode"]} for o in c["captureOptions"]]}
    yield "sagemaker", "CreateEndpointConfig", request


def _deployment(d: Inputs) -> dict[str, Any]:
    policy = d["blueGreenUpdatePolicy"]
    routing = policy["trafficRoutingConfiguration"]
    def size(s: Inputs) -> dict[str, Any]:
        return {"Type": s["type"], "Value": _num(s["value"])}

    out: dict[str, Any] = {"BlueGreenUpdatePolicy": {
        "TrafficRoutingConfiguration": {
            "Type": routing["type"], "WaitIntervalInSeconds": _num(routing["waitIntervalInSeconds"]),
            **({"CanarySize": size(routing["canarySize"])} if routing.get("canarySize") else {}),
            **({"LinearStepSize": size(routing["linearStepSize"])} if routing.get("linearStepSize") else {})},
        **_pick(policy, TerminationWaitInSeconds="terminationWaitInSeconds",
                MaximumExecutionTimeoutInSeconds="maximumExecutionTimeoutInSeconds")}}
    if d.get("autoRollbackConfiguration"):
        out["AutoRollbackConfiguration"] = {"Alarms": [{"AlarmName": a["alarmName"]}
                                                       for a in d["autoRollbackConfiguration"]["alarms"]]}
    return out


def _endpoint(i: Inputs) -> Iterable[Request]:
    request = {"EndpointName": i["name"], "EndpointConfigName": i["endpointConfigName"]}
    if i.get("deploymentConfig"):
        request["DeploymentConfig"] = _deployment(i["deploymentConfig"])
    yield "sagemaker", "CreateEndpoint", request
    # Every later `pulumi up` moving the endpoint sends the same policy with UpdateEndpoint.
    yield "sagemaker", "UpdateEndpoint", request


def _pipeline(i: Inputs) -> Iterable[Request]:
    yield "sagemaker", "CreatePipeline", _pick(i, PipelineName="pipelineName", PipelineDisplayName="pipelineDisplayName",
                                               PipelineDescription="pipelineDescription", RoleArn="roleArn",
                                               PipelineDefinition="pipelineDefinition")
    definition = json.loads(i["pipelineDefinition"])
    # Each step's request as a run sends it: pipeline functions resolved to realistic values.
    runtime = placeholder_runtime(definition)
    for step in all_steps(definition):
        yield from _step_request(step["Type"], resolve(step["Arguments"], runtime))


# Step type -> (operation, the name member SageMaker fills in for the step's job).
_STEP_OPERATIONS = {
    "Training": ("CreateTrainingJob", {"TrainingJobName": PIPELINE_TRAINING_JOB}),
    "Transform": ("CreateTransformJob", {"TransformJobName": PIPELINE_TRANSFORM_JOB}),
    "Tuning": ("CreateHyperParameterTuningJob", {"HyperParameterTuningJobName": PIPELINE_TUNING_JOB}),
    "Model": ("CreateModel", {"ModelName": "pipelines-a1b2c3d4e5f6-CandidateModel-0123456789"}),
    "Processing": ("CreateProcessingJob", {"ProcessingJobName": PIPELINE_PROCESSING_JOB}),
    "RegisterModel": ("CreateModelPackage", {}),
}
# Steps with no API request of their own: a condition only branches, a fail step only stops.
_NO_REQUEST = {"Condition", "Fail"}


def _step_request(kind: str, arguments: dict[str, Any]) -> Iterable[Request]:
    if kind in _NO_REQUEST:
        return
    if kind not in _STEP_OPERATIONS:
        raise ValueError(f"pipeline step type {kind} has no mapping")
    operation, names = _STEP_OPERATIONS[kind]
    yield "sagemaker", operation, {**names, **arguments}


def _model_package_group(i: Inputs) -> Iterable[Request]:
    yield "sagemaker", "CreateModelPackageGroup", {
        **_pick(i, ModelPackageGroupName="modelPackageGroupName",
                ModelPackageGroupDescription="modelPackageGroupDescription"), "Tags": _tags(i.get("tags"))}


def _data_quality(i: Inputs) -> Iterable[Request]:
    output = i["dataQualityJobOutputConfig"]
    cluster = i["jobResources"]["clusterConfig"]
    network = i.get("networkConfig") or {}
    yield "sagemaker", "CreateDataQualityJobDefinition", {
        "JobDefinitionName": i["name"], "RoleArn": i["roleArn"],
        "DataQualityAppSpecification": {"ImageUri": i["dataQualityAppSpecification"]["imageUri"]},
        "DataQualityJobInput": {"EndpointInput": _pick(i["dataQualityJobInput"]["endpointInput"],
                                                       EndpointName="endpointName", LocalPath="localPath")},
        "DataQualityJobOutputConfig": {
            "MonitoringOutputs": [{"S3Output": _pick(output["monitoringOutputs"]["s3Output"], S3Uri="s3Uri",
                                                     LocalPath="localPath")}],
            **_pick(output, KmsKeyId="kmsKeyId")},
        "JobResources": {"ClusterConfig": _pick(cluster, InstanceCount="instanceCount", InstanceType="instanceType",
                                                VolumeSizeInGB="volumeSizeInGb", VolumeKmsKeyId="volumeKmsKeyId")},
        "NetworkConfig": {**_pick(network, EnableInterContainerTrafficEncryption="enableInterContainerTrafficEncryption",
                                  EnableNetworkIsolation="enableNetworkIsolation"),
                          **({"VpcConfig": _vpc(network["vpcConfig"])} if network.get("vpcConfig") else {})},
        "StoppingCondition": {"MaxRuntimeInSeconds": _num(i["stoppingCondition"]["maxRuntimeInSeconds"])},
    }


def _monitoring_schedule(i: Inputs) -> Iterable[Request]:
    config = i["monitoringScheduleConfig"]
    yield "sagemaker", "CreateMonitoringSchedule", {"MonitoringScheduleName": i["name"], "MonitoringScheduleConfig": {
        "ScheduleConfig": {"ScheduleExpression": config["scheduleConfig"]["scheduleExpression"]},
        **_pick(config, MonitoringJobDefinitionName="monitoringJobDefinitionName", MonitoringType="monitoringType")}}


# Cloud Control resources: CloudFormation type -> the API operation whose request has the same
# member names and shapes as the type's properties (the desired state is sent as that request).
CLOUD_CONTROL_OPERATIONS = {
    "AWS::SageMaker::ModelQualityJobDefinition": ("sagemaker", "CreateModelQualityJobDefinition"),
    "AWS::SageMaker::ModelBiasJobDefinition": ("sagemaker", "CreateModelBiasJobDefinition"),
    "AWS::SageMaker::ModelExplainabilityJobDefinition": ("sagemaker", "CreateModelExplainabilityJobDefinition"),
}


def _cloud_control(i: Inputs) -> Iterable[Request]:
    service, operation = CLOUD_CONTROL_OPERATIONS[i["typeName"]]
    yield service, operation, json.loads(i["desiredState"])


# -- IAM, KMS, autoscaling, CloudWatch, SNS -------------------------------------------------


def _role(i: Inputs) -> Iterable[Request]:
    yield "iam", "CreateRole", {"RoleName": i["name"], "AssumeRolePolicyDocument": i["assumeRolePolicy"],
                                **_pick(i, Description="description", MaxSessionDuration="maxSessionDuration"),
                                **({"Tags": _tags(i["tags"])} if i.get("tags") else {})}
    for policy in i.get("inlinePolicies", []):
        yield "iam", "PutRolePolicy", {"RoleName": i["name"], "PolicyName": policy["name"],
                                       "PolicyDocument": policy["policy"]}
    for arn in i.get("managedPolicyArns", []):
        yield "iam", "AttachRolePolicy", {"RoleName": i["name"], "PolicyArn": arn}


def _key(i: Inputs) -> Iterable[Request]:
    yield "kms", "CreateKey", _pick(i, Description="description", Policy="policy")
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"  # PLACEHOLDER: the new key's id
    if i.get("enableKeyRotation"):
        yield "kms", "EnableKeyRotation", {"KeyId": key_id, **_pick(i, RotationPeriodInDays="rotationPeriodInDays")}
    # The deletion window is sent when the key is destroyed.
    yield "kms", "ScheduleKeyDeletion", {"KeyId": key_id, **_pick(i, PendingWindowInDays="deletionWindowInDays")}


def _alias(i: Inputs) -> Iterable[Request]:
    yield "kms", "CreateAlias", {"AliasName": i["name"], "TargetKeyId": i["targetKeyId"]}


def _scalable_target(i: Inputs) -> Iterable[Request]:
    yield "application-autoscaling", "RegisterScalableTarget", _pick(
        i, ServiceNamespace="serviceNamespace", ResourceId="resourceId", ScalableDimension="scalableDimension",
        MinCapacity="minCapacity", MaxCapacity="maxCapacity")


def _scaling_policy(i: Inputs) -> Iterable[Request]:
    t = i["targetTrackingScalingPolicyConfiguration"]
    yield "application-autoscaling", "PutScalingPolicy", {
        **_pick(i, PolicyName="name", ServiceNamespace="serviceNamespace", ResourceId="resourceId",
                ScalableDimension="scalableDimension", PolicyType="policyType"),
        "TargetTrackingScalingPolicyConfiguration": {
            **_pick(t, TargetValue="targetValue", ScaleOutCooldown="scaleOutCooldown", ScaleInCooldown="scaleInCooldown"),
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": t["predefinedMetricSpecification"]["predefinedMetricType"]}}}


def _dimensions(dimensions: dict[str, str]) -> list[dict[str, str]]:
    return [{"Name": k, "Value": v} for k, v in dimensions.items()]


def _alarm(i: Inputs) -> Iterable[Request]:
    request = _pick(i, AlarmName="name", AlarmDescription="alarmDescription", OKActions="okActions",
                    AlarmActions="alarmActions", MetricName="metricName", Namespace="namespace",
                    ExtendedStatistic="extendedStatistic", Statistic="statistic", Period="period", EvaluationPeriods="evaluationPeriods",
                    DatapointsToAlarm="datapointsToAlarm", Threshold="threshold",
                    ComparisonOperator="comparisonOperator", TreatMissingData="treatMissingData")
    if "threshold" in i:
        request["Threshold"] = float(i["threshold"])  # a double in the API
    if i.get("dimensions"):
        request["Dimensions"] = _dimensions(i["dimensions"])
    if i.get("metricQueries"):
        request["Metrics"] = [{
            **_pick(q, Id="id", Expression="expression", Label="label", ReturnData="returnData"),
            **({"MetricStat": {"Metric": {**_pick(q["metric"], Namespace="namespace", MetricName="metricName"),
                                          "Dimensions": _dimensions(q["metric"].get("dimensions", {}))},
                               **_pick(q["metric"], Period="period", Stat="stat")}} if q.get("metric") else {}),
        } for q in i["metricQueries"]]
    yield "cloudwatch", "PutMetricAlarm", request


def _topic(i: Inputs) -> Iterable[Request]:
    attributes = {"KmsMasterKeyId": i["kmsMasterKeyId"]} if i.get("kmsMasterKeyId") else {}
    yield "sns", "CreateTopic", {"Name": i["name"], **({"Attributes": attributes} if attributes else {})}


def _subscription(i: Inputs) -> Iterable[Request]:
    yield "sns", "Subscribe", {"TopicArn": i["topic"], "Protocol": i["protocol"], "Endpoint": i["endpoint"]}


# -- ECR, Backup, Scheduler, CloudTrail, Budgets --------------------------------------------


def _repository(i: Inputs) -> Iterable[Request]:
    (encryption,) = i["encryptionConfigurations"]
    yield "ecr", "CreateRepository", {
        "repositoryName": i["name"], **_pick(i, imageTagMutability="imageTagMutability"),
        "imageScanningConfiguration": {"scanOnPush": i["imageScanningConfiguration"]["scanOnPush"]},
        "encryptionConfiguration": _pick(encryption, encryptionType="encryptionType", kmsKey="kmsKey")}


def _lifecycle_policy(i: Inputs) -> Iterable[Request]:
    yield "ecr", "PutLifecyclePolicy", {"repositoryName": i["repository"], "lifecyclePolicyText": i["policy"]}


def _ecr_replication(i: Inputs) -> Iterable[Request]:
    rules = [{"destinations": [_pick(d, region="region", registryId="registryId") for d in rule["destinations"]],
              "repositoryFilters": [_pick(f, filter="filter", filterType="filterType")
                                    for f in rule.get("repositoryFilters", [])]}
             for rule in i["replicationConfiguration"]["rules"]]
    yield "ecr", "PutReplicationConfiguration", {"replicationConfiguration": {"rules": rules}}


def _vault(i: Inputs) -> Iterable[Request]:
    yield "backup", "CreateBackupVault", _pick(i, BackupVaultName="name", EncryptionKeyArn="kmsKeyArn")


def _plan(i: Inputs) -> Iterable[Request]:
    def lifecycle(rule: Inputs) -> dict[str, Any]:
        return _pick(rule, DeleteAfterDays="deleteAfter", MoveToColdStorageAfterDays="coldStorageAfter")

    yield "backup", "CreateBackupPlan", {"BackupPlan": {"BackupPlanName": i["name"], "Rules": [{
        **_pick(r, RuleName="ruleName", TargetBackupVaultName="targetVaultName", ScheduleExpression="schedule",
                StartWindowMinutes="startWindow", CompletionWindowMinutes="completionWindow"),
        **({"Lifecycle": lifecycle(r["lifecycle"])} if r.get("lifecycle") else {}),
        **({"CopyActions": [{"DestinationBackupVaultArn": c["destinationVaultArn"],
                             **({"Lifecycle": lifecycle(c["lifecycle"])} if c.get("lifecycle") else {})}
                            for c in r["copyActions"]]} if r.get("copyActions") else {}),
    } for r in i["rules"]]}}


def _selection(i: Inputs) -> Iterable[Request]:
    yield "backup", "CreateBackupSelection", {"BackupPlanId": i["planId"], "BackupSelection": _pick(
        i, SelectionName="name", IamRoleArn="iamRoleArn", Resources="resources")}


def _schedule(i: Inputs) -> Iterable[Request]:
    target = i["target"]
    yield "scheduler", "CreateSchedule", {
        **_pick(i, Name="name", ScheduleExpression="scheduleExpression",
                ScheduleExpressionTimezone="scheduleExpressionTimezone", KmsKeyArn="kmsKeyArn"),
        "FlexibleTimeWindow": _pick(i["flexibleTimeWindow"], Mode="mode",
                                    MaximumWindowInMinutes="maximumWindowInMinutes"),
        "Target": {**_pick(target, Arn="arn", RoleArn="roleArn"),
                   **({"RetryPolicy": _pick(target["retryPolicy"], MaximumRetryAttempts="maximumRetryAttempts",
                                            MaximumEventAgeInSeconds="maximumEventAgeInSeconds")}
                      if target.get("retryPolicy") else {}),
                   **({"SageMakerPipelineParameters": {"PipelineParameterList": [
                       {"Name": p["name"], "Value": p["value"]}
                       for p in target["sagemakerPipelineParameters"].get("pipelineParameters", [])]}}
                      if "sagemakerPipelineParameters" in target else {})}}


def _trail(i: Inputs) -> Iterable[Request]:
    yield "cloudtrail", "CreateTrail", _pick(i, Name="name", S3BucketName="s3BucketName", KmsKeyId="kmsKeyId",
                                             IsMultiRegionTrail="isMultiRegionTrail",
                                             IncludeGlobalServiceEvents="includeGlobalServiceEvents",
                                             EnableLogFileValidation="enableLogFileValidation",
                                             CloudWatchLogsLogGroupArn="cloudWatchLogsGroupArn",
                                             CloudWatchLogsRoleArn="cloudWatchLogsRoleArn")
    if i.get("advancedEventSelectors"):
        yield "cloudtrail", "PutEventSelectors", {"TrailName": i["name"], "AdvancedEventSelectors": [{
            "Name": s["name"],
            "FieldSelectors": [_pick(f, Field="field", Equals="equals", StartsWith="startsWiths",
                                     EndsWith="endsWiths", NotEquals="notEquals") for f in s["fieldSelectors"]],
        } for s in i["advancedEventSelectors"]]}


def _log_group(i: Inputs) -> Iterable[Request]:
    yield "logs", "CreateLogGroup", _pick(i, logGroupName="name", kmsKeyId="kmsKeyId")
    if "retentionInDays" in i:
        yield "logs", "PutRetentionPolicy", {"logGroupName": i["name"], "retentionInDays": _num(i["retentionInDays"])}


def _flow_log(i: Inputs) -> Iterable[Request]:
    yield "ec2", "CreateFlowLogs", {"ResourceIds": [i["vpcId"]], "ResourceType": "VPC",
                                    **_pick(i, TrafficType="trafficType", LogDestinationType="logDestinationType",
                                            LogDestination="logDestination", DeliverLogsPermissionArn="iamRoleArn",
                                            MaxAggregationInterval="maxAggregationInterval")}


def _default_security_group(i: Inputs) -> Iterable[Request]:
    # Adopted, not created: the provider finds the VPC's default group, then revokes every rule it has
    # (the placeholder rules are the ones AWS creates with the VPC: all traffic from members, all egress).
    group = "sg-0a1b2c3d4e5f60718"  # PLACEHOLDER: the default group's id
    yield "ec2", "DescribeSecurityGroups", {"Filters": [{"Name": "vpc-id", "Values": [i["vpcId"]]},
                                                        {"Name": "group-name", "Values": ["default"]}]}
    yield "ec2", "RevokeSecurityGroupIngress", {"GroupId": group, "IpPermissions": [
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group}]}]}
    yield "ec2", "RevokeSecurityGroupEgress", {"GroupId": group, "IpPermissions": [
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}


def _budget(i: Inputs) -> Iterable[Request]:
    yield "budgets", "CreateBudget", {
        "AccountId": ACCOUNT,
        "Budget": {"BudgetName": i["name"], "BudgetLimit": {"Amount": i["limitAmount"], "Unit": i["limitUnit"]},
                   "TimeUnit": i["timeUnit"], "BudgetType": i["budgetType"],
                   "CostFilters": {f["name"]: f["values"] for f in i.get("costFilters", [])}},
        "NotificationsWithSubscribers": [{
            "Notification": {**_pick(n, NotificationType="notificationType", ComparisonOperator="comparisonOperator",
                                     ThresholdType="thresholdType"), "Threshold": float(n["threshold"])},
            "Subscribers": [{"SubscriptionType": "EMAIL", "Address": a} for a in n["subscriberEmailAddresses"]],
        } for n in i.get("notifications", [])]}


# -- S3 -------------------------------------------------------------------------------------


def _bucket(i: Inputs, region: str) -> Iterable[Request]:
    where = i.get("region") or region
    yield "s3", "CreateBucket", {"Bucket": i["bucket"], **(
        {"CreateBucketConfiguration": {"LocationConstraint": where}} if where != "us-east-1" else {})}


def _s3(operation: str, build: Callable[[Inputs], dict[str, Any]]) -> Callable[[Inputs], Iterable[Request]]:
    def requests(i: Inputs) -> Iterable[Request]:
        yield "s3", operation, {"Bucket": i["bucket"], **build(i)}
    return requests


def _lifecycle_rule(r: Inputs) -> dict[str, Any]:
    return {"ID": r["id"], "Status": r["status"], "Filter": _pick(r.get("filter", {}), Prefix="prefix"),
            **({"Expiration": _pick(r["expiration"], Days="days")} if r.get("expiration") else {}),
            **({"NoncurrentVersionExpiration": _pick(r["noncurrentVersionExpiration"], NoncurrentDays="noncurrentDays")}
               if r.get("noncurrentVersionExpiration") else {}),
            **({"AbortIncompleteMultipartUpload": _pick(r["abortIncompleteMultipartUpload"],
                                                        DaysAfterInitiation="daysAfterInitiation")}
               if r.get("abortIncompleteMultipartUpload") else {})}


def _replication_rule(r: Inputs) -> dict[str, Any]:
    destination = r["destination"]
    return {
        **_pick(r, ID="id", Status="status", Priority="priority"), "Filter": _pick(r.get("filter", {}), Prefix="prefix"),
        **({"DeleteMarkerReplication": {"Status": r["deleteMarkerReplication"]["status"]}}
           if r.get("deleteMarkerReplication") else {}),
        **({"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {
            "Status": r["sourceSelectionCriteria"]["sseKmsEncryptedObjects"]["status"]}}}
           if r.get("sourceSelectionCriteria") else {}),
        "Destination": {"Bucket": destination["bucket"], **(
            {"EncryptionConfiguration": {"ReplicaKmsKeyID": destination["encryptionConfiguration"]["replicaKmsKeyId"]}}
            if destination.get("encryptionConfiguration") else {})},
    }


_S3_REQUESTS: dict[str, Callable[[Inputs], Iterable[Request]]] = {
    # The packaged training code: one PutObject. PLACEHOLDER Body: the archive file (a FileAsset).
    "aws:s3/bucketObjectv2:BucketObjectv2": _s3("PutObject", lambda i: {
        "Key": i["key"], "Body": b"", **_pick(i, ContentType="contentType", ServerSideEncryption="serverSideEncryption",
                                                SSEKMSKeyId="kmsKeyId")}),
    "aws:s3/bucketPolicy:BucketPolicy": _s3("PutBucketPolicy", lambda i: {"Policy": i["policy"]}),
    "aws:s3/bucketVersioning:BucketVersioning": _s3("PutBucketVersioning", lambda i: {
        "VersioningConfiguration": {"Status": i["versioningConfiguration"]["status"]}}),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _s3(
        "PutBucketEncryption", lambda i: {"ServerSideEncryptionConfiguration": {"Rules": [{
            "ApplyServerSideEncryptionByDefault": _pick(r["applyServerSideEncryptionByDefault"],
                                                        SSEAlgorithm="sseAlgorithm", KMSMasterKeyID="kmsMasterKeyId"),
            **_pick(r, BucketKeyEnabled="bucketKeyEnabled")} for r in i["rules"]]}}),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _s3("PutPublicAccessBlock", lambda i: {
        "PublicAccessBlockConfiguration": _pick(i, BlockPublicAcls="blockPublicAcls", IgnorePublicAcls="ignorePublicAcls",
                                                BlockPublicPolicy="blockPublicPolicy",
                                                RestrictPublicBuckets="restrictPublicBuckets")}),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _s3("PutBucketOwnershipControls", lambda i: {
        "OwnershipControls": {"Rules": [{"ObjectOwnership": i["rule"]["objectOwnership"]}]}}),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _s3("PutBucketLifecycleConfiguration", lambda i: {
        "LifecycleConfiguration": {"Rules": [_lifecycle_rule(r) for r in i["rules"]]}}),
    "aws:s3/bucketLogging:BucketLogging": _s3("PutBucketLogging", lambda i: {
        "BucketLoggingStatus": {"LoggingEnabled": _pick(i, TargetBucket="targetBucket", TargetPrefix="targetPrefix")}}),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": _s3("PutBucketReplication", lambda i: {
        "ReplicationConfiguration": {"Role": i["role"], "Rules": [_replication_rule(r) for r in i["rules"]]}}),
}


# -- EC2 (the private network) --------------------------------------------------------------


def _vpc_resource(i: Inputs) -> Iterable[Request]:
    yield "ec2", "CreateVpc", _pick(i, CidrBlock="cidrBlock")
    vpc = "vpc-0a1b2c3d4e5f60718"  # PLACEHOLDER: the new VPC's id
    for attribute in ("enableDnsHostnames", "enableDnsSupport"):
        if attribute in i:
            yield "ec2", "ModifyVpcAttribute", {"VpcId": vpc, attribute[0].upper() + attribute[1:]: {"Value": i[attribute]}}


def _permissions(rules: list[Inputs]) -> list[dict[str, Any]]:
    group = "sg-0a1b2c3d4e5f60718"  # PLACEHOLDER: the group's own id, for self-referencing rules
    return [{"IpProtocol": r["protocol"], **_pick(r, FromPort="fromPort", ToPort="toPort"),
             **({"IpRanges": [{"CidrIp": c, **_pick(r, Description="description")} for c in r["cidrBlocks"]]}
                if r.get("cidrBlocks") else {}),
             **({"UserIdGroupPairs": [{"GroupId": group, **_pick(r, Description="description")}]} if r.get("self") else {}),
             **({"PrefixListIds": [{"PrefixListId": p, **_pick(r, Description="description")} for p in r["prefixListIds"]]}
                if r.get("prefixListIds") else {})} for r in rules]


def _security_group(i: Inputs, name: str) -> Iterable[Request]:
    yield "ec2", "CreateSecurityGroup", {"GroupName": autoname(i, name), "Description": i["description"],
                                         "VpcId": i["vpcId"]}
    if i.get("ingress"):
        yield "ec2", "AuthorizeSecurityGroupIngress", {"GroupId": "sg-0a1b2c3d4e5f60718",
                                                       "IpPermissions": _permissions(i["ingress"])}
    if i.get("egress"):
        yield "ec2", "AuthorizeSecurityGroupEgress", {"GroupId": "sg-0a1b2c3d4e5f60718",
                                                      "IpPermissions": _permissions(i["egress"])}


def _security_group_rule(i: Inputs) -> Iterable[Request]:
    operation = "AuthorizeSecurityGroupEgress" if i["type"] == "egress" else "AuthorizeSecurityGroupIngress"
    yield "ec2", operation, {"GroupId": i["securityGroupId"], "IpPermissions": _permissions([i])}


def _vpc_endpoint(i: Inputs) -> Iterable[Request]:
    yield "ec2", "CreateVpcEndpoint", _pick(i, VpcId="vpcId", ServiceName="serviceName", VpcEndpointType="vpcEndpointType",
                                            PrivateDnsEnabled="privateDnsEnabled", SubnetIds="subnetIds",
                                            SecurityGroupIds="securityGroupIds", RouteTableIds="routeTableIds")


def _with_name(build: Callable[[Inputs, str], Iterable[Request]]) -> Callable[[Inputs, str, str], Iterable[Request]]:
    return lambda i, name, region: build(i, name)


def _plain(build: Callable[[Inputs], Iterable[Request]]) -> Callable[[Inputs, str, str], Iterable[Request]]:
    return lambda i, name, region: build(i)


# type token -> (recorded inputs, logical name, stack region) -> requests
REQUESTS: dict[str, Callable[[Inputs, str, str], Iterable[Request]]] = {
    "aws:sagemaker/model:Model": _with_name(_model),
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": _with_name(_endpoint_config),
    "aws:sagemaker/endpoint:Endpoint": _plain(_endpoint),
    "aws:sagemaker/pipeline:Pipeline": _plain(_pipeline),
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": _plain(_model_package_group),
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": _plain(_data_quality),
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule": _plain(_monitoring_schedule),
    "aws:cloudcontrol/resource:Resource": _plain(_cloud_control),
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": _plain(lambda i: [("sagemaker", "CreateMlflowTrackingServer", _pick(
        i, TrackingServerName="trackingServerName", ArtifactStoreUri="artifactStoreUri", RoleArn="roleArn",
        TrackingServerSize="trackingServerSize", AutomaticModelRegistration="automaticModelRegistration"))]),
    "aws:iam/role:Role": _plain(_role),
    "aws:kms/key:Key": _plain(_key),
    "aws:kms/alias:Alias": _plain(_alias),
    "aws:appautoscaling/target:Target": _plain(_scalable_target),
    "aws:appautoscaling/policy:Policy": _plain(_scaling_policy),
    "aws:cloudwatch/metricAlarm:MetricAlarm": _plain(_alarm),
    "aws:sns/topic:Topic": _plain(_topic),
    "aws:sns/topicSubscription:TopicSubscription": _plain(_subscription),
    "aws:ecr/repository:Repository": _plain(_repository),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": _plain(_lifecycle_policy),
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": _plain(_ecr_replication),
    "aws:backup/vault:Vault": _plain(_vault),
    "aws:backup/plan:Plan": _plain(_plan),
    "aws:backup/selection:Selection": _plain(_selection),
    "aws:scheduler/schedule:Schedule": _plain(_schedule),
    "aws:cloudtrail/trail:Trail": _plain(_trail),
    "aws:budgets/budget:Budget": _plain(_budget),
    "aws:s3/bucket:Bucket": lambda i, name, region: _bucket(i, region),
    **{type_: _plain(build) for type_, build in _S3_REQUESTS.items()},
    "aws:ec2/vpc:Vpc": _plain(_vpc_resource),
    "aws:ec2/subnet:Subnet": _plain(lambda i: [("ec2", "CreateSubnet", _pick(
        i, VpcId="vpcId", CidrBlock="cidrBlock", AvailabilityZone="availabilityZone"))]),
    "aws:ec2/routeTable:RouteTable": _plain(lambda i: [("ec2", "CreateRouteTable", {"VpcId": i["vpcId"]})]),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _plain(lambda i: [("ec2", "AssociateRouteTable", _pick(
        i, SubnetId="subnetId", RouteTableId="routeTableId"))]),
    "aws:ec2/securityGroup:SecurityGroup": _with_name(_security_group),
    "aws:ec2/securityGroupRule:SecurityGroupRule": _plain(_security_group_rule),
    "aws:ec2/vpcEndpoint:VpcEndpoint": _plain(_vpc_endpoint),
    "aws:ec2/flowLog:FlowLog": _plain(_flow_log),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _plain(_default_security_group),
    "aws:cloudwatch/logGroup:LogGroup": _plain(_log_group),
}

# Recorded types that become no API request of their own, and why.
EXEMPT: dict[str, str] = {
    "pulumi:providers:aws": "the AWS provider's configuration (region, default tags): no resource in the account",
    "pulumi:index:Stash": "Pulumi's built-in state-only value (the endpoint's scaling generation marker)",
}
# Component resources (custom=False) group children and call no API; their type prefix:
COMPONENT_PREFIX = "mlopskit:aws:"
