"""providers/aws/names.py must name what the AWS provider builds: checked against a preview."""

from __future__ import annotations

import pytest

from mlopskit.modules import monitor_job
from mlopskit.modules.graph import Graph
from mlopskit.providers.aws import monitor_job as aws_monitor_job, names
from tests.specs import stack


@pytest.fixture(scope="module")
def graph() -> Graph:
    from mlopskit.engine import preview

    return preview(stack(), "aws")


def _inputs(graph: Graph, type_: str, key: str) -> set[str]:
    return {r.inputs[key] for r in graph.resources if r.type == type_ and key in r.inputs}


def test_names_match_the_provider(graph: Graph) -> None:
    s = stack()
    scoring, challenger = s.endpoints
    assert {names.endpoint(s, scoring), names.endpoint(s, challenger)} == _inputs(graph, "aws:sagemaker/endpoint:Endpoint", "name")
    alarms = set(names.alarms(s, scoring) + names.alarms(s, challenger))
    # Besides the health alarms a rollout watches (names.alarms), each endpoint's kit-computed
    # monitor job has alarms of its own on the metrics it publishes; they never stop a rollout.
    monitor = {aws_monitor_job.alarm_name(names.endpoint(s, e), a) for e in (scoring, challenger)
               for a in monitor_job.alarms(e)}
    assert monitor and not monitor & alarms
    assert alarms | monitor == _inputs(graph, "aws:cloudwatch/metricAlarm:MetricAlarm", "name")
    assert names.pipeline(s, "train-xgb") in _inputs(graph, "aws:sagemaker/pipeline:Pipeline", "pipelineName")
    roles = _inputs(graph, "aws:iam/role:Role", "name")
    assert {names.role(s, p) for p in ("training", "inference", "backup", "pipeline")} <= roles
    buckets = _inputs(graph, "aws:s3/bucket:Bucket", "bucket")
    assert {names.artifacts_bucket(s, "123456789012"), names.replica_bucket(s, "123456789012")} <= buckets
    assert names.vault(s) in _inputs(graph, "aws:backup/vault:Vault", "name")
    assert names.scalable_target(names.endpoint(s, scoring)) in _inputs(graph, "aws:appautoscaling/target:Target", "resourceId")


def test_variant_names_are_the_providers() -> None:
    from mlopskit.providers.aws.monitoring import VARIANT

    # The shadow variant exists only during a rollout (ops), never in the provider's config.
    assert names.PRIMARY_VARIANT == VARIANT
