"""GCP resource types -> cost components (priced by mlopskit.cost from providers/catalog/prices/gcp.csv).

Every custom resource type the GCP provider records is either in ``COMPONENTS`` or in ``FREE``
with a reason. Dynamic resources (Vertex deployed models, models, monitoring jobs) share one
type token, so their handler dispatches on the recorded ``kind`` input.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

from mlopskit.modules import monitor_job
from mlopskit.modules.cost import HOURS_PER_MONTH, CostComponent, CostContext, Handler, PriceKey
from mlopskit.modules.graph import RecordedResource
from mlopskit.modules.topology import JobNode
from mlopskit.providers.gcp.topology import kit_monitor_body


def _key(ctx: CostContext, service: str, sku: str, region: str | None = None) -> PriceKey:
    return PriceKey("gcp", service, sku, region or ctx.region)


def _usage(ctx: CostContext, key: str, name: str, unit: str, price: PriceKey) -> CostComponent:
    return CostComponent(name, unit, ctx.usage.get(key), price, usage_key=key)


def deployed_model(resource: RecordedResource, ctx: CostContext, region: str) -> list[CostComponent]:
    """Nodes x 730 h at minReplicaCount, up to maxReplicaCount; GPUs billed per node when separate."""
    inputs = resource.inputs
    machine = str(inputs.get("machineType"))
    low = Decimal(str(inputs.get("minReplicaCount", 1)))
    high = Decimal(str(inputs.get("maxReplicaCount", low)))
    components = [CostComponent(f"Prediction node usage ({machine})", "hours", low * HOURS_PER_MONTH,
                                _key(ctx, "vertex-prediction", machine, region), high * HOURS_PER_MONTH, hourly=True)]
    accelerator = inputs.get("acceleratorType")
    count = Decimal(str(inputs.get("acceleratorCount", 0)))
    if accelerator and count and not machine.startswith(("g2-", "a2-", "a3-")):
        # Accelerator-optimized machine types (g2, a2, a3) include their GPUs in the node price.
        components.append(CostComponent(
            f"Accelerator usage ({accelerator})", "hours", low * count * HOURS_PER_MONTH,
            _key(ctx, "vertex-prediction-accelerator", str(accelerator), region), high * count * HOURS_PER_MONTH,
            hourly=True))
    return components


def dynamic(resource: RecordedResource, ctx: CostContext) -> list[CostComponent] | str:
    kind = resource.inputs.get("kind")
    region = str(resource.inputs.get("region") or ctx.region)
    if kind == "vertex-deployed-model":
        return deployed_model(resource, ctx, region)
    if kind == "vertex-model-monitoring-job":
        return [_usage(ctx, "monitoring.analyzedGb", "Data analyzed (model monitoring)", "GB",
                       _key(ctx, "vertex-model-monitoring", "data-analyzed", region))]
    if kind == "vertex-model":
        return "Vertex AI Model Registry entries have no charge; the artifacts are billed in Cloud Storage"
    return [CostComponent(f"Unknown dynamic resource ({kind})", "months", None, _key(ctx, "unknown", str(kind)))]


def tensorboard(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """Vertex AI TensorBoard bills the logs it stores per GiB-month (``experiments.tensorboardGb``).

    The runs' metadata goes to the project's ``default`` metadata store, which the stack does not
    create (providers/gcp/experiments.py) but whose storage its experiments use: Vertex ML Metadata
    bills it per GiB-month (``experiments.metadataGb``), priced here beside the TensorBoard.
    """
    region = str(resource.inputs.get("region") or ctx.region)
    return [_usage(ctx, "experiments.tensorboardGb", "TensorBoard storage", "GB-months",
                   _key(ctx, "vertex-tensorboard", "storage", region)),
            _usage(ctx, "experiments.metadataGb", "Metadata storage", "GB-months",
                   _key(ctx, "vertex-ml-metadata", "storage", region))]


def _batch_job(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """A batch prediction job body: its replicas (and their GPUs) for the spec's max runtime per run.
    Vertex bills batch prediction of custom-trained models by node hour at the prediction
    rates (cloud.google.com/vertex-ai/pricing); the body has no time limit, so the spec's is used."""
    content = resource.inputs.get("content") or "{}"
    if isinstance(content, dict):  # secret-wrapped by the engine
        content = content.get("value") or "{}"
    try:
        machine = (json.loads(str(content)).get("dedicatedResources") or {}).get("machineSpec") or {}
    except ValueError:
        machine = {}
    machine_type = str(machine.get("machineType"))
    job = ctx.batch_of(resource)
    price = _key(ctx, "vertex-prediction", machine_type)
    if job is None:
        return [CostComponent(f"Batch node usage ({machine_type})", "hours", None, price)]
    lines = ctx.batch_lines(job, "on-demand", machine_type, price)
    accelerator = machine.get("acceleratorType")
    if accelerator:
        count = Decimal(str(machine.get("acceleratorCount", 1)))
        hours = lines[0].monthly_quantity
        lines.append(CostComponent(f"Batch accelerator usage ({accelerator})", "hours",
                                   hours * count if hours is not None else None,
                                   _key(ctx, "vertex-prediction-accelerator", str(accelerator)), usage_key=lines[0].usage_key))
    return lines


