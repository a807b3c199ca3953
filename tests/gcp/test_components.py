"""Each GCP component, asserted on the inputs that carry the spec's meaning (under mocks)."""

from __future__ import annotations

import base64
import json

from mlopskit.modules.graph import Graph
from mlopskit.providers.gcp.identity import FORBIDDEN_ROLES
from tests.conftest import STACKS
from tests.gcp.conftest import gcp_preview

PREFIX = "credit-risk-prod"
KEY_W4 = "projects/acme-ml-prod/locations/europe-west4/keyRings/credit-risk-prod-europe-west4/cryptoKeys/credit-risk-prod-data"
KEY_W1 = "projects/acme-ml-prod/locations/europe-west1/keyRings/credit-risk-prod-europe-west1/cryptoKeys/credit-risk-prod-data"


def parent_name(graph: Graph, name: str) -> str:
    resource = graph.named(name)
    assert resource.parent is not None
    return graph.by_urn(resource.parent).name


def test_components_use_the_declared_type_tokens(prod: Graph) -> None:
    from mlopskit.providers.gcp import GcpProvider

    # The full spec has every component but batch inference, which the lifecycle example adds.
    types = {r.type for r in prod} | {r.type for r in gcp_preview("lifecycle.yaml")}
    for abstraction, token in GcpProvider.components.items():
        assert token in types, abstraction


