"""The Azure fidelity gate: what `pulumi up` on Azure would refuse, found offline.

Mocks accept anything, so every recorded azure-native resource is held to the installed
SDK's Args classes (``args_check``), its name to the service's naming rules, its traffic
to Azure ML's rules, and the stack to the rules behind issue 12 (items 1, 5, 8, 9, 10):
each check returns ``Violation``s naming the resource, the property path and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime

import pulumi_azure_native

from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.stack import Stack
from tests.fidelity.args_check import Violation, check_resource

PREFIX = "azure-native:"

# ARM naming rules (learn.microsoft.com azure-resource-manager/management/resource-name-rules
# and the Azure ML limits): type -> (name input, min, max, pattern).
NAME_RULES: dict[str, tuple[str, int, int, str]] = {
    "azure-native:resources:ResourceGroup": ("resourceGroupName", 1, 90, r"^[-\w._()]*[-\w_()]$"),
    "azure-native:storage:StorageAccount": ("accountName", 3, 24, r"^[a-z0-9]+$"),
    "azure-native:storage:BlobContainer": ("containerName", 3, 63, r"^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$"),
    "azure-native:keyvault:Vault": ("vaultName", 3, 24, r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$"),
    "azure-native:keyvault:Key": ("keyName", 1, 127, r"^[a-zA-Z0-9-]+$"),
    "azure-native:containerregistry:Registry": ("registryName", 5, 50, r"^[a-zA-Z0-9]+$"),
    "azure-native:machinelearningservices:Workspace": ("workspaceName", 3, 33, r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$"),
    "azure-native:machinelearningservices:Registry": ("registryName", 3, 33, r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$"),
    "azure-native:machinelearningservices:OnlineEndpoint": ("endpointName", 3, 32, r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$"),
    "azure-native:machinelearningservices:OnlineDeployment": ("deploymentName", 3, 32, r"^[a-zA-Z][a-zA-Z0-9-]*$"),
    "azure-native:machinelearningservices:BatchEndpoint": ("endpointName", 3, 32, r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$"),
    "azure-native:machinelearningservices:Compute": ("computeName", 2, 16, r"^[a-zA-Z][a-zA-Z0-9-]*$"),
    "azure-native:dataprotection:BackupVault": ("vaultName", 2, 50, r"^[a-zA-Z][a-zA-Z0-9-]*$"),
    "azure-native:operationalinsights:Workspace": ("workspaceName", 4, 63, r"^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$"),
    "azure-native:managedidentity:UserAssignedIdentity": ("resourceName", 3, 128, r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$"),
    "azure-native:network:VirtualNetwork": ("virtualNetworkName", 2, 64, r"^[a-zA-Z0-9][\w.-]*\w$"),
    "azure-native:network:PrivateEndpoint": ("privateEndpointName", 2, 64, r"^[a-zA-Z0-9][\w.-]*\w$"),
    "azure-native:monitor:ActionGroup": ("groupShortName", 1, 12, r"^.+$"),
    "azure-native:monitor:MetricAlert": ("ruleName", 1, 260, r"^[^*#&+:<>?@%{}\\/]+$"),
    "azure-native:monitor:ScheduledQueryRule": ("ruleName", 1, 260, r"^[^*#&+:<>?@%{}\\/]+$"),
}
MAX_MIRROR_PERCENT = 50  # Azure ML: mirror traffic at most 50% of live requests
# learn.microsoft.com/azure/private-link/private-endpoint-dns (Commercial); amlregistry
# shares the workspace zone (api.azureml.ms), not listed there.
PRIVATE_DNS_ZONES: dict[str, set[str]] = {
    "vault": {"privatelink.vaultcore.azure.net"},
    "blob": {"privatelink.blob.core.windows.net"},
    "registry": {"privatelink.azurecr.io"},
    "amlworkspace": {"privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"},
    "amlregistry": {"privatelink.api.azureml.ms"},
}
VERSIONLESS_KEY = re.compile(r"^https://[a-z0-9-]+\.vault\.azure\.net/keys/[A-Za-z0-9-]+$")


def _azure(graph: Graph) -> list[RecordedResource]:
    return [r for r in graph if r.custom and r.type.startswith(PREFIX)]


def _of(graph: Graph, type_: str) -> list[RecordedResource]:
    return [r for r in graph if r.type == f"{PREFIX}{type_}"]


def check_args(graph: Graph) -> list[Violation]:
    """Every recorded azure-native input against the installed SDK's Args classes."""
    return [v for r in _azure(graph) for v in check_resource(pulumi_azure_native, r.type, r.name, r.inputs)]


