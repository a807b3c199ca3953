"""How gcp realises each spec setting in the comparison: native, emulated or unsupported.

The comparison (mlopskit.compare.run) starts from this explicit declaration and lets the build's
own warnings (graph.warnings) downgrade a setting the provider could not honour for a spec.
"""

from __future__ import annotations

from mlopskit.modules.features import Support

FEATURES: dict[str, tuple[Support, str]] = {
    "deployment.strategy: canary/linear": ("emulated", "traffic split steps applied by the deployment resource"),
    "deployment.strategy: blue-green": ("native", "deploy beside the live model, then move 100% of traffic"),
    "deployment.strategy: shadow": ("unsupported", "Vertex AI has no traffic mirroring; deployed all-at-once instead"),
    "deployment.autoRollback": ("emulated", "alert policies watched by the deployment resource"),
    "deployment.waitMinutes": ("emulated", "waits between traffic steps in the deployment resource"),
    "autoscaling": ("native", "min/max replicas with target utilisation on the deployed model"),
    "model.sizeGiB": ("emulated", "a machine and GPUs that hold the model; start-up limits come from the model upload, not the deployment"),
    "streaming": ("native", "streamRawPredict (SSE) on a dedicated public endpoint or the Private Service Connect one"),
    "dataCapture": ("native", "request-response logging to BigQuery"),
    # The kit's monitor job (a Vertex AI custom job of the kit's image, posted by Cloud Scheduler,
    # reading the BigQuery capture table); Vertex AI model monitoring (v1) drift is the opt-in.
    "monitoring.drift": ("kit", "the kit's monitor job (Vertex AI custom job); Vertex AI model monitoring (v1) drift with monitoring.engine: managed"),
    "monitoring.quality": ("kit", "the kit's monitor job (Vertex AI custom job) joins the ground truth"),
    "monitoring.bias": ("kit", "the kit's monitor job (Vertex AI custom job) computes Clarify's post-training metrics"),
    "monitoring.explainability": ("kit", "the kit's monitor job (Vertex AI custom job): surrogate permutation importance, not Vertex Explainable AI (deprecated, shut down 2027-03-16)"),
    "training.schedule": ("native", "Cloud Scheduler posts a Vertex custom job"),
    "training.compute.spot": ("native", "Spot VMs scheduling strategy"),
    # Issue 31: the continuous pipeline is built on AWS only so far (providers/base.py::continuous_not_built).
    "training.tuning": ("unsupported", "not built by the kit on Vertex AI yet: the job trains once per run"),
    "training.evaluation": ("unsupported", "not built by the kit on Vertex AI yet: no gate runs"),
    "training.register: automatic approval": ("unsupported", "not built by the kit on Vertex AI yet: nothing is registered by the run"),
    "batch": ("native", "a Vertex AI BatchPredictionJob posted by Cloud Scheduler or `mlopskit batch run`"),
    "batch.schedule": ("native", "Cloud Scheduler posts the Vertex batch prediction job"),
    "batch.maxRuntimeMinutes": ("unsupported", "a Vertex batch prediction job has no time limit"),
    "batch: private network": ("unsupported", "Vertex batch prediction jobs cannot join a VPC (use VPC Service Controls)"),
    "experiments": ("native", "Vertex AI Experiments: a TensorBoard instance and the metadata store, under the stack key"),
    "encryption.customerManagedKeys": ("native", "Cloud KMS keys (CMEK) with rotation"),
    "registry.containers.scanOnPush": ("native", "Artifact Analysis scanning (inherited)"),
    "registry.containers.immutableTags": ("native", "Artifact Registry immutable tags"),
    "backups.crossRegion": ("emulated", "Storage Transfer Service copies to a backup-region bucket; no image backup"),
    "network.private": ("native", "VPC peering and Private Service Connect endpoints"),
    "access.roles.principals": ("native", "IAM members granted directly"),
}
