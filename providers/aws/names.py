"""Physical names of an AWS stack's resources, as the provider gives them.

The provider builds these names with ``ctx.name(...)`` and this module (see ``providers/aws/build.py``
and its components); the day-2 commands find the live resources by the same names from here.
``tests/ops/test_aws_names.py`` checks every name against a preview of the provider, so the
two cannot drift apart. (The provider could import this module instead of repeating them.)
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from mlopskit.modules.endpoint import Endpoint
from mlopskit.modules.naming import compact, logical
from mlopskit.modules.stack import Stack

if TYPE_CHECKING:  # `validate` reads these names without the Pulumi SDK
    import pulumi

SAGEMAKER_MAX = 63  # EndpointName, MonitoringJobDefinitionName, ...: at most 63 characters
BUCKET_MAX = 63  # S3 bucket names
ACCOUNT_SUFFIX = 13  # "-" + 12-digit account id

PRIMARY_VARIANT = "primary"
SHADOW_VARIANT = "shadow"  # providers.aws.endpoint.SHADOW_VARIANT
CANDIDATE_VARIANT = "candidate"  # the day-2 rollout's second production variant
PREVIOUS_CONFIG_TAG = "mlopskit:previous-config"  # endpoint tag: what `rollback` restores


def sagemaker(*parts: str) -> str:
    """A SageMaker resource name within 63 characters (a stable hash replaces the overflow)."""
    return compact(logical(*parts), SAGEMAKER_MAX)


def endpoint(stack: Stack, spec: Endpoint) -> str:
    return sagemaker(stack.name, spec.name)


def drift_job(endpoint_name: str) -> str:
    """The data-quality job definition and monitoring schedule of an endpoint."""
    return sagemaker(endpoint_name, "drift")


def bucket(stack: Stack, purpose: str, account: str) -> str:
    """``<stack>-<purpose>-<account>`` within S3's 63 characters; the account id stays whole."""
    return f"{compact(logical(stack.name, purpose), BUCKET_MAX - ACCOUNT_SUFFIX)}-{account}"


# Variants that get alarms: the serving one and the day-2 rollout's candidate.
ALARM_VARIANTS = (PRIMARY_VARIANT, CANDIDATE_VARIANT)
_ALARM_SUFFIXES = {"latency": "latency-p99", "errors": "error-rate"}


def alarm(endpoint_name: str, kind: str, variant: str = PRIMARY_VARIANT) -> str:
    """``<endpoint>-latency-p99`` for the primary variant, ``<endpoint>-candidate-latency-p99`` else."""
    suffix = _ALARM_SUFFIXES[kind]
    return f"{endpoint_name}-{suffix}" if variant == PRIMARY_VARIANT else f"{endpoint_name}-{variant}-{suffix}"


def alarms(stack: Stack, spec: Endpoint) -> list[str]:
    """The endpoint's CloudWatch alarms, in the provider's order (variant, then latency, errors)."""
    name = endpoint(stack, spec)
    return [alarm(name, kind, variant) for variant in ALARM_VARIANTS for kind in spec.alarm_kinds]


def pipeline(stack: Stack, job: str) -> str:
    return logical(stack.name, job)


def batch_pipeline(stack: Stack, job: str) -> str:
    """The batch job's pipeline (``<stack>-batch-<job>``), what its schedule and `batch run` start."""
    return logical(stack.name, "batch", job)


def role(stack: Stack, purpose: str) -> str:
    """``training``, ``inference``, ``monitoring``, ``pipeline``, ``scheduler``, ``backup``."""
    return logical(stack.name, purpose)


def artifacts_bucket(stack: Stack, account: str) -> str:
    return bucket(stack, "artifacts", account)


def replica_bucket(stack: Stack, account: str) -> str:
    return bucket(stack, "replica", account)


def restore_bucket(stack: Stack, account: str) -> str:
    """Scratch bucket `backup verify` restores into (and deletes afterwards)."""
    return bucket(stack, "restore-check", account)


def vault(stack: Stack) -> str:
    return logical(stack.name, "vault")


def model_package_group(package: str) -> str:
    return package


def rollout_resource(endpoint_name: str, version: str, stamp: str) -> str:
    """Model and endpoint-config names of a rollout; they start with the stack prefix, which
    the provider's inference and deployer policies are scoped to."""
    return f"{endpoint_name}-v{version}-{stamp}"[:63].rstrip("-")


def scalable_target(endpoint_name: str, variant: str = PRIMARY_VARIANT) -> str:
    return f"endpoint/{endpoint_name}/variant/{variant}"


def quality_job(endpoint_name: str) -> str:
    """The model-quality job definition and monitoring schedule of an endpoint."""
    return sagemaker(endpoint_name, "quality")


def tracking_server(prefix: str) -> str:
    """The stack's MLflow tracking server."""
    return sagemaker(prefix, "experiments")


def clarify_job(endpoint_name: str, kind: str) -> str:
    """The Clarify (``kind`` bias or explainability) job definition and monitoring schedule of an endpoint."""
    return sagemaker(endpoint_name, kind)


def content_name(base: str, content: pulumi.Input[object]) -> pulumi.Output[str]:
    """``<base>-<digest>`` within 63 characters, the digest taken over everything that forces a
    replacement. Immutable SageMaker resources (models, endpoint configs, monitoring job
    definitions: none has an update call) get a new name exactly when they are replaced, so
    Pulumi can create the new one before deleting the old (create-before-delete), and the same
    spec always yields the same name."""
    import pulumi

    digest = lambda value: hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:8]  # noqa: E731
    head = compact(base, SAGEMAKER_MAX - 9)
    return pulumi.Output.from_input(content).apply(lambda value: f"{head}-{digest(value)}")


#: Pipeline parameter of a gate that compares against an endpoint: the serving model package the
#: candidate must beat. Its default is the version the spec's endpoint resolves to when the stack is
#: deployed; `mlopskit train` passes the one serving now (a rollout may have moved it since).
SERVING_PARAMETER = "ServingModelPackage"