def check_names(graph: Graph) -> list[Violation]:
    """Physical names within each service's length and character rules."""
    found = []
    for r in _azure(graph):
        rule = NAME_RULES.get(r.type)
        if rule is None or not isinstance(r.inputs.get(rule[0]), str):
            continue
        key, low, high, pattern = rule
        name = r.inputs[key]
        if not low <= len(name) <= high or not re.match(pattern, name):
            found.append(Violation(r.name, key, f"{name!r} breaks the {r.type.split(':')[-1]} name rule ({low}-{high} chars, {pattern})"))
    return found


def check_traffic(graph: Graph) -> list[Violation]:
    """Online endpoint traffic sums to 100 over existing deployments; mirror <= 50 and only to idle ones."""
    found = []
    deployments: dict[str, set[str]] = {}
    for d in _of(graph, "machinelearningservices:OnlineDeployment"):
        deployments.setdefault(d.inputs.get("endpointName", ""), set()).add(d.inputs["deploymentName"])
    for endpoint in _of(graph, "machinelearningservices:OnlineEndpoint"):
        properties = endpoint.inputs.get("properties") or {}
        traffic = {k: float(v) for k, v in (properties.get("traffic") or {}).items()}
        mirror = {k: float(v) for k, v in (properties.get("mirrorTraffic") or {}).items()}
        existing = deployments.get(endpoint.inputs.get("endpointName", ""), set())
        if traffic and sum(traffic.values()) != 100:
            found.append(Violation(endpoint.name, "properties.traffic", f"sums to {sum(traffic.values()):g}, not 100"))
        for slot in set(traffic) | set(mirror):
            if slot not in existing:
                found.append(Violation(endpoint.name, f"properties.traffic.{slot}", "names a deployment the stack does not create"))
        for slot, percent in mirror.items():
            if percent > MAX_MIRROR_PERCENT or percent < 0:
                found.append(Violation(endpoint.name, f"properties.mirrorTraffic.{slot}", f"{percent:g}% (Azure ML allows 0-{MAX_MIRROR_PERCENT})"))
            if traffic.get(slot, 0) > 0:
                found.append(Violation(endpoint.name, f"properties.mirrorTraffic.{slot}", "a deployment with live traffic cannot also get mirrored traffic"))
    return found


def check_budget_start(graph: Graph, today: date | None = None) -> list[Violation]:
    """Item 1: a first-of-month start within the current month's time grain (not a stale past month)."""
    now = today or datetime.now(UTC).date()
    found = []
    for budget in _of(graph, "consumption:Budget"):
        start = str((budget.inputs.get("timePeriod") or {}).get("startDate", ""))
        try:
            day = datetime.fromisoformat(start).date()
        except ValueError:
            found.append(Violation(budget.name, "timePeriod.startDate", f"{start!r} is not a date"))
            continue
        months_ahead = (day.year - now.year) * 12 + day.month - now.month
        if day.day != 1 or months_ahead < 0 or months_ahead > 12:
            found.append(Violation(budget.name, "timePeriod.startDate", (
                f"{start}: Azure wants the first of a month, not before the current month ({now:%Y-%m}) nor over 12 months ahead")))
    return found


def check_serving_containers(graph: Graph) -> list[Violation]:
    """Item 5: an online deployment either serves an MLflow model without an environment
    (no-code) or runs a custom container whose environment declares its routes."""
    found = []
    environments = {e.outputs.get("id"): e for e in _of(graph, "machinelearningservices:EnvironmentVersion")}
    for deployment in _of(graph, "machinelearningservices:OnlineDeployment"):
        properties = deployment.inputs.get("properties") or {}
        environment_id = properties.get("environmentId")
        if environment_id is None:
            model_format = (deployment.inputs.get("tags") or {}).get("mlopskit-model-format")
            if model_format != "mlflow":
                found.append(Violation(deployment.name, "properties.environmentId", (
                    f"no environment and no scoring code: Azure ML deploys that only for MLflow models (format {model_format!r})")))
            continue
        environment = environments.get(environment_id)
        if environment is None:
            continue  # a curated or pre-existing environment: nothing recorded to check
        config = (environment.inputs.get("properties") or {}).get("inferenceConfig") or {}
        for route in ("livenessRoute", "readinessRoute", "scoringRoute"):
            value = config.get(route) or {}
            if not value.get("path") or not value.get("port"):
                found.append(Violation(environment.name, f"properties.inferenceConfig.{route}",
                                       "a custom serving container needs a path and port for each route"))
    return found


