"""The model registry on a cluster: the MLflow tracking server the placement names.

Read through MLflow's REST API (mlflow.org/docs/latest/rest-api.html): a version is deployable
when it carries the alias ``approved`` (``latest-approved``: the version that alias points to;
a pinned version: that version, if it carries it). The reference KServe serves is the version's
``source``, its artifacts' storage URI. A preview asks a seeded stand-in through the same class.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mlopskit.modules.endpoint import LATEST_APPROVED
from mlopskit.modules.provider import ResolvedModel
from mlopskit.modules.stack import Stack
from mlopskit.providers.kubernetes.target import NAME, KubernetesPlacement

APPROVED_ALIAS = "approved"
TIMEOUT_S = 30
#: (REST path below /api/2.0/mlflow/, query) -> the JSON answer, or None for a 404
Fetch = Callable[[str, dict[str, str]], "dict[str, Any] | None"]


class MlflowRegistry:
    """``ModelRegistry`` over an MLflow server."""

    def __init__(self, fetch: Fetch, offline: bool = False) -> None:
        self._fetch = fetch
        self.offline = offline

    def resolve(self, package: str, version: int | str) -> ResolvedModel | None:
        if version == LATEST_APPROVED:
            found = self._fetch("registered-models/alias", {"name": package, "alias": APPROVED_ALIAS})
        else:
            found = self._fetch("model-versions/get", {"name": package, "version": str(version)})
        model = (found or {}).get("model_version")
        if not model or APPROVED_ALIAS not in model.get("aliases", [APPROVED_ALIAS] if version == LATEST_APPROVED else []):
            return None
        return ResolvedModel(package, int(model["version"]), str(model["source"]))


def http_fetch(tracking_uri: str) -> Fetch:
    """GET ``<tracking_uri>/api/2.0/mlflow/<path>?<query>``; a 404 (no such model or alias) is None."""

    def fetch(path: str, query: dict[str, str]) -> dict[str, Any] | None:
        url = f"{tracking_uri.rstrip('/')}/api/2.0/mlflow/{path}?{urllib.parse.urlencode(query)}"
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 - the spec's https/http URI
                return dict(json.load(response))
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise

    return fetch


def _placement(stack: Stack) -> KubernetesPlacement:
    placement = stack.placement.of(NAME, KubernetesPlacement)
    assert placement is not None
    return placement


def live_registry(stack: Stack) -> MlflowRegistry:
    return MlflowRegistry(http_fetch(_placement(stack).mlflow_tracking_uri))


def seeded_fetch(stack: Stack) -> Fetch:
    """A stand-in answering as an MLflow server holding, per referenced package, versions 1..N
    (N the highest pinned, at least 1), each pinned one and N carrying the ``approved`` alias."""
    placement = stack.placement.of(NAME, KubernetesPlacement)
    if placement is None:
        return lambda path, query: None  # not placed on a cluster: a registry holding nothing
    bucket = placement.artifact_bucket.rstrip("/")
    wanted: dict[str, set[int]] = {}
    for package, pinned in stack.registry_models():
        wanted.setdefault(package, set()).update({pinned} if isinstance(pinned, int) else set())

    def version(package: str, number: int) -> dict[str, Any]:
        top = max(wanted[package] | {1})
        aliases = [APPROVED_ALIAS] if number == top or number in wanted[package] else []
        return {"name": package, "version": str(number), "aliases": aliases,
                "source": f"{bucket}/mlflow/{package}/{number}/artifacts/model"}

    def fetch(path: str, query: dict[str, str]) -> dict[str, Any] | None:
        package = query.get("name", "")
        if package not in wanted:
            return None
        top = max(wanted[package] | {1})
        if path == "registered-models/alias":
            return {"model_version": version(package, top)}
        number = int(query.get("version", "0"))
        return {"model_version": version(package, number)} if 1 <= number <= top else None

    return fetch


@contextmanager
def offline_registry(stack: Stack) -> Iterator[MlflowRegistry]:
    yield MlflowRegistry(seeded_fetch(stack), offline=True)