def _job_slot(node: JobNode | None, resource: RecordedResource) -> bool:
    return node is not None and resource in node.jobs


def _monitor_job(resource: RecordedResource, ctx: CostContext, body: dict) -> list[CostComponent]:
    """The kit's monitor job (a stored CustomJob of an endpoint's MonitorJob): its machine for at
    most its timeout per run, runs from the endpoint's monitor schedule, at the Vertex AI custom
    training rate of the machine type (the catalog's ``vertex-training`` rows, as training).

    Not priced: the Cloud Monitoring custom metrics it writes (ingestion is billed per MiB; the
    catalog has no such row, and a price is never guessed) and the BigQuery query of each run
    (on-demand analysis per TiB scanned: not in the catalog either)."""
    spec = body.get("jobSpec") or {}
    pools = spec.get("workerPoolSpecs") or [{}]
    machine_type = str((pools[0].get("machineSpec") or {}).get("machineType"))
    price = _key(ctx, "vertex-training", machine_type)
    node = ctx.endpoint_of(resource)
    if node is None:  # not an endpoint's monitor job: its runs are unknown
        return [CostComponent(f"Monitor job node usage ({machine_type})", "hours", None, price)]
    runs = monitor_job.RUNS_PER_MONTH[monitor_job.schedule(ctx.stack.endpoints[node.index])]
    hours = Decimal(str((spec.get("scheduling") or {}).get("timeout", "3600s")).rstrip("s")) / Decimal(3600)
    return [CostComponent(f"Monitor job node usage ({machine_type})", "hours", runs * hours, price)]


