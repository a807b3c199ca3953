"""Azure resource types -> cost components (priced by mlopskit.cost from providers/catalog/prices/azure.csv).

Every custom resource type the Azure provider records is either in ``COMPONENTS`` or in ``FREE``
with a reason. Azure ML bills managed online deployments and compute clusters at the VM price.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from mlopskit.modules import monitor_job
from mlopskit.modules.cost import DAYS_PER_MONTH, HOURS_PER_MONTH, CostComponent, CostContext, Handler, PriceKey
from mlopskit.modules.graph import RecordedResource
from mlopskit.providers.catalog.resolver import catalog


def _key(ctx: CostContext, service: str, sku: str, region: str | None = None) -> PriceKey:
    return PriceKey("azure", service, sku, region or ctx.region)


def _region(resource: RecordedResource, ctx: CostContext) -> str:
    return str(resource.inputs.get("location") or ctx.region)


def _usage(ctx: CostContext, key: str, name: str, unit: str, price: PriceKey) -> CostComponent:
    return CostComponent(name, unit, ctx.usage.get(key), price, usage_key=key)


def _iso_minutes(duration: str, default: Decimal) -> Decimal:
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", duration or "")
    if not match:
        return default
    return Decimal(int(match.group(1) or 0) * 60 + int(match.group(2) or 0))


def _compute_name(properties: object) -> str | None:
    """The compute cluster a job (or a scheduled job's definition) runs on."""
    props = properties if isinstance(properties, dict) else {}
    definition = props.get("action", {}).get("jobDefinition", props)
    path, _, name = str(definition.get("computeId", "")).rpartition("/")
    return name if path.endswith("/computes") else None


def online_deployment(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """sku.capacity instances x 730 h; the maximum comes from the deployment's autoscale setting."""
    instance = str(resource.inputs.get("properties", {}).get("instanceType"))
    count = Decimal(str(resource.inputs.get("sku", {}).get("capacity", 1)))
    node = ctx.endpoint_of(resource)
    top = count
    for setting in ([node.scaling] if node is not None and node.scaling is not None else []):
        top = max((Decimal(str(p.get("capacity", {}).get("maximum", count))) for p in setting.inputs.get("profiles", [])),
                  default=count)
    return [CostComponent(f"Instance usage (pay-as-you-go, {instance})", "hours", count * HOURS_PER_MONTH,
                          _key(ctx, "azureml-vm", instance, _region(resource, ctx)), top * HOURS_PER_MONTH, hourly=True)]


def compute(resource: RecordedResource, ctx: CostContext) -> list[CostComponent] | str:
    """A scale-to-zero cluster: nodes x runs per month x job timeout, for the job that targets it."""
    props = resource.inputs.get("properties", {}).get("properties", {})
    vm = str(props.get("vmSize"))
    low_priority = props.get("vmPriority") == "LowPriority"
    name = resource.inputs.get("computeName")
    if ctx.batch_of(resource) is not None:
        return "a batch job's cluster: its runs are priced on the batch deployment"
    job = ctx.training_of(resource)
    if job is None:
        nodes = Decimal(str(props.get("scaleSettings", {}).get("minNodeCount", 0)))
        if not nodes:
            # The kit monitor job's cluster among them: its runs are priced on its schedule.
            return "a cluster with no training job and zero minimum nodes runs no VMs (a monitor job's runs are priced on its schedule)"
        return [CostComponent(f"Idle nodes ({vm})", "hours", nodes * HOURS_PER_MONTH, _key(ctx, "azureml-vm", vm), hourly=True)]
    nodes = Decimal(str(props.get("scaleSettings", {}).get("maxNodeCount", job.compute.count)))
    timeout = _timeout_minutes(ctx, name) or Decimal(job.max_runtime_minutes)
    runs = ctx.runs_per_month(job.schedule)
    hours = runs * nodes * timeout / Decimal(60) if runs is not None else None
    service = "azureml-vm-low-priority" if low_priority else "azureml-vm"
    label = "low-priority" if low_priority else "dedicated"
    return [CostComponent(f"Training node usage ({label}, {vm})", "hours", hours, _key(ctx, service, vm, _region(resource, ctx)))]


BATCH_DEPLOYMENT = "azure-native:machinelearningservices:BatchDeployment"


def batch_deployment(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """A batch job's runs: the nodes of its cluster (beside it) for the spec's max runtime per run."""
    node = ctx.topology.batch_of(resource.urn) if ctx.topology is not None else None
    clusters = node.all("cluster") if node is not None else ()
    vm = str(clusters[0].inputs.get("properties", {}).get("properties", {}).get("vmSize")) if clusters else "unknown"
    price = _key(ctx, "azureml-vm", vm, _region(resource, ctx))
    job = ctx.batch_of(resource)
    if job is None:
        return [CostComponent(f"Batch node usage (dedicated, {vm})", "hours", None, price)]
    return ctx.batch_lines(job, "dedicated", vm, price)


def _timeout_minutes(ctx: CostContext, compute_name: object) -> Decimal | None:
    """The command timeout of the job (or scheduled job) that runs on ``compute_name``."""
    for type_ in ("azure-native:machinelearningservices:Job", "azure-native:machinelearningservices:Schedule"):
        for resource in ctx.graph.grouped(type_, "properties", _compute_name).get(str(compute_name), [])[:1]:
            props = resource.inputs.get("properties", {})
            definition = props.get("action", {}).get("jobDefinition", props)
            return _iso_minutes(str(definition.get("limits", {}).get("timeout", "")), Decimal(60))
    return None


@cache
def spark_vcores(instance: str) -> Decimal | None:
    """vCores of a serverless Spark size, from the instance catalog: Azure ML names its Spark sizes
    after the VM sizes in lowercase (``standard_e4s_v3``: Standard_E4s_v3, 4 vCPUs; the Azure ML
    serverless Spark page lists 4/8/16/32/64 cores for standard_e4s_v3 ... standard_e64s_v3; not
    re-checked against a stored page here). None (quantity unknown, never a guess) when the
    catalog lacks the size."""
    row = next((r for r in catalog() if r.cloud == "azure" and r.name.lower() == instance.lower()), None)
    return Decimal(row.vcpu) if row is not None else None


def _cluster_vm(ctx: CostContext, compute_name: str | None) -> str:
    """The VM size of the cluster called ``compute_name`` in the recorded graph."""
    for resource in ctx.graph.of_type("azure-native:machinelearningservices:Compute"):
        if resource.inputs.get("computeName") == compute_name:
            return str(resource.inputs.get("properties", {}).get("properties", {}).get("vmSize"))
    return "unknown"


def _monitor_job(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """The kit's monitor job (a command job on its own scale-to-zero cluster): one node for at most the
    job's timeout per run, runs from the endpoint's monitor schedule (modules/monitor_job.py).

    Its custom metrics are not priced: Azure Monitor bills custom metrics ingestion per sample, and the
    price catalog (providers/catalog/prices/azure.csv) holds no such price; not guessed here."""
    definition = resource.inputs.get("properties", {}).get("action", {}).get("jobDefinition", {})
    vm = _cluster_vm(ctx, _compute_name(resource.inputs.get("properties")))
    price = _key(ctx, "azureml-vm", vm)
    node = ctx.endpoint_of(resource)
    if node is None:  # not an endpoint's monitor job: its runs are unknown
        return [CostComponent(f"Monitor job node usage (dedicated, {vm})", "hours", None, price)]
    runs = monitor_job.RUNS_PER_MONTH[monitor_job.schedule(ctx.stack.endpoints[node.index])]
    minutes = _iso_minutes(str(definition.get("limits", {}).get("timeout", "")), Decimal(60))
    nodes = Decimal(str(definition.get("resources", {}).get("instanceCount", 1)))
    return [CostComponent(f"Monitor job node usage (dedicated, {vm})", "hours", runs * nodes * minutes / Decimal(60), price)]


def schedule(resource: RecordedResource, ctx: CostContext) -> list[CostComponent] | str:
    action = resource.inputs.get("properties", {}).get("action", {})
    if action.get("actionType") == "CreateJob" and monitor_job.SIGNALS_TAG in (action.get("jobDefinition", {}).get("tags") or {}):
        return _monitor_job(resource, ctx)
    if action.get("actionType") != "CreateMonitor":
        return "billed through the compute cluster its jobs run on"
    spark = action.get("monitorDefinition", {}).get("computeConfiguration", {})
    instance = str(spark.get("instanceType"))
    vcores = spark_vcores(instance)
    hours = ctx.usage.get("monitoring.sparkHoursPerRun")
    hourly = (resource.inputs.get("properties", {}).get("trigger") or {}).get("frequency") == "Hour"
    runs = HOURS_PER_MONTH if hourly else DAYS_PER_MONTH
    quantity = hours * vcores * runs if hours is not None and vcores is not None else None
    return [CostComponent(f"Serverless Spark ({instance}, {'hourly' if hourly else 'daily'} monitoring run)", "vCore-hours", quantity,
                          _key(ctx, "synapse-spark", "vcore"), usage_key="monitoring.sparkHoursPerRun")]


_REDUNDANCY = {"Standard_LRS": "hot-lrs", "Standard_GRS": "hot-grs", "Standard_RAGRS": "hot-ragrs", "Standard_ZRS": "hot-zrs",
               "Standard_GZRS": "hot-gzrs", "Standard_RAGZRS": "hot-ragzrs"}


def storage_account(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    sku = str(resource.inputs.get("sku", {}).get("name", "Standard_LRS"))
    tier = _REDUNDANCY.get(sku, sku.lower())
    components = [_usage(ctx, "storage.artifactsGb", f"Blob storage ({tier})", "GB-months", _key(ctx, "blob", tier))]
    if "GRS" in sku or "GZRS" in sku:
        components.append(_usage(ctx, "transfer.crossRegionReplicationGb", "Geo-replication data transfer", "GB",
                                 _key(ctx, "network", "geo-replication-transfer")))
    return components


def registry(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    sku = str(resource.inputs.get("sku", {}).get("name", "Basic"))
    return [CostComponent(f"Registry ({sku})", "days", DAYS_PER_MONTH, _key(ctx, "container-registry", sku))]


def replication(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    region = _region(resource, ctx)
    return [
        CostComponent(f"Geo-replication ({region})", "days", DAYS_PER_MONTH, _key(ctx, "container-registry", "geo-replication", region)),
        _usage(ctx, "registry.containerImagesGb", f"Replication transfer ({ctx.region} -> {region})", "GB",
               _key(ctx, "network", "geo-replication-transfer")),
    ]


def ml_registry(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """An Azure ML registry creates a container registry and a storage account in every region it lists."""
    components = []
    for detail in resource.inputs.get("regionDetails", []):
        region = str(detail.get("location", ctx.region))
        for acr in detail.get("acrDetails", []):
            sku = str(acr.get("systemCreatedAcrAccount", {}).get("acrAccountSku", "Premium"))
            components.append(CostComponent(f"System container registry ({sku}, {region})", "days", DAYS_PER_MONTH,
                                            _key(ctx, "container-registry", sku, region)))
        for account in detail.get("storageAccountDetails", []):
            sku = str(account.get("systemCreatedStorageAccount", {}).get("storageAccountType", "Standard_LRS"))
            tier = _REDUNDANCY.get(sku, sku.lower())
            components.append(CostComponent(f"System model storage ({tier}, {region})", "GB-months", None,
                                            _key(ctx, "blob", tier, region)))
    return components


def vault(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [_usage(ctx, "keys.requests10k", "Operations", "10k operations", _key(ctx, "key-vault", "operations"))]


def key(resource: RecordedResource, ctx: CostContext) -> list[CostComponent] | str:
    props = resource.inputs.get("properties", {})
    components = []
    if str(props.get("kty", "")).endswith("-HSM"):
        components.append(CostComponent("HSM-protected key", "months", Decimal(1), _key(ctx, "key-vault", "hsm-key")))
    for action in props.get("rotationPolicy", {}).get("lifetimeActions", []):
        if action.get("action", {}).get("type") == "rotate":
            match = re.fullmatch(r"P(\d+)D", str(action.get("trigger", {}).get("timeAfterCreate", "")))
            if match:
                components.append(CostComponent("Automated key rotation", "rotations",
                                                Decimal(365) / Decimal(12) / Decimal(match.group(1)),
                                                _key(ctx, "key-vault", "automated-rotation")))
    return components or "a software key is billed per operation on its vault"


def log_workspace(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [
        _usage(ctx, "logs.ingestedGb", "Log data ingestion (Analytics logs)", "GB", _key(ctx, "log-analytics", "ingestion")),
        _usage(ctx, "logs.retainedGb", "Retention beyond 31 days", "GB-months", _key(ctx, "log-analytics", "retention")),
    ]


def metric_alert(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [CostComponent("Monitored time series", "months", Decimal(1), _key(ctx, "monitor", "metric-alert-series"))]


def log_alert(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    frequency = str(resource.inputs.get("evaluationFrequency", "PT5M"))
    sku = "log-alert-5min" if frequency == "PT5M" else f"log-alert-{frequency.lower()}"
    return [CostComponent(f"Log alert rule ({frequency})", "months", Decimal(1), _key(ctx, "monitor", sku))]


def private_endpoint(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [
        CostComponent("Private endpoint", "hours", HOURS_PER_MONTH, _key(ctx, "private-link", "endpoint"), hourly=True),
        _usage(ctx, "network.privateEndpointGb", "Data processed", "GB", _key(ctx, "private-link", "data-processed")),
    ]


def private_dns_zone(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    # Azure DNS private zones bill per hosted zone and per million queries, at global prices.
    return [
        CostComponent("Private DNS zone", "months", Decimal(1), _key(ctx, "private-dns", "zone", "global")),
        _usage(ctx, "network.privateDnsQueriesMillions", "DNS queries", "1M queries", _key(ctx, "private-dns", "queries", "global")),
    ]


def backup_instance(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [
        CostComponent("Protected instance (vaulted blobs)", "months", Decimal(1), _key(ctx, "backup", "blob-vaulted-instance")),
        _usage(ctx, "backups.protectedGb", "Vault storage (geo-redundant)", "GB-months", _key(ctx, "backup", "vault-storage-grs")),
    ]


COMPONENTS: dict[str, Handler] = {
    "azure-native:machinelearningservices:OnlineDeployment": online_deployment,
    "azure-native:machinelearningservices:Compute": compute,
    BATCH_DEPLOYMENT: batch_deployment,
    "azure-native:machinelearningservices:Schedule": schedule,
    "azure-native:machinelearningservices:Registry": ml_registry,
    "azure-native:storage:StorageAccount": storage_account,
    "azure-native:containerregistry:Registry": registry,
    "azure-native:containerregistry:Replication": replication,
    "azure-native:keyvault:Vault": vault,
    "azure-native:keyvault:Key": key,
    "azure-native:operationalinsights:Workspace": log_workspace,
    "azure-native:monitor:MetricAlert": metric_alert,
    "azure-native:monitor:ScheduledQueryRule": log_alert,
    "azure-native:network:PrivateEndpoint": private_endpoint,
    "azure-native:privatedns:PrivateZone": private_dns_zone,
    "azure-native:dataprotection:BackupInstance": backup_instance,
}

FREE: dict[str, str] = {
    "azure-native:machinelearningservices:OnlineEndpoint": "an endpoint has no charge itself; instances are billed on its deployments",
    "azure-native:machinelearningservices:BatchEndpoint": "a batch endpoint has no charge itself; runs are billed on its deployment",
    "azure-native:machinelearningservices:Workspace": "the workspace has no charge; its storage, registry, vault and logs are priced separately",
    "azure-native:machinelearningservices:Job": "billed through the compute cluster it runs on",
    "azure-native:machinelearningservices:EnvironmentVersion": "environments have no charge; images are stored in the container registry",
    "azure-native:storage:BlobContainer": "a container has no charge; its data is billed on the storage account",
    "azure-native:storage:BlobServiceProperties": "a setting of the storage account",
    "azure-native:storage:ManagementPolicy": "a lifecycle setting of the storage account (it lowers storage)",
    "azure-native:dataprotection:BackupVault": "the vault has no charge; protected instances and storage are billed on each backup instance",
    "azure-native:dataprotection:BackupPolicy": "policies have no charge",
    "azure-native:applicationinsights:Component": "workspace-based: its telemetry is billed as Log Analytics ingestion on the workspace",
    "azure-native:monitor:DiagnosticSetting": "the exported logs are billed as ingestion on the Log Analytics workspace",
    "azure-native:monitor:ActionGroup": "the first 1,000 emails a month are free; alert notifications stay far below",
    "azure-native:monitor:AutoscaleSetting": "autoscale has no charge; extra instances are priced as the deployment's maximum",
    "azure-native:consumption:Budget": "Cost Management budgets have no charge",
    "azure-native:managedidentity:UserAssignedIdentity": "managed identities have no charge",
    "azure-native:authorization:RoleAssignment": "role assignments have no charge",
    "azure-native:resources:ResourceGroup": "resource groups have no charge",
    "azure-native:network:VirtualNetwork": "virtual networks have no charge",
    "azure-native:network:PrivateDnsZoneGroup": "a setting of the private endpoint (the records it writes are billed on the zone)",
    # NOT confirmed from the stored pricing pages: resolution-only links are listed as free.
    "azure-native:privatedns:VirtualNetworkLink": "resolution links (no auto-registration) have no separate charge",
    "azure-native:machinelearningservices:CodeVersion": "code assets have no charge; the files are billed on the storage account",
    "azure-native:machinelearningservices:ModelVersion": "model versions have no charge; the files are billed on the storage account",
    "azure-native:machinelearningservices:Datastore": "a datastore is a reference to the storage account, billed there",
    # The only dynamic resource on Azure: the training code upload (providers/azure/code.py).
    "pulumi-python:dynamic:Resource": "uploads training code (kilobytes) into the storage account, billed there",
}
