"""What each GCP component and resource is in the architecture diagram (modules/diagram.py)."""

from __future__ import annotations

from mlopskit.modules.diagram import DiagramMap

DIAGRAM: DiagramMap = {
    "mlopskit:gcp:Training": ("training", "Vertex AI custom jobs"),
    "mlopskit:gcp:Training|gcp:cloudscheduler/job:Job": ("training", "Cloud Scheduler"),
    "mlopskit:gcp:Storage": ("artifacts", "Cloud Storage"),
    "mlopskit:gcp:ContainerRegistry": ("container_registry", "Artifact Registry"),
    "mlopskit:gcp:ModelRegistry": ("model_registry", "Vertex AI Model Registry"),
    "mlopskit:gcp:Endpoint": ("endpoint", "Vertex AI endpoint"),
    # Request-response logging of the endpoints lands in this BigQuery dataset (a table each).
    "mlopskit:gcp:Storage|gcp:bigquery/dataset:Dataset": ("data_capture", "BigQuery request-response logging"),
    "mlopskit:gcp:Autoscaling": ("autoscaling", "Vertex AI autoscaling"),
    # The deployed model is the endpoint's serving compute (its machines are what the endpoint costs),
    # as AWS's endpoint configuration and Azure's deployment are: it sits in the Autoscaling component
    # only because Vertex sets the replica range on it. Its replica range is drawn as the autoscaling part.
    "pulumi-python:dynamic:Resource#kind=vertex-deployed-model": ("endpoint", "Vertex AI deployed model"),
    "pulumi-python:dynamic:Resource#maxReplicaCount": ("autoscaling", "Vertex AI autoscaling"),
    "mlopskit:gcp:Monitoring": ("alarms", "Cloud Monitoring alert policies"),
    "pulumi-python:dynamic:Resource#kind=vertex-model-monitoring-job": ("monitoring", "Vertex AI Model Monitoring"),
    "mlopskit:gcp:Monitoring|gcp:monitoring/notificationChannel:NotificationChannel": ("notifications", "Cloud Monitoring channels"),
    # The kit's monitor job: its stored CustomJob and Cloud Scheduler job, and its alert policies.
    "mlopskit:gcp:MonitorJob": ("monitoring", "Vertex AI custom job (the kit's monitor job)"),
    "mlopskit:gcp:MonitorJob|gcp:cloudscheduler/job:Job": ("monitoring", "Cloud Scheduler"),
    "mlopskit:gcp:MonitorJob|gcp:monitoring/alertPolicy:AlertPolicy": ("alarms", "Cloud Monitoring alert policies"),
    "mlopskit:gcp:BatchInference": ("batch", "Vertex AI batch prediction"),
    "mlopskit:gcp:BatchInference|gcp:cloudscheduler/job:Job": ("batch", "Cloud Scheduler"),
    "mlopskit:gcp:Experiments": ("training", "Vertex AI Experiments (TensorBoard)"),
    "mlopskit:gcp:Keys": ("keys", "Cloud KMS"),
    "mlopskit:gcp:Identity": ("identity", "IAM service accounts"),
    "mlopskit:gcp:Network": ("network", "VPC network"),
    "mlopskit:gcp:Backups": ("backups", "Storage Transfer Service"),
    "mlopskit:gcp:Audit": ("audit", "Cloud Audit Logs"),
    "mlopskit:gcp:Budget": ("budget", "Cloud Billing budget"),
    "mlopskit:gcp:Services": ("platform", "Service Usage (APIs)"),
}
