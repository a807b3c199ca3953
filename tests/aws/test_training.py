"""Training: a SageMaker pipeline with one training step, scheduled by EventBridge Scheduler."""

from __future__ import annotations

import json

import pytest

from mlopskit.modules import SpecError, parse_stack
from mlopskit.providers.aws.cron import CronNotSupported, to_aws
from mlopskit.providers.packaging import source_archive
from tests.aws.helpers import (
    DEV,
    NETWORK,
    PROD,
    TRAINING,
    artifact_bucket,
    build,
    catalog_image,
    child,
    children,
    component,
    primary_key,
    role,
    spec,
)
from tests.conftest import STACKS

PIPELINE = "aws:sagemaker/pipeline:Pipeline"
CODE_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
SCHEDULE = "aws:scheduler/schedule:Schedule"
BUCKET = f"{PROD}-artifacts-123456789012"


def training(graph, job="train-xgb", prefix=PROD):
    return component(graph, TRAINING, f"{prefix}-training-{job}")


def pipeline(graph, job="train-xgb", prefix=PROD):
    return child(graph, training(graph, job, prefix), PIPELINE)


def step(graph, job="train-xgb", prefix=PROD):
    definition = json.loads(pipeline(graph, job, prefix).inputs["pipelineDefinition"])
    (train,) = definition["Steps"]
    assert train["Type"] == "Training"
    return train["Arguments"]


def test_pipeline_resource(prod):
    p = pipeline(prod)
    assert training(prod).parent is None
    assert p.inputs["pipelineName"] == f"{PROD}-train-xgb"
    assert p.inputs["roleArn"] == role(prod, f"{PROD}-pipeline").outputs["arn"]
    assert p.provider == f"{PROD}-aws"


def test_training_image_from_the_catalog(prod):
    args = step(prod)
    assert args["AlgorithmSpecification"] == {
        "TrainingImage": catalog_image("xgboost", "training", "1.7-1", "eu-west-1"),
        "TrainingInputMode": "File",
    }
    assert args["AlgorithmSpecification"]["TrainingImage"] == (
        "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1")


def test_instance_resolved_from_generic_size(prod):
    resources = step(prod)["ResourceConfig"]
    assert resources["InstanceType"] == "ml.m7i-flex.xlarge"  # cpu 4, 16 GiB: cheapest training type in eu-west-1
    assert resources["InstanceCount"] == 1


def test_managed_spot_with_wait_above_runtime(prod):
    args = step(prod)
    assert args["EnableManagedSpotTraining"] is True
    stopping = args["StoppingCondition"]
    assert stopping["MaxRuntimeInSeconds"] == 180 * 60
    assert stopping["MaxWaitTimeInSeconds"] >= stopping["MaxRuntimeInSeconds"]
    assert args["CheckpointConfig"] == {"S3Uri": f"s3://{BUCKET}/checkpoints/train-xgb/"}


def test_kms_on_output_and_volume(prod):
    args = step(prod)
    key = primary_key(prod).outputs["arn"]
    assert args["OutputDataConfig"] == {"S3OutputPath": f"s3://{BUCKET}/models/train-xgb/", "KmsKeyId": key}
    assert args["ResourceConfig"]["VolumeKmsKeyId"] == key
    assert args["EnableInterContainerTrafficEncryption"] is True


def test_vpc_config_when_private(prod):
    network = component(prod, NETWORK)
    subnets = [s.outputs["id"] for s in children(prod, network, "aws:ec2/subnet:Subnet")]
    group = child(prod, network, "aws:ec2/securityGroup:SecurityGroup").outputs["id"]
    vpc = step(prod)["VpcConfig"]
    assert sorted(vpc["Subnets"]) == sorted(subnets) and len(subnets) == 2
    assert vpc["SecurityGroupIds"] == [group]


def test_multi_instance_encrypted_training_may_speak_ipsec_within_the_group(prod):
    # Issue 11.7: inter-container traffic encryption is IPsec between the job's instances;
    # AWS requires UDP 500 and protocol 50 (ESP) inside the security group, both ways.
    assert step(prod)["EnableInterContainerTrafficEncryption"] is True
    assert _rules(_groups(prod)[0], "ingress") == _rules(_groups(prod)[0], "egress") == {("tcp", 443, False)}
    shared, training = _groups(build("credit-risk.yaml", ("training[0].compute.count", 4)))
    for way in ("ingress", "egress"):
        assert ("-1", 0, True) in _rules(training, way)  # all protocols, IKE and ESP included


