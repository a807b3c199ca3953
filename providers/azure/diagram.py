"""What each Azure component and resource is in the architecture diagram (modules/diagram.py)."""

from __future__ import annotations

from mlopskit.modules.diagram import DiagramMap

DIAGRAM: DiagramMap = {
    "mlopskit:azure:Training": ("training", "Azure ML compute cluster"),
    "mlopskit:azure:Training|azure-native:machinelearningservices:Schedule": ("training", "Azure ML schedule"),
    "mlopskit:azure:Storage": ("artifacts", "Azure Blob Storage"),
    "mlopskit:azure:ContainerRegistry": ("container_registry", "Azure Container Registry"),
    "mlopskit:azure:ModelRegistry": ("model_registry", "Azure ML registry"),
    "mlopskit:azure:Endpoint": ("endpoint", "Azure ML online endpoint"),
    # The deployment's data collector writes inputs and outputs to the workspace storage.
    "azure-native:machinelearningservices:OnlineDeployment#properties.dataCollector": (
        "data_capture", "Azure ML data collector"),
    "mlopskit:azure:Autoscaling": ("autoscaling", "Azure Monitor autoscale"),
    "mlopskit:azure:EndpointMonitoring": ("alarms", "Azure Monitor alerts"),
    "azure-native:machinelearningservices:Schedule#properties.action.actionType=CreateMonitor": (
        "monitoring", "Azure ML model monitoring"),
    # The kit's monitor job reads the captures; its alerts watch the metrics it publishes.
    "mlopskit:azure:MonitorJob": ("monitoring", "Azure ML command-job schedule (the kit's monitor job)"),
    "mlopskit:azure:MonitorJob|azure-native:monitor:MetricAlert": ("alarms", "Azure Monitor metric alerts"),
    "mlopskit:azure:EndpointMonitoring|azure-native:monitor:ActionGroup": ("notifications", "Azure Monitor action group"),
    "mlopskit:azure:Monitoring": ("monitoring", "Log Analytics, App Insights"),
    "mlopskit:azure:BatchInference": ("batch", "Azure ML batch endpoint"),
    "mlopskit:azure:Keys": ("keys", "Azure Key Vault"),
    "mlopskit:azure:Identity": ("identity", "Managed identity"),
    "mlopskit:azure:AccessGrants": ("identity", "Azure RBAC"),
    "mlopskit:azure:Network": ("network", "Virtual network, Private Link"),
    "mlopskit:azure:Backups": ("backups", "Azure Backup vault"),
    "mlopskit:azure:Audit": ("audit", "Diagnostic settings"),
    "mlopskit:azure:Budget": ("budget", "Cost Management budget"),
    "mlopskit:azure:Foundation": ("platform", "Resource group"),
    "mlopskit:azure:Workspace": ("platform", "Azure ML workspace"),
}
