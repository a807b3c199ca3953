"""What each Kubernetes component is in the architecture diagram (modules/diagram.py)."""

from __future__ import annotations

from mlopskit.modules.diagram import DiagramMap

DIAGRAM: DiagramMap = {
    "mlopskit:kubernetes:Namespace": ("platform", "Namespace (Pod Security restricted)"),
    "mlopskit:kubernetes:Training": ("training", "batch/v1 CronJobs"),
    "mlopskit:kubernetes:ArtifactStore": ("artifacts", "S3-compatible bucket (external)"),
    "mlopskit:kubernetes:ContainerRegistry": ("container_registry", "Container registry (external)"),
    "mlopskit:kubernetes:ModelRegistry": ("model_registry", "MLflow Model Registry (external)"),
    "mlopskit:kubernetes:Endpoint": ("endpoint", "KServe InferenceService"),
    "mlopskit:kubernetes:Autoscaling": ("autoscaling", "KServe autoscaler"),
    "mlopskit:kubernetes:Monitoring": ("alarms", "PrometheusRule alerts"),
    "mlopskit:kubernetes:Batch": ("batch", "batch/v1 CronJobs"),
    "mlopskit:kubernetes:Keys": ("keys", "Cluster encryption (operator's)"),
    "mlopskit:kubernetes:Identity": ("identity", "ServiceAccounts and RBAC Roles"),
    "mlopskit:kubernetes:PrivateNetwork": ("network", "NetworkPolicies (default deny)"),
    "mlopskit:kubernetes:Backups": ("backups", "Velero Schedule"),
    "mlopskit:kubernetes:Audit": ("audit", "API server audit (operator's)"),
    "mlopskit:kubernetes:Budget": ("budget", "ResourceQuota and LimitRange"),
}
