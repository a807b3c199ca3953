"""`mlopskit validate SPEC --provider aws`: what the spec accepts but AWS does not (issue 11.10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlopskit.cli import main
from mlopskit.modules import Compute, Deployment, InstanceTypes
from mlopskit.providers.aws.endpoint import deployment_request
from mlopskit.providers.aws.instance_types import accepted, resolve_for
from mlopskit.providers.catalog.resolver import ResolutionError, catalog
from tests.aws.helpers import spec
from tests.specs import write_spec


def validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], *changes: tuple[str, Any]) -> tuple[int, str]:
    path = write_spec(tmp_path, spec("credit-risk.yaml", *changes))
    code = main(["validate", str(path), "--provider", "aws"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(("changes", "path"), [
    ([("endpoints[0].deployment.canaryPercent", 51)], "endpoints[0].deployment.canaryPercent"),
    ([("endpoints[0].deployment", {"strategy": "linear", "linearStepPercent": 9})],
     "endpoints[0].deployment.linearStepPercent"),
    ([("endpoints[0].deployment", {"strategy": "linear", "linearStepPercent": 51})],
     "endpoints[0].deployment.linearStepPercent"),
    ([("endpoints[0].compute", {"instanceType": {"aws": "ml.t3.medium"}})], "endpoints[0].compute.instanceType.aws"),
    ([("endpoints[0].compute", {"instanceType": {"aws": "ml.nope.xlarge"}})], "endpoints[0].compute.instanceType.aws"),
    ([("training[0].compute", {"instanceType": {"aws": "ml.nope.xlarge"}})], "training[0].compute.instanceType.aws"),
    ([("access.roles[1].principals", ["serviceAccount:ci@example.org"])], "access.roles[1].principals[0]"),
    # Audit 6: IAM role names are ASCII; Python's \w alone would accept these letters.
    ([("access.roles[1].principals", ["serviceAccount:rôle-ü"])], "access.roles[1].principals[0]"),
    ([("endpoints[0].model", {"source": "artifact", "image": "docker.io/acme/serve:1",
                              "artifactUri": "s3://b/model.tar.gz"})], "endpoints[0].model.image.uri"),
])
def test_rejected_on_aws_with_exit_2_and_the_field_path(tmp_path, capsys, changes, path):
    code, out = validate(tmp_path, capsys, *changes)
    assert code == 2, out
    assert f"{path}:" in out


@pytest.mark.parametrize("changes", [
    [("endpoints[0].deployment.canaryPercent", 50)],
    [("endpoints[0].deployment", {"strategy": "linear", "linearStepPercent": 10})],
    # 10 steps of 45 min + 30 min to provision: exactly the 28,800 s SageMaker allows.
    [("endpoints[0].deployment", {"strategy": "linear", "linearStepPercent": 10, "waitMinutes": 45})],
    [("endpoints[0].deployment", {"strategy": "linear", "linearStepPercent": 50})],
    [("access.roles[1].principals", ["serviceAccount:ci-runner", "user:alice@example.com"])],
])
def test_the_limits_themselves_are_accepted(tmp_path, capsys, changes):
    code, out = validate(tmp_path, capsys, *changes)
    assert code == 0, out


def test_generic_hosting_compute_never_resolves_to_a_non_hosting_type():
    # 2 vCPU / 4 GiB used to resolve to ml.t3.medium, which CreateEndpointConfig rejects.
    choice = resolve_for("hosting", Compute(cpu=2, memory_gib=4)).instance.name
    assert choice != "ml.t3.medium" and choice in accepted("hosting")


@pytest.mark.parametrize("use", ["hosting", "training"])
def test_every_type_the_resolver_can_return_is_in_the_api_enum(use):
    # Every catalog size, as a generic request, resolves inside the enum of its use, or to
    # nothing at all (sizes only arm64/burstable/other-use types have): never outside the enum.
    resolved = 0
    for row in {(i.vcpu, i.memory_gib) for i in catalog() if i.cloud == "aws" and i.gpu_type is None}:
        try:
            name = resolve_for(use, Compute(cpu=row[0], memory_gib=row[1])).instance.name
        except (ResolutionError, ValueError):  # ValueError: a size beyond the spec's own bounds
            continue
        assert name in accepted(use)
        resolved += 1
    assert resolved > 20


@pytest.mark.parametrize("use", ["hosting", "training"])
def test_every_explicit_type_the_spec_accepts_for_a_use_is_in_the_api_enum(use):
    # The provider takes an explicit type for a use exactly when the API's enum holds it (the spec's
    # pattern accepts every enum member, dashed families included: tests/test_spec_validation.py).
    for name in sorted(accepted(use)):
        assert resolve_for(use, Compute(instance_type=InstanceTypes(aws=name))).instance.name == name
    other = "ml.t3.medium" if use == "hosting" else "ml.inf1.xlarge"
    assert other not in accepted(use)
    for name in ("ml.nope.xlarge", other):
        with pytest.raises(ValueError):
            resolve_for(use, Compute(instance_type=InstanceTypes(aws=name)))


@pytest.mark.parametrize(("deployment", "waits"), [
    (Deployment(strategy="blue-green", wait_minutes=60), 3600 + 3600),  # bake, then termination wait
    (Deployment(strategy="canary", canary_percent=10, wait_minutes=60), 2 * 3600),
    (Deployment(strategy="linear", linear_step_percent=10, wait_minutes=45), 10 * 2700),
    (Deployment(strategy="all-at-once", wait_minutes=60), 0),
])
def test_the_deployment_timeout_outlasts_every_wait_and_the_termination_wait(deployment, waits):
    # Audit 5: "the timeout value should be larger than the total waiting time specified in
    # TerminationWaitInSeconds and WaitIntervalInSeconds" (botocore, BlueGreenUpdatePolicy).
    policy = deployment_request(deployment, [])["BlueGreenUpdatePolicy"]
    routing = policy["TrafficRoutingConfiguration"]
    assert policy["TerminationWaitInSeconds"] == (3600 if deployment.strategy == "blue-green" else 0)
    assert waits == {"CANARY": 2, "LINEAR": 10}.get(routing["Type"], 1) * routing["WaitIntervalInSeconds"] + \
        policy["TerminationWaitInSeconds"]
    assert waits < policy["MaximumExecutionTimeoutInSeconds"] <= 28800


def test_a_rollout_that_cannot_finish_within_sagemakers_timeout_is_refused(tmp_path, capsys):
    # 10 linear steps of 60 min wait 36,000 s: over the 28,800 s a deployment may take.
    code, out = validate(tmp_path, capsys, ("endpoints[0].deployment",
                                            {"strategy": "linear", "linearStepPercent": 10, "waitMinutes": 60}))
    assert code == 2, out
    assert "endpoints[0].deployment.waitMinutes:" in out and "28800" in out


@pytest.mark.parametrize("use", ["hosting", "training", "processing", "transform"])
def test_accepted_types_are_the_enum_botocore_itself_loads(use):
    # accepted() reads the API model's data file without importing botocore (validate stays
    # SDK-free); it must see exactly what botocore's own loader sees.
    import botocore.session

    from mlopskit.providers.aws.instance_types import ENUM_SHAPES

    model = botocore.session.get_session().get_service_model("sagemaker")
    assert accepted(use) == frozenset(model.shape_for(ENUM_SHAPES[use]).enum)
