"""Data survives ordinary edits, on every bundled spec and every cloud.

For each ordinary edit below, the preview of the edited spec is compared with the preview of
the spec as it was: every data-bearing resource (tests/replacement_inputs.py) must still be
there under its URN (or under an alias of it) with the same physical name and the same value
of every input its provider replaces it for. The one exception is an edit that removes data
on purpose (``experiments`` removed): then the resources it removes must be protected in prod,
so Pulumi's preview stops with "cannot delete protected resource" instead of deleting them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import Any

import pytest

from mlopskit.engine import preview
from mlopskit.modules import parse_stack
from mlopskit.modules.graph import Graph, RecordedResource
from tests.conftest import STACKS
from tests.replacement_inputs import DATA_BEARING, EXPERIMENT_STORES, FORCES_REPLACEMENT
from tests.specs import baseline

CLOUDS = ("aws", "gcp", "azure")
SPECS = tuple(sorted(p.name for p in STACKS.glob("*.yaml") if not p.name.startswith("Pulumi.")))
_MISSING = object()

Data = dict[str, Any]
# An edit changes a spec's data in place for one cloud, or says it does not apply (False).
Edit = Callable[[Data, str], bool]


def _wants_hsm(cloud: str, classification: str) -> bool:
    """The key level each cloud gives a classification when keyProtectionLevel is not set."""
    if cloud == "gcp":
        return classification == "restricted"
    return cloud == "azure" and classification in ("confidential", "restricted")


def _rename_endpoint(data: Data, cloud: str) -> bool:
    if not data.get("endpoints"):
        return False
    data["endpoints"][0]["name"] = "renamed"
    return True


def _toggle_capture(data: Data, cloud: str) -> bool:
    if not data.get("endpoints"):
        return False
    endpoint = data["endpoints"][0]
    capture = endpoint.setdefault("dataCapture", {"enabled": False})
    capture["enabled"] = not capture.get("enabled", False)
    if not capture["enabled"]:
        # The monitors computed from captured data go with it (the spec refuses them without).
        for monitor in ("drift", "quality", "bias", "explainability"):
            endpoint.get("monitoring", {}).pop(monitor, None)
    return True


def _raise_classification(data: Data, cloud: str) -> bool:
    """restricted, over a stack whose key level was recorded when it was first deployed."""
    classification = data["metadata"]["dataClassification"]
    if classification == "restricted":
        return False
    level = "hsm" if _wants_hsm(cloud, classification) else "software"
    data["metadata"]["dataClassification"] = "restricted"
    data.setdefault("encryption", {})["keyProtectionLevel"] = level
    return True


def _toggle_cross_region(data: Data, cloud: str) -> bool:
    backups = data.get("backups")
    if backups is None:
        return False
    on = backups.get("crossRegion", True)
    placed = set(data["placement"][cloud]) & {"backupRegion", "backupLocation"}
    if not on and not placed:
        return False  # turning it on needs a backup region: a placement edit, not this one
    backups["crossRegion"] = not on
    return True


def _remove_experiments(data: Data, cloud: str) -> bool:
    return data.pop("experiments", None) is not None


def _computes(data: Data) -> list[Data]:
    return [entry["compute"] for key in ("training", "endpoints", "batch") for entry in data.get(key, [])
            if "compute" in entry]


def _change_instance_types(data: Data, cloud: str) -> bool:
    changed = False
    for compute in _computes(data):
        if "instanceType" in compute:
            continue
        compute["cpu"] = compute.get("cpu", 2) * 2
        compute["memoryGiB"] = compute.get("memoryGiB", 8) * 2
        changed = True
    return changed


def _change_schedules(data: Data, cloud: str) -> bool:
    changed = False
    for entry in [*data.get("training", []), *data.get("batch", [])]:
        if entry.get("schedule"):
            entry["schedule"] = "30 5 * * 3"
            changed = True
    if data.get("backups"):
        data["backups"]["schedule"] = "weekly" if data["backups"].get("schedule") != "weekly" else "daily"
        changed = True
    return changed


def _change_retention(data: Data, cloud: str) -> bool:
    compliance = data.setdefault("compliance", {})
    compliance["retentionDays"] = compliance.get("retentionDays", 365) + 30
    artifacts = data.setdefault("storage", {}).setdefault("artifacts", {})
    artifacts["retentionDays"] = artifacts.get("retentionDays", 365) + 30
    if data.get("backups"):
        data["backups"]["retentionDays"] = data["backups"].get("retentionDays", 35) + 7
    return True


EDITS: dict[str, Edit] = {
    "rename-endpoint": _rename_endpoint,
    "toggle-capture": _toggle_capture,
    "raise-classification": _raise_classification,
    "toggle-cross-region": _toggle_cross_region,
    "remove-experiments": _remove_experiments,
    "change-instance-types": _change_instance_types,
    "change-schedules": _change_schedules,
    "change-retention": _change_retention,
}
# What an edit deletes on purpose, per cloud: allowed only protected in prod. On AWS, turning
# crossRegion off removes the copies in the backup region (the replica bucket, its access-log
# bucket, the copy vault and its key), which is what it asks for; GCP and Azure keep their backup
# stores where they are (a location or redundancy that cannot change), so nothing goes there.
REMOVES_ON_PURPOSE: dict[str, dict[str, frozenset[str]]] = {
    "remove-experiments": EXPERIMENT_STORES,
    "toggle-cross-region": {"aws": frozenset({"aws:s3/bucket:Bucket", "aws:backup/vault:Vault", "aws:kms/key:Key"})},
}
# Where the preview says so itself (Pulumi's own preview names every protected resource it would
# have to delete): the spec path of the kit's warning, per edit, in prod.
SAYS_SO: dict[str, str] = {"toggle-cross-region": "backups.crossRegion"}


# -- the check ------------------------------------------------------------------------------

def _value(inputs: dict[str, Any], path: str) -> Any:
    value: Any = inputs
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return _MISSING
        value = value[key]
    return value


def _successor(after: Graph, aliased: dict[str, RecordedResource], resource: RecordedResource) -> RecordedResource | None:
    try:
        return after.by_urn(resource.urn)
    except KeyError:
        return aliased.get(resource.urn)


def data_loss(before: Graph, after: Graph, prod: bool, removed_on_purpose: frozenset[str] = frozenset()) -> list[str]:
    """Each data-bearing resource of ``before`` that ``after`` deletes or replaces, as one line."""
    aliased = {urn: r for r in after.resources for urn in after.aliases_of(r)}
    problems = []
    for resource in before.resources:
        row = FORCES_REPLACEMENT.get(resource.type)
        if row is None:
            continue
        successor = _successor(after, aliased, resource)
        if successor is None:
            if resource.type not in removed_on_purpose:
                problems.append(f"deleted: {resource.urn}")
            elif prod and not resource.protect:
                problems.append(f"deleted, unprotected in prod: {resource.urn}")
            continue
        for path in row.paths:
            old, new = _value(resource.inputs, path), _value(successor.inputs, path)
            if old != new:
                problems.append(f"replaced ({path}: {old!r} -> {new!r}, {row.source}): {resource.urn}")
    return problems


# -- over every bundled spec, cloud and edit --------------------------------------------------

@cache
def _graph(spec: str, cloud: str, edit: str | None) -> Graph | None:
    data = baseline(spec)
    if cloud not in data.get("placement", {}):
        return None
    if edit is not None and not EDITS[edit](data, cloud):
        return None
    return preview(parse_stack(data, base_dir=STACKS), cloud)  # type: ignore[arg-type]


@pytest.mark.ci_gate  # about a minute of CPU: .ci/run runs the whole matrix (make ci-gates)
@pytest.mark.parametrize("edit", sorted(EDITS))
@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("spec", SPECS)
def test_an_ordinary_edit_keeps_every_data_store(spec: str, cloud: str, edit: str) -> None:
    after = _graph(spec, cloud, edit)
    before = _graph(spec, cloud, None)
    if after is None or before is None:
        pytest.skip(f"{edit} does not apply to {spec} on {cloud}")
    prod = baseline(spec)["metadata"]["environment"] == "prod"
    removed = REMOVES_ON_PURPOSE.get(edit, {}).get(cloud, frozenset())
    assert data_loss(before, after, prod, removed) == []
    gone = {r.urn for r in before.resources if r.type in removed} - {r.urn for r in after.resources}
    if gone and prod and edit in SAYS_SO:
        assert [w for w in after.warnings if w.path == SAYS_SO[edit]], f"{edit} deletes {sorted(gone)} unannounced"


def test_the_edits_reach_every_cloud() -> None:
    """Each edit applies to at least one bundled spec, so none of them is checked on nothing."""
    applied = {edit for edit, fn in EDITS.items() for spec in SPECS if fn(baseline(spec), "gcp")}
    assert applied == set(EDITS)


def test_every_data_bearing_type_is_in_the_table() -> None:
    assert set().union(*DATA_BEARING.values()) == set(FORCES_REPLACEMENT)


@pytest.mark.parametrize("cloud", ("gcp", "azure"))
def test_a_raised_classification_adds_a_key_and_warns(cloud: str) -> None:
    before = _graph("credit-risk.yaml", cloud, None)
    after = _graph("credit-risk.yaml", cloud, "raise-classification")
    assert before is not None and after is not None
    key_type = "gcp:kms/cryptoKey:CryptoKey" if cloud == "gcp" else "azure-native:keyvault:Key"
    if cloud == "gcp":
        # GCP: confidential keeps a software key, so restricted adds an HSM key per key ring.
        assert len(after.of_type(key_type)) == 2 * len(before.of_type(key_type))
        assert [w for w in after.warnings if w.path == "metadata.dataClassification"]
    else:
        # Azure gives confidential data RSA-HSM already: nothing to add, nothing to say.
        assert len(after.of_type(key_type)) == len(before.of_type(key_type))


def test_an_unpinned_key_level_is_warned_in_prod() -> None:
    graph = _graph("credit-risk.yaml", "gcp", None)
    assert graph is not None
    assert [w for w in graph.warnings if w.path == "encryption.keyProtectionLevel"]


# -- planted cases: each row, a deletion, an alias, an on-purpose removal -------------------

def _resource(type_: str, inputs: dict[str, Any], *, urn: str = "urn:pulumi:s::p::t::r", protect: bool = True,
              aliases: tuple[str, ...] = ()) -> RecordedResource:
    return RecordedResource(urn=urn, type=type_, name=urn.rsplit("::", 1)[1], parent=None, dependencies=(),
                            protect=protect, provider=None, custom=True, inputs=inputs, outputs={}, aliases=aliases)


def _nested(path: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    target = out
    *heads, last = path.split(".")
    for head in heads:
        target = target.setdefault(head, {})
    target[last] = value
    return out


def _graph_of(*resources: RecordedResource) -> Graph:
    return Graph(provider="gcp", stack="s", resources=list(resources))


ROWS = [(type_, path) for type_, row in sorted(FORCES_REPLACEMENT.items()) for path in row.paths]


@pytest.mark.parametrize(("type_", "path"), ROWS)
def test_planted_change_of_a_replacing_input_is_caught(type_: str, path: str) -> None:
    before = _resource(type_, _nested(path, "first"))
    after = replace(before, inputs=_nested(path, "second"))
    problems = data_loss(_graph_of(before), _graph_of(after), prod=True)
    assert len(problems) == 1 and problems[0].startswith(f"replaced ({path}:")
    assert data_loss(_graph_of(before), _graph_of(before), prod=True) == []


def test_planted_deletion_and_unaliased_move_are_caught_and_an_aliased_move_is_not() -> None:
    bucket = _resource("gcp:storage/bucket:Bucket", {"name": "b"})
    assert data_loss(_graph_of(bucket), _graph_of(), prod=True) == [f"deleted: {bucket.urn}"]
    moved = replace(bucket, urn="urn:pulumi:s::p::t::moved")
    assert data_loss(_graph_of(bucket), _graph_of(moved), prod=True) == [f"deleted: {bucket.urn}"]
    aliased = replace(moved, aliases=(bucket.urn,))
    assert data_loss(_graph_of(bucket), _graph_of(aliased), prod=True) == []


def test_planted_on_purpose_removal_must_be_protected_in_prod() -> None:
    board = "gcp:vertex/aiTensorboard:AiTensorboard"
    unprotected = _resource(board, {}, protect=False)
    removed = frozenset({board})
    assert data_loss(_graph_of(unprotected), _graph_of(), prod=True, removed_on_purpose=removed) == [
        f"deleted, unprotected in prod: {unprotected.urn}"]
    assert data_loss(_graph_of(unprotected), _graph_of(), prod=False, removed_on_purpose=removed) == []
    protected = replace(unprotected, protect=True)
    assert data_loss(_graph_of(protected), _graph_of(), prod=True, removed_on_purpose=removed) == []
