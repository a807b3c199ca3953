"""Backup vault + policy + instance, diagnostic settings, and the consumption budget."""

from __future__ import annotations

from tests.azure.helpers import DEV, PROD, all_of, graph_of, graph_with, one, warned


def test_backup_vault_is_geo_redundant_with_cross_region_restore() -> None:
    vault = one(graph_of(PROD), ":dataprotection:BackupVault").inputs["properties"]
    assert vault["storageSettings"] == [{"datastoreType": "VaultStore", "type": "GeoRedundant"}]
    assert vault["featureSettings"]["crossRegionRestoreSettings"]["state"] == "Enabled"
    assert vault["securitySettings"]["softDeleteSettings"]["state"] == "On"


def test_backup_policy_schedule_and_retention() -> None:
    policy = one(graph_of(PROD), ":dataprotection:BackupPolicy").inputs["properties"]
    backup_rule, retention_rule = policy["policyRules"]
    assert backup_rule["trigger"]["schedule"]["repeatingTimeIntervals"] == ["R/2024-01-01T02:00:00+00:00/P1D"]
    assert retention_rule["lifecycles"][0]["deleteAfter"]["duration"] == "P35D"
    weekly = graph_with(PROD, backups__schedule="weekly", backups__retentionDays=90)
    policy = one(weekly, ":dataprotection:BackupPolicy").inputs["properties"]
    assert policy["policyRules"][0]["trigger"]["schedule"]["repeatingTimeIntervals"][0].endswith("/P1W")
    assert policy["policyRules"][1]["lifecycles"][0]["deleteAfter"]["duration"] == "P90D"


def test_backup_instance_covers_the_artifacts_container() -> None:
    graph = graph_of(PROD)
    account = one(graph, ":storage:StorageAccount")
    instance = one(graph, ":dataprotection:BackupInstance").inputs["properties"]
    assert instance["dataSourceInfo"]["resourceID"] == account.outputs["id"]
    assert instance["policyInfo"]["policyParameters"]["backupDatasourceParametersList"][0]["containersList"] == ["artifacts"]
    grant = one(graph, ":authorization:RoleAssignment", "backups-vault-reads-storage")
    assert grant.inputs["scope"] == account.outputs["id"]


def test_hourly_backups_are_reported_and_run_daily() -> None:
    graph = graph_with(PROD, backups__schedule="hourly")
    assert "at most daily" in warned(graph, "backups.schedule")[0]
    policy = one(graph, ":dataprotection:BackupPolicy").inputs["properties"]
    assert policy["policyRules"][0]["trigger"]["schedule"]["repeatingTimeIntervals"][0].endswith("/P1D")


def test_unpaired_backup_location_is_reported() -> None:
    graph = graph_with(PROD, placement__azure={"location": "westeurope", "backupLocation": "francecentral"})
    assert "paired region (northeurope)" in warned(graph, "placement.azure.backupLocation")[0]


def test_local_backups_and_no_backups() -> None:
    # Without a backupLocation the vault is zone-redundant.
    placement = {"location": "westeurope"}
    graph = graph_with(PROD, backups__crossRegion=False, placement__azure=placement)
    vault = one(graph, ":dataprotection:BackupVault").inputs["properties"]
    assert vault["storageSettings"][0]["type"] == "ZoneRedundant"
    assert one(graph, ":storage:StorageAccount").inputs["sku"]["name"] == "Standard_ZRS"
    assert all_of(graph_of(DEV), ":dataprotection:BackupVault") == []


def test_turning_cross_region_off_keeps_the_vault_redundancy() -> None:
    """Azure refuses to change a vault's redundancy once items are protected: it stays, and the preview says why."""
    graph = graph_with(PROD, backups__crossRegion=False)
    vault = one(graph, ":dataprotection:BackupVault").inputs["properties"]
    assert vault["storageSettings"][0]["type"] == "GeoRedundant"
    assert vault["featureSettings"]["crossRegionRestoreSettings"]["state"] == "Enabled"
    assert "stays geo-redundant" in warned(graph, "backups.crossRegion")[0]
    assert not warned(graph_of(PROD), "backups.crossRegion")


