"""How azure realises each spec setting in the comparison: native, emulated or unsupported.

The comparison (mlopskit.compare.run) starts from this explicit declaration and lets the build's
own warnings (graph.warnings) downgrade a setting the provider could not honour for a spec.
"""

from __future__ import annotations

from mlopskit.modules.features import Support

FEATURES: dict[str, tuple[Support, str]] = {
    "deployment.strategy: canary/linear": ("emulated", "traffic steps recorded for day-2 tooling; Azure ML does not shift on a timer"),
    "deployment.strategy: blue-green": ("native", "blue/green online deployments with traffic weights"),
    "deployment.strategy: shadow": ("native", "online endpoint mirror traffic"),
    "deployment.autoRollback": ("emulated", "alert rules fire; day-2 tooling moves traffic back"),
    "deployment.waitMinutes": ("emulated", "recorded in tags for day-2 tooling"),
    "autoscaling": ("native", "Azure Monitor autoscale setting on the deployment"),
    "model.sizeGiB": ("native", "a VM size whose GPUs hold the model; probes wait for the model to load"),
    "streaming": ("native", "the online deployment passes the streamed response through, with a 180 s request timeout"),
    "dataCapture": ("native", "online deployment data collector"),
    # The kit's monitor job (providers/azure/monitor_job.py): an Azure ML command-job schedule on a
    # scale-to-zero cluster, with Azure Monitor metric alerts on what it publishes. The managed monitor
    # is opt-in and refused on a private workspace (concept-model-monitoring: no AllowOnlyApprovedOutbound).
    "monitoring.drift": ("kit", "the kit's monitor job: an Azure ML command-job schedule, metric alerts on its custom metrics"),
    "monitoring.quality": ("kit", "the kit's monitor job: an Azure ML command-job schedule, metric alerts on its custom metrics"),
    "monitoring.bias": ("kit", "the kit's monitor job: an Azure ML command-job schedule, metric alerts per facet value"),
    "monitoring.explainability": ("kit", "the kit's monitor job: surrogate-model attribution drift, a metric alert on its nDCG"),
    "training.schedule": ("native", "Azure ML schedule creating a command job"),
    "training.compute.spot": ("native", "low-priority compute cluster nodes"),
    # Issue 31: the continuous pipeline is built on AWS only so far (providers/base.py::continuous_not_built).
    "training.tuning": ("unsupported", "not built by the kit on Azure ML yet: the job trains once per run"),
    "training.evaluation": ("unsupported", "not built by the kit on Azure ML yet: no gate runs"),
    "training.register: automatic approval": ("unsupported", "not built by the kit on Azure ML yet: nothing is registered by the run"),
    "batch": ("native", "an Azure ML batch endpoint and batch deployment on a scale-to-zero cluster"),
    "batch.schedule": ("emulated", "the cron is recorded on the batch endpoint; CI runs `mlopskit batch run` on it"),
    "batch.maxRuntimeMinutes": ("emulated", "Azure ML limits each mini-batch (retry settings timeout), not a run"),
    "batch: private network": ("native", "the batch cluster has no public IPs, inside the workspace's managed network"),
    "experiments": ("native", "the workspace's own MLflow tracking (nothing to create)"),
    "encryption.customerManagedKeys": ("emulated", "Key Vault key on workspace, storage and registry; the ML registry uses Microsoft-managed keys"),
    "registry.containers.scanOnPush": ("unsupported", "needs Microsoft Defender for Containers on the subscription"),
    "registry.containers.immutableTags": ("unsupported", "no registry-wide setting; lock tags in CI"),
    # Geo-redundancy copies artifacts to the location's Azure paired region, whatever
    # placement.azure.backupLocation says; only models and images follow backupLocation.
    "backups.crossRegion": ("emulated", "artifacts copied to the location's paired region (not backupLocation); "
                                        "model registry and image replicas in backupLocation"),
    "network.private": ("native", "private endpoints and a managed network"),
    "access.roles.principals": ("emulated", "needs Entra ID object ids; the kit grants a role identity"),
}
