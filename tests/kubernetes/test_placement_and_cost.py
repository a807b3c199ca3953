"""The kubernetes target: residency from the declared placement, and the rate card, worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mlopskit.engine import preview
from mlopskit.modules.graph import Graph
from mlopskit.modules.stack import Stack
from mlopskit.policies.runner import evaluate
from mlopskit.providers.costing import CostEstimate, estimate
from mlopskit.providers.kubernetes import types as t
from tests.specs import stack

CLOUD = "kubernetes"


def _built(**changes: object) -> tuple[Stack, Graph]:
    return _cached(tuple(sorted((k, repr(v)) for k, v in changes.items())), changes)


_CACHE: dict[tuple[tuple[str, str], ...], tuple[Stack, Graph]] = {}


def _cached(key: tuple[tuple[str, str], ...], changes: dict[str, object]) -> tuple[Stack, Graph]:
    if key not in _CACHE:
        spec = stack(**changes)
        _CACHE[key] = (spec, preview(spec, CLOUD))
    return _CACHE[key]


def _residency(**changes: object) -> set[str]:
    spec, graph = _built(**changes)
    report = evaluate(spec, graph)
    return {c.status for c in report.checked if c.policy == "data-residency"}


def test_a_declared_eu_placement_passes_gdpr_residency() -> None:
    assert _residency() == {"pass"}


def test_a_placement_without_a_declared_region_fails_gdpr_residency() -> None:
    spec, graph = _built(placement__kubernetes__region=..., placement__kubernetes__jurisdiction=...)
    report = evaluate(spec, graph)
    found = [v for v in report.violations if v.policy == "data-residency"]
    assert found and {v.status for v in found} == {"fail"}
    assert all("region undeclared is outside eu" in v.message for v in found)


def test_a_region_without_a_declared_jurisdiction_is_unknown_never_a_pass() -> None:
    assert _residency(placement__kubernetes__jurisdiction=...) == {"unknown"}


def test_a_jurisdiction_outside_the_preset_fails() -> None:
    assert _residency(placement__kubernetes__jurisdiction="us") == {"fail"}


# -- cost: the default rate card (providers/catalog/prices/kubernetes.csv, eu-west-1) -------------
# eu-west-1 scales us-east-1 by m5.large's 0.107 / 0.096; us-east-1: vCPU 0.037, GiB 0.00275,
# A10G (g5.xlarge 1.006 - 4 x 0.037 - 16 x 0.00275) = 0.814 (providers/kubernetes/ratecard.py).
EU = Decimal("0.107") / Decimal("0.096")


def _lines(est: CostEstimate, resource: str) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    found = next(r for r in est.resources if r.name == resource)
    return {p.component.name: (p.monthly_cost, p.max_monthly_cost) for p in found.components}


def test_the_scoring_endpoint_is_requests_times_replicas_times_hours_at_the_default_rates() -> None:
    spec, graph = _built()
    lines = _lines(estimate(graph, spec), "credit-risk-prod-scoring-isvc")
    vcpu, gib, a10g = (Decimal("0.04124"), Decimal("0.003065"), Decimal("0.907271"))  # the catalog's rounded rows
    assert round(Decimal("0.037") * EU, 6) == vcpu and round(Decimal("0.814") * EU, 6) == a10g
    # 2 replicas (up to 6) x 730 h; 4 vCPU, 16 GiB, 1 A10G per pod.
    assert lines == {
        "Serving vCPU (4 per pod)": (2 * 730 * 4 * vcpu, 6 * 730 * 4 * vcpu),
        "Serving memory (16 GiB per pod)": (2 * 730 * 16 * gib, 6 * 730 * 16 * gib),
        "Serving GPU (1x A10G per pod)": (2 * 730 * a10g, 6 * 730 * a10g),
    }


def test_the_weekly_training_job_is_pods_times_runtime_times_runs() -> None:
    spec, graph = _built()
    lines = _lines(estimate(graph, spec), "credit-risk-prod-train-xgb-job")
    # "0 3 * * 1": 52 runs in 2025 -> 52 x 730 / 8760 runs a month; 1 pod x 180 minutes each.
    hours = Decimal(52) * 730 / 8760 * 3
    assert lines["Training vCPU (4 per pod)"][0] == hours * 4 * Decimal("0.04124")


def test_credit_risk_has_no_unpriced_component_on_the_default_rate_card() -> None:
    spec, graph = _built()
    est = estimate(graph, spec)
    assert est.unpriced == [] and est.unsupported == ()
    assert est.total_monthly > 0


def test_an_undeclared_region_is_unpriced_never_zero() -> None:
    spec, graph = _built(placement__kubernetes__region=..., placement__kubernetes__jurisdiction=...)
    est = estimate(graph, spec)
    assert any("scoring-isvc" in line for line in est.unpriced)


def test_a_rate_card_in_the_spec_prices_every_line_as_declared() -> None:
    card = {"vcpuHourUsd": 0.05, "gibHourUsd": 0.01, "gpuHourUsd": {"A10G": 1.5}}
    spec, graph = _built(placement__kubernetes__rateCard=card)
    found = next(r for r in estimate(graph, spec).resources if r.name == "credit-risk-prod-scoring-isvc")
    priced = {p.component.name: (p.row.usd, p.row.basis) for p in found.components if p.row}
    assert priced == {"Serving vCPU (4 per pod)": (Decimal("0.05"), "declared"),
                      "Serving memory (16 GiB per pod)": (Decimal("0.01"), "declared"),
                      "Serving GPU (1x A10G per pod)": (Decimal("1.5"), "declared")}


def test_a_rate_card_without_the_gpu_model_leaves_the_gpu_unpriced() -> None:
    spec, graph = _built(placement__kubernetes__rateCard={"vcpuHourUsd": 0.05, "gibHourUsd": 0.01})
    assert any("GPU" in line for line in estimate(graph, spec).unpriced)


@pytest.mark.parametrize("kind", [t.INFERENCE_SERVICE, t.CRON_JOB, t.VELERO_SCHEDULE, t.PROMETHEUS_RULE])
def test_the_bundled_example_records_each_workload_kind(kind: str) -> None:
    assert _built()[1].of_type(kind)
