"""What each AWS component and resource is in the architecture diagram (modules/diagram.py)."""

from __future__ import annotations

from mlopskit.modules.diagram import DiagramMap

DIAGRAM: DiagramMap = {
    "mlopskit:aws:Training": ("training", "SageMaker Pipelines"),
    "mlopskit:aws:Training|aws:scheduler/schedule:Schedule": ("training", "EventBridge Scheduler"),
    "mlopskit:aws:ArtifactStore": ("artifacts", "Amazon S3"),
    "mlopskit:aws:ContainerRegistry": ("container_registry", "Amazon ECR"),
    "mlopskit:aws:ModelRegistry": ("model_registry", "SageMaker Model Registry"),
    "mlopskit:aws:Endpoint": ("endpoint", "SageMaker real-time endpoint"),
    # Data capture is a setting of the endpoint configuration, written to the artifact bucket.
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration#dataCaptureConfig": (
        "data_capture", "SageMaker Data Capture"),
    "mlopskit:aws:EndpointAutoscaling": ("autoscaling", "Application Auto Scaling"),
    "mlopskit:aws:DriftMonitor": ("monitoring", "SageMaker Model Monitor"),
    "mlopskit:aws:QualityMonitor": ("monitoring", "SageMaker Model Monitor (model quality)"),
    "mlopskit:aws:QualityMonitor|aws:cloudwatch/metricAlarm:MetricAlarm": ("alarms", "CloudWatch alarms"),
    "mlopskit:aws:ClarifyMonitor": ("monitoring", "SageMaker Clarify (bias, explainability)"),
    "mlopskit:aws:ClarifyMonitor|aws:cloudwatch/metricAlarm:MetricAlarm": ("alarms", "CloudWatch alarms"),
    # The kit's own monitor job (docs/monitoring.md): a pipeline Processing step on a schedule,
    # and alarms on the metrics it publishes.
    "mlopskit:aws:MonitorJob": ("monitoring", "SageMaker Pipelines (the kit's monitor job)"),
    "mlopskit:aws:MonitorJob|aws:scheduler/schedule:Schedule": ("monitoring", "EventBridge Scheduler"),
    "mlopskit:aws:MonitorJob|aws:cloudwatch/metricAlarm:MetricAlarm": ("alarms", "CloudWatch alarms"),
    "mlopskit:aws:EndpointMonitoring": ("alarms", "CloudWatch alarms"),
    "mlopskit:aws:EndpointMonitoring|aws:sns/topic:Topic": ("notifications", "Amazon SNS"),
    "mlopskit:aws:EndpointMonitoring|aws:sns/topicSubscription:TopicSubscription": ("notifications", "Amazon SNS"),
    "mlopskit:aws:BatchInference": ("batch", "SageMaker Batch Transform"),
    "mlopskit:aws:BatchInference|aws:scheduler/schedule:Schedule": ("batch", "EventBridge Scheduler"),
    "mlopskit:aws:Experiments": ("training", "SageMaker managed MLflow"),
    "mlopskit:aws:Keys": ("keys", "AWS KMS"),
    "mlopskit:aws:Identity": ("identity", "AWS IAM roles"),
    "mlopskit:aws:PrivateNetwork": ("network", "Amazon VPC"),
    "mlopskit:aws:Backups": ("backups", "AWS Backup"),
    "mlopskit:aws:Backups|aws:s3/bucketReplicationConfig:BucketReplicationConfig": ("backups", "S3 replication"),
    "mlopskit:aws:Audit": ("audit", "AWS CloudTrail"),
    "mlopskit:aws:Budget": ("budget", "AWS Budgets"),
}