def check_private_dns(graph: Graph) -> list[Violation]:
    """Item 8: each private endpoint's zone group points at its service's privatelink zones,
    each linked to the VNet, so clients in the VNet resolve the private address."""
    found = []
    groups = {g.inputs.get("privateEndpointName"): g for g in _of(graph, "network:PrivateDnsZoneGroup")}
    zones = {z.outputs.get("id"): z.inputs.get("privateZoneName") for z in _of(graph, "privatedns:PrivateZone")}
    linked = {link.inputs.get("privateZoneName") for link in _of(graph, "privatedns:VirtualNetworkLink")}
    for endpoint in _of(graph, "network:PrivateEndpoint"):
        group_ids = [g for c in endpoint.inputs.get("privateLinkServiceConnections") or [] for g in c.get("groupIds") or []]
        wanted = set().union(*(PRIVATE_DNS_ZONES.get(g, set()) for g in group_ids)) if group_ids else set()
        group = groups.get(endpoint.inputs.get("privateEndpointName"))
        if group is None:
            found.append(Violation(endpoint.name, "privateDnsZoneGroup", f"no DNS zone group: {sorted(wanted)} never resolve in the VNet"))
            continue
        have = {zones.get(c.get("privateDnsZoneId")) for c in group.inputs.get("privateDnsZoneConfigs") or []}
        for zone in sorted(wanted - have):
            found.append(Violation(group.name, "privateDnsZoneConfigs", f"missing the {zone} zone for {group_ids}"))
        for zone in sorted(z for z in have if z and z not in linked):
            found.append(Violation(group.name, "privateDnsZoneConfigs", f"zone {zone} is not linked to a virtual network"))
    return found


def check_backup_location(graph: Graph, stack: Stack, declared: dict[str, tuple[str, str]]) -> list[Violation]:
    """Item 9: a geo-redundant vault copies to the paired region; when that is not the spec's
    backupLocation the build must say so, and the comparison must not call it native."""
    placement = stack.placement.azure
    vaults = [v for v in _of(graph, "dataprotection:BackupVault")
              if any(s.get("type") == "GeoRedundant" for s in (v.inputs.get("properties") or {}).get("storageSettings") or [])]
    if not vaults or placement is None:
        return []
    found = []
    if declared.get("backups.crossRegion", ("",))[0] == "native":
        found.append(Violation("features", "backups.crossRegion", "declared native, but the copy goes to the paired region"))
    told = [w for w in graph.warnings if w.path == "placement.azure.backupLocation" and "paired region" in w.message]
    from mlopskit.providers.azure.names import (
        PAIRED_REGIONS,  # the provider's own table of pairs
    )

    if placement.backup_location and PAIRED_REGIONS.get(placement.location) != placement.backup_location and not told:
        found.append(Violation(vaults[0].name, "properties.storageSettings", (
            f"geo-redundant copy goes to {placement.location}'s paired region, not backupLocation {placement.backup_location}, "
            "and no warning says so")))
    return found


def check_versionless_keys(graph: Graph) -> list[Violation]:
    """Item 10: CMK references follow rotation (a versioned key expires under its consumer)."""
    found = []
    for workspace in _of(graph, "machinelearningservices:Workspace"):
        key = ((workspace.inputs.get("encryption") or {}).get("keyVaultProperties") or {}).get("keyIdentifier")
        if key is not None and not VERSIONLESS_KEY.match(str(key)):
            found.append(Violation(workspace.name, "encryption.keyVaultProperties.keyIdentifier", f"{key!r} pins a key version"))
    for registry in _of(graph, "containerregistry:Registry"):
        key = ((registry.inputs.get("encryption") or {}).get("keyVaultProperties") or {}).get("keyIdentifier")
        if key is not None and not VERSIONLESS_KEY.match(str(key)):
            found.append(Violation(registry.name, "encryption.keyVaultProperties.keyIdentifier", f"{key!r} pins a key version"))
    return found


def run_gate(graph: Graph, stack: Stack, declared: dict[str, tuple[str, str]] | None = None) -> list[Violation]:
    """Every Azure check over one recorded graph."""
    from mlopskit.providers.azure.features import FEATURES

    checks: Iterable[Callable[[], list[Violation]]] = (
        lambda: check_args(graph), lambda: check_names(graph), lambda: check_traffic(graph),
        lambda: check_budget_start(graph), lambda: check_serving_containers(graph), lambda: check_private_dns(graph),
        lambda: check_backup_location(graph, stack, FEATURES if declared is None else declared),
        lambda: check_versionless_keys(graph),
    )
    return [v for check in checks for v in check()]


__all__ = ["Violation", "run_gate"]
