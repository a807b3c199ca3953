"""Replays the kit's Vertex AI dynamic resources against strict stand-ins of the GAPIC clients.

``StrictClient`` only has the methods the pinned ``google.cloud.aiplatform_v1`` client
class has, binds every call to that method's real signature, and builds the call's
request message (``DeployModelRequest(**kwargs)`` for ``deploy_model``): an unknown
method, argument or field, or a wrong value type, raises exactly as the SDK would.
``FakeVertex`` answers with real aiplatform_v1 messages and enforces the documented
rules the kit must respect (traffic splits sum to 100; a model version can only be
deleted when nothing serves it and it is not the model's only version; a model id is
created once). ``replay`` drives each recorded dynamic resource through create, a
new-version update and delete, and turns every refusal into a ``Violation``.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from google.api_core import exceptions
from google.cloud import aiplatform_v1

from mlopskit.modules.graph import Graph, RecordedResource
from tests.fidelity.args_check import Violation

GAPIC_ARGS = {"retry", "timeout", "metadata"}  # call options every GAPIC method takes
OUTPUT_KEYS = {"__provider", "kind"}


def _camel(snake: str) -> str:
    return "".join(part.title() for part in snake.split("_"))


@dataclass
class _Operation:
    response: Any

    def result(self, timeout: float | None = None) -> Any:
        return self.response


@dataclass
class FakeVertex:
    """Models, versions and deployments of one region, with Vertex's refusal rules."""

    models: dict[str, list[Any]] = field(default_factory=dict)  # model name -> versions (aiplatform_v1.Model)
    deployed: dict[str, dict[str, str]] = field(default_factory=dict)  # endpoint -> deployed id -> model version
    problems: list[str] = field(default_factory=list)
    _next_id: int = 100

    def seed(self, version_name: str) -> None:
        """A registry-resolved version (``<model>@<v>``) that exists before the stack."""
        model, _, version = version_name.partition("@")
        versions = self.models.setdefault(model, [])
        if not any(v.version_id == version for v in versions):
            aliases = ["default"] if not versions else []
            versions.append(aiplatform_v1.Model(name=model, version_id=version, version_aliases=aliases + ["approved"]))

    def _version(self, name: str) -> Any:
        model, _, version = name.partition("@")
        for v in self.models.get(model, []):
            if not version or v.version_id == version or version in list(v.version_aliases):
                return v
        raise exceptions.NotFound(f"{name} not found")

    def _serving(self, version_name: str) -> list[str]:
        return [f"{endpoint}:{i}" for endpoint, models in self.deployed.items() for i, v in models.items() if v == version_name]

    def _split(self, method: str, split: Any, allow_empty: bool = False) -> None:
        if not split and allow_empty:
            return
        total = sum(int(v) for v in split.values())
        if total != 100 or any(int(v) < 0 for v in split.values()):
            self.problems.append(f"{method}: traffic_split {dict(split)} sums to {total}, not 100")

    # -- ModelService ----------------------------------------------------------------------
    def get_model(self, name: str, **_: Any) -> Any:
        model = self._version(name)
        if "@" not in name:
            return self.models[name][0]
        answer = aiplatform_v1.Model.deserialize(aiplatform_v1.Model.serialize(model))
        for serving in self._serving(f"{model.name}@{model.version_id}"):
            endpoint, _, deployed_id = serving.rpartition(":")
            answer.deployed_models.append(aiplatform_v1.DeployedModelRef(endpoint=endpoint, deployed_model_id=deployed_id))
        return answer

    def upload_model(self, parent: str, model: Any, parent_model: str = "", model_id: str = "", **_: Any) -> _Operation:
        if parent_model:
            if parent_model not in self.models:
                raise exceptions.NotFound(f"parent model {parent_model} not found")
            name = parent_model
        else:
            name = f"{parent}/models/{model_id or self._next_id}"
            self._next_id += 1
            if name in self.models:
                raise exceptions.AlreadyExists(f"{name} already exists: upload the new version with parent_model")
        versions = self.models.setdefault(name, [])
        version_id = str(len(versions) + 1)
        aliases = list(model.version_aliases) + ([] if versions else ["default"])
        versions.append(aiplatform_v1.Model(model, name=name, version_id=version_id, version_aliases=aliases))
        return _Operation(aiplatform_v1.UploadModelResponse(model=name, model_version_id=version_id))

    def list_model_versions(self, name: str, **_: Any) -> list[Any]:
        return list(self.models.get(name, []))

    def list_models(self, filter: str = "", **_: Any) -> list[Any]:
        return [v[0] for v in self.models.values() if f'display_name="{v[0].display_name}"' == filter]

    def merge_version_aliases(self, name: str, version_aliases: Any, **_: Any) -> Any:
        target = self._version(name)
        for v in self.models[target.name]:
            kept = [a for a in v.version_aliases if a not in version_aliases]
            v.version_aliases = kept + (list(version_aliases) if v is target else [])
        return target

    def delete_model_version(self, name: str, **_: Any) -> _Operation:
        version = self._version(name)
        versions = self.models[version.name]
        if self._serving(f"{version.name}@{version.version_id}"):
            raise exceptions.FailedPrecondition(f"{name} is deployed: undeploy it first")
        if len(versions) == 1:
            raise exceptions.FailedPrecondition(f"{name} is the model's only version: use DeleteModel")
        if "default" in list(version.version_aliases):
            raise exceptions.FailedPrecondition(f"{name} carries the default alias: move it first")
        versions.remove(version)
        return _Operation(None)

    def delete_model(self, name: str, **_: Any) -> _Operation:
        if any(self._serving(f"{name}@{v.version_id}") for v in self.models.get(name, [])):
            raise exceptions.FailedPrecondition(f"{name} has deployed versions")
        self.models.pop(name, None)
        return _Operation(None)

    # -- EndpointService -------------------------------------------------------------------
    def deploy_model(self, endpoint: str, deployed_model: Any, traffic_split: Any, **_: Any) -> _Operation:
        self._version(deployed_model.model)  # the version must exist
        self._split("deploy_model", traffic_split)
        deployed_id = str(self._next_id)
        self._next_id += 1
        self.deployed.setdefault(endpoint, {})[deployed_id] = deployed_model.model
        return _Operation(aiplatform_v1.DeployModelResponse(deployed_model=aiplatform_v1.DeployedModel(deployed_model, id=deployed_id)))

    def undeploy_model(self, endpoint: str, deployed_model_id: str, traffic_split: Any, **_: Any) -> _Operation:
        models = self.deployed.get(endpoint, {})
        if deployed_model_id not in models:
            raise exceptions.NotFound(f"{deployed_model_id} is not deployed on {endpoint}")
        self._split("undeploy_model", traffic_split, allow_empty=len(models) == 1)
        models.pop(deployed_model_id)
        return _Operation(None)

    def mutate_deployed_model(self, **_: Any) -> _Operation:
        return _Operation(None)

    # -- JobService ------------------------------------------------------------------------
    def create_model_deployment_monitoring_job(self, parent: str, model_deployment_monitoring_job: Any, **_: Any) -> Any:
        return aiplatform_v1.ModelDeploymentMonitoringJob(model_deployment_monitoring_job, name=f"{parent}/modelDeploymentMonitoringJobs/1")

    def pause_model_deployment_monitoring_job(self, name: str, **_: Any) -> None:
        return None

    def delete_model_deployment_monitoring_job(self, name: str, **_: Any) -> _Operation:
        return _Operation(None)


