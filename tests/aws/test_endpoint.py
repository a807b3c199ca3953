"""Real-time endpoints: model, configuration (variants, KMS, capture) and blue/green rollout."""

from __future__ import annotations

from tests.aws.helpers import (
    ACCOUNT,
    AUTOSCALING,
    DEV,
    MONITORING,
    NETWORK,
    PROD,
    beside,
    build,
    child,
    children,
    component,
    endpoint,
    primary_key,
    role,
)

SM_ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
MODEL = "aws:sagemaker/model:Model"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
BUCKET = f"{PROD}-artifacts-{ACCOUNT}"


def parts(graph, name, prefix=PROD):
    comp = endpoint(graph, name, prefix)
    return (child(graph, comp, SM_ENDPOINT), child(graph, comp, CONFIG), child(graph, comp, MODEL))


def blue_green(graph, name, prefix=PROD):
    return parts(graph, name, prefix)[0].inputs["deploymentConfig"]["blueGreenUpdatePolicy"]


def alarm_names(graph, name, prefix=PROD):
    monitoring = beside(graph, name, MONITORING, prefix)
    return {a.inputs["name"] for a in children(graph, monitoring, ALARM)}


def test_endpoint_component_structure(prod):
    for name in ("scoring", "challenger"):
        comp = endpoint(prod, name)
        assert comp.parent is None
        sm, config, model = parts(prod, name)
        assert sm.inputs["name"] == f"{PROD}-{name}"
        assert sm.inputs["endpointConfigName"] == config.outputs["name"]
        assert config.urn in sm.dependencies
        # Autoscaling and monitoring sit beside the endpoint at top level, as on every cloud.
        assert children(prod, comp, MONITORING) == children(prod, comp, AUTOSCALING) == []
        assert beside(prod, name, MONITORING).parent is None
        assert beside(prod, name, AUTOSCALING).parent is None
    assert prod.outputs["endpoints"] == {"scoring": f"{PROD}-scoring", "challenger": f"{PROD}-challenger"}


def test_canary_traffic_routing(prod):
    policy = blue_green(prod, "scoring")
    assert policy["trafficRoutingConfiguration"] == {
        "type": "CANARY",
        "canarySize": {"type": "CAPACITY_PERCENT", "value": 10},
        "waitIntervalInSeconds": 600,
    }
    assert policy["terminationWaitInSeconds"] == 0
    assert 600 <= policy["maximumExecutionTimeoutInSeconds"] <= 14400
    assert policy["maximumExecutionTimeoutInSeconds"] >= 2 * 600


def test_linear_traffic_routing():
    graph = build("credit-risk.yaml", ("endpoints[0].deployment",
                                       {"strategy": "linear", "linearStepPercent": 25, "waitMinutes": 10,
                                        "autoRollback": True}))
    policy = blue_green(graph, "scoring")
    assert policy["trafficRoutingConfiguration"] == {
        "type": "LINEAR",
        "linearStepSize": {"type": "CAPACITY_PERCENT", "value": 25},
        "waitIntervalInSeconds": 600,
    }
    # four steps of 10 minutes must fit in the deployment timeout
    assert policy["maximumExecutionTimeoutInSeconds"] >= 4 * 600


def test_blue_green_bakes_then_terminates():
    graph = build("credit-risk.yaml", ("endpoints[0].deployment",
                                       {"strategy": "blue-green", "waitMinutes": 10, "autoRollback": True}))
    policy = blue_green(graph, "scoring")
    assert policy["trafficRoutingConfiguration"] == {"type": "ALL_AT_ONCE", "waitIntervalInSeconds": 600}
    assert policy["terminationWaitInSeconds"] == 600


def test_auto_rollback_lists_exactly_the_endpoint_alarms(prod):
    # one alarm set for the serving variant and one for the day-2 rollout's candidate
    for name, expected in (("scoring", {f"{PROD}-scoring-latency-p99", f"{PROD}-scoring-error-rate",
                                        f"{PROD}-scoring-candidate-latency-p99", f"{PROD}-scoring-candidate-error-rate"}),
                           ("challenger", {f"{PROD}-challenger-error-rate", f"{PROD}-challenger-candidate-error-rate"})):
        sm = parts(prod, name)[0]
        alarms = sm.inputs["deploymentConfig"]["autoRollbackConfiguration"]["alarms"]
        assert {a["alarmName"] for a in alarms} == expected == alarm_names(prod, name)
        assert len(alarms) == len(expected)
        # the alarms exist before the endpoint that names them
        monitoring = beside(prod, name, MONITORING)
        assert {a.urn for a in children(prod, monitoring, ALARM)} <= set(sm.dependencies)


