"""Endpoint monitoring: alarms, the SNS topic and its subscriptions, drift schedules."""

from __future__ import annotations

import re

import pytest

from tests.aws.helpers import (
    ACCOUNT,
    DRIFT,
    MONITORING,
    NETWORK,
    PROD,
    actions,
    beside,
    build,
    catalog_image,
    child,
    children,
    component,
    of_endpoint,
    primary_key,
    role,
    statements,
)

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
JOB = "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"
SCHEDULE = "aws:sagemaker/monitoringSchedule:MonitoringSchedule"


def monitoring(graph, name):
    return beside(graph, name, MONITORING)


def alarm(graph, name, kind):
    return one_named(children(graph, monitoring(graph, name), ALARM), f"{PROD}-{name}-{kind}")


def one_named(resources, physical):
    (found,) = [r for r in resources if r.inputs["name"] == physical]
    return found


def test_latency_alarm_on_p99_model_latency(prod):
    latency = alarm(prod, "scoring", "latency-p99")
    topic = child(prod, monitoring(prod, "scoring"), TOPIC).outputs["arn"]
    assert {k: latency.inputs[k] for k in ("namespace", "metricName", "extendedStatistic", "threshold",
                                           "comparisonOperator", "dimensions", "alarmActions", "okActions")} == {
        "namespace": "AWS/SageMaker",
        "metricName": "ModelLatency",
        "extendedStatistic": "p99",
        "threshold": 500 * 1000,  # ModelLatency is in microseconds
        "comparisonOperator": "GreaterThanThreshold",
        "dimensions": {"EndpointName": f"{PROD}-scoring", "VariantName": "primary"},
        "alarmActions": [topic],
        "okActions": [topic],
    }


def test_error_rate_alarm_metric_math(prod):
    for name, threshold in (("scoring", 1), ("challenger", 2)):
        errors = alarm(prod, name, "error-rate")
        assert errors.inputs["threshold"] == threshold
        assert errors.inputs["comparisonOperator"] == "GreaterThanThreshold"
        queries = {q["id"]: q for q in errors.inputs["metricQueries"]}
        assert set(queries) == {"errors", "invocations", "rate"}
        dimensions = {"EndpointName": f"{PROD}-{name}", "VariantName": "primary"}
        assert queries["errors"]["metric"] == {"namespace": "AWS/SageMaker", "metricName": "Invocation5XXErrors",
                                               "dimensions": dimensions, "period": 60, "stat": "Sum"}
        assert queries["invocations"]["metric"] == {"namespace": "AWS/SageMaker", "metricName": "Invocations",
                                                    "dimensions": dimensions, "period": 60, "stat": "Sum"}
        assert queries["rate"]["expression"] == "IF(invocations > 0, 100 * errors / invocations, 0)"
        assert queries["rate"]["returnData"] is True
        assert not any(q.get("returnData") for q in (queries["errors"], queries["invocations"]))


def test_no_latency_alarm_without_threshold(prod):
    assert {a.inputs["name"] for a in children(prod, monitoring(prod, "challenger"), ALARM)} == {
        f"{PROD}-challenger-error-rate", f"{PROD}-challenger-candidate-error-rate"}


def test_rollout_candidate_variant_has_the_same_alarms(prod):
    """A day-2 rollout serves the new model from the `candidate` variant; its errors must trip
    an alarm the endpoint's auto-rollback and `mlopskit rollout` watch."""
    for kind, threshold in (("latency-p99", 500 * 1000), ("error-rate", 1)):
        candidate = alarm(prod, "scoring", f"candidate-{kind}")
        assert candidate.inputs["threshold"] == threshold
        dims = candidate.inputs.get("dimensions") or candidate.inputs["metricQueries"][0]["metric"]["dimensions"]
        assert dims == {"EndpointName": f"{PROD}-scoring", "VariantName": "candidate"}
        assert candidate.inputs["treatMissingData"] == "notBreaching"


def test_topic_encrypted_with_stack_key_cloudwatch_may_use(prod):
    # Issue 11.6: CloudWatch publishes alarm notifications only to topics whose key policy
    # lets cloudwatch.amazonaws.com use the key.
    key = primary_key(prod)
    grants = [s for s in statements(key.inputs["policy"])
              if "cloudwatch.amazonaws.com" in s.get("Principal", {}).get("Service", [])]
    assert grants and {"kms:Decrypt", "kms:GenerateDataKey*"} <= actions(grants)
    for name in ("scoring", "challenger"):
        topic = child(prod, monitoring(prod, name), TOPIC)
        assert topic.inputs["name"] == f"{PROD}-{name}-alarms"
        assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]


def test_topic_encrypted_under_its_own_key_without_cmk():
    # alias/aws/sns's key policy cannot grant CloudWatch (alarm e-mails would never arrive), so the
    # topics get a key of their own, whose policy grants cloudwatch.amazonaws.com: never unencrypted.
    graph = build("credit-risk.yaml", ("encryption.customerManagedKeys", False))
    (key,) = graph.of_type("aws:kms/key:Key")
    assert child(graph, monitoring(graph, "scoring"), TOPIC).inputs["kmsMasterKeyId"] == key.outputs["arn"]
    assert "cloudwatch.amazonaws.com" in key.inputs["policy"]


