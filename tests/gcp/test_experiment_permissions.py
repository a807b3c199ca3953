"""Issue 26 row 4: the `experiments.write` custom role holds what `aiplatform.start_run()` calls.

Each row names the MetadataService call, the installed google-cloud-aiplatform source that
makes it on the start_run path, and the permission the Vertex AI REST reference lists for
that method ("IAM Permissions" section of projects.locations.metadataStores.* methods).
The source check keeps the table honest against the installed SDK: a row whose call the SDK
no longer makes fails, as does a permission missing from the role.
"""

from __future__ import annotations

from pathlib import Path

import google.cloud.aiplatform.metadata as metadata_package
import pytest

from mlopskit.providers.gcp.identity import CUSTOM_ROLES

SDK = Path(metadata_package.__file__).parent

# (call as written in the SDK source, file under google/cloud/aiplatform/metadata/, permission)
START_RUN_CALLS = [
    ("context.Context.list(", "experiment_resources.py", "aiplatform.contexts.list"),  # the experiment lookup
    ("client.create_context(", "context.py", "aiplatform.contexts.create"),  # the run's context
    ("client.update_context(", "context.py", "aiplatform.contexts.update"),  # params, metrics, state
    ("self.api_client.add_context_children(", "context.py", "aiplatform.contexts.addContextChildren"),
    ("self.api_client.add_context_artifacts_and_executions(", "context.py",
     "aiplatform.contexts.addContextArtifactsAndExecutions"),  # the TensorBoard run artifact
    ("client.create_artifact(", "artifact.py", "aiplatform.artifacts.create"),
    ('_getter_method = "get_artifact"', "artifact.py", "aiplatform.artifacts.get"),
    ("client.update_artifact(", "artifact.py", "aiplatform.artifacts.update"),
    ("api_client.create_metadata_store(", "metadata_store.py", "aiplatform.metadataStores.create"),
    ('_getter_method = "get_metadata_store"', "metadata_store.py", "aiplatform.metadataStores.get"),
]


@pytest.mark.parametrize("call,source,permission", START_RUN_CALLS, ids=[c[2] for c in START_RUN_CALLS])
def test_the_writer_role_holds_what_start_run_calls(call: str, source: str, permission: str) -> None:
    assert call in (SDK / source).read_text(), f"the installed SDK no longer makes {call} in {source}"
    assert permission in CUSTOM_ROLES["experimentWriter"]


def test_start_run_joins_the_run_to_its_experiment() -> None:
    # The path itself: start_run -> ExperimentRun.create -> _associate_to_experiment -> add_context_children.
    run = (SDK / "experiment_run_resource.py").read_text()
    assert "experiment_run._associate_to_experiment(experiment)" in run
    assert "self._metadata_context.add_context_children([context])" in (SDK / "experiment_resources.py").read_text()