def _groups(graph):
    """The network's security groups: the shared one first, then the training one if any."""
    groups = children(graph, component(graph, NETWORK), "aws:ec2/securityGroup:SecurityGroup")
    return sorted(groups, key=lambda g: "training" in g.name)


def _rules(group, way):
    return {(r["protocol"], r["fromPort"], r.get("self", False)) for r in group.inputs[way]}


def test_distributed_training_has_its_own_group_open_between_members_only():
    # Audit 2 (SageMaker guide, train-vpc): containers of one distributed job must reach each
    # other; the all-traffic rule lives on a training-only group, never the shared one.
    graph = build("credit-risk.yaml", ("training[0].compute.count", 4))
    shared, training = _groups(graph)
    assert "training" in training.name and "training" not in shared.name
    assert shared.outputs["id"] != training.outputs["id"]
    assert _rules(shared, "ingress") == _rules(shared, "egress") == {("tcp", 443, False)}
    assert _rules(training, "ingress") == {("-1", 0, True)}
    assert _rules(training, "egress") == {("-1", 0, True), ("tcp", 443, False)}
    assert step(graph)["VpcConfig"]["SecurityGroupIds"] == [training.outputs["id"]]
    # The training instances reach S3 through the gateway endpoint too.
    s3_rules = {r.inputs["securityGroupId"] for r in graph.of_type("aws:ec2/securityGroupRule:SecurityGroupRule")
                if r.inputs.get("prefixListIds")}
    assert s3_rules == {shared.outputs["id"], training.outputs["id"]}


def test_no_vpc_config_when_public():
    graph = build("credit-risk.yaml", ("network.private", False))
    assert "VpcConfig" not in step(graph)
    assert graph.of_type(NETWORK) == []


def test_hyperparameters_and_script_mode(prod):
    assert step(prod)["HyperParameters"] == {
        "max_depth": "6",
        "sagemaker_program": "train.py",
        "sagemaker_submit_directory": "/opt/ml/input/data/code/sourcedir.tar.gz",
    }


def test_container_is_network_isolated_and_gets_code_as_a_channel(prod):
    args = step(prod)
    assert args["EnableNetworkIsolation"] is True
    channels = {c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in args["InputDataConfig"]}
    archive = source_archive(STACKS / "src")
    assert channels == {"train": f"s3://{BUCKET}/data/train-xgb/", "code": f"s3://{BUCKET}/code/train-xgb/{archive.short}/"}


def test_code_is_uploaded_to_the_stack_bucket_before_the_pipeline(prod):
    # The job's own upload: the monitor job's code and config are the stack's other objects.
    (upload,) = [r for r in prod.of_type(CODE_OBJECT) if r.name == f"{PROD}-training-train-xgb-code"]
    archive = source_archive(STACKS / "src")
    assert upload.parent == training(prod).urn
    assert children(prod, training(prod), CODE_OBJECT) == [upload]
    assert upload.inputs["bucket"] == BUCKET
    # The channel's prefix + the file name SageMaker script mode is pointed at.
    assert upload.inputs["key"] == f"code/train-xgb/{archive.short}/sourcedir.tar.gz"
    assert upload.inputs["source"].path == str(archive.path)
    assert upload.inputs["kmsKeyId"] == primary_key(prod).outputs["arn"]
    assert upload.urn in pipeline(prod).dependencies


def test_custom_image_gets_no_code_channel():
    args = step(build("fraud-dev.yaml"), job="train", prefix="fraud-dev")
    assert [c["ChannelName"] for c in args["InputDataConfig"]] == ["train"]
    assert args["AlgorithmSpecification"]["ContainerEntrypoint"] == ["python", "train.py"]


def test_custom_image_with_code_unpacks_the_code_channel():
    graph = build("fraud-dev.yaml", ("training[0].code", "./src"))
    args = step(graph, job="train", prefix="fraud-dev")
    assert [c["ChannelName"] for c in args["InputDataConfig"]] == ["train", "code"]
    assert args["AlgorithmSpecification"]["ContainerEntrypoint"] == [
        "/bin/sh", "-c", "mkdir -p /opt/ml/code && tar -xzf /opt/ml/input/data/code/sourcedir.tar.gz -C /opt/ml/code "
        "&& cd /opt/ml/code && exec python train.py"]
    assert "sagemaker_program" not in args["HyperParameters"]


