"""Naming, identity of resources across edits, and protection of data in prod."""

from __future__ import annotations

import copy

from mlopskit.providers.aws import AwsProvider
from mlopskit.providers.aws.monitor_job import TYPE as MONITOR_JOB
from mlopskit.providers.aws.monitoring import DRIFT_TYPE
from tests.aws.helpers import (
    AUTOSCALING,
    DEV,
    DRIFT,
    MONITORING,
    PROD,
    build,
    descendants,
    endpoint,
    of_endpoint,
    spec,
)
from tests.conftest import STACKS

PROTECTED = ("aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:ecr/repository:Repository",
             "aws:sagemaker/modelPackageGroup:ModelPackageGroup", "aws:backup/vault:Vault")


def test_every_logical_name_has_the_stack_prefix(prod, dev):
    assert all(r.name.startswith(f"{PROD}-") for r in prod)
    assert all(r.name.startswith(f"{DEV}-") for r in dev)


def test_no_duplicate_urns(prod, dev):
    for graph in (prod, dev):
        urns = [r.urn for r in graph]
        assert len(urns) == len(set(urns))


def test_components_top_level_and_resources_parented(prod):
    # The endpoint's monitors are components of their own beside it, not abstractions of the
    # registry: managed drift (monitoring.engine: managed) and the kit's monitor job (the default).
    component_types = set(AwsProvider.components.values()) | {DRIFT_TYPE, MONITOR_JOB}
    assert prod.of_type(MONITOR_JOB), "the prod spec's endpoint runs the kit's monitor job"
    for r in prod:
        if r.type.startswith("pulumi:providers:"):
            continue
        if r.type in component_types:
            assert r.parent is None, r.name
        else:
            assert r.parent is not None, r.name
            prod.by_urn(r.parent)  # the parent is part of the graph
        if r.custom and not r.type.startswith("pulumi:index:"):  # Pulumi's built-in (state-only) resources
            assert r.provider == f"{PROD}-aws", r.name


def test_prod_protects_stateful_resources(prod):
    for type_ in PROTECTED:
        found = prod.of_type(type_)
        assert found, type_
        assert all(r.protect for r in found), [r.name for r in found if not r.protect]


def test_dev_protects_nothing(dev):
    assert not any(r.protect for r in dev)


def _outside(graph, name):
    roots = [endpoint(graph, name)] + [r for type_ in (AUTOSCALING, MONITORING, DRIFT) for r in of_endpoint(graph, name, type_)]
    inner = {r.urn for root in roots for r in [root, *descendants(graph, root)]}
    return {r.urn: r.inputs.get("name") for r in graph if r.urn not in inner}


def test_renaming_an_endpoint_renames_nothing_else(prod):
    renamed = build("credit-risk.yaml", ("endpoints[1].name", "shadow-b"))
    assert _outside(renamed, "shadow-b") == _outside(prod, "challenger")


def test_adding_an_endpoint_renames_nothing(prod):
    extra = copy.deepcopy(spec("credit-risk.yaml")["endpoints"][1])
    extra.update(name="extra", deployment={"strategy": "all-at-once", "autoRollback": True})
    endpoints = spec("credit-risk.yaml")["endpoints"] + [extra]
    added = build("credit-risk.yaml", ("endpoints", endpoints))
    before = {r.urn: r.inputs.get("name") for r in prod}
    after = _outside(added, "extra")
    assert after == before


def _physical_names(graph):
    """(type, name) of every SageMaker resource and S3 bucket."""
    keys = {"aws:sagemaker/model:Model": "name", "aws:sagemaker/endpointConfiguration:EndpointConfiguration": "name",
            "aws:sagemaker/endpoint:Endpoint": "name", "aws:sagemaker/pipeline:Pipeline": "pipelineName",
            "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": "name",
            "aws:sagemaker/monitoringSchedule:MonitoringSchedule": "name", "aws:s3/bucket:Bucket": "bucket"}
    return [(r.type, r.outputs["name"] if r.type == "aws:s3/bucket:Bucket" else r.inputs[keys[r.type]])
            for r in graph if r.type in keys]


def test_generated_names_fit_with_the_longest_spec_names():
    # Issue 11.11: auto-named models/configs reached 80+ characters and a log bucket 65.
    import re

    from mlopskit.engine import preview
    from mlopskit.modules import parse_stack
    from tests.fidelity.aws.edge import longest_names
    from tests.fidelity.aws.gate import graph_of

    graph = graph_of(longest_names())  # shared with the fidelity gate
    sagemaker = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
    names = _physical_names(graph)
    assert len(names) > 10
    for type_, name in names:
        assert len(name) <= 63, (type_, name)
        if "sagemaker" in type_:
            assert sagemaker.match(name), (type_, name)
    again = preview(parse_stack(longest_names(), base_dir=STACKS), "aws")
    assert _physical_names(again) == names  # deterministic


def test_a_replaced_config_gets_a_new_name_so_create_before_delete_works(prod):
    def sagemaker_names(graph):
        parts = graph.children(endpoint(graph, "scoring"))
        return {r.type.split(":")[-1]: r.inputs["name"] for r in parts if r.type.startswith("aws:sagemaker/")}

    before = sagemaker_names(prod)
    after = sagemaker_names(build("credit-risk.yaml", ("endpoints[0].compute.instanceType.aws", "ml.g5.2xlarge")))
    assert after["EndpointConfiguration"] != before["EndpointConfiguration"]  # a new config beside the old one
    assert after["Model"] == before["Model"] and after["Endpoint"] == before["Endpoint"]