class StrictClient:
    """Only what the real ``client_class`` offers; each request built into its proto."""

    def __init__(self, client_class: type, fake: FakeVertex) -> None:
        self._class = client_class
        self._fake = fake

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._class, name, None)
        if name.startswith("_") or method is None or not callable(method):
            raise AttributeError(f"{self._class.__name__} has no method {name}")

        def call(*args: Any, **kwargs: Any) -> Any:
            inspect.signature(method).bind(self, *args, **kwargs)  # TypeError on an unknown argument
            request_class = getattr(aiplatform_v1, f"{_camel(name)}Request")
            given = kwargs.get("request")
            # ValueError/TypeError on an unknown field or a wrong value type, as in the SDK.
            if given is not None:
                request = given if isinstance(given, request_class) else request_class(given)
            else:
                request = request_class(**{k: v for k, v in kwargs.items() if k not in GAPIC_ARGS})
            fields = {f: getattr(request, f) for f in request_class.meta.fields}
            return getattr(self._fake, name)(**fields)

        return call


def _props(resource: RecordedResource) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in resource.inputs.items() if k not in OUTPUT_KEYS}


def strict_clients(fake: FakeVertex) -> ExitStack:
    """Patch the kit's client factories to strict stand-ins sharing ``fake``."""
    stack = ExitStack()
    for factory, client_class in (("endpoint_client", aiplatform_v1.EndpointServiceClient),
                                  ("model_client", aiplatform_v1.ModelServiceClient),
                                  ("job_client", aiplatform_v1.JobServiceClient)):
        stack.enter_context(mock.patch(f"mlopskit.providers.gcp.vertex.{factory}", lambda _region, c=client_class: StrictClient(c, fake)))
    return stack


def _step(found: list[Violation], resource: RecordedResource, step: str, action: Callable[..., Any], *args: Any) -> Any:
    try:
        return action(*args)
    except Exception as error:  # noqa: BLE001 - every refusal is a finding
        found.append(Violation(resource.name, step, f"{type(error).__name__}: {error}"))
        return None


def _replay_models(found: list[Violation], models: list[RecordedResource]) -> dict[str, tuple[Any, Any]]:
    """Upload each model version, then a new version of it: recorded reference -> both results."""
    from mlopskit.providers.gcp.vertex import VertexModelProvider

    uploaded: dict[str, tuple[Any, Any]] = {}
    for model in models:
        props = _props(model)
        first = _step(found, model, "create", VertexModelProvider().create, dict(props))
        news = {**props, "artifactUri": f"{props.get('artifactUri')}-v2"}
        if first is not None and VertexModelProvider().diff(first.id, first.outs, news).replaces:
            second = _step(found, model, "replace (new version)", VertexModelProvider().create, dict(news))
            uploaded[model.outputs.get("reference")] = (first, second)
    return uploaded