def bucket_object(resource: RecordedResource, ctx: CostContext) -> list[CostComponent] | str:
    """A job body object (the topology's ``job`` slot of a training or batch entry): the job's runs
    priced from the CustomJob or BatchPredictionJob body it holds; the kit monitor job's body too."""
    monitor_body = kit_monitor_body(resource)
    if monitor_body and ctx.topology is not None and (origin := ctx.topology.origin(resource.urn)) is not None \
            and origin.role == "monitor":
        return _monitor_job(resource, ctx, monitor_body)
    if ctx.topology is not None and _job_slot(ctx.topology.batch_of(resource.urn), resource):
        return _batch_job(resource, ctx)
    if ctx.topology is None or not _job_slot(ctx.topology.training_of(resource.urn), resource):
        return "a small object; its bytes are billed on the bucket"
    job = ctx.training_of(resource)
    job_name = job.name if job is not None else resource.name
    content = resource.inputs.get("content") or "{}"
    if isinstance(content, dict):  # secret-wrapped by the engine: {<sig>: <secret sig>, "value": ...}
        content = content.get("value") or "{}"
    try:
        body = json.loads(str(content))
    except ValueError:
        body = {}
    spec = body.get("jobSpec", {})
    timeout_hours = Decimal(str(spec.get("scheduling", {}).get("timeout", "3600s")).rstrip("s")) / Decimal(3600)
    spot = spec.get("scheduling", {}).get("strategy") == "SPOT"
    runs = ctx.runs_per_month(job.schedule if job else None)
    components: list[CostComponent] = []
    if not spec.get("workerPoolSpecs"):
        return [CostComponent(f"Training node usage ({job_name})", "hours", None, _key(ctx, "vertex-training", "unknown"))]
    for pool in spec.get("workerPoolSpecs", []):
        machine = pool.get("machineSpec", {})
        machine_type = str(machine.get("machineType"))
        nodes = Decimal(str(pool.get("replicaCount", 1)))
        hours = runs * nodes * timeout_hours if runs is not None else None
        service = "vertex-training-spot" if spot else "vertex-training"
        label = "spot" if spot else "on-demand"
        components.append(CostComponent(f"Training node usage ({label}, {machine_type})", "hours", hours,
                                        _key(ctx, service, machine_type)))
        accelerator = machine.get("acceleratorType")
        if accelerator and not machine_type.startswith(("g2-", "a2-", "a3-")):
            count = Decimal(str(machine.get("acceleratorCount", 1)))
            components.append(CostComponent(f"Training accelerator usage ({accelerator})", "hours",
                                            hours * count if hours is not None else None,
                                            _key(ctx, "vertex-training-accelerator", str(accelerator))))
    return components


