"""Azure: normalized policy facts (``modules.facts``) from the recorded Azure ML stack.

Concepts Azure does not have for a resource are left out of ``attrs``; values the recorded
inputs do not settle are ``None`` (the rule then reports UNKNOWN).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mlopskit.modules.facts import UNBOUNDED_DAYS, Fact, as_list, iso_days, plain
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.stack import Stack
from mlopskit.modules.topology import SIGNALS, EndpointNode
from mlopskit.providers.azure.topology import slots
from mlopskit.providers.catalog.resolver import lookup
from mlopskit.providers.facts_index import FactsIndex

EU = {"westeurope", "northeurope", "francecentral", "francesouth", "germanywestcentral", "germanynorth",
      "swedencentral", "swedensouth", "italynorth", "polandcentral", "spaincentral", "austriaeast", "belgiumcentral"}
OTHER = {"uksouth": "uk", "ukwest": "uk", "switzerlandnorth": "ch", "switzerlandwest": "ch", "brazilsouth": "br",
         "brazilsoutheast": "br", "norwayeast": "no", "norwaywest": "no"}
# Built-in role definition ids (the same in every tenant) of the broad classic roles.
BROAD_ROLES = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": ("Owner", "admin"),
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": ("User Access Administrator", "admin"),
    "b24988ac-6180-42a0-ab88-20f7382dd24c": ("Contributor", "basic"),
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": ("Reader", "basic"),
}


def jurisdiction(region: str | None) -> str | None:
    if region is None:
        return None
    region = region.lower()
    if region in EU:
        return "eu"
    if region in OTHER:
        return OTHER[region]
    if region.endswith("us") or region.startswith("us") or "centralus" in region:
        return "us"
    return None


# How an alert names the online endpoint it watches: the endpoint in its scopes (metric alerts)
# or the EndpointName filter of its log query (log alerts).
_ALERTED_ENDPOINT = re.compile(r"""/onlineEndpoints/([^/'"\s,\]]+)|EndpointName == "([^"]+)\"""")


def _last_under(uri: Any, collection: str) -> str | None:
    """``name`` when ``uri`` ends with ``/<collection>/<name>``."""
    path, _, name = str(uri).rpartition("/")
    return name if path.endswith(f"/{collection}") else None


class _Azure(FactsIndex):
    """The Azure graph: the diagnostic settings, and the workspace's and storage's encryption."""

    def __init__(self, graph: Graph, stack: Stack) -> None:
        super().__init__(graph, stack)
        placement = stack.placement.azure
        self.region = placement.primary_region if placement else None
        self.diagnostics = self.of("azure-native:monitor:DiagnosticSetting")
        self._audited: dict[tuple[str, str], set[str]] = {}
        workspaces = self.of("azure-native:machinelearningservices:Workspace")
        self.workspace_cmk: bool | None = (
            ((workspaces[0].inputs.get("encryption") or {}).get("status") == "Enabled") if workspaces else None)
        self.isolation = ((workspaces[0].inputs.get("managedNetwork") or {}).get("isolationMode")) if workspaces else None
        accounts = self.of("azure-native:storage:StorageAccount")
        self.storage_cmk: bool | None = (
            ((accounts[0].inputs.get("encryption") or {}).get("keySource") == "Microsoft.Keyvault") if accounts else None)

    jurisdiction = staticmethod(jurisdiction)
    slotter = staticmethod(slots)

    def region_of(self, resource: RecordedResource, hint: str | None) -> str | None:
        location = hint or plain(resource.inputs.get("location"))
        return None if location in (None, "global") else str(location).lower()

    def audited(self, collection: str, name: Any, child: str = "") -> bool:
        """Whether a diagnostic setting with an enabled log targets ``.../<collection>/<name><child>``
        (the names per (collection, child) are gathered once)."""
        key = (collection, child)
        if key not in self._audited:
            pattern = re.compile(f"/{re.escape(collection)}/([^/]+){re.escape(child)}(?:/|$)")
            self._audited[key] = {match.group(1) for setting in self.diagnostics
                                  if any(log.get("enabled") for log in as_list(setting.inputs.get("logs")))
                                  for match in pattern.finditer(str(plain(setting.inputs.get("resourceUri"))))}
        return str(name) in self._audited[key]

    def last(self, type_: str, input_key: str, value: Any) -> RecordedResource | None:
        """The last resource of ``type_`` whose input ``input_key`` is ``value``."""
        found = self.grouped(type_, input_key).get(value)
        return found[-1] if found else None


def _storage(g: _Azure) -> Iterable[Fact]:
    for account in g.of("azure-native:storage:StorageAccount"):
        inputs = account.inputs
        name = plain(inputs.get("accountName"))
        service = g.last("azure-native:storage:BlobServiceProperties", "accountName", name)
        props = service.inputs if service else {}
        deletion = props.get("deleteRetentionPolicy") or {}
        network = inputs.get("networkRuleSet") or {}
        open_network = inputs.get("publicNetworkAccess") != "Disabled" and network.get("defaultAction") != "Deny"
        public_container = any(c.inputs.get("publicAccess") not in (None, "None")
                               for c in g.grouped("azure-native:storage:BlobContainer", "accountName").get(name, []))
        yield g.fact(
            "bucket", account,
            purpose=g.purpose(account),
            cmk=(inputs.get("encryption") or {}).get("keySource") == "Microsoft.Keyvault",
            public=bool(inputs.get("allowBlobPublicAccess")) or public_container or open_network,
            versioning=bool(props.get("isVersioningEnabled")),
            retention_days=int(deletion["days"]) if deletion.get("enabled") and deletion.get("days") else 0,
            access_logging=g.audited("storageAccounts", name, "/blobServices"),
            tls_only=inputs.get("enableHttpsTrafficOnly") is not False and inputs.get("minimumTlsVersion") in ("TLS1_2", "TLS1_3"),
        )


def _rotation_days(key: RecordedResource) -> int | None:
    policy = ((key.inputs.get("properties") or {}).get("rotationPolicy") or {})
    rotate = [iso_days((a.get("trigger") or {}).get("timeAfterCreate")) for a in as_list(policy.get("lifetimeActions"))
              if (a.get("action") or {}).get("type", "").lower() == "rotate"]
    return rotate[0] if rotate and rotate[0] else None


def _keys(g: _Azure) -> Iterable[Fact]:
    for key in g.of("azure-native:keyvault:Key"):
        vault = g.last("azure-native:keyvault:Vault", "vaultName", plain(key.inputs.get("vaultName")))
        props = (vault.inputs.get("properties") or {}) if vault else {}
        acls = props.get("networkAcls") or {}
        yield g.fact(
            "key", key, region=plain(vault.inputs.get("location")) if vault else g.region,
            rotation_days=_rotation_days(key),
            deletion_protection=bool(props.get("enablePurgeProtection")) and props.get("enableSoftDelete") is not False,
            deletion_window_days=int(props.get("softDeleteRetentionInDays") or 90),
            public=props.get("publicNetworkAccess") != "Disabled" and acls.get("defaultAction") != "Deny",
        )


def _registries(g: _Azure) -> Iterable[Fact]:
    for registry in g.of("azure-native:containerregistry:Registry"):
        inputs = registry.inputs
        network = inputs.get("networkRuleSet") or {}
        yield g.fact(
            "container_registry", registry,
            cmk=(inputs.get("encryption") or {}).get("status") == "enabled",
            public=bool(inputs.get("anonymousPullEnabled")) or (inputs.get("publicNetworkAccess") != "Disabled"
                                                                 and network.get("defaultAction") != "Deny"),
            # Scanning is Microsoft Defender for Containers, a subscription setting the stack does not record.
            scan_on_push=None,
            # immutable_tags absent: ACR has no registry-wide setting (tags are locked per image).
        )
    for registry in g.of("azure-native:machinelearningservices:Registry"):
        yield g.fact(
            "model_registry", registry,
            cmk=False,  # Azure ML registries encrypt with Microsoft-managed keys only
            public=registry.inputs.get("publicNetworkAccess") != "Disabled",
        )


def _instances(capacity: dict[str, Any], key: str, sku: Any) -> int | None:
    """The autoscale bound ``key`` (minimum/maximum), else the deployment's fixed sku capacity."""
    if capacity.get(key):
        return int(capacity[key])
    return int(sku) if sku else None


def _endpoint_fact(g: _Azure, node: EndpointNode, endpoint: RecordedResource) -> Fact:
    name = plain(endpoint.inputs.get("endpointName"))
    props = endpoint.inputs.get("properties") or {}
    mine = node.deployments
    live = mine[0].inputs if mine else {}
    live_props = live.get("properties") or {}
    sku = (live.get("sku") or {}).get("capacity")
    scale = node.scaling
    capacity = ((scale.inputs.get("profiles") or [{}])[0].get("capacity") or {}) if scale is not None else {}
    instance_type = live_props.get("instanceType")
    catalog = lookup("azure", instance_type) if instance_type else None
    collections = ((live_props.get("dataCollector") or {}).get("collections") or {})
    enabled = [c for c in collections.values() if c.get("dataCollectionMode") == "Enabled"]
    rates = [float(c["samplingRate"]) * 100 for c in enabled if c.get("samplingRate") is not None]
    egress_closed = bool(mine) and all((d.inputs.get("properties") or {}).get("egressPublicNetworkAccess") == "Disabled"
                                       for d in mine)
    public = props.get("publicNetworkAccess") != "Disabled"
    return g.fact(
        "endpoint", endpoint,
        cmk=g.workspace_cmk,  # managed online endpoints keep their data in the workspace's (CMK) storage
        public=public,
        private=not public and egress_closed,
        network_isolation=egress_closed,
        auth_required=props.get("authMode") in ("AADToken", "AMLToken"),
        min_instances=_instances(capacity, "minimum", sku),
        max_instances=_instances(capacity, "maximum", sku),
        instance_type=instance_type,
        gpu_count=catalog.gpu_count if catalog else None,
        gpu_type=catalog.gpu_type if catalog else None,
        captures_data=bool(enabled),
        sampling_percent=max(rates) if rates else None,
        capture_cmk=g.storage_cmk,  # the data collector writes to the workspace's storage account
        auto_rollback=False,  # Azure ML has no automatic rollback (the provider warns and exports the alert rules)
        audit_logging=g.audited("onlineEndpoints", name),
        alarms=sum(1 for alert in node.alarms if alert.inputs.get("actions")),
        # Only the kit's monitor job computes quality and bias on Azure (the azure-native monitor has no
        # model-performance or bias signal): its schedule is a monitor of each section it computes.
        quality_monitored=node.monitored("quality"),
        bias_monitored=node.monitored("bias"),
        explainability_monitored=node.monitored("explainability"),
        drift_monitored=node.monitored("drift"),
    )


def _endpoints(g: _Azure) -> Iterable[Fact]:
    for node in g.topology.endpoints:
        if node.endpoint is not None:
            yield _endpoint_fact(g, node, node.endpoint)


def _workspace(g: _Azure) -> Iterable[Fact]:
    for workspace in g.of("azure-native:machinelearningservices:Workspace"):
        inputs = workspace.inputs
        public = inputs.get("publicNetworkAccess") != "Disabled"
        isolation = (inputs.get("managedNetwork") or {}).get("isolationMode")
        yield g.fact("workspace", workspace, cmk=g.workspace_cmk, public=public,
                     private=not public and isolation not in (None, "Disabled"))
    for schedule in g.of("azure-native:machinelearningservices:Schedule"):
        action = ((schedule.inputs.get("properties") or {}).get("action") or {})
        if action.get("actionType") == "CreateMonitor":
            # Schedules carry no ARM tags (labels); what they watch comes from the topology.
            yield g.fact("monitor", schedule, labels=False, region=g.region, cmk=g.workspace_cmk,
                         **g.monitored_as(schedule))
    yield from _kit_monitors(g)


def _kit_monitors(g: _Azure) -> Iterable[Fact]:
    """The kit's monitor job: its schedule, whose reports go to the artifacts container of the
    stack's storage account (so under that account's key) and whose cluster disks use the workspace's."""
    for node in g.topology.endpoints:
        schedules = {r.urn: r for s in SIGNALS for r in node.monitors(s)
                     if r.type == "azure-native:machinelearningservices:Schedule"
                     and ((r.inputs.get("properties") or {}).get("action") or {}).get("actionType") == "CreateJob"}
        for schedule in schedules.values():
            yield g.fact("monitor", schedule, labels=False, region=g.region,
                         cmk=bool(g.storage_cmk) and bool(g.workspace_cmk), **g.monitored_as(schedule))


def _timeout_minutes(job: dict[str, Any]) -> int | None:
    """A job's ``PT<h>H<m>M`` timeout in minutes (None when absent or another form)."""
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", str((job.get("limits") or {}).get("timeout") or ""))
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0) if match else None


def _scheduled_timeouts(g: _Azure) -> dict[str, list[int | None]]:
    """Compute name -> the timeouts of the scheduled jobs that run on it."""
    timeouts: dict[str, list[int | None]] = {}
    for schedule in g.of("azure-native:machinelearningservices:Schedule"):
        job = (((schedule.inputs.get("properties") or {}).get("action") or {}).get("jobDefinition") or {})
        compute = _last_under(job.get("computeId", ""), "computes")
        if compute is not None:
            timeouts.setdefault(compute, []).append(_timeout_minutes(job))
    return timeouts


def _training(g: _Azure) -> Iterable[Fact]:
    scheduled = _scheduled_timeouts(g)
    for compute in (job for node in g.topology.training for job in node.jobs):
        props = ((compute.inputs.get("properties") or {}).get("properties") or {})
        scale = props.get("scaleSettings") or {}
        vm = props.get("vmSize")
        catalog = lookup("azure", vm) if vm else None
        attrs: dict[str, Any] = {
            "cmk": g.workspace_cmk,  # AmlCompute disks use the workspace's encryption
            "private": props.get("enableNodePublicIp") is False,
            "network_isolation": g.isolation not in (None, "Disabled"),
            "instance_type": vm,
            "gpu_count": catalog.gpu_count if catalog else None,
            "max_instances": int(scale["maxNodeCount"]) if scale.get("maxNodeCount") is not None else None,
            "scale_to_zero": int(scale.get("minNodeCount", 0) or 0) == 0 if scale else None,
            # Low priority is Azure ML's spot capacity (providers/azure/training.py).
            "spot": props.get("vmPriority") == "LowPriority" if props else None,
        }
        timeouts = scheduled.get(str(plain(compute.inputs.get("computeName"))))
        if timeouts:
            attrs["max_runtime_minutes"] = min(t for t in timeouts if t) if all(timeouts) else None
        yield g.fact("training", compute, **attrs)




def _batch(g: _Azure) -> Iterable[Fact]:
    """Each batch deployment with the cluster beside it (providers/azure/batch.py). Predictions
    go to the workspace's storage account, so its encryption is the output's."""
    for node in g.topology.batch:
        yield from _batch_deployments(g, node.jobs, node.all("cluster"))


def _batch_deployments(g: _Azure, deployments: Iterable[RecordedResource],
                       clusters: tuple[RecordedResource, ...]) -> Iterable[Fact]:
    for deployment in deployments:
        props = ((clusters[0].inputs.get("properties") or {}).get("properties") or {}) if clusters else {}
        vm = props.get("vmSize")
        catalog = lookup("azure", vm) if vm else None
        count = ((deployment.inputs.get("properties") or {}).get("resources") or {}).get("instanceCount")
        yield g.fact(
            "batch", deployment,
            cmk=g.storage_cmk,
            private=props.get("enableNodePublicIp") is False if clusters else None,
            instance_type=vm,
            gpu_count=catalog.gpu_count if catalog else None,
            max_instances=int(count) if count is not None else None,
        )


def _network(g: _Azure) -> Iterable[Fact]:
    endpoints = g.of("azure-native:network:PrivateEndpoint")
    for vnet in g.of("azure-native:network:VirtualNetwork"):
        subnets = as_list(vnet.inputs.get("subnets"))
        # flow_logs: UNKNOWN. The kit builds no VNet flow log yet (it needs the region's Network Watcher,
        # a subscription-wide singleton the kit would have to adopt); NSG flow logs take no new logs.
        # No default_rules_closed: an NSG's default rules cannot be removed, only overridden.
        yield g.fact("network", vnet, private=bool(endpoints) and all(s.get("defaultOutboundAccess") is False for s in subnets),
                     flow_logs=None)


def _scope_level(scope: str) -> str:
    if "/providers/" in scope.split("/resourceGroups/", 1)[-1] and "/resourceGroups/" in scope:
        return "resource"
    if "/resourceGroups/" in scope:
        return "group"
    return "account"


def _identity(g: _Azure) -> Iterable[Fact]:
    for assignment in g.of("azure-native:authorization:RoleAssignment"):
        inputs = assignment.inputs
        definition = str(plain(inputs.get("roleDefinitionId"))).rsplit("/", 1)[-1].lower()
        described = str(plain(inputs.get("description")) or "").split(": ", 1)[-1] or definition
        role, privilege = BROAD_ROLES.get(definition, (described, "scoped"))
        yield g.fact("binding", assignment, labels=False, role=role, privilege=privilege,
                     member=f"principal:{plain(inputs.get('principalId'))}",
                     scope_level=_scope_level(str(plain(inputs.get("scope")))))
    federated = g.grouped("azure-native:managedidentity:FederatedIdentityCredential", "resourceName")
    for identity in g.of("azure-native:managedidentity:UserAssignedIdentity"):
        issuers = federated.get(plain(identity.inputs.get("resourceName")), [])
        trust = ["service:managed-identity"] + [f"principal:{plain(f.inputs.get('issuer'))}" for f in issuers]
        yield g.fact("identity", identity, labels=False, trust=trust)


_AUDIT_COVERS = (("Microsoft.Storage", "storage"), ("onlineEndpoints", "endpoints"),
                 ("MachineLearningServices/workspaces", "ml"), ("KeyVault", "keys"), ("ContainerRegistry", "registry"))


def _audit(g: _Azure) -> Iterable[Fact]:
    for setting in g.diagnostics:
        uri = str(plain(setting.inputs.get("resourceUri")))
        logs = as_list(setting.inputs.get("logs"))
        yield g.fact("audit", setting, labels=False, region=g.region,
                     data_events=any(log.get("enabled") and (log.get("categoryGroup") in ("audit", "allLogs") or log.get("category"))
                                     for log in logs),
                     covers=[name for token, name in _AUDIT_COVERS if token in uri][:1],
                     # Into a Log Analytics workspace, where log alert rules query them.
                     streamed=bool(plain(setting.inputs.get("workspaceId"))))
    for workspace in g.of("azure-native:operationalinsights:Workspace"):
        days = workspace.inputs.get("retentionInDays")
        yield g.fact("log_store", workspace, retention_days=int(days) if days is not None else 30)


def _policy_days(policy: RecordedResource) -> list[int]:
    """Retention of every lifecycle of a backup policy (no ``deleteAfter``: kept until deleted)."""
    return [iso_days((lifecycle.get("deleteAfter") or {}).get("duration")) or UNBOUNDED_DAYS
            for rule in as_list((policy.inputs.get("properties") or {}).get("policyRules"))
            for lifecycle in as_list(rule.get("lifecycles"))]


def _artifact_retention(g: _Azure) -> int | None:
    """Days the artifact accounts keep deleted blobs (what the vaulted backup copies)."""
    days = []
    for account in g.of("azure-native:storage:StorageAccount"):
        if g.purpose(account) != "artifacts":
            continue
        service = g.last("azure-native:storage:BlobServiceProperties", "accountName", plain(account.inputs.get("accountName")))
        deletion = (service.inputs if service else {}).get("deleteRetentionPolicy") or {}
        days.append(int(deletion["days"]) if deletion.get("enabled") and deletion.get("days") else 0)
    return min(days) if days else None


def _backups(g: _Azure) -> Iterable[Fact]:
    for vault in g.of("azure-native:dataprotection:BackupVault"):
        props = vault.inputs.get("properties") or {}
        policies = g.grouped("azure-native:dataprotection:BackupPolicy", "vaultName").get(plain(vault.inputs.get("vaultName")), [])
        days = [d for policy in policies for d in _policy_days(policy)]
        geo = any(s.get("type") == "GeoRedundant" for s in as_list(props.get("storageSettings")))
        restore = ((props.get("featureSettings") or {}).get("crossRegionRestoreSettings") or {}).get("state") == "Enabled"
        yield g.fact("backup", vault, retention_days=min(days) if days else None, cross_region=geo and restore,
                     cmk=bool((props.get("securitySettings") or {}).get("encryptionSettings")),
                     source_retention_days=_artifact_retention(g))


def _budgets(g: _Azure) -> Iterable[Fact]:
    for budget in g.of("azure-native:consumption:Budget"):
        notifications = (budget.inputs.get("notifications") or {}).values()
        amount = budget.inputs.get("amount")
        yield g.fact("budget", budget, labels=False, limit_usd=float(amount) if amount is not None else None,
                     alert_thresholds=sorted(float(n["threshold"]) for n in notifications if n.get("enabled", True)))
    for alert in g.of("azure-native:monitor:MetricAlert") + g.of("azure-native:monitor:ScheduledQueryRule"):
        yield g.fact("alarm", alert, labels=False, notifies=bool(alert.inputs.get("actions")), endpoint=None)


def facts(graph: Graph, stack: Stack) -> list[Fact]:
    """Every normalized fact of an Azure graph, in a deterministic order."""
    return _Azure(graph, stack).collect((_storage, _keys, _registries, _endpoints, _workspace, _training, _batch, _network,
                                         _identity, _audit, _backups, _budgets))
