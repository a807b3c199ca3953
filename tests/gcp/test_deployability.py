"""What a real GCP deploy needs beyond valid inputs (issue 12: items 4, 6, 7, 11)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from mlopskit.engine import run_program
from mlopskit.modules import load_stack
from mlopskit.modules.graph import Graph
from mlopskit.program import run
from mlopskit.providers.gcp import GcpProvider
from mlopskit.providers.gcp.registry import VertexModelRegistry, seeded_client
from tests.conftest import STACKS
from tests.gcp.conftest import gcp_preview

PREFIX = "credit-risk-prod"


def _inputs(graph: Graph, name: str) -> dict[str, Any]:
    return graph.named(name).inputs


# -- item 4: the billing account is required for a real deploy -------------------------

@pytest.fixture()
def live_gcp(monkeypatch: pytest.MonkeyPatch) -> Iterator[GcpProvider]:
    """The GCP provider as `pulumi up` runs it: the live registry class (offline=False)."""
    from pulumi.runtime.config import CONFIG

    # set_config writes into a dict every later run shares: restore it afterwards.
    saved = dict(CONFIG.get())
    provider = GcpProvider()
    stack = load_stack(STACKS / "credit-risk.yaml", "gcp")
    client = seeded_client(stack, "123456789012")
    monkeypatch.setattr(GcpProvider, "registry", lambda self, s: VertexModelRegistry("acme-ml-prod", "europe-west4", lambda: client))
    monkeypatch.setattr("mlopskit.providers.get_provider", lambda cloud: provider)
    yield provider
    CONFIG.get().clear()
    CONFIG.get().update(saved)


def _program(**config: str):  # type: ignore[no-untyped-def]
    def program() -> None:
        pulumi.runtime.set_config("mlopskit:spec", "stacks/credit-risk.yaml")
        pulumi.runtime.set_config("mlopskit:provider", "gcp")
        for key, value in config.items():
            pulumi.runtime.set_config(key, value)
        run()

    return program


def test_pulumi_up_without_a_billing_account_stops_naming_the_key(live_gcp: GcpProvider) -> None:
    with pytest.raises(pulumi.RunError, match=r"budget: a GCP budget needs a billing account: set Pulumi config mlopskit:gcpBillingAccount"):
        run_program(live_gcp, "prod-gcp", _program())


def test_pulumi_up_rejects_a_malformed_billing_account(live_gcp: GcpProvider) -> None:
    with pytest.raises(pulumi.RunError, match="mlopskit:gcpBillingAccount: 'acme' is not a billing account id"):
        run_program(live_gcp, "prod-gcp", _program(**{"mlopskit:gcpBillingAccount": "acme"}))


def test_pulumi_up_uses_the_configured_billing_account(live_gcp: GcpProvider) -> None:
    monitor = run_program(live_gcp, "prod-gcp", _program(**{"mlopskit:gcpBillingAccount": "01A2B3-C4D5E6-F7A8B9"}))
    budgets = [r for r in monitor.records.values() if r.type == "gcp:billing/budget:Budget"]
    assert [b.inputs["billingAccount"] for b in budgets] == ["01A2B3-C4D5E6-F7A8B9"]


def test_offline_preview_marks_the_placeholder_account() -> None:
    graph = gcp_preview()
    assert _inputs(graph, f"{PREFIX}-budget-monthly")["billingAccount"] == "000000-000000-000000"
    (message,) = [w.message for w in graph.warnings if w.path == "budget"]
    assert message.startswith("offline preview only") and "mlopskit:gcpBillingAccount" in message


# -- item 6: an explicit n1 type gets no GPU unless the spec asks for one ---------------

def test_explicit_n1_type_without_gpu_gets_no_accelerator() -> None:
    graph = gcp_preview(**{"endpoints[0].compute": {"instanceType": {"gcp": "n1-standard-4"}}})
    deployed = _inputs(graph, f"{PREFIX}-scoring-deployment")
    assert deployed["machineType"] == "n1-standard-4"
    assert not deployed.get("acceleratorType") and not deployed.get("acceleratorCount")


def test_explicit_n1_type_with_gpu_gets_the_asked_accelerator() -> None:
    compute = {"instanceType": {"gcp": "n1-standard-8"}, "gpu": {"type": "V100", "count": 1}}
    deployed = _inputs(gcp_preview(**{"endpoints[0].compute": compute}), f"{PREFIX}-scoring-deployment")
    assert (deployed["acceleratorType"], deployed["acceleratorCount"]) == ("NVIDIA_TESLA_V100", 1)


# -- item 7: a private endpoint is reachable from the stack's VPC ------------------------

def test_private_endpoint_gets_a_consumer_forwarding_rule_by_psc_automation(prod: Graph) -> None:
    psc = _inputs(prod, f"{PREFIX}-scoring-endpoint")["privateServiceConnectConfig"]
    (automation,) = psc["pscAutomationConfigs"]
    assert automation == {"projectId": "acme-ml-prod", "network": "projects/acme-ml-prod/global/networks/credit-risk-prod-vpc"}
    policy = _inputs(prod, f"{PREFIX}-network-psc-policy")
    assert policy["serviceClass"] == "gcp-vertexai" and policy["network"] == automation["network"]
    assert policy["pscConfig"]["subnetworks"] == ["projects/acme-ml-prod/regions/europe-west4/subnetworks/credit-risk-prod-europe-west4"]


# -- item 11: backups never overwrite under the retention lock; the APIs are enabled -----

def test_backup_transfers_never_overwrite_the_retention_locked_copy(prod: Graph) -> None:
    jobs = [r for r in prod if r.type == "gcp:storage/transferJob:TransferJob"]
    assert jobs and {j.inputs["transferSpec"]["transferOptions"]["overwriteWhen"] for j in jobs} == {"NEVER"}


def test_the_apis_the_stack_calls_are_enabled_first(prod: Graph) -> None:
    services = {r.inputs["service"]: r for r in prod if r.type == "gcp:projects/service:Service"}
    assert {"aiplatform.googleapis.com", "containerscanning.googleapis.com", "cloudkms.googleapis.com",
            "storagetransfer.googleapis.com", "billingbudgets.googleapis.com"} <= set(services)
    assert all(r.inputs["disableOnDestroy"] is False for r in services.values())
    # Components wait for every enabled API (the engine expands a component dependency
    # into its children).
    for component in ("keys", "storage", "endpoint-scoring", "budget"):
        assert {r.urn for r in services.values()} <= set(prod.named(f"{PREFIX}-{component}").dependencies), component


def test_no_scanning_api_when_scanning_is_off() -> None:
    graph = gcp_preview(**{"registry.containers.scanOnPush": False})
    assert "containerscanning.googleapis.com" not in {r.inputs["service"] for r in graph if r.type == "gcp:projects/service:Service"}


def test_linear_rollout_in_one_percent_steps_fits_a_label() -> None:
    from mlopskit.providers.gcp.names import steps_label

    assert steps_label([10, 100]) == "10_100"
    assert steps_label([*range(1, 100), 100]) == "1_by_1_to_100"


def test_cli_preview_with_a_malformed_billing_account_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from pulumi.runtime.config import CONFIG

    from mlopskit.cli import main

    saved = dict(CONFIG.get())
    CONFIG.get()["mlopskit:gcpBillingAccount"] = "acme"
    try:
        assert main(["preview", str(STACKS / "fraud-dev.yaml"), "--provider", "gcp"]) == 2
    finally:
        CONFIG.get().clear()
        CONFIG.get().update(saved)
    assert "budget: Pulumi config mlopskit:gcpBillingAccount: 'acme' is not a billing account id" in capsys.readouterr().err


def test_inherited_scanning_counts_only_with_the_scanning_api(prod: Graph) -> None:
    """INHERITED follows the project's Container Scanning API: scanned when the stack enables it,
    unknown (never a pass) when it does not, no when the repository disables it."""
    from dataclasses import replace

    from mlopskit.providers.gcp import GcpProvider

    stack = load_stack(STACKS / "credit-risk.yaml", "gcp")
    facts = GcpProvider().facts(prod, stack)
    assert [f.attrs["scan_on_push"] for f in facts if f.kind == "container_registry"] == [True]
    without_api = replace(prod, resources=[r for r in prod if not (r.type == "gcp:projects/service:Service"
                                               and r.inputs["service"] == "containerscanning.googleapis.com")])
    facts = GcpProvider().facts(without_api, stack)
    assert [f.attrs["scan_on_push"] for f in facts if f.kind == "container_registry"] == [None]
    disabled = replace(prod, resources=[
        replace(r, inputs={**r.inputs, "vulnerabilityScanningConfig": {"enablementConfig": "DISABLED"}})
        if r.type == "gcp:artifactregistry/repository:Repository" else r for r in prod])
    facts = GcpProvider().facts(disabled, stack)
    assert [f.attrs["scan_on_push"] for f in facts if f.kind == "container_registry"] == [False]
