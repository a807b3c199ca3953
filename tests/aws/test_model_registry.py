"""Model registry: a model package group per referenced package with the approval tag."""

from __future__ import annotations

from tests.aws.helpers import DEV, MODELS, PROD, build, children, component

GROUP = "aws:sagemaker/modelPackageGroup:ModelPackageGroup"


def groups(graph):
    return {g.inputs["modelPackageGroupName"]: g for g in children(graph, component(graph, MODELS), GROUP)}


def test_one_group_per_package_with_manual_approval(prod):
    found = groups(prod)
    assert set(found) == {"credit-risk"}
    group = found["credit-risk"]
    assert group.name == f"{PROD}-models-credit-risk"
    assert group.inputs["tags"] == {"mlopskit:approval": "manual"}
    assert group.protect is True
    assert group.outputs["arn"] == "arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/credit-risk"


def test_every_group_is_a_registry_child(prod):
    registry = component(prod, MODELS)
    assert registry.parent is None
    assert {g.urn for g in prod.of_type(GROUP)} == {g.urn for g in groups(prod).values()}


def test_automatic_approval_tag():
    graph = build("credit-risk.yaml", ("registry.models.approval", "automatic"))
    assert groups(graph)["credit-risk"].inputs["tags"] == {"mlopskit:approval": "automatic"}


def test_a_second_referenced_package_gets_its_own_group():
    graph = build("credit-risk.yaml", ("endpoints[1].model.package", "credit-risk-v2"))
    assert set(groups(graph)) == {"credit-risk", "credit-risk-v2"}
    assert groups(graph)["credit-risk-v2"].inputs["tags"] == {"mlopskit:approval": "manual"}


def test_dev_stack_group_named_after_the_stack(dev):
    found = groups(dev)
    assert set(found) == {"fraud"}
    assert found["fraud"].protect is False
    assert found["fraud"].name == f"{DEV}-models-fraud"
