"""Spec v1 validation: each rule rejects bad input with a message naming the field path."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from mlopskit.modules import (
    AccessRole,
    Autoscaling,
    Compute,
    Deployment,
    Endpoint,
    Image,
    Metadata,
    ModelSource,
    Placement,
    SpecError,
    Stack,
    TrainingCompute,
    TrainingJob,
    load_stack,
    parse_stack,
)
from mlopskit.modules.targets import names as target_names
from mlopskit.providers.aws.target import AwsPlacement
from tests.conftest import EXAMPLE_SPECS, STACKS
from tests.specs import baseline, change


def issues(data: dict[str, Any], cloud: str | None = None) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_stack(data, cloud, base_dir=STACKS)  # type: ignore[arg-type]
    return [str(i) for i in caught.value.issues]


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=lambda p: p.name)
def test_bundled_specs_are_valid_for_every_placed_cloud(spec) -> None:
    stack = load_stack(spec)
    for cloud in target_names():
        if stack.placement.for_cloud(cloud) is not None:
            assert stack.issues_for(cloud) == []


RULE_CASES = [
    ("metadata.colour", "blue", "metadata.colour: unknown field"),
    ("endpoints[0].autoscaling.minInstancez", 2, "endpoints[0].autoscaling.minInstancez: unknown field"),
    ("metadata.environment", "production", "metadata.environment: Input should be 'dev', 'staging' or 'prod'"),
    ("metadata.dataClassification", "secret", "metadata.dataClassification: Input should be"),
    ("metadata.name", "X", "metadata.name: String should match pattern"),
    ("metadata.owner", "nobody", "metadata.owner: not an email address: 'nobody'"),
    ("endpoints[0].deployment.strategy", "rolling", "endpoints[0].deployment.strategy: Input should be"),
    ("registry.models.approval", "maybe", "registry.models.approval: Input should be 'manual' or 'automatic'"),
    ("endpoints[0].autoscaling.minInstances", 7, "endpoints[0].autoscaling.minInstances: must not exceed maxInstances (7 > 6)"),
    ("endpoints[0].dataCapture.samplingPercent", 101, "endpoints[0].dataCapture.samplingPercent: Input should be less than or equal to 100"),
    ("endpoints[0].dataCapture.samplingPercent", 0, "endpoints[0].dataCapture.samplingPercent: Input should be greater than or equal to 1"),
    ("endpoints[0].deployment.canaryPercent", 120, "endpoints[0].deployment.canaryPercent: Input should be less than or equal to 99"),
    ("budget.alertThresholdsPercent", [50, 150], "budget.alertThresholdsPercent: percentages must be within 0-100, got 150"),
    ("training[0].schedule", "every monday", "training[0].schedule: cron needs 5 fields"),
    ("training[0].schedule", "0 25 * * *", "training[0].schedule: not a valid cron expression: '0 25 * * *'"),
    ("access.roles[0].permissions", ["models.delete"], "access.roles[0].permissions[0]: Input should be"),
    ("access.roles[0].principals", ["ds@example.com"], "access.roles[0].principals[0]: expected user:<email>"),
    ("encryption.keyRotationDays", 30, "encryption.keyRotationDays: Input should be greater than or equal to 90"),
    ("apiVersion", "mlopskit/v2", "apiVersion: Input should be 'mlopskit/v1'"),
    ("placement.aws.backupRegion", "eu-west-1", "placement.aws.backupRegion: must differ from the primary region"),
    ("endpoints[0].model.version", 0, "endpoints[0].model.version"),
]


@pytest.mark.parametrize(("path", "value", "expected"), RULE_CASES)
def test_each_rule_names_the_field(path: str, value: Any, expected: str) -> None:
    found = issues(change(baseline(), path, value))
    assert any(line.startswith(expected) for line in found), found


def test_canary_fields_on_another_strategy_are_rejected() -> None:
    data = change(baseline(), "endpoints[0].deployment.strategy", "linear")
    assert issues(data) == ["endpoints[0].deployment.canaryPercent: only applies to strategy canary, not linear"]


def test_mirror_percent_only_with_shadow() -> None:
    data = change(baseline(), "endpoints[1].deployment.strategy", "blue-green")
    assert issues(data) == ["endpoints[1].deployment.mirrorPercent: only applies to strategy shadow, not blue-green"]


@pytest.mark.parametrize("field", ["training", "endpoints", "access.roles"])
def test_duplicate_component_names(field: str) -> None:
    data = baseline()
    items = data["access"]["roles"] if field == "access.roles" else data[field]
    items.append(dict(items[0]))
    index = len(items) - 1
    assert issues(data) == [f"{field}[{index}].name: duplicate name {items[0]['name']!r}"]


def test_required_fields_are_named() -> None:
    data = change(baseline(), "metadata.costCenter", ...)
    assert issues(data) == ["metadata.costCenter: required field is missing"]


def test_every_problem_is_reported_not_only_the_first() -> None:
    data = change(baseline(), "metadata.environment", "live")
    change(data, "endpoints[0].autoscaling.minInstances", 9)
    assert len(issues(data)) == 2


def test_placement_is_required_for_the_chosen_cloud() -> None:
    data = change(baseline(), "placement.gcp", ...)
    assert parse_stack(data, "aws", base_dir=STACKS)
    assert issues(data, "gcp") == ["placement.gcp: required to build on gcp"]


def test_backup_region_required_for_cross_region_backups() -> None:
    data = change(baseline(), "placement.aws.backupRegion", ...)
    assert issues(data, "aws") == ["placement.aws.backupRegion: required when backups.crossRegion is true"]


def test_instance_type_needed_for_the_built_cloud_without_generic_size() -> None:
    data = change(baseline(), "endpoints[0].compute.instanceType.gcp", ...)
    # The example also gives a generic size (a cluster sizes pods from it), which would resolve gcp's type.
    for generic in ("cpu", "memoryGiB", "gpu"):
        data = change(data, f"endpoints[0].compute.{generic}", ...)
    assert issues(data, "gcp") == [
        "endpoints[0].compute.instanceType.gcp: required to build on gcp (or give a generic cpu/memoryGiB size)"]
    assert parse_stack(data, "aws", base_dir=STACKS)


def test_drift_needs_data_capture() -> None:
    data = change(baseline(), "endpoints[0].dataCapture.enabled", False)
    assert issues(data) == ["endpoints[0].monitoring.drift: needs dataCapture.enabled: drift is computed from captured data"]


def test_auto_rollback_needs_an_alarm() -> None:
    data = change(baseline(), "endpoints[1].monitoring.alarms", {"errorRatePercent": None})
    assert issues(data) == ["endpoints[1].deployment.autoRollback: needs at least one alarm in monitoring.alarms"]


def test_model_source_fields_match_the_source() -> None:
    data = change(baseline(), "endpoints[0].model.source", "artifact")
    # An mlflow model needs no image (Azure no-code), but an artifact must say where it is.
    assert issues(data) == ["endpoints[0].model.artifactPath: give exactly one of artifactPath or artifactUri "
                            "when source is artifact"]


def test_secure_defaults_for_missing_sections() -> None:
    data = baseline()
    for section in ("network", "encryption", "storage", "registry", "backups", "access", "compliance", "budget"):
        del data[section]
    stack = parse_stack(data, base_dir=STACKS)
    assert stack.network.private is True
    assert stack.encryption.customer_managed_keys is True and stack.encryption.key_rotation_days == 90
    assert stack.storage.artifacts.versioning is True
    assert stack.registry.containers.immutable_tags and stack.registry.containers.scan_on_push
    assert stack.backups is not None and stack.backups.cross_region  # prod: backups on
    assert stack.budget is None


def test_backups_default_off_outside_prod() -> None:
    data = change(baseline(), "metadata.environment", "dev")
    del data["backups"]
    assert parse_stack(data, base_dir=STACKS).backups is None


def test_empty_lists_are_valid() -> None:
    data = change(baseline(), "training", [])
    change(data, "endpoints", [])
    assert parse_stack(data, base_dir=STACKS).endpoints == []


def test_models_are_immutable() -> None:
    stack = parse_stack(baseline(), base_dir=STACKS)
    with pytest.raises(ValidationError, match="frozen"):
        stack.metadata.name = "other"  # type: ignore[misc]


def test_yaml_duplicate_keys_are_rejected(tmp_path) -> None:
    spec = tmp_path / "dup.yaml"
    spec.write_text("apiVersion: mlopskit/v1\napiVersion: mlopskit/v1\n")
    with pytest.raises(SpecError, match="duplicate key 'apiVersion'"):
        load_stack(spec)


def test_python_construction_uses_snake_case() -> None:
    stack = Stack(
        api_version="mlopskit/v1",
        kind="Stack",
        metadata=Metadata(name="demo", environment="dev", owner="a@example.com", cost_center="cc-1",
                          data_classification="internal"),
        placement=Placement(aws=AwsPlacement(region="eu-west-1")),
        training=[TrainingJob(name="train", image=Image(uri="repo/image:1"), entrypoint="train.py",
                              compute=TrainingCompute(cpu=2, memory_gib=8))],
        endpoints=[Endpoint(name="api", model=ModelSource(source="artifact", image="repo/serve:1",
                                                          artifact_uri="s3://b/model.tar.gz"),
                            compute=Compute(cpu=2, memory_gib=8),
                            autoscaling=Autoscaling(min_instances=1, max_instances=3),
                            deployment=Deployment(strategy="canary", canary_percent=5))],
        access={"roles": [AccessRole(name="reader", permissions=["models.read"])]},
    )
    assert stack.name == "demo-dev"
    assert stack.endpoints[0].deployment.canary_percent == 5
    assert stack.issues_for("aws") == []


def test_the_aws_instance_type_pattern_accepts_every_sagemaker_enum_member() -> None:
    """Every ml.* member of the pinned botocore's SageMaker *InstanceType enums is a valid spec value
    (ml.c7i-flex.xlarge, ml.p6-b200.48xlarge included); a malformed name still is not."""
    import botocore.session

    from mlopskit.modules.compute import InstanceTypes

    model = botocore.session.get_session().get_service_model("sagemaker")
    members = {name for shape in model.shape_names if shape.endswith("InstanceType")
               for name in (getattr(model.shape_for(shape), "enum", None) or []) if name.startswith("ml.")}
    assert {"ml.c7i-flex.xlarge", "ml.p6-b200.48xlarge", "ml.g5.xlarge"} <= members and len(members) > 300
    for name in sorted(members):
        assert InstanceTypes(aws=name).aws == name
    for bad in ("ml.g5", "g5.xlarge", "ml.g5.xlarge.", "ml.-flex.large", "ml.c7i--flex.large", "ML.G5.XLARGE"):
        with pytest.raises(ValueError):
            InstanceTypes(aws=bad)