def _versions(found: list[Violation], deployment: RecordedResource, props: dict[str, Any], fake: FakeVertex,
              uploaded: dict[str, tuple[Any, Any]]) -> str:
    """Point ``props`` at the version to deploy first; return the one a rollout moves to."""
    from mlopskit.providers.gcp.registry import VertexModelRegistry

    pair = uploaded.get(props["model"])
    if pair is not None:
        props["model"] = pair[0].outs["reference"]
        return str(pair[1].outs["reference"]) if pair[1] is not None else str(props["model"])
    fake.seed(props["model"])  # a registry-resolved version
    client = StrictClient(aiplatform_v1.ModelServiceClient, fake)
    registry = VertexModelRegistry("project", props["region"], lambda c=client: c)
    _step(found, deployment, "registry lookup", registry.resolve, "package", "latest-approved")
    model, _, version = props["model"].partition("@")
    newer = f"{model}@{int(version or 1) + 1}"
    fake.seed(newer)
    return newer


def _replay_deployments(found: list[Violation], deployments: list[RecordedResource], fake: FakeVertex,
                        uploaded: dict[str, tuple[Any, Any]]) -> None:
    """Deploy, roll out the newer version, then delete (and the model versions after)."""
    from mlopskit.providers.gcp.vertex import DeployedModelProvider, VertexModelProvider

    for deployment in deployments:
        props = _props(deployment)
        reference = props["model"]
        newer = _versions(found, deployment, props, fake, uploaded)
        created = _step(found, deployment, "create", DeployedModelProvider().create, dict(props))
        if created is None:
            continue
        news = {**props, "model": newer}
        updated = _step(found, deployment, "update (new model version)", DeployedModelProvider().update, created.id, created.outs, news)
        pair = uploaded.get(reference)
        if pair is not None and pair[1] is not None:
            # Pulumi deletes the replaced version after the update.
            _step(found, deployment, "delete replaced model version", VertexModelProvider().delete, pair[0].id, pair[0].outs)
        state = updated.outs if updated is not None else created.outs
        _step(found, deployment, "delete", DeployedModelProvider().delete, created.id, state)
        for result in (pair or ())[::-1]:
            if result is not None:
                _step(found, deployment, "destroy model version", VertexModelProvider().delete, result.id, result.outs)


def replay(graph: Graph) -> list[Violation]:
    """Create, roll out a new version, and delete every Vertex dynamic resource of ``graph``."""
    from mlopskit.providers.gcp.vertex import ModelMonitoringJobProvider

    found: list[Violation] = []
    fake = FakeVertex()
    dynamic = [r for r in graph if r.type == "pulumi-python:dynamic:Resource"]
    by_kind = {kind: [r for r in dynamic if r.inputs.get("kind") == kind]
               for kind in ("vertex-model", "vertex-deployed-model", "vertex-model-monitoring-job")}
    with strict_clients(fake):
        uploaded = _replay_models(found, by_kind["vertex-model"])
        _replay_deployments(found, by_kind["vertex-deployed-model"], fake, uploaded)
        for job in by_kind["vertex-model-monitoring-job"]:
            created = _step(found, job, "create", ModelMonitoringJobProvider().create, _props(job))
            if created is not None:
                _step(found, job, "delete", ModelMonitoringJobProvider().delete, created.id, created.outs)
    found.extend(Violation("vertex", "traffic", problem) for problem in fake.problems)
    return found


# Job bodies the kit stores or schedules: (object name suffix, API collection) -> proto.
JOB_BODIES = {("custom-job.json", "customJobs"): "CustomJob",
              ("batch-prediction-job.json", "batchPredictionJobs"): "BatchPredictionJob"}


def check_custom_jobs(graph: Graph) -> list[Violation]:
    """Every stored/scheduled job body parses into its aiplatform_v1 message (REST JSON):
    ``CustomJob`` for training, ``BatchPredictionJob`` for batch inference."""
    import base64
    import json

    from google.protobuf import json_format

    found = []
    for resource in graph:
        for (suffix, collection), message in JOB_BODIES.items():
            body: Any = None
            if resource.type == "gcp:storage/bucketObject:BucketObject" and str(resource.inputs.get("name", "")).endswith(suffix):
                content = resource.inputs.get("content")
                body = content.get("value") if isinstance(content, dict) else content
                where = "content"
            elif resource.type == "gcp:cloudscheduler/job:Job" and re.search(
                    rf"/{collection}$", str((resource.inputs.get("httpTarget") or {}).get("uri", ""))):
                body = base64.b64decode(resource.inputs["httpTarget"]["body"]).decode()
                where = "httpTarget.body"
            if body is None:
                continue
            try:
                json_format.ParseDict(json.loads(body), getattr(aiplatform_v1, message).pb()())
            except (json_format.ParseError, ValueError) as error:
                found.append(Violation(resource.name, where, f"not a {message}: {error}"))
    return found


__all__ = ["FakeVertex", "StrictClient", "check_custom_jobs", "replay", "strict_clients"]
