"""Names of a GCP stack's resources, as the Vertex AI provider gives them.

The provider derives them in ``GcpContext`` (bucket names, service accounts),
``providers/gcp/build.py`` (which calls ``endpoint_id`` here) and its components (display names); the
day-2 commands find live resources by the same names from here. ``tests/ops/test_gcp_ops.py``
checks them against a preview of the provider. (GcpContext could call these functions.)
"""

from __future__ import annotations

from mlopskit.modules.naming import compact, short_hash
from mlopskit.modules.stack import Stack

APPROVED_ALIAS = "approved"  # providers.gcp.vertex.APPROVED_ALIAS


def endpoint_id(project: str, stack: Stack, endpoint: str) -> str:
    """Deterministic numeric Vertex endpoint id (10 digits, no leading zero)."""
    return str(int(short_hash(project, stack.name, endpoint, length=12), 16) % 9_000_000_000 + 1_000_000_000)


def endpoint_resource(project: str, region: str, stack: Stack, endpoint: str) -> str:
    return f"projects/{project}/locations/{region}/endpoints/{endpoint_id(project, stack, endpoint)}"


def deployed_display_name(stack: Stack, endpoint: str) -> str:
    return f"{stack.name}-{endpoint}"


def alert_display_name(stack: Stack, endpoint: str, kind: str) -> str:
    """``latency`` or ``errors``: the rollback alarms."""
    return f"{stack.name}-{endpoint}-{kind}"


def bucket(project: str, stack: Stack, purpose: str) -> str:
    """``artifacts`` or ``backups``: globally unique within GCS's 63 characters."""
    return compact(f"{stack.name}-{purpose}-{short_hash(project, stack.name, purpose)}", 63)


def batch_job_object(job: str) -> str:
    """The BatchPredictionJob body the BatchInference component stores in the artifacts bucket."""
    return f"batch-jobs/{job}/batch-prediction-job.json"


def job_spec_object(job: str) -> str:
    """The CustomJob body the Training component stores in the artifacts bucket."""
    return f"training/{job}/custom-job.json"


def service_account(project: str, stack: Stack, purpose: str) -> str:
    raw = f"{stack.name}-{purpose}".rstrip("-")
    account = raw if len(raw) <= 30 else compact(raw, 30)
    return f"{account}@{project}.iam.gserviceaccount.com"


def restore_prefix(stamp: str) -> str:
    """Where `backup verify` restores inside the backup bucket (scratch, deleted after)."""
    return f"restore-check/{stamp}/"


def steps_label(steps: list[int]) -> str:
    """Traffic steps as a GCP label value (at most 63 characters): ``10_100``, or for many
    equal steps (linear at 1%) ``1_by_1_to_100``."""
    joined = "_".join(str(s) for s in steps)
    if len(joined) <= 63:
        return joined
    return f"{steps[0]}_by_{steps[1] - steps[0]}_to_{steps[-1]}"
