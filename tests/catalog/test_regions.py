"""Known regions: every region of the managed ML services; unknown ones are rejected with the field path."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlopskit.cli import main
from mlopskit.modules import Compute, Gpu
from mlopskit.providers.catalog import regions
from mlopskit.providers.catalog.resolver import (
    API,
    catalog,
    hourly_price,
    offered,
    resolve,
)
from tests.specs import baseline, change, write_spec


def write(tmp_path: Path, data: dict) -> str:
    return str(write_spec(tmp_path, data))


def test_every_sagemaker_region_of_the_pinned_sdk_is_known() -> None:
    import botocore.session

    endpoints = botocore.session.get_session().get_data("endpoints")
    aws = next(p for p in endpoints["partitions"] if p["partition"] == "aws")
    sagemaker = {r for r in aws["services"]["api.sagemaker"]["endpoints"] if "fips" not in r}
    assert sagemaker == set(regions.known("aws"))


@pytest.mark.parametrize(("cloud", "field", "value"), [
    ("aws", "region", "us-east-9"),
    ("aws", "backupRegion", "europe-west4"),  # another cloud's region name
    ("gcp", "region", "us-central"),
    ("gcp", "backupRegion", "eu-west-1"),
    ("azure", "location", "west-europe"),
    ("azure", "backupLocation", "us-east-1"),
])
def test_unknown_region_exits_2_naming_the_field(tmp_path: Path, capsys, cloud: str, field: str, value: str) -> None:
    spec = write(tmp_path, change(baseline(), f"placement.{cloud}.{field}", value))
    assert main(["validate", spec, "--provider", cloud]) == 2
    err = capsys.readouterr().err
    assert f"placement.{cloud}.{field}: {value} is not a known {cloud} region" in err
    assert "Traceback" not in err


def test_a_typo_gets_the_closest_known_region(tmp_path: Path, capsys) -> None:
    spec = write(tmp_path, change(baseline(), "placement.azure.location", "germanywestcentrl"))
    assert main(["validate", spec, "--provider", "azure"]) == 2
    assert "did you mean germanywestcentral?" in capsys.readouterr().err


def test_a_type_not_offered_in_the_region_is_a_warning_not_an_error(tmp_path: Path, capsys) -> None:
    data = change(baseline(), "endpoints[0].compute", {"instanceType": {"aws": "ml.g6.xlarge"}})
    spec = write(tmp_path, change(data, "placement.aws.region", "eu-west-1"))
    assert main(["validate", spec, "--provider", "aws"]) == 0
    err = capsys.readouterr().err
    assert "warning: endpoints[0].compute.instanceType.aws: ml.g6.xlarge is not offered in eu-west-1" in err


def test_offering_is_unknown_where_the_catalog_does_not_know() -> None:
    instance = next(i for i in catalog() if i.name == "ml.g6.xlarge")
    assert offered(instance, "us-east-1") is True
    assert offered(instance, "eu-west-1") is False
    assert all(regions.priced("aws", r) for r in regions.known("aws"))  # every known region is priced now
    assert offered(instance, "xx-nowhere-1") is None  # a region the catalog does not know
    training_only = next(i for i in catalog() if i.cloud == "aws" and i.apis == ("training",))
    assert offered(training_only, "us-east-1", "serving") is None  # never priced for serving: unknown, not "no"


@pytest.mark.parametrize(("cloud", "region", "gpu"), [
    ("aws", "eu-west-1", "L4"),  # ml.g6 (L4) is not offered in eu-west-1
    ("gcp", "europe-west1", None),
    ("azure", "eastus", None),
])
def test_generic_compute_is_the_cheapest_type_offered_in_the_stack_region(cloud: str, region: str, gpu: str | None) -> None:
    compute = Compute(cpu=4, memory_gib=16, gpu=Gpu(type=gpu) if gpu else None)
    matches = [i for i in catalog() if i.cloud == cloud and i.gpu_type == gpu and i.vcpu >= 4 and i.memory_gib >= 16
               and i.arch == "x86_64" and not i.neuron and i.gpu_count == (1 if gpu else 0)
               and API[(cloud, "serving")] in i.apis]
    if gpu:
        with pytest.raises(Exception) as error:
            resolve(cloud, compute, region, "serving")  # type: ignore[arg-type]
        assert f"offered in {region}" in str(error.value)
        return
    here = {i: hourly_price(i, region) for i in matches}
    cheapest = min((i for i in matches if here[i] is not None), key=lambda i: (here[i], i.vcpu, i.memory_gib, i.name))
    assert resolve(cloud, compute, region, "serving").instance == cheapest  # type: ignore[arg-type]


def test_a_region_where_the_globally_cheapest_type_is_not_offered() -> None:
    """One A100 on GCP: a2-ultragpu-1g (A100 80GB) is the cheapest in us-central1 but is not offered in
    asia-northeast1, where the resolver takes the cheapest type offered there instead."""
    compute = Compute(cpu=8, memory_gib=32, gpu=Gpu(type="A100"))
    reference = resolve("gcp", compute, "us-central1", "serving")
    assert reference.instance.name == "a2-ultragpu-1g" and reference.basis == "cheapest"
    assert hourly_price(reference.instance, "asia-northeast1") is None
    there = resolve("gcp", compute, "asia-northeast1", "serving")
    assert there.instance.name == "a2-highgpu-1g" and there.hourly_usd == hourly_price(there.instance, "asia-northeast1")
