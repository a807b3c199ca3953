"""A bucket's purpose comes from the tag/label its component records, never from its name.

The offline facts and the CrossGuard pack (which sees only resource inputs) read the same tag.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.facts import PURPOSE_TAG, PURPOSES, purpose_of
from mlopskit.policies.crossguard.adapter import graph_from
from mlopskit.policies.runner import provider_facts
from tests.conftest import STACKS
from tests.cost.helpers import built
from tests.specs import baseline, change

# Where each cloud records a bucket's purpose: (type of the bucket resource, input holding it).
TAGGED = {
    "aws": ("aws:s3/bucket:Bucket", "tags"),
    "gcp": ("gcp:storage/bucket:Bucket", "labels"),
    "azure": ("azure-native:storage:StorageAccount", "tags"),
}


def _purposes(cloud: str, stack, graph) -> dict[str, str]:
    return {f.name: f.get("purpose") for f in provider_facts(graph, stack) if f.kind == "bucket"}


@pytest.mark.parametrize("cloud", sorted(TAGGED))
def test_every_bucket_carries_its_purpose(cloud: str) -> None:
    stack, graph = built("credit-risk.yaml", cloud)
    type_, key = TAGGED[cloud]
    buckets = graph.of_type(type_)
    assert buckets
    tagged = {b.name: (b.inputs.get(key) or {}).get(PURPOSE_TAG) for b in buckets}
    assert set(tagged.values()) <= set(PURPOSES), tagged
    assert _purposes(cloud, stack, graph) == tagged  # the fact reads the tag, and nothing else


def test_each_purpose_is_tagged_where_its_component_creates_the_bucket() -> None:
    expected = {"aws": {"artifacts", "access-logs", "audit-logs", "replica"}, "gcp": {"artifacts", "backup"},
                "azure": {"artifacts"}}
    for cloud, purposes in expected.items():
        stack, graph = built("credit-risk.yaml", cloud)
        assert set(_purposes(cloud, stack, graph).values()) == purposes, cloud


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_a_stack_name_does_not_change_a_purpose(cloud: str) -> None:
    """Names used to decide: "audit" in a name made an AWS bucket an audit log, "backup" made a
    GCP bucket a backup copy. A stack named after all of them keeps every purpose."""
    data = change(baseline("fraud-dev.yaml"), "metadata.name", "backup-audit-replica")
    stack = parse_stack(data, cloud, base_dir=STACKS)  # type: ignore[arg-type]
    renamed = sorted(_purposes(cloud, stack, preview(stack, cloud)).values())  # type: ignore[arg-type]
    original = sorted(_purposes(cloud, *built("fraud-dev.yaml", cloud)).values())
    assert renamed == original
    assert renamed.count("artifacts") == 1


def test_crossguard_reads_the_same_purposes() -> None:
    """CrossGuard hands the pack resource inputs only: the facts it derives equal the offline ones."""
    stack, graph = built("credit-risk.yaml", "aws")
    resources = [SimpleNamespace(urn=r.urn, resource_type=r.type, name=r.name, props=r.inputs,
                                 parent=SimpleNamespace(urn=r.parent) if r.parent else None,
                                 opts=SimpleNamespace(protect=r.protect)) for r in graph]
    policy_graph = graph_from(resources, "aws", stack.name)
    assert provider_facts(policy_graph, stack) == provider_facts(graph, stack)
    assert "audit-logs" in _purposes("aws", stack, policy_graph).values()


def test_an_untagged_bucket_counts_as_a_data_bucket() -> None:
    """Fail closed: without the tag (or with an unknown value) every data-bucket rule applies."""
    assert purpose_of(None) == purpose_of({}) == purpose_of({PURPOSE_TAG: "scratch"}) == "artifacts"
    assert purpose_of({PURPOSE_TAG: "access-logs"}) == "access-logs"


def test_tag_key_and_values_fit_every_cloud() -> None:
    """GCP labels: lowercase letters, digits, "_" and "-", at most 63 characters, keys start with a
    letter. AWS tags: key <= 128 and value <= 256 of letters, digits, spaces and ``_.:/=+-@``.
    Azure tags: name <= 512 (128 on storage accounts) without ``<>%&\\?/``, value <= 256."""
    for value in PURPOSES:
        assert re.fullmatch(r"[a-z0-9_-]{0,63}", value), value
        assert re.fullmatch(r"[\w .:/=+\-@]{0,256}", value), value
    assert re.fullmatch(r"[a-z][a-z0-9_-]{0,62}", PURPOSE_TAG)
    assert len(PURPOSE_TAG) <= 128 and not set(PURPOSE_TAG) & set("<>%&\\?/")