def test_auto_rollback_off_removes_rollback_configuration():
    graph = build("credit-risk.yaml", ("endpoints[0].deployment.autoRollback", False))
    config = parts(graph, "scoring")[0].inputs["deploymentConfig"]
    assert "autoRollbackConfiguration" not in config
    assert alarm_names(graph, "scoring")  # the alarms still notify


def test_shadow_has_no_capacity_at_steady_state(prod):
    # Issue 11.5: a shadow variant serving the live model compares it with itself and doubles
    # the instances; the candidate gets mirrored traffic only during `mlopskit rollout`.
    sm, config, model = parts(prod, "challenger")
    assert blue_green(prod, "challenger")["trafficRoutingConfiguration"] == {"type": "ALL_AT_ONCE",
                                                                             "waitIntervalInSeconds": 0}
    assert "shadowProductionVariants" not in config.inputs
    assert [v["variantName"] for v in config.inputs["productionVariants"]] == ["primary"]


def test_production_variant(prod):
    for name, instance, count in (("scoring", "ml.g5.xlarge", 2), ("challenger", "ml.m6i.xlarge", 2)):
        _, config, model = parts(prod, name)
        (variant,) = config.inputs["productionVariants"]
        assert variant == {"variantName": "primary", "modelName": model.outputs["name"], "instanceType": instance,
                           "initialInstanceCount": count, "initialVariantWeight": 1.0}


def test_data_capture_sampled_encrypted_under_the_bucket(prod):
    capture = parts(prod, "scoring")[1].inputs["dataCaptureConfig"]
    assert capture["enableCapture"] is True
    assert capture["initialSamplingPercentage"] == 20
    assert capture["kmsKeyId"] == primary_key(prod).outputs["arn"]
    assert capture["destinationS3Uri"] == f"s3://{BUCKET}/data-capture/scoring"
    assert {o["captureMode"] for o in capture["captureOptions"]} == {"Input", "Output"}
    assert "dataCaptureConfig" not in parts(prod, "challenger")[1].inputs


def test_volume_key_only_on_instances_without_local_nvme(prod):
    assert "kmsKeyArn" not in parts(prod, "scoring")[1].inputs  # ml.g5.xlarge: NVMe instance store
    assert parts(prod, "challenger")[1].inputs["kmsKeyArn"] == primary_key(prod).outputs["arn"]


def test_model_uses_resolved_registry_versions(prod):
    package = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package/credit-risk"
    scoring, challenger = parts(prod, "scoring")[2], parts(prod, "challenger")[2]
    # the offline registry holds approved versions 1..7 (7 is pinned by challenger): newest is 7
    assert scoring.inputs["primaryContainer"] == {"modelPackageName": f"{package}/7"}
    assert challenger.inputs["primaryContainer"] == {"modelPackageName": f"{package}/7"}


def test_pinned_version_is_honoured():
    graph = build("credit-risk.yaml", ("endpoints[0].model.version", 3))
    package = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package/credit-risk"
    assert parts(graph, "scoring")[2].inputs["primaryContainer"] == {"modelPackageName": f"{package}/3"}
    assert parts(graph, "challenger")[2].inputs["primaryContainer"] == {"modelPackageName": f"{package}/7"}


def test_model_isolated_in_the_vpc_with_the_inference_role(prod):
    network = component(prod, NETWORK)
    subnets = sorted(s.outputs["id"] for s in children(prod, network, "aws:ec2/subnet:Subnet"))
    for name in ("scoring", "challenger"):
        model = parts(prod, name)[2]
        assert model.inputs["enableNetworkIsolation"] is True
        assert model.inputs["executionRoleArn"] == role(prod, f"{PROD}-inference").outputs["arn"]
        assert sorted(model.inputs["vpcConfig"]["subnets"]) == subnets


def test_artifact_source_uses_image_and_model_data(dev):
    sm, config, model = parts(dev, "detector", DEV)
    # Image from the stack's ECR repository; the model directory from its bucket, uncompressed.
    assert model.inputs["primaryContainer"] == {
        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-dev:fraud-serve-1.4.0",
        "modelDataSource": {"s3DataSources": [{
            "s3Uri": "s3://fraud-dev-artifacts-123456789012/models/detector/", "s3DataType": "S3Prefix",
            "compressionType": "None"}]},
    }
    assert model.inputs["enableNetworkIsolation"] is True
    assert sm.inputs["deploymentConfig"]["blueGreenUpdatePolicy"]["trafficRoutingConfiguration"] == {
        "type": "LINEAR", "linearStepSize": {"type": "CAPACITY_PERCENT", "value": 25}, "waitIntervalInSeconds": 300}
    (variant,) = config.inputs["productionVariants"]
    assert variant["instanceType"] == "ml.m5.large"  # cpu 2, 8 GiB
