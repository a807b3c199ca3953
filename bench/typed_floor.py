"""What registering through the provider SDK's typed classes costs beside plain ``CustomResource``.

The SDK floor in bench/end_to_end.py registers every recorded resource as a plain
``pulumi.CustomResource`` with its recorded inputs: a lower bound. The kit registers the typed
classes (``aws.cloudwatch.MetricAlarm(...)`` with ``...Args``), as the real ``pulumi up`` path must:
the class declares every input and output property, and the SDK makes an ``Output`` for each and
translates each output through the class's type hints. This script registers the same resources
both ways under Pulumi's stock mocks, interleaved in one process, and prints ms/resource and the
ratio typed/plain for the kit's most common AWS types (an AWS unit of bench/end_to_end.py has four
alarms), plus a component (the kit groups resources under components).

Run: .venv/bin/python bench/typed_floor.py [--count 2000] [--rounds 3]
Machines here are shared and noisy: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
from preview_scaling import time_with_stock_mocks  # beside this script (bench/)

ALARM = {"comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 1, "metricName": "ModelLatency",
         "namespace": "AWS/SageMaker", "period": 60, "statistic": "Average", "threshold": 500,
         "alarmActions": ["arn:aws:sns:eu-west-1:123456789012:alerts"],
         "dimensions": {"EndpointName": "scoring", "VariantName": "primary"}}
TOPIC = {"name": "alerts", "kmsMasterKeyId": "alias/aws/sns"}
MODEL = {"executionRoleArn": "arn:aws:iam::123456789012:role/r", "enableNetworkIsolation": True,
         "primaryContainer": {"image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/m:1",
                              "modelDataUrl": "s3://b/m.tar.gz"}}


def _alarm(name: str) -> None:
    aws.cloudwatch.MetricAlarm(name, comparison_operator="GreaterThanThreshold", evaluation_periods=1,
                               metric_name="ModelLatency", namespace="AWS/SageMaker", period=60,
                               statistic="Average", threshold=500, alarm_actions=[ALARM["alarmActions"][0]],
                               dimensions=dict(ALARM["dimensions"]))


def _topic(name: str) -> None:
    aws.sns.Topic(name, name="alerts", kms_master_key_id="alias/aws/sns")


def _model(name: str) -> None:
    aws.sagemaker.Model(name, execution_role_arn=MODEL["executionRoleArn"], enable_network_isolation=True,
                        primary_container=aws.sagemaker.ModelPrimaryContainerArgs(
                            image=MODEL["primaryContainer"]["image"],
                            model_data_url=MODEL["primaryContainer"]["modelDataUrl"]))


#: (label, typed constructor, type token, the inputs the typed call records)
CASES: list[tuple[str, Callable[[str], None], str, dict[str, Any]]] = [
    ("cloudwatch MetricAlarm", _alarm, "aws:cloudwatch/metricAlarm:MetricAlarm", ALARM),
    ("sns Topic", _topic, "aws:sns/topic:Topic", TOPIC),
    ("sagemaker Model", _model, "aws:sagemaker/model:Model", MODEL),
]


def _seconds(register: Callable[[str], object], count: int) -> float:
    """Seconds for ``register`` to be called ``count`` times in one mocked program."""

    def program() -> None:
        for index in range(count):
            register(f"r{index}")

    gc.collect()
    return time_with_stock_mocks(program)


def _plain(token: str, inputs: dict[str, Any]) -> Callable[[str], object]:
    return lambda name: pulumi.CustomResource(token, name, dict(inputs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    gc.disable()  # as the kit's command runs
    n = args.count
    print(f"{'type':<24} {'plain ms/r':>10} {'typed ms/r':>10} {'typed/plain':>11}")
    for label, typed, token, inputs in CASES:
        _seconds(typed, 1)  # the class and its modules load outside the timing
        plain = min(_seconds(_plain(token, inputs), n) for _ in range(args.rounds))
        typed_seconds = min(_seconds(typed, n) for _ in range(args.rounds))
        print(f"{label:<24} {1000 * plain / n:>10.3f} {1000 * typed_seconds / n:>10.3f} {typed_seconds / plain:>11.2f}")
    component = min(_seconds(lambda name: pulumi.ComponentResource("mlopskit:bench:Group", name), n)
                    for _ in range(args.rounds))
    print(f"{'component (no inputs)':<24} {1000 * component / n:>10.3f}")


if __name__ == "__main__":
    main()
