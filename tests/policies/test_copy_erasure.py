"""The GDPR preset fails a stack whose backup copies keep data longer than the source, or do not
receive the source's deletions (issue 32: an erasure must reach every copy, and no copy may outlive
the source's retention)."""

from __future__ import annotations

import dataclasses

import pytest

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph
from mlopskit.policies.runner import evaluate
from tests.conftest import STACKS
from tests.specs import baseline, change


def _stack(*changes: tuple[str, object]):
    data = baseline()
    for path, value in changes:
        data = change(data, path, value)
    return parse_stack(data, base_dir=STACKS)


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_backups_kept_longer_than_the_source_fail_gdpr(cloud: str) -> None:
    # Artifacts forget deleted versions after 365 days; backups kept 400 days would outlive them.
    stack = _stack(("backups.retentionDays", 400))
    report = evaluate(stack, preview(stack, cloud), preset="gdpr")
    found = report.by_rule("copy-retention-within-source")
    assert found and all(v.enforcement == "mandatory" and v.status == "fail" for v in found)
    assert all(v.message.startswith("the copy keeps data 400 days, longer than its source (365)") for v in found)
    assert report.mandatory_failed


def test_the_bundled_copies_pass_gdpr() -> None:
    stack = _stack()
    report = evaluate(stack, preview(stack, "aws"), preset="gdpr")
    assert report.by_rule("copy-retention-within-source") == report.by_rule("copy-receives-deletes") == []
    assert report.counts["copy-receives-deletes"].get("pass") == 1  # the cross-region replica


def _without_delete_markers(graph: Graph) -> Graph:
    resources = []
    for resource in graph.resources:
        if resource.type == "aws:s3/bucketReplicationConfig:BucketReplicationConfig":
            rules = [{**rule, "deleteMarkerReplication": {"status": "Disabled"}} for rule in resource.inputs["rules"]]
            resource = dataclasses.replace(resource, inputs={**resource.inputs, "rules": rules})
        resources.append(resource)
    return dataclasses.replace(graph, resources=tuple(resources))


def test_a_replica_not_receiving_deletes_fails_gdpr() -> None:
    stack = _stack()
    report = evaluate(stack, _without_delete_markers(preview(stack, "aws")), preset="gdpr")
    (found,) = report.by_rule("copy-receives-deletes")
    assert (found.enforcement, found.status, found.message) == (
        "mandatory", "fail", "deletions in the source are not replicated to this copy")
    assert report.mandatory_failed
