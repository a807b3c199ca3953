"""Generic compute -> instance type, the same rule on every cloud."""

from __future__ import annotations

import pytest

from modules import Compute, Gpu, InstanceTypes
from providers.catalog.resolver import ResolutionError, catalog, resolve


@pytest.mark.parametrize(("cloud", "gpu", "expected"), [
    ("aws", None, "ml.m5.xlarge"),
    ("aws", "T4", "ml.g4dn.xlarge"),
    ("gcp", None, "e2-standard-4"),
    ("gcp", "L4", "g2-standard-4"),
    ("azure", None, "Standard_D4s_v3"),
    ("azure", "T4", "Standard_NC4as_T4_v3"),
])
def test_smallest_match(cloud: str, gpu: str | None, expected: str) -> None:
    compute = Compute(cpu=4, memory_gib=16, gpu=Gpu(type=gpu) if gpu else None)
    assert resolve(cloud, compute).instance.name == expected  # type: ignore[arg-type]


def test_gpu_model_and_count_are_hard_constraints() -> None:
    choice = resolve("gcp", Compute(cpu=4, memory_gib=15, gpu=Gpu(type="T4")))
    assert (choice.instance.name, choice.instance.accelerator, choice.exact) == ("n1-standard-4", "NVIDIA_TESLA_T4", True)
    assert resolve("gcp", Compute(cpu=8, memory_gib=64, gpu=Gpu(type="A100"))).instance.name == "a2-highgpu-1g"
    with pytest.raises(ResolutionError) as error:
        resolve("gcp", Compute(cpu=4, memory_gib=16, gpu=Gpu(type="A10G")))
    assert error.value.field == "gpu.type"
    with pytest.raises(ResolutionError) as error:
        resolve("aws", Compute(cpu=4, memory_gib=16, gpu=Gpu(type="T4", count=3)))
    assert error.value.field == "gpu.count"


def test_nearest_match_is_marked_inexact() -> None:
    choice = resolve("azure", Compute(cpu=3, memory_gib=10))
    assert choice.instance.name == "Standard_D4s_v3" and not choice.exact


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
    from providers.catalog.resolver import CATALOG

    rows = list(csv.DictReader(CATALOG.open()))
    assert len(rows) == len(catalog()) > 50
    assert all(r["source"] and r["date"] for r in rows)
