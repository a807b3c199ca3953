"""How a Kubernetes cluster (KServe, batch/v1, Velero, the Prometheus operator) realises each spec
setting in the comparison: native, emulated or unsupported. The build's warnings may downgrade
one for a given spec (a "declared" setting warns at its field), never upgrade it."""

from __future__ import annotations

from mlopskit.modules.features import Support

FEATURES: dict[str, tuple[Support, str]] = {
    "deployment.strategy: canary/linear": ("native", "KServe canaryTrafficPercent on the InferenceService; later steps by day 2"),
    "deployment.strategy: blue-green": ("emulated", "a new revision at 0% (canaryTrafficPercent), promoted to 100% by day 2"),
    "deployment.strategy: shadow": ("unsupported", "KServe has no traffic mirroring; deployed all-at-once instead"),
    "deployment.autoRollback": ("emulated", "day 2 rolls back on the endpoint's PrometheusRule alerts"),
    "deployment.waitMinutes": ("emulated", "waits between traffic steps in day 2's rollout"),
    "autoscaling": ("native", "KServe predictor min/max replicas scaled on requests per second"),
    "model.sizeGiB": ("emulated", "the pod's GPUs must hold the model (checked against the request; no catalog)"),
    "streaming": ("native", "KServe serves streamed (chunked/SSE) responses through its ingress"),
    "dataCapture": ("emulated", "KServe's request logger posts every request to the operator's capture sink "
                                "(placement.kubernetes.captureSink); no sampling"),
    "monitoring.drift": ("unsupported", "the kit's monitor job is not scheduled on a cluster yet (no KServe capture reader, no Prometheus publisher); `mlopskit monitor run` on exported captures"),
    "monitoring.quality": ("unsupported", "the kit's monitor job is not scheduled on a cluster yet (no KServe capture reader, no Prometheus publisher); `mlopskit monitor run` on exported captures"),
    "monitoring.bias": ("unsupported", "the kit's monitor job is not scheduled on a cluster yet (no KServe capture reader, no Prometheus publisher); `mlopskit monitor run` on exported captures"),
    "monitoring.explainability": ("unsupported", "the kit's monitor job is not scheduled on a cluster yet (no KServe capture reader, no Prometheus publisher); `mlopskit monitor run` on exported captures"),
    "training.schedule": ("native", "batch/v1 CronJob"),
    "training.compute.spot": ("emulated", "node selector and toleration for the operator's spot nodes, retried on loss"),
    # Issue 31: the continuous pipeline is built on AWS only so far (providers/base.py::continuous_not_built).
    "training.tuning": ("unsupported", "not built by the kit on Kubernetes yet: the CronJob trains once per run"),
    "training.evaluation": ("unsupported", "not built by the kit on Kubernetes yet: no gate runs"),
    "training.register: automatic approval": ("unsupported", "not built by the kit on Kubernetes yet: nothing is "
                                                             "registered by the run"),
    "batch": ("emulated", "a batch/v1 CronJob scoring the input folder (suspended: started by `mlopskit batch run`)"),
    "batch.schedule": ("native", "batch/v1 CronJob"),
    "batch.maxRuntimeMinutes": ("native", "the Job's activeDeadlineSeconds"),
    "batch: private network": ("native", "the namespace's default-deny NetworkPolicies apply to batch pods"),
    "experiments": ("native", "the external MLflow tracking server the placement names"),
    "encryption.customerManagedKeys": ("unsupported", "encryption at rest (etcd, volumes) is the cluster operator's, "
                                                      "not a namespace's"),
    "registry.containers.scanOnPush": ("unsupported", "a setting of the external registry, not of the cluster"),
    "registry.containers.immutableTags": ("unsupported", "a setting of the external registry, not of the cluster"),
    "backups.crossRegion": ("emulated", "the Velero BackupStorageLocation the operator declares (not checked)"),
    "network.private": ("native", "default-deny NetworkPolicies plus the stack's flows"),
    "access.roles.principals": ("native", "RoleBindings to users, groups and ServiceAccounts of the namespace"),
}