def test_roles_and_data_channel(prod):
    args = step(prod)
    assert args["RoleArn"] == role(prod, f"{PROD}-training").outputs["arn"]
    channel = args["InputDataConfig"][0]
    assert channel["ChannelName"] == "train"
    assert channel["DataSource"]["S3DataSource"]["S3Uri"] == f"s3://{BUCKET}/data/train-xgb/"
    assert artifact_bucket(prod).inputs["bucket"] == BUCKET


def test_schedule_translates_cron_and_targets_the_pipeline(prod):
    schedule = child(prod, training(prod), SCHEDULE)
    assert schedule.inputs["scheduleExpression"] == "cron(0 3 ? * MON *)"
    assert schedule.inputs["scheduleExpressionTimezone"] == "UTC"
    assert schedule.inputs["flexibleTimeWindow"] == {"mode": "OFF"}
    assert schedule.inputs["target"]["arn"] == pipeline(prod).outputs["arn"]
    assert schedule.inputs["target"]["roleArn"] == role(prod, f"{PROD}-scheduler").outputs["arn"]
    assert schedule.inputs["kmsKeyArn"] == primary_key(prod).outputs["arn"]


def test_no_schedule_no_scheduler_entry():
    graph = build("credit-risk.yaml", ("training[0].schedule", ...))
    assert children(graph, training(graph), SCHEDULE) == []
    # The stack's other schedules (the endpoint's monitor job) never start the training pipeline.
    assert [s.name for s in graph.of_type(SCHEDULE) if s.inputs["target"]["arn"] == pipeline(graph).outputs["arn"]] == []
    assert pipeline(graph)  # the pipeline itself stays


def test_on_demand_training_has_no_spot_settings():
    graph = build("credit-risk.yaml", ("training[0].compute.spot", False))
    args = step(graph)
    assert args["EnableManagedSpotTraining"] is False
    assert args["StoppingCondition"] == {"MaxRuntimeInSeconds": 180 * 60}
    assert "CheckpointConfig" not in args


def test_custom_image_runs_the_entrypoint(dev):
    args = step(dev, "train", DEV)
    assert args["AlgorithmSpecification"] == {
        # fraud-train:1.4.0 from the stack's own ECR repository (its name is the tag prefix).
        "TrainingImage": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-dev:fraud-train-1.4.0",
        "TrainingInputMode": "File",
        "ContainerEntrypoint": ["python", "train.py"],
    }
    assert "sagemaker_program" not in args["HyperParameters"]
    assert args["ResourceConfig"]["InstanceType"] == "ml.m7i-flex.2xlarge"  # cpu 8, 32 GiB: cheapest training type
    assert args["StoppingCondition"] == {"MaxRuntimeInSeconds": 3600}
    assert dev.of_type(SCHEDULE) == []


# -- cron.to_aws ------------------------------------------------------------------------

@pytest.mark.parametrize(("cron", "aws"), [
    ("0 3 * * 1", "cron(0 3 ? * MON *)"),
    ("0 3 * * 0", "cron(0 3 ? * SUN *)"),
    ("0 3 * * 7", "cron(0 3 ? * SUN *)"),
    ("0 3 * * 6", "cron(0 3 ? * SAT *)"),
    ("0 3 * * 1-5", "cron(0 3 ? * MON-FRI *)"),
    ("30 4 * * 0,3,6", "cron(30 4 ? * SUN,WED,SAT *)"),
    ("0 3 1 * *", "cron(0 3 1 * ? *)"),
    ("0 3 * * *", "cron(0 3 * * ? *)"),
    ("*/15 2-4 * 1,7 *", "cron(*/15 2-4 * 1,7 ? *)"),
])
def test_to_aws(cron, aws):
    assert to_aws(cron) == aws


def test_day_of_month_and_weekday_together_is_not_supported():
    with pytest.raises(CronNotSupported):
        to_aws("0 3 1 * 1")


def test_an_untranslatable_schedule_is_refused_for_every_cloud():
    # Spec v1 accepts only the cron subset every cloud's scheduler takes (modules/cron.py),
    # so what AWS cannot translate is refused before any provider sees it.
    with pytest.raises(SpecError) as caught:
        parse_stack(spec("credit-risk.yaml", ("training[0].schedule", "0 3 1 * 1")), base_dir=STACKS)
    assert [i.path for i in caught.value.issues] == ["training[0].schedule"]


@pytest.mark.parametrize("cron", ["0 3 * * */2", "0 3 * * 1-5/2"])
def test_weekday_step_is_not_supported(cron):
    with pytest.raises(CronNotSupported):
        to_aws(cron)
