"""How aws realises each spec setting in the comparison: native, emulated or unsupported.

The comparison (mlopskit.compare.run) starts from this explicit declaration and lets the build's
own warnings (graph.warnings) downgrade a setting the provider could not honour for a spec.
"""

from __future__ import annotations

from mlopskit.modules.features import Support

FEATURES: dict[str, tuple[Support, str]] = {
    "deployment.strategy: canary/linear": ("native", "SageMaker blue/green deployment with canary or linear traffic shifting"),
    "deployment.strategy: blue-green": ("native", "SageMaker blue/green deployment, all at once"),
    "deployment.strategy: shadow": ("native", "the candidate as a SageMaker shadow variant during a rollout"),
    "deployment.autoRollback": ("native", "CloudWatch alarms wired to the deployment's auto-rollback"),
    "deployment.waitMinutes": ("native", "traffic routing wait interval"),
    "autoscaling": ("native", "Application Auto Scaling on the variant's instance count"),
    "model.sizeGiB": ("native", "a hosting type whose GPUs hold the model; longer download and health-check limits on the variant"),
    "streaming": ("native", "InvokeEndpointWithResponseStream on the endpoint (nothing to configure; sagemaker:InvokeEndpoint allows it)"),
    "dataCapture": ("native", "endpoint data capture to S3"),
    # The kit's own monitor job by default (issue 25): SageMaker Model Monitor and Clarify are closed
    # to new customers and are built only with monitoring.engine: managed (with a warning).
    "monitoring.drift": ("kit", "the kit's monitor job (PSI, KS, chi-square, data quality) in a SageMaker pipeline Processing step on an EventBridge schedule; CloudWatch metrics and alarms"),
    "monitoring.quality": ("kit", "the kit's monitor job joins S3 ground truth by id; CloudWatch alarms per metric"),
    "monitoring.bias": ("kit", "the kit's monitor job computes Clarify's post-training bias metrics per facet value; CloudWatch alarms per metric"),
    "monitoring.explainability": ("kit", "the kit's monitor job: surrogate-model permutation importance, nDCG vs the baseline; CloudWatch alarm"),
    "training.schedule": ("native", "EventBridge Scheduler starts a SageMaker pipeline"),
    "training.compute.spot": ("native", "managed spot training"),
    "training.tuning": ("native", "a SageMaker automatic model tuning step (Bayesian or random) in the job's pipeline"),
    "training.evaluation": ("native", "the kit's gate as a SageMaker Processing step on batch-transform predictions of "
                                      "the candidate and the serving model, a Condition step on its evaluation file"),
    "training.register: automatic approval": ("native", "a RegisterModel step approves the version when the gate "
                                                        "passes, registers it rejected when it fails"),
    "batch": ("native", "a SageMaker Batch Transform step in a SageMaker pipeline"),
    "batch.schedule": ("native", "EventBridge Scheduler starts the batch pipeline"),
    "batch.maxRuntimeMinutes": ("emulated", "Batch Transform has no run limit: each model request is capped (InvocationsTimeoutInSeconds)"),
    "batch: private network": ("native", "the transform job runs in its Model's VPC subnets"),
    "experiments": ("native", "SageMaker managed MLflow tracking server, artifacts in the stack bucket"),
    "encryption.customerManagedKeys": ("native", "KMS keys with rotation on every store"),
    "registry.containers.scanOnPush": ("native", "ECR scan on push"),
    "registry.containers.immutableTags": ("native", "ECR immutable tags"),
    "backups.crossRegion": ("native", "AWS Backup copy actions and S3 replication (ECR when a stack owns it)"),
    "network.private": ("native", "VPC with interface endpoints, no internet egress"),
    "access.roles.principals": ("emulated", "IAM Identity Center permission sets bind people via tags"),
}
