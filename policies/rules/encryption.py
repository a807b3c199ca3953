"""Customer-managed-key encryption of every place the stack keeps data."""

from __future__ import annotations

from mlopskit.modules.facts import Fact
from mlopskit.policies.context import PolicyContext
from mlopskit.policies.rule import Outcome, not_applicable, require, rule


def _cmk(fact: Fact, what: str, key: str = "cmk") -> Outcome:
    return require(fact, key, f"{what} is not encrypted with a customer-managed key")


@rule("storage-cmk", "Buckets are encrypted with a customer-managed key", ["bucket"])
def storage_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """Artifacts, logs and replicas hold personal data; a CMK keeps revocation in the owner's hands."""
    return _cmk(fact, "bucket")


@rule("container-registry-cmk", "Container registries are encrypted with a customer-managed key", ["container_registry"])
def container_registry_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """Images embed code and sometimes model weights."""
    return _cmk(fact, "container registry")


@rule("model-registry-cmk", "Model registries are encrypted with a customer-managed key", ["model_registry"])
def model_registry_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """Model weights can memorise training data."""
    return _cmk(fact, "model registry")


@rule("endpoint-cmk", "Endpoint storage volumes are encrypted with a customer-managed key", ["endpoint"])
def endpoint_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """Serving volumes hold the model and request buffers. Instances with only hardware-encrypted
    local storage have no volume to key (the provider leaves ``cmk`` absent: not applicable)."""
    return _cmk(fact, "endpoint")


@rule("data-capture-cmk", "Captured requests and responses are encrypted with a customer-managed key", ["endpoint"])
def data_capture_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """Captured payloads are the most sensitive data the stack stores."""
    if not fact.get("captures_data"):
        return not_applicable("no data capture")
    return require(fact, "capture_cmk", "captured data is not encrypted with a customer-managed key")


@rule("monitoring-output-cmk", "Model-monitoring outputs are encrypted with a customer-managed key", ["monitor"])
def monitoring_output_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """Drift reports contain feature statistics of production data."""
    return _cmk(fact, "monitoring output")


@rule("training-cmk", "Training outputs and volumes are encrypted with a customer-managed key", ["training"])
def training_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """Training reads the raw data set and writes the model."""
    return _cmk(fact, "training job")


@rule("batch-output-cmk", "Batch inference output is encrypted with a customer-managed key", ["batch"])
def batch_output_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """Batch predictions are scored personal data at rest, in bulk."""
    return require(fact, "cmk", "batch job output is not encrypted with a customer-managed key")


@rule("workspace-cmk", "ML workspaces are encrypted with a customer-managed key", ["workspace"])
def workspace_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """The workspace stores run history, logs and metadata."""
    return _cmk(fact, "workspace")


@rule("backup-cmk", "Backups are encrypted with a customer-managed key", ["backup"])
def backup_cmk(fact: Fact, context: PolicyContext) -> Outcome:
    """Backups are copies of the data and deserve the same key control."""
    return _cmk(fact, "backup")
