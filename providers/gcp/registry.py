"""The Vertex Model Registry as the kit's ModelRegistry: resolve a package version.

A package is a Vertex model (display name); its versions are the model's versions. The
``approved`` version alias marks a version as deployable: ``latest-approved`` is the
newest version carrying it. The same class runs live (a real ModelServiceClient) and
offline (a mocked client seeded with an approved version of every referenced package).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from mlopskit.modules.endpoint import LATEST_APPROVED
from mlopskit.modules.provider import ResolvedModel
from mlopskit.modules.stack import Stack
from mlopskit.providers.gcp.vertex import APPROVED_ALIAS, model_client


class VertexModelRegistry:
    """Looks model versions up in one project's regional Vertex Model Registry."""

    def __init__(self, project: str, region: str, client_factory: Callable[[], Any], offline: bool = False) -> None:
        self.project = project
        self.region = region
        #: True for the seeded registry of an offline preview (never for ``pulumi up``).
        self.offline = offline
        self._client_factory = client_factory
        self._client: Any = None

    @property
    def parent(self) -> str:
        return f"projects/{self.project}/locations/{self.region}"

    def client(self) -> Any:
        # Created on first use: constructing a Google client looks for credentials.
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def resolve(self, package: str, version: int | str) -> ResolvedModel | None:
        """The requested version of ``package`` (a number or ``latest-approved``), or None."""
        client = self.client()
        models = list(client.list_models(request={"parent": self.parent, "filter": f'display_name="{package}"'}))
        if not models:
            return None
        # Several models may share a display name; the oldest one is the package.
        model = sorted(models, key=lambda m: m.name)[0]
        versions = list(client.list_model_versions(request={"name": model.name}))
        if version == LATEST_APPROVED:
            approved = [v for v in versions if APPROVED_ALIAS in list(v.version_aliases)]
            if not approved:
                return None
            chosen = max(approved, key=lambda v: int(v.version_id))
        else:
            chosen = next((v for v in versions if str(v.version_id) == str(version)), None)
            if chosen is None:
                return None
        return ResolvedModel(package=package, version=int(chosen.version_id), reference=f"{model.name}@{chosen.version_id}")


@dataclass(frozen=True)
class SeededModel:
    """The ``aiplatform_v1.Model`` fields an offline registry answers with (proto field names)."""

    name: str
    display_name: str
    version_id: str = ""
    version_aliases: list[str] = field(default_factory=list)


def live_registry(stack: Stack) -> VertexModelRegistry:
    """The registry ``pulumi up`` uses: the real regional ModelServiceClient."""
    placement = stack.placement.gcp
    assert placement is not None
    return VertexModelRegistry(placement.project, placement.region, lambda: model_client(placement.region))


def seeded_client(stack: Stack, project_number: str) -> Any:
    """A mocked ModelServiceClient holding an approved version of every referenced package.

    A pinned version N is seeded with versions 1..N (N approved); ``latest-approved``
    finds the newest approved one. Responses carry the ``aiplatform_v1.Model`` fields the
    registry reads, under their proto names (tests/gcp/test_vertex.py checks them against the
    proto): building real messages would import aiplatform_v1, ~3.5 s of every offline run.
    """
    placement = stack.placement.gcp
    assert placement is not None
    parent = f"projects/{project_number}/locations/{placement.region}"
    wanted: dict[str, set[int]] = {}
    for package, version in stack.registry_models():  # endpoints' and batch jobs'
        wanted.setdefault(package, set()).update({version} if isinstance(version, int) else set())
    models: dict[str, Any] = {}
    versions: dict[str, list[Any]] = {}
    for package, pinned in sorted(wanted.items()):
        model_id = str(int(_digits(package)) % 10**12)
        name = f"{parent}/models/{model_id}"
        models[package] = SeededModel(name=name, display_name=package)
        top = max(pinned | {1})
        versions[name] = [
            SeededModel(
                name=name,
                display_name=package,
                version_id=str(n),
                version_aliases=[APPROVED_ALIAS] if (n == top or n in pinned) else [],
            )
            for n in range(1, top + 1)
        ]

    def list_models(request: dict[str, Any] | None = None, **_: Any) -> list[Any]:
        wanted_filter = (request or {}).get("filter", "")
        return [m for p, m in models.items() if f'display_name="{p}"' == wanted_filter]

    def list_model_versions(request: dict[str, Any] | None = None, **_: Any) -> list[Any]:
        return versions.get((request or {}).get("name", ""), [])

    client = mock.MagicMock(name="ModelServiceClient")
    client.list_models.side_effect = list_models
    client.list_model_versions.side_effect = list_model_versions
    return client


def _digits(text: str) -> str:
    import hashlib

    return str(int(hashlib.sha256(text.encode()).hexdigest()[:12], 16))


@contextmanager
def offline_registry(stack: Stack, project_number: str) -> Iterator[VertexModelRegistry]:
    """The live registry class over a seeded mock client (no network, no credentials)."""
    placement = stack.placement.gcp
    assert placement is not None
    client = seeded_client(stack, project_number)
    yield VertexModelRegistry(placement.project, placement.region, lambda: client, offline=True)