def test_audit_logs_go_to_log_analytics() -> None:
    graph = graph_of(PROD)
    logs = one(graph, ":operationalinsights:Workspace").outputs["id"]
    settings = {s.name.rsplit("audit-", 1)[1]: s.inputs for s in all_of(graph, ":monitor:DiagnosticSetting")}
    assert set(settings) == {"workspace", "vault", "blob", "registry", "endpoint-scoring", "endpoint-challenger"}
    for setting in settings.values():
        assert setting["workspaceId"] == logs
        assert setting["logs"][0]["enabled"] is True
    assert settings["workspace"]["resourceUri"] == one(graph, ":machinelearningservices:Workspace").outputs["id"]
    assert settings["vault"]["resourceUri"] == one(graph, ":keyvault:Vault").outputs["id"]
    assert settings["blob"]["resourceUri"].endswith("/blobServices/default")
    assert settings["endpoint-scoring"]["logs"][0]["categoryGroup"] == "allLogs"


def test_log_retention_follows_compliance() -> None:
    assert one(graph_of(PROD), ":operationalinsights:Workspace").inputs["retentionInDays"] == 365
    long = graph_with(PROD, compliance__retentionDays=1000)
    assert one(long, ":operationalinsights:Workspace").inputs["retentionInDays"] == 730
    assert "table archive" in warned(long, "compliance.retentionDays")[0]


def test_budget_on_the_resource_group_with_thresholds() -> None:
    graph = graph_of(PROD)
    group = one(graph, ":resources:ResourceGroup")
    budget = one(graph, ":consumption:Budget").inputs
    assert budget["scope"] == group.outputs["id"]
    assert budget["amount"] == 6000
    assert budget["timeGrain"] == "Monthly"
    assert sorted(n["threshold"] for n in budget["notifications"].values()) == [50, 80, 100]
    assert all(n["contactEmails"] == ["ml-platform@example.com"] for n in budget["notifications"].values())
    dev = one(graph_of(DEV), ":consumption:Budget").inputs
    assert dev["amount"] == 800


def test_more_than_five_thresholds_is_a_check_error() -> None:
    from mlopskit.providers.azure import AzureProvider
    from tests.specs import stack

    s = stack(budget__alertThresholdsPercent=[10, 20, 30, 40, 50, 60])
    assert [i.path for i in AzureProvider().check(s)] == ["budget.alertThresholdsPercent"]


def test_allowed_regions_are_checked() -> None:
    from mlopskit.providers.azure import AzureProvider
    from tests.specs import stack

    s = stack(compliance__allowedRegions=["westeurope"])
    assert [i.path for i in AzureProvider().check(s)] == ["placement.azure.backupLocation"]


def test_allowed_regions_become_an_allowed_locations_policy_on_the_group() -> None:
    graph = graph_with(PROD, compliance__allowedRegions=["westeurope", "northeurope"])
    group = one(graph, ":resources:ResourceGroup")
    policy = one(graph, ":authorization:PolicyAssignment").inputs
    assert policy["scope"] == group.outputs["id"]
    assert policy["policyDefinitionId"].endswith("/e56962a6-4747-49cd-b67b-bf8b01975c4c")
    assert policy["parameters"]["listOfAllowedLocations"]["value"] == ["westeurope", "northeurope"]
    assert all_of(graph_of(PROD), ":authorization:PolicyAssignment") == []


def test_replicated_targets_say_they_are_mirrors() -> None:
    message = warned(graph_of(PROD), "backups.targets")[0]
    assert "models and containers are geo-replicated to northeurope" in message
    assert "deletions replicate too" in message


def test_models_without_cross_region_have_no_azure_backup() -> None:
    graph = graph_with(PROD, backups={"targets": ["models"], "crossRegion": False})
    assert "no scheduled backup" in warned(graph, "backups.targets")[0]
    assert warned(graph, "backups.schedule") and warned(graph, "backups.retentionDays")
    assert all_of(graph, ":dataprotection:BackupVault") == []
