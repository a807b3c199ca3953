"""Endpoint autoscaling: a scalable target and a target-tracking policy per endpoint."""

from __future__ import annotations

from tests.aws.helpers import AUTOSCALING, PROD, beside, build, child, endpoint

TARGET = "aws:appautoscaling/target:Target"
POLICY = "aws:appautoscaling/policy:Policy"
EXPECTED = {"scoring": (2, 6, 100), "challenger": (2, 4, 200)}


def scaling(graph, name):
    comp = beside(graph, name, AUTOSCALING)
    return comp, child(graph, comp, TARGET), child(graph, comp, POLICY)


def test_target_bounds_follow_the_spec(prod):
    for name, (low, high, _) in EXPECTED.items():
        comp, target, _ = scaling(prod, name)
        assert comp.parent is None and endpoint(prod, name).parent is None  # beside the endpoint
        assert target.inputs == {
            "serviceNamespace": "sagemaker",
            "resourceId": f"endpoint/{PROD}-{name}/variant/primary",
            "scalableDimension": "sagemaker:variant:DesiredInstanceCount",
            "minCapacity": low,
            "maxCapacity": high,
        }


def test_target_tracking_on_invocations_per_instance(prod):
    for name, (_, _, target_value) in EXPECTED.items():
        _, target, policy = scaling(prod, name)
        assert policy.inputs["policyType"] == "TargetTrackingScaling"
        assert policy.inputs["resourceId"] == target.inputs["resourceId"]
        assert policy.inputs["scalableDimension"] == target.inputs["scalableDimension"]
        assert policy.inputs["serviceNamespace"] == "sagemaker"
        config = policy.inputs["targetTrackingScalingPolicyConfiguration"]
        assert config["targetValue"] == target_value
        assert config["predefinedMetricSpecification"] == {
            "predefinedMetricType": "SageMakerVariantInvocationsPerInstance"}


def test_scaled_variant_is_the_production_variant(prod):
    for name in EXPECTED:
        config = child(prod, endpoint(prod, name), "aws:sagemaker/endpointConfiguration:EndpointConfiguration")
        variant = config.inputs["productionVariants"][0]["variantName"]
        assert scaling(prod, name)[1].inputs["resourceId"].endswith(f"/variant/{variant}")


def test_autoscaling_registered_after_the_endpoint(prod):
    for name in EXPECTED:
        sm = child(prod, endpoint(prod, name), "aws:sagemaker/endpoint:Endpoint")
        assert sm.urn in scaling(prod, name)[0].dependencies


def test_max_instances_follow_the_spec():
    graph = build("credit-risk.yaml", ("endpoints[0].autoscaling.maxInstances", 10))
    assert scaling(graph, "scoring")[1].inputs["maxCapacity"] == 10
    assert scaling(graph, "scoring")[1].inputs["minCapacity"] == 2
