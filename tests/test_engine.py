"""The offline mock engine: what it records, in what order, and what it refuses."""

from __future__ import annotations

import pytest

from mlopskit.engine import DuplicateResourceError, preview, run_program
from mlopskit.modules import parse_stack
from mlopskit.providers.aws import AwsProvider
from tests.conftest import STACKS
from tests.specs import baseline


@pytest.fixture(scope="module")
def graph():
    return preview(parse_stack(baseline(), base_dir=STACKS), "aws")


def test_records_parent_dependencies_and_protect(graph) -> None:
    component = graph.named("credit-risk-prod-endpoint-scoring")
    endpoint = graph.named("credit-risk-prod-endpoint-scoring-endpoint")
    config = graph.named("credit-risk-prod-endpoint-scoring-config")
    assert endpoint.parent == component.urn
    assert config.urn in endpoint.dependencies
    assert graph.named("credit-risk-prod-artifacts-bucket").protect is True
    assert endpoint.protect is False
    assert endpoint.urn == ("urn:pulumi:credit-risk-prod::mlopskit::mlopskit:aws:Endpoint$"
                            "aws:sagemaker/endpoint:Endpoint::credit-risk-prod-endpoint-scoring-endpoint")


def test_mocked_outputs_look_like_aws(graph) -> None:
    bucket = graph.named("credit-risk-prod-artifacts-bucket")
    assert bucket.outputs["arn"] == "arn:aws:s3:::credit-risk-prod-artifacts-123456789012"
    # the ARN reached a downstream input: the artifact bucket's policy
    policy = graph.named("credit-risk-prod-artifacts-bucket-policy").inputs["policy"]
    assert "arn:aws:s3:::credit-risk-prod-artifacts-123456789012/*" in policy


def test_output_order_is_deterministic() -> None:
    stack = parse_stack(baseline(), base_dir=STACKS)
    first = [r.urn for r in preview(stack, "aws")]
    second = [r.urn for r in preview(stack, "aws")]
    assert first == second == sorted(first)


def test_runs_are_isolated_from_each_other() -> None:
    dev = preview(parse_stack(baseline("fraud-dev.yaml"), base_dir=STACKS), "aws")
    assert all(r.urn.startswith("urn:pulumi:fraud-dev::") for r in dev)
    assert not any("credit-risk" in r.name for r in dev)


def test_duplicate_names_are_rejected() -> None:
    def program() -> None:
        import pulumi_aws as aws

        aws.sns.Topic("same")
        aws.sns.Topic("same")

    with pytest.raises(DuplicateResourceError, match="aws:sns/topic:Topic::same"):
        run_program(AwsProvider(), "dup", program)


def test_program_errors_propagate() -> None:
    def program() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_program(AwsProvider(), "err", program)


def test_numbers_are_recorded_as_floats(graph) -> None:
    target = graph.named("credit-risk-prod-endpoint-scoring-autoscaling-target")
    assert target.inputs["minCapacity"] == 2.0 and target.inputs["maxCapacity"] == 6.0


def test_a_name_collision_in_a_spec_is_bad_input_naming_the_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever spec shape produces a duplicated resource name, the user gets exit 2 naming the
    # spec entry, never an internal error: simulate the collision inside a real preview.
    from mlopskit.modules.errors import SpecError
    from tests.specs import stack

    real_build = AwsProvider.build

    def colliding_build(self: AwsProvider, spec: object, registry: object) -> object:
        import pulumi_aws as aws

        aws.sns.Topic("fraud-dev-endpoint-detector-alarms-x")
        aws.sns.Topic("fraud-dev-endpoint-detector-alarms-x")
        return real_build(self, spec, registry)  # type: ignore[arg-type]

    monkeypatch.setattr(AwsProvider, "build", colliding_build)
    with pytest.raises(SpecError) as caught:
        preview(stack("fraud-dev.yaml"), "aws")
    issue = caught.value.issues[0]
    assert issue.path == "endpoints[0].name"
    assert "two resources would get the same name (fraud-dev-endpoint-detector-alarms-x)" in issue.message