def test_one_email_subscription_per_address(prod):
    topic = child(prod, monitoring(prod, "scoring"), TOPIC)
    (subscription,) = children(prod, monitoring(prod, "scoring"), SUBSCRIPTION)
    assert subscription.inputs == {"topic": topic.outputs["arn"], "protocol": "email",
                                   "endpoint": "ml-oncall@example.com"}


def test_each_notify_address_subscribed():
    graph = build("credit-risk.yaml", ("endpoints[0].monitoring.notify",
                                       ["ml-oncall@example.com", "risk-team@example.com"]))
    subscriptions = children(graph, monitoring(graph, "scoring"), SUBSCRIPTION)
    assert sorted(s.inputs["endpoint"] for s in subscriptions) == ["ml-oncall@example.com", "risk-team@example.com"]
    assert all(s.inputs["protocol"] == "email" for s in subscriptions)


#: SageMaker Model Monitor is built only on request (monitoring.engine: managed, issue 25 item 3).
MANAGED = ("endpoints[0].monitoring.engine", "managed")


@pytest.fixture(scope="module")
def managed():
    """credit-risk.yaml asking for SageMaker Model Monitor on its scoring endpoint."""
    return build("credit-risk.yaml", MANAGED)


def test_drift_job_over_captured_data(managed):
    drift = beside(managed, "scoring", DRIFT)
    job = child(managed, drift, JOB)
    key = primary_key(managed).outputs["arn"]
    assert re.fullmatch(f"{PROD}-scoring-drift-[0-9a-f]{{8}}", job.inputs["name"])
    assert job.inputs["roleArn"] == role(managed, f"{PROD}-monitoring").outputs["arn"]
    assert job.inputs["dataQualityAppSpecification"] == {
        "imageUri": catalog_image("model-monitor", "monitoring", "latest", "eu-west-1")}
    assert job.inputs["dataQualityJobInput"]["endpointInput"]["endpointName"] == f"{PROD}-scoring"
    output = job.inputs["dataQualityJobOutputConfig"]
    assert output["kmsKeyId"] == key
    assert output["monitoringOutputs"]["s3Output"]["s3Uri"] == f"s3://{PROD}-artifacts-{ACCOUNT}/monitoring/scoring/"
    assert job.inputs["jobResources"]["clusterConfig"]["volumeKmsKeyId"] == key
    network = job.inputs["networkConfig"]
    assert network["enableNetworkIsolation"] is True
    assert network["enableInterContainerTrafficEncryption"] is True
    subnets = {s.outputs["id"] for s in children(managed, component(managed, NETWORK), "aws:ec2/subnet:Subnet")}
    assert set(network["vpcConfig"]["subnets"]) == subnets


def test_a_changed_drift_job_gets_a_new_name_and_the_schedule_follows(managed):
    """SageMaker cannot update a data-quality job definition: a change replaces it, and Pulumi
    creates the replacement before deleting the old one, which a fixed name would refuse."""
    def drift(graph):
        monitor = beside(graph, "scoring", DRIFT)
        return child(graph, monitor, JOB).inputs["name"], child(graph, monitor, SCHEDULE).inputs

    old, schedule = drift(managed)
    assert drift(build("credit-risk.yaml", MANAGED))[0] == old  # the same spec, the same name
    new, moved = drift(build("credit-risk.yaml", MANAGED, ("network.private", False)))  # the job leaves the VPC
    assert new != old and new.rsplit("-", 1)[0] == old.rsplit("-", 1)[0]
    assert (schedule["monitoringScheduleConfig"]["monitoringJobDefinitionName"],
            moved["monitoringScheduleConfig"]["monitoringJobDefinitionName"]) == (old, new)
    assert moved["name"] == schedule["name"] == f"{PROD}-scoring-drift"


def test_daily_drift_schedule(managed):
    drift = beside(managed, "scoring", DRIFT)
    schedule = child(managed, drift, SCHEDULE)
    config = schedule.inputs["monitoringScheduleConfig"]
    assert config["monitoringType"] == "DataQuality"
    assert config["monitoringJobDefinitionName"] == child(managed, drift, JOB).outputs["name"]
    assert config["scheduleConfig"] == {"scheduleExpression": "cron(0 0 ? * * *)"}


def test_hourly_drift_schedule():
    graph = build("credit-risk.yaml", MANAGED, ("endpoints[0].monitoring.drift.schedule", "hourly"))
    schedule = child(graph, beside(graph, "scoring", DRIFT), SCHEDULE)
    assert schedule.inputs["monitoringScheduleConfig"]["scheduleConfig"] == {"scheduleExpression": "cron(0 * ? * * *)"}


def test_no_drift_no_monitoring_job(prod):
    assert of_endpoint(prod, "challenger", DRIFT) == []
    graph = build("credit-risk.yaml", ("endpoints[0].monitoring.drift", ...))
    assert graph.of_type(DRIFT) == []
    assert graph.of_type(JOB) == []
    assert graph.of_type(SCHEDULE) == []