def bucket(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    location = str(resource.inputs.get("location", ctx.region)).lower()
    key = "backups.protectedGb" if resource.name.endswith("backups-bucket") else "storage.artifactsGb"
    return [_usage(ctx, key, f"Storage (standard, {location})", "GB-months", _key(ctx, "gcs", "standard-storage", location))]


def transfer_job(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    # Storage Transfer Service itself is free between Cloud Storage buckets; the bytes crossing
    # regions pay inter-region network transfer.
    target = ctx.backup_region or "unknown"
    return [_usage(ctx, "backups.crossRegionCopyGb", f"Inter-region transfer ({ctx.region} -> {target})", "GB",
                   _key(ctx, "network", "inter-region-europe"))]


def crypto_key(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    ring = str(resource.inputs.get("keyRing", ""))
    region = ring.split("/locations/")[1].split("/")[0] if "/locations/" in ring else ctx.region
    level = str(resource.inputs.get("versionTemplate", {}).get("protectionLevel", "SOFTWARE")).lower()
    rotation = str(resource.inputs.get("rotationPeriod", "")).rstrip("s")
    # Each rotation adds an active version; old versions stay active (billed) until destroyed,
    # so a year of rotation keeps 365 / period versions alive.
    versions = Decimal(1)
    if rotation:
        versions = max(Decimal(1), (Decimal(365 * 86400) / Decimal(rotation)).to_integral_value())
    return [
        CostComponent(f"Active key versions ({level})", "months", versions,
                      _key(ctx, "kms", f"{level}-key-version", region)),
        _usage(ctx, "keys.requests10k", "Cryptographic operations", "10k operations",
               _key(ctx, "kms", "crypto-operations", region)),
    ]


def repository(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    region = str(resource.inputs.get("location", ctx.region))
    return [_usage(ctx, "registry.containerImagesGb", "Storage", "GB-months", _key(ctx, "artifact-registry", "storage", region))]


def dataset(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    """storage.captureGb per endpoint capturing into the stack's dataset (none capturing: empty, free)."""
    region = str(resource.inputs.get("location", ctx.region)).lower()
    capturing = sum(1 for e in ctx.stack.endpoints if e.data_capture.enabled)
    line = _usage(ctx, "storage.captureGb", "Active storage (capture)", "GB-months", _key(ctx, "bigquery", "active-storage", region))
    if line.monthly_quantity is None:
        return [line]
    return [dataclasses.replace(line, monthly_quantity=line.monthly_quantity * capturing)]


def log_bucket(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [
        _usage(ctx, "logs.ingestedGb", "Log ingestion (Cloud Logging)", "GB", _key(ctx, "logging", "ingestion", "global")),
        _usage(ctx, "logs.retainedGb", "Log retention beyond 30 days", "GB-months", _key(ctx, "logging", "retention", "global")),
    ]


def scheduler_job(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    return [CostComponent("Scheduler job", "months", Decimal(1), _key(ctx, "cloud-scheduler", "job"))]


def alert_policy(resource: RecordedResource, ctx: CostContext) -> list[CostComponent]:
    conditions = Decimal(len(resource.inputs.get("conditions") or [1]))
    return [CostComponent("Alert conditions", "months", conditions, _key(ctx, "monitoring", "alert-condition", "global"))]


COMPONENTS: dict[str, Handler] = {
    "gcp:vertex/aiTensorboard:AiTensorboard": tensorboard,
    "pulumi-python:dynamic:Resource": dynamic,
    "gcp:storage/bucketObject:BucketObject": bucket_object,
    "gcp:storage/bucket:Bucket": bucket,
    "gcp:storage/transferJob:TransferJob": transfer_job,
    "gcp:kms/cryptoKey:CryptoKey": crypto_key,
    "gcp:artifactregistry/repository:Repository": repository,
    "gcp:bigquery/dataset:Dataset": dataset,
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": log_bucket,
    "gcp:cloudscheduler/job:Job": scheduler_job,
    "gcp:monitoring/alertPolicy:AlertPolicy": alert_policy,
}

_IAM = "IAM bindings have no charge"
FREE: dict[str, str] = {
    "gcp:vertex/aiEndpoint:AiEndpoint": "an endpoint has no charge itself; nodes are billed on its deployed models",
    "gcp:vertex/aiEndpointIamMember:AiEndpointIamMember": _IAM,
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": _IAM,
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": _IAM,
    "gcp:storage/bucketIAMMember:BucketIAMMember": _IAM,
    "gcp:bigquery/datasetIamMember:DatasetIamMember": _IAM,
    "gcp:projects/iAMMember:IAMMember": _IAM,
    "gcp:serviceaccount/iAMMember:IAMMember": _IAM,
    "gcp:projects/iAMCustomRole:IAMCustomRole": "custom roles have no charge",
    "gcp:projects/iAMAuditConfig:IAMAuditConfig": "audit log volume is billed as Cloud Logging ingestion on the log bucket config",
    "gcp:serviceaccount/account:Account": "service accounts have no charge",
    "gcp:kms/keyRing:KeyRing": "key rings have no charge; key versions are billed on each crypto key",
    "gcp:billing/budget:Budget": "Cloud Billing budgets have no charge",
    "gcp:monitoring/notificationChannel:NotificationChannel": "notification channels have no charge",
    "gcp:compute/network:Network": "VPC networks have no charge",
    "gcp:compute/subnetwork:Subnetwork": "subnets have no charge",
    "gcp:compute/globalAddress:GlobalAddress": "an internal range reserved for VPC peering has no charge (only external IPs are billed)",
    "gcp:servicenetworking/connection:Connection": "private services access peering has no charge; same-region traffic over it is free",
    "gcp:projects/service:Service": "enabling an API has no charge; each service bills its own use",
    # The policy is free; the consumer endpoints PSC automation creates under it are billed
    # per endpoint-hour and are NOT estimated (Vertex creates them, nothing is recorded).
    "gcp:networkconnectivity/serviceConnectionPolicy:ServiceConnectionPolicy": "service connection policies have no charge",
}
