"""Every instance type the resolver can return is one the cloud documents as supported for the use.

AWS is checked against the API's own enums (tests/aws/test_validate.py); GCP and Azure against the
documented lists recorded in providers/catalog/sources/ (gcp_vertex_machine_types.csv,
azure_online_endpoint_skus.csv, azure_compute_cluster_series.csv; pages and dates in their headers).
Budget: about a second (resolutions against the in-memory catalog, no preview).
"""

from __future__ import annotations

import re

import pytest

from mlopskit.modules.compute import Compute, Gpu
from mlopskit.providers.catalog import generate
from mlopskit.providers.catalog.resolver import API, InstanceType, ResolutionError, Use, catalog, resolve

REGIONS = {"gcp": ("us-central1", "asia-northeast1"), "azure": ("westeurope", "eastus")}
GPU_TYPES = {"T4", "L4", "A10G", "V100", "A100", "H100"}


def _returnable(cloud: str, use: Use) -> set[InstanceType]:
    """What the resolver returns for every size the cloud's catalog holds, as a generic request, in a few regions."""
    found = set()
    shapes = {(i.vcpu, i.memory_gib, i.gpu_type, i.gpu_count) for i in catalog() if i.cloud == cloud}
    for vcpu, memory, gpu, count in sorted(shapes, key=str):
        if vcpu > 192 or memory > 2048 or (gpu and (gpu not in GPU_TYPES or count > 8)):
            continue  # beyond the spec's own bounds: no spec can ask for it
        compute = Compute(cpu=vcpu, memory_gib=memory, gpu=Gpu(type=gpu, count=count) if gpu else None)  # type: ignore[arg-type]
        for region in REGIONS[cloud]:
            try:
                found.add(resolve(cloud, compute, region, use).instance)  # type: ignore[arg-type]
            except ResolutionError:
                continue
    return found


def _gcp_documented(use: str) -> list[re.Pattern[str]]:
    return [re.compile(r["pattern"]) for r in generate.read("gcp_vertex_machine_types.csv") if r["use"] == use]


@pytest.mark.parametrize("use", ["serving", "training"])
def test_gcp_returns_only_documented_vertex_machine_types_and_sdk_accelerators(use: Use) -> None:
    from google.cloud.aiplatform_v1.types import AcceleratorType

    patterns = _gcp_documented(API[("gcp", use)])
    accelerators = {a.name for a in AcceleratorType}
    returned = _returnable("gcp", use)
    assert len(returned) > 20
    for instance in returned:
        assert any(p.match(instance.name) for p in patterns), instance.name
        assert instance.accelerator is None or instance.accelerator in accelerators, instance
    # every catalog row the resolver may consider for the use is covered, not only the ones picked above
    for instance in (i for i in catalog() if i.cloud == "gcp" and API[("gcp", use)] in i.apis):
        assert any(p.match(instance.name) for p in patterns), instance.name


def test_gcp_e2_prediction_types_are_exactly_the_page_table() -> None:
    (e2,) = [p for p in _gcp_documented("prediction") if p.pattern.startswith("^e2")]
    assert {i.name for i in catalog() if i.cloud == "gcp" and i.name.startswith("e2-")} == {
        f"e2-{kind}-{n}" for kind, sizes in (("standard", (2, 4, 8, 16, 32)), ("highmem", (2, 4, 8, 16)),
                                             ("highcpu", (2, 4, 8, 16, 32))) for n in sizes}
    assert not e2.match("e2-medium") and not e2.match("e2-highmem-32")


def test_gcp_rows_read_on_a_page_name_it_and_exclude_what_the_page_leaves_out() -> None:
    rows = generate.read("gcp_vertex_machine_types.csv")
    assert {r["read"] for r in rows} == {"page", "recalled"}
    for row in rows:  # a page row names the configure-compute page it was read on; a recalled row names none
        urls = row["page"].split()
        assert (row["read"] == "page") == bool(urls), row
        assert all(re.fullmatch(r"https://cloud\.google\.com/vertex-ai/docs/(predictions|training)/configure-compute\S*", u)
                   and f"/{row['use'].replace('prediction', 'predictions')}/" in u for u in urls), row
    # types the page lists leave out are priced but never offered for that use (the catalog's apis follow the file)
    apis = {i.name: i.apis for i in catalog() if i.cloud == "gcp"}
    for name in ("n1-standard-2", "e2-standard-2", "n2-highcpu-8", "n2-standard-96", "a3-highgpu-1g"):
        assert "training" not in apis[name], name
    for name in ("n1-standard-64", "n1-highcpu-2"):
        assert "prediction" not in apis[name], name
    assert "training" in apis["n1-standard-4"] and "prediction" in apis["n1-standard-2"]
    assert "training" in apis["a3-megagpu-8g"] and "training" in apis["e2-highcpu-16"]


def test_azure_serving_returns_only_managed_online_endpoint_skus() -> None:
    listed = {r["size"].upper() for r in generate.read("azure_online_endpoint_skus.csv")}
    returned = _returnable("azure", "serving")
    assert len(returned) > 10
    assert all(i.name.upper() in listed for i in returned), sorted(i.name for i in returned if i.name.upper() not in listed)
    considered = [i for i in catalog() if i.cloud == "azure" and API[("azure", "serving")] in i.apis]
    assert considered and all(i.name.upper() in listed for i in considered)


def test_azure_training_returns_only_documented_compute_cluster_series_or_endpoint_skus() -> None:
    series = {r["series"] for r in generate.read("azure_compute_cluster_series.csv")}
    listed = {r["size"].upper() for r in generate.read("azure_online_endpoint_skus.csv")}
    returned = _returnable("azure", "training")
    assert len(returned) > 10
    assert all(generate.azure_series(i.name) in series or i.name.upper() in listed for i in returned), \
        sorted(i.name for i in returned)
    # sizes on neither list (Dsv5, Esv5) are priced but never chosen
    assert generate.azure_series("Standard_D4s_v5") is None and generate.azure_series("Standard_D4a_v4") is None
    assert generate.azure_series("Standard_D4s_v3") == "DSv3" and generate.azure_series("Standard_E4as_v4") == "EAv4"
