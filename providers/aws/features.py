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
    "monitoring.drift": ("native", "SageMaker Model Monitor data-quality schedule"),
    "monitoring.quality": ("native", "SageMaker Model Monitor model-quality schedule against S3 ground truth, CloudWatch alarms per metric"),
    "monitoring.bias": ("native", "SageMaker Clarify model-bias schedule against S3 ground truth, CloudWatch alarms per metric"),
    "monitoring.explainability": ("native", "SageMaker Clarify model-explainability (SHAP attribution drift) schedule"),
    "training.schedule": ("native", "EventBridge Scheduler starts a SageMaker pipeline"),
    "training.compute.spot": ("native", "managed spot training"),
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
