"""ECR repository: immutable tags, scan on push, KMS, lifecycle."""

from __future__ import annotations

import json

from tests.aws.helpers import CONTAINERS, PROD, build, child, component, primary_key

REPOSITORY = "aws:ecr/repository:Repository"


def repository(graph):
    return child(graph, component(graph, CONTAINERS), REPOSITORY)


def test_repository_is_hardened(prod):
    repo = repository(prod)
    assert repo.inputs["name"] == PROD
    assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
    assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS",
                                                        "kmsKey": primary_key(prod).outputs["arn"]}]
    assert repo.protect is True
    assert component(prod, CONTAINERS).parent is None


def test_untagged_images_expire(prod):
    lifecycle = child(prod, component(prod, CONTAINERS), "aws:ecr/lifecyclePolicy:LifecyclePolicy")
    assert lifecycle.inputs["repository"] == PROD
    (rule,) = json.loads(lifecycle.inputs["policy"])["rules"]
    assert rule["selection"] == {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 100}
    assert rule["action"] == {"type": "expire"}


def test_mutable_tags_when_immutable_tags_off():
    graph = build("credit-risk.yaml", ("registry.containers.immutableTags", False))
    assert repository(graph).inputs["imageTagMutability"] == "MUTABLE"


def test_no_scan_when_scan_on_push_off():
    graph = build("credit-risk.yaml", ("registry.containers.scanOnPush", False))
    assert repository(graph).inputs["imageScanningConfiguration"] == {"scanOnPush": False}


def test_aes256_without_customer_managed_keys():
    graph = build("credit-risk.yaml", ("encryption.customerManagedKeys", False))
    assert repository(graph).inputs["encryptionConfigurations"] == [{"encryptionType": "AES256"}]


def test_dev_repository_not_protected(dev):
    assert repository(dev).protect is False