def test_keys_rotate_and_are_regional(prod: Graph) -> None:
    rings = prod.of_type("gcp:kms/keyRing:KeyRing")
    assert sorted(r.inputs["location"] for r in rings) == ["europe-west1", "europe-west4"]
    key = prod.named(f"{PREFIX}-keys-europe-west4-key")
    assert key.inputs["rotationPeriod"] == "7776000s"
    assert key.protect and all(r.protect for r in rings)
    assert parent_name(prod, key.name) == f"{PREFIX}-keys"
    members = {r.inputs["member"] for r in prod.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")}
    assert any("gs-project-accounts" in m for m in members) and any("gcp-sa-aiplatform" in m for m in members)


def test_no_keys_without_customer_managed_keys() -> None:
    graph = gcp_preview(encryption__customerManagedKeys=False)
    assert not graph.of_type("gcp:kms/cryptoKey:CryptoKey")
    assert "encryption" not in graph.named(f"{PREFIX}-artifacts-bucket").inputs


def test_artifacts_bucket_is_hardened(prod: Graph) -> None:
    bucket = prod.named(f"{PREFIX}-artifacts-bucket")
    assert bucket.type == "gcp:storage/bucket:Bucket" and bucket.protect
    assert bucket.inputs["encryption"]["defaultKmsKeyName"] == KEY_W4
    assert bucket.inputs["uniformBucketLevelAccess"] is True
    assert bucket.inputs["publicAccessPrevention"] == "enforced"
    assert bucket.inputs["versioning"] == {"enabled": True}
    assert bucket.inputs["lifecycleRules"][0]["condition"]["daysSinceNoncurrentTime"] == 365
    assert bucket.inputs["name"].startswith(PREFIX) and len(bucket.inputs["name"]) <= 63


def test_dev_resources_are_not_protected(dev: Graph) -> None:
    assert not dev.named("fraud-dev-artifacts-bucket").protect
    assert not dev.named("fraud-dev-detector-model").protect


def test_uploaded_vertex_model_versions_are_protected_in_prod() -> None:
    # A registered version is what rollbacks return to (data-bearing, like the buckets): the
    # Vertex Model Registry dynamic resource is protected in prod, as the other stores are.
    graph = gcp_preview("credit-risk.yaml", **{"endpoints[1].model": {
        "source": "artifact", "format": "custom", "image": {"repository": "credit-serve", "tag": "2"},
        "artifactPath": "models/challenger/"}})
    (model,) = [r for r in graph.of_type("pulumi-python:dynamic:Resource") if r.inputs.get("kind") == "vertex-model"]
    assert model.name == f"{PREFIX}-challenger-model" and model.protect


def test_container_registry(prod: Graph) -> None:
    repo = prod.named(f"{PREFIX}-images-repository")
    assert repo.protect and repo.inputs["kmsKeyName"] == KEY_W4
    assert repo.inputs["dockerConfig"] == {"immutableTags": True}
    assert repo.inputs["vulnerabilityScanningConfig"]["enablementConfig"] == "INHERITED"
    assert repo.inputs["format"] == "DOCKER"


def test_network_is_private(prod: Graph) -> None:
    assert prod.named(f"{PREFIX}-network-vpc").inputs["autoCreateSubnetworks"] is False
    assert prod.named(f"{PREFIX}-network-subnet").inputs["privateIpGoogleAccess"] is True
    assert prod.named(f"{PREFIX}-network-private-services").inputs["service"] == "servicenetworking.googleapis.com"
    public = gcp_preview(network__private=False)
    assert not public.of_type("gcp:compute/network:Network")
    assert "privateServiceConnectConfig" not in public.named(f"{PREFIX}-scoring-endpoint").inputs


def test_endpoint_cmek_private_and_capture(prod: Graph) -> None:
    endpoint = prod.named(f"{PREFIX}-scoring-endpoint")
    assert endpoint.type == "gcp:vertex/aiEndpoint:AiEndpoint"
    assert parent_name(prod, endpoint.name) == f"{PREFIX}-endpoint-scoring"
    assert endpoint.inputs["encryptionSpec"]["kmsKeyName"] == KEY_W4
    assert endpoint.inputs["privateServiceConnectConfig"]["enablePrivateServiceConnect"] is True
    logging = endpoint.inputs["predictRequestResponseLoggingConfig"]
    assert logging["enabled"] is True and logging["samplingRate"] == 0.2
    # One capture dataset per stack, a table per endpoint: renaming an endpoint or turning its
    # capture off never deletes the dataset holding what was captured.
    assert logging["bigqueryDestination"]["outputUri"] == "bq://acme-ml-prod.credit_risk_prod_capture.scoring"
    assert endpoint.inputs["labels"]["strategy"] == "canary"
    dataset = prod.named(f"{PREFIX}-capture")
    assert parent_name(prod, dataset.name) == f"{PREFIX}-storage"
    assert dataset.inputs["datasetId"] == "credit_risk_prod_capture"
    assert dataset.protect and dataset.inputs["defaultEncryptionConfiguration"]["kmsKeyName"] == KEY_W4
    # challenger has no data capture
    assert "predictRequestResponseLoggingConfig" not in prod.named(f"{PREFIX}-challenger-endpoint").inputs


def test_deployed_model_replicas_machine_and_traffic(prod: Graph) -> None:
    deployment = prod.named(f"{PREFIX}-scoring-deployment")
    assert deployment.type == "pulumi-python:dynamic:Resource"
    assert parent_name(prod, deployment.name) == f"{PREFIX}-autoscaling-scoring"
    inputs = deployment.inputs
    assert (inputs["minReplicaCount"], inputs["maxReplicaCount"], inputs["targetRequestsPerReplica"]) == (2, 6, 100)
    assert inputs["machineType"] == "g2-standard-4" and inputs["acceleratorType"] == "NVIDIA_L4"
    assert inputs["strategy"] == "canary" and inputs["trafficSteps"] == [10, 100] and inputs["waitMinutes"] == 10
    assert inputs["rollbackAlertPolicies"] == [f"{PREFIX}-scoring-latency", f"{PREFIX}-scoring-errors"]
    assert inputs["model"].endswith("@7")
    deployed_id = deployment.outputs["deployedModelId"]
    assert deployment.outputs["trafficSplit"] == {deployed_id: 100}  # first deployment: all traffic


def test_generic_compute_resolves_through_the_catalog(prod: Graph) -> None:
    assert prod.named(f"{PREFIX}-challenger-deployment").inputs["machineType"] in ("e2-standard-4", "n2-standard-4")


def test_linear_strategy_steps(dev: Graph) -> None:
    inputs = dev.named("fraud-dev-detector-deployment").inputs
    assert inputs["trafficSteps"] == [25, 50, 75, 100]
    assert inputs["strategy"] == "linear" and inputs["waitMinutes"] == 5


def test_blue_green_steps() -> None:
    graph = gcp_preview(**{"endpoints[0].deployment": {"strategy": "blue-green"}})
    assert graph.named(f"{PREFIX}-scoring-deployment").inputs["trafficSteps"] == [0, 100]


def test_shadow_is_reported_not_dropped(prod: Graph) -> None:
    paths = {w.path: w.message for w in prod.warnings}
    assert "endpoints[1].deployment.strategy" in paths
    assert "shadow" in paths["endpoints[1].deployment.strategy"] and "mirror" in paths["endpoints[1].deployment.strategy"]


def test_monitoring_alerts_and_drift(prod: Graph) -> None:
    latency = prod.named(f"{PREFIX}-scoring-alert-latency")
    condition = latency.inputs["conditions"][0]["conditionThreshold"]
    assert condition["thresholdValue"] == 500 and "prediction_latencies" in condition["filter"]
    errors = prod.named(f"{PREFIX}-scoring-alert-errors").inputs["conditions"][0]["conditionThreshold"]
    assert errors["thresholdValue"] == 0.01
    assert prod.named(f"{PREFIX}-challenger-alert-errors").inputs["conditions"][0]["conditionThreshold"]["thresholdValue"] == 0.02
    channels = [r for r in prod.of_type("gcp:monitoring/notificationChannel:NotificationChannel") if "scoring" in r.name]
    assert [c.inputs["labels"]["email_address"] for c in channels] == ["ml-oncall@example.com"]
    assert latency.inputs["notificationChannels"] == [channels[0].outputs["name"]]
    # Vertex AI model monitoring only with monitoring.engine: managed (issue 25); by default the
    # kit's monitor job computes the section (tests/gcp/test_monitor_job.py), without a warning.
    assert not [w for w in prod.warnings if w.path.startswith("endpoints[0].monitoring")]
    assert not [r for r in prod.resources if r.name.endswith("-scoring-drift")]
    managed = gcp_preview("credit-risk.yaml", **{"endpoints[0].monitoring.engine": "managed"})
    drift = managed.named(f"{PREFIX}-scoring-drift").inputs
    assert drift["intervalSeconds"] == 86400 and drift["sampleRate"] == 0.2
    assert set(prod.outputs["endpoints"]["scoring"]["rollbackAlertPolicies"]) == {"latency", "errors"}


def test_training_job_spec_and_schedule(prod: Graph) -> None:
    spec_object = prod.named(f"{PREFIX}-train-xgb-job-spec")
    content = spec_object.inputs["content"]
    if isinstance(content, dict):  # pulumi-gcp marks object content secret
        content = content["value"]
    body = json.loads(content)
    pool = body["jobSpec"]["workerPoolSpecs"][0]
    assert pool["machineSpec"]["machineType"] in ("e2-standard-4", "n2-standard-4")
    # The prebuilt container runs the uploaded code as a Python package.
    assert pool["pythonPackageSpec"]["args"] == ["--max_depth=6"]
    assert "xgboost-cpu.1-7" in pool["pythonPackageSpec"]["executorImageUri"]
    assert body["jobSpec"]["scheduling"] == {"timeout": "10800s", "strategy": "SPOT"}
    assert body["jobSpec"]["network"].endswith("/global/networks/credit-risk-prod-vpc")
    assert body["encryptionSpec"]["kmsKeyName"] == KEY_W4
    assert body["jobSpec"]["serviceAccount"].startswith("credit-risk-prod-training@")
    job = prod.named(f"{PREFIX}-train-xgb-schedule")
    assert job.inputs["schedule"] == "0 3 * * 1"
    target = job.inputs["httpTarget"]
    assert target["uri"].endswith("/projects/acme-ml-prod/locations/europe-west4/customJobs")
    assert target["oauthToken"]["serviceAccountEmail"].startswith("credit-risk-prod-scheduler@")
    assert json.loads(base64.b64decode(target["body"])) == body


def test_unscheduled_training_has_no_scheduler_job(dev: Graph) -> None:
    assert not dev.of_type("gcp:cloudscheduler/job:Job")
    assert dev.named("fraud-dev-train-job-spec")


def test_backups_cross_region_with_retention(prod: Graph) -> None:
    bucket = prod.named(f"{PREFIX}-backups-bucket")
    assert bucket.protect and bucket.inputs["location"] == "europe-west1"
    assert bucket.inputs["encryption"]["defaultKmsKeyName"] == KEY_W1
    assert bucket.inputs["retentionPolicy"]["retentionPeriod"] == str(35 * 86400)
    assert bucket.provider == f"{PREFIX}-gcp-europe-west1"
    jobs = prod.of_type("gcp:storage/transferJob:TransferJob")
    assert sorted(j.name for j in jobs) == [f"{PREFIX}-backups-artifacts", f"{PREFIX}-backups-models"]
    assert all(j.inputs["schedule"]["repeatInterval"] == "86400s" for j in jobs)
    assert any(w.path == "backups.targets[2]" for w in prod.warnings)


def test_no_backups_in_dev(dev: Graph) -> None:
    assert not dev.of_type("gcp:storage/transferJob:TransferJob")


def iam_bindings(graph: Graph) -> list[tuple[str, str]]:
    out = []
    for r in graph:
        if "IamMember" in r.type or "IAMMember" in r.type:
            out.append((r.name, r.inputs["role"]))
    return out


def test_no_basic_admin_or_wildcard_roles(prod: Graph, dev: Graph) -> None:
    for graph in (prod, dev):
        bindings = iam_bindings(graph)
        assert bindings
        for name, role in bindings:
            assert role not in FORBIDDEN_ROLES, name
            assert "*" not in role and not role.endswith("admin") and not role.endswith(".admin"), name
    for role in prod.of_type("gcp:projects/iAMCustomRole:IAMCustomRole"):
        assert all("*" not in p for p in role.inputs["permissions"])


def test_access_roles_map_to_resource_grants(prod: Graph) -> None:
    bucket_members = [(r.inputs["member"], r.inputs["role"]) for r in prod.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")]
    assert ("group:ds@example.com", "roles/storage.objectViewer") in bucket_members
    endpoint_members = [(r.inputs["member"], r.inputs["role"]) for r in prod.of_type("gcp:vertex/aiEndpointIamMember:AiEndpointIamMember")]
    assert ("user:oncall@example.com", "projects/acme-ml-prod/roles/mlopskit_credit_risk_prod_endpointInvoker") in endpoint_members
    accounts = {r.inputs["accountId"] for r in prod.of_type("gcp:serviceaccount/account:Account")}
    assert {"credit-risk-prod-training", "credit-risk-prod-serving", "credit-risk-prod-scheduler"} <= accounts
    assert all(6 <= len(a) <= 30 for a in accounts)
    assert any(w.path == "access.roles[0].permissions" for w in prod.warnings)


def test_audit_and_log_retention(prod: Graph) -> None:
    services = {r.inputs["service"] for r in prod.of_type("gcp:projects/iAMAuditConfig:IAMAuditConfig")}
    assert services == {"aiplatform.googleapis.com", "storage.googleapis.com"}
    logs = prod.of_type("gcp:projects/iAMAuditConfig:IAMAuditConfig")[0].inputs["auditLogConfigs"]
    assert {c["logType"] for c in logs} >= {"DATA_READ", "DATA_WRITE"}
    assert prod.named(f"{PREFIX}-audit-log-retention").inputs["retentionDays"] == 365


def test_budget_thresholds_and_billing_warning(prod: Graph) -> None:
    budget = prod.named(f"{PREFIX}-budget-monthly")
    assert budget.inputs["amount"]["specifiedAmount"]["units"] == "6000"
    assert [r["thresholdPercent"] for r in budget.inputs["thresholdRules"]] == [0.5, 0.8, 1.0]
    assert any(w.path == "budget" and "gcpBillingAccount" in w.message for w in prod.warnings)


def test_providers_carry_sanitised_labels(prod: Graph) -> None:
    providers = prod.of_type("pulumi:providers:gcp")
    assert sorted(p.inputs["region"] for p in providers) == ["europe-west1", "europe-west4"]
    labels = providers[0].inputs["defaultLabels"]
    labels = json.loads(labels) if isinstance(labels, str) else labels
    assert labels["owner"] == "ml-platform_example_com" and labels["cost-center"] == "cc-1234"
    assert labels["team"] == "risk" and labels["environment"] == "prod"
    assert prod.named(f"{PREFIX}-artifacts-bucket").provider == f"{PREFIX}-gcp-europe-west4"


def test_names_are_deterministic_and_local() -> None:
    first = {r.name: r.inputs.get("name") for r in gcp_preview()}
    second = {r.name: r.inputs.get("name") for r in gcp_preview()}
    assert first == second
    changed = gcp_preview(**{"endpoints[1].name": "challenger2"})
    untouched = {n for n in first if "challenger" not in n}
    assert untouched <= {r.name for r in changed}


def test_missing_approved_version_still_builds_everything_else() -> None:
    from unittest import mock

    from mlopskit.engine import preview
    from mlopskit.modules import parse_stack
    from mlopskit.providers.gcp import GcpProvider
    from mlopskit.providers.gcp.registry import VertexModelRegistry
    from tests.specs import baseline

    empty = mock.MagicMock()
    empty.list_models.return_value = []
    provider = GcpProvider()
    provider.offline_registry = lambda stack: _yield(VertexModelRegistry("acme-ml-prod", "europe-west4", lambda: empty, offline=True))  # type: ignore[method-assign]
    graph = preview(parse_stack(baseline(), base_dir=STACKS), "gcp", provider)
    assert not [r for r in graph if r.name.endswith("-deployment")]
    assert graph.named(f"{PREFIX}-scoring-endpoint")
    message = {w.path: w.message for w in graph.warnings}["endpoints[0].model.version"]
    assert "no approved version" in message


def _yield(value):  # type: ignore[no-untyped-def]
    from contextlib import contextmanager

    @contextmanager
    def manager():  # type: ignore[no-untyped-def]
        yield value

    return manager()
