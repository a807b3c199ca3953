"""The same commands against a moto server on loopback, reached through AWS_ENDPOINT_URL:
the SDK's standard configuration, not an in-process mock, carries the calls."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from mlopskit.cli import main
from tests.ops.conftest import ENDPOINT, OLD_CONFIG, REGION, FakeClock, seed


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch, pipeline_definition: str) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    _reset(url)  # moto's state is process-wide: start from an empty account
    try:
        seed(pipeline_definition)  # boto3 reaches the server through AWS_ENDPOINT_URL too
        yield url
    finally:
        _reset(url)
        server.stop()


def _reset(url: str) -> None:
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).read()


def test_alarm_rollback_over_the_loopback_server(moto_server: str, spec_file: str, clock: FakeClock,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    clock.on_sleep = lambda n: n == 1 and cloudwatch.set_alarm_state(
        AlarmName=f"{ENDPOINT}-latency-p99", StateValue="ALARM", StateReason="slow")
    assert main(["rollout", spec_file, "--provider", "aws", "--endpoint", "scoring", "--model-version", "3",
                 "--stepwise"]) == 1
    assert f"{ENDPOINT}: alarm(s) firing: {ENDPOINT}-latency-p99" in capsys.readouterr().out
    sm = boto3.client("sagemaker", region_name=REGION)
    described = sm.describe_endpoint(EndpointName=ENDPOINT)
    assert described["EndpointConfigName"] == OLD_CONFIG
    assert [(v["VariantName"], v["CurrentWeight"], v["CurrentInstanceCount"]) for v in described["ProductionVariants"]] \
        == [("primary", 100.0, 2)]
    assert sm.meta.endpoint_url == moto_server


def test_status_and_promote_over_the_loopback_server(moto_server: str, spec_file: str, clock: FakeClock,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", spec_file, "--provider", "aws"]) == 0
    assert main(["promote", spec_file, "--provider", "aws", "--package", "credit-risk", "--version", "2"]) == 0
    status = boto3.client("sagemaker", region_name=REGION).describe_model_package(
        ModelPackageName="arn:aws:sagemaker:eu-west-1:123456789012:model-package/credit-risk/2")["ModelApprovalStatus"]
    assert status == "Approved"
