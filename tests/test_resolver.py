"""Generic compute -> instance type, the same rule on every cloud."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mlopskit.modules import Compute, Gpu, InstanceTypes
from mlopskit.providers.catalog.prices import PriceKey, lookup as price_lookup
from mlopskit.providers.catalog.resolver import ResolutionError, catalog, resolve


@pytest.mark.parametrize(("cloud", "gpu", "expected"), [
    ("aws", None, "ml.m5.xlarge"),
    ("aws", "T4", "ml.g4dn.xlarge"),
    ("gcp", None, "e2-standard-4"),
    ("gcp", "L4", "g2-standard-4"),
    ("azure", None, "Standard_D4a_v4"),
    ("azure", "T4", "Standard_NC4as_T4_v3"),
])
def test_cheapest_match_in_the_reference_region(cloud: str, gpu: str | None, expected: str) -> None:
    compute = Compute(cpu=4, memory_gib=16, gpu=Gpu(type=gpu) if gpu else None)
    assert resolve(cloud, compute).instance.name == expected  # type: ignore[arg-type]


def test_gpu_model_and_count_are_hard_constraints() -> None:
    choice = resolve("gcp", Compute(cpu=4, memory_gib=15, gpu=Gpu(type="T4")))
    assert (choice.instance.name, choice.instance.accelerator, choice.exact) == ("n1-standard-4", "NVIDIA_TESLA_T4", True)
    assert resolve("gcp", Compute(cpu=8, memory_gib=64, gpu=Gpu(type="A100"))).instance.name == "a2-ultragpu-1g"
    with pytest.raises(ResolutionError) as error:
        resolve("gcp", Compute(cpu=4, memory_gib=16, gpu=Gpu(type="A10G")))
    assert error.value.field == "gpu.type"
    with pytest.raises(ResolutionError) as error:
        resolve("aws", Compute(cpu=4, memory_gib=16, gpu=Gpu(type="T4", count=3)))
    assert error.value.field == "gpu.count"


def test_nearest_match_is_marked_inexact() -> None:
    choice = resolve("azure", Compute(cpu=3, memory_gib=10))
    assert choice.instance.name == "Standard_D4a_v4" and not choice.exact


def test_explicit_instance_type_wins() -> None:
    compute = Compute(cpu=4, memory_gib=16, instance_type=InstanceTypes(aws="ml.c5.xlarge"))
    choice = resolve("aws", compute)
    assert choice.instance.name == "ml.c5.xlarge" and choice.explicit


def test_too_large_request_fails_on_cpu() -> None:
    with pytest.raises(ResolutionError) as error:
        resolve("aws", Compute(cpu=192, memory_gib=4096 / 2))
    assert error.value.field == "cpu"


def test_catalog_rows_are_dated_and_sourced() -> None:
    import csv

    from mlopskit.providers.catalog.resolver import CATALOG

    rows = list(csv.DictReader(CATALOG.open()))
    assert len(rows) == len(catalog()) > 50
    assert all(r["source"] and r["date"] for r in rows)


def test_cheapest_match_wins_over_smallest(monkeypatch: pytest.MonkeyPatch) -> None:
    import mlopskit.providers.catalog.resolver as resolver

    # Make the larger match cheaper: the resolver must follow the price, not the size.
    prices = {"ml.m5.2xlarge": Decimal("0.10")}
    monkeypatch.setattr(resolver, "hourly_price", lambda i, region, use="serving": prices.get(i.name, Decimal("1")))
    choice = resolve("aws", Compute(cpu=8, memory_gib=16))
    assert (choice.instance.name, choice.basis, choice.hourly_usd, choice.exact) == (
        "ml.m5.2xlarge", "cheapest", Decimal("0.10"), False)


def test_catalog_prices_pick_the_compute_optimised_type() -> None:
    # 8 vCPU / 16 GiB on AWS: ml.c5.2xlarge beats ml.m5.2xlarge in us-east-1, at its catalog price.
    choice = resolve("aws", Compute(cpu=8, memory_gib=16))
    hosting = lambda sku: price_lookup(PriceKey("aws", "sagemaker-hosting", sku, "us-east-1")).usd  # type: ignore[union-attr]  # noqa: E731
    assert (choice.instance.name, choice.basis, choice.hourly_usd) == ("ml.c5.2xlarge", "cheapest", hosting("ml.c5.2xlarge"))
    assert hosting("ml.c5.2xlarge") < hosting("ml.m5.2xlarge")


def test_cheapest_counts_separately_billed_gpus() -> None:
    # n1-standard-8 + one T4 is priced as machine + accelerator in europe-west4.
    choice = resolve("gcp", Compute(cpu=8, memory_gib=30, gpu=Gpu(type="T4")), "europe-west4")
    assert choice.instance.name == "n1-standard-8"
    machine = price_lookup(PriceKey("gcp", "vertex-prediction", "n1-standard-8", "europe-west4"))
    gpu = price_lookup(PriceKey("gcp", "vertex-prediction-accelerator", "NVIDIA_TESLA_T4", "europe-west4"))
    assert machine and gpu and choice.hourly_usd == machine.usd + gpu.usd


def test_unknown_region_price_falls_back_to_size_order() -> None:
    # Every known region is priced; a region the catalog does not price (validate refuses unknown
    # regions before this is reached) falls back to the smallest match and says so.
    choice = resolve("aws", Compute(cpu=8, memory_gib=16), "xx-unpriced-1")
    assert (choice.instance.name, choice.basis, choice.hourly_usd) == (
        "ml.c5.2xlarge", "smallest (price unknown in xx-unpriced-1)", None)
    memory_first = resolve("aws", Compute(cpu=2, memory_gib=16), "xx-unpriced-1")
    assert memory_first.instance.name == "ml.r5.large"


def test_explicit_type_gets_only_the_accelerator_the_spec_asks_for() -> None:
    # Issue 12 item 6: an explicit n1 type without `gpu` used to get a T4 attached.
    plain = resolve("gcp", Compute(instance_type=InstanceTypes(gcp="n1-standard-4")))
    assert (plain.instance.name, plain.instance.gpu_count, plain.instance.accelerator) == ("n1-standard-4", 0, None)
    t4 = resolve("gcp", Compute(instance_type=InstanceTypes(gcp="n1-standard-8"), gpu=Gpu(type="V100")))
    assert (t4.instance.accelerator, t4.instance.gpu_count) == ("NVIDIA_TESLA_V100", 1)
    # An accelerator-optimized type comes with its GPUs whatever the spec says.
    g2 = resolve("gcp", Compute(instance_type=InstanceTypes(gcp="g2-standard-4")))
    assert (g2.instance.accelerator, g2.instance.gpu_count) == ("NVIDIA_L4", 1)


def test_a_resolution_is_priced_once_and_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stack resolves the same compute once per endpoint: the second answer costs no price lookup."""
    import mlopskit.providers.catalog.resolver as resolver

    lookups: list[PriceKey] = []
    original = resolver.price_lookup
    monkeypatch.setattr(resolver, "price_lookup", lambda key: lookups.append(key) or original(key))
    monkeypatch.setattr(resolver, "_RESOLVED", {})
    compute = Compute(cpu=6, memory_gib=20)
    first = resolve("aws", compute, "eu-west-1", "serving")
    priced = len(lookups)
    assert priced > 1  # every matching type was priced once
    assert resolve("aws", Compute(cpu=6, memory_gib=20), "eu-west-1", "serving") is first
    assert len(lookups) == priced
    assert resolve("aws", compute, "us-east-1", "serving") is not first  # another region is another question
    assert len(lookups) > priced


def test_a_remembered_failure_is_raised_again_naming_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    import mlopskit.providers.catalog.resolver as resolver

    monkeypatch.setattr(resolver, "_RESOLVED", {})
    for _ in range(2):
        with pytest.raises(ResolutionError) as error:
            resolve("aws", Compute(cpu=8, memory_gib=16, gpu=Gpu(type="H100", count=3)))
        assert error.value.field == "gpu.count"


def test_a_replaced_price_function_is_not_answered_from_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    import mlopskit.providers.catalog.resolver as resolver

    compute = Compute(cpu=8, memory_gib=16)
    assert resolve("aws", compute).instance.name == "ml.c5.2xlarge"
    monkeypatch.setattr(resolver, "hourly_price", lambda i, region, use="serving": Decimal(
        "0.01" if i.name == "ml.m5.2xlarge" else "1"))
    assert resolve("aws", compute).instance.name == "ml.m5.2xlarge"
