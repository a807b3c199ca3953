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


PAGE = re.compile(r"https://docs\.cloud\.google\.com/gemini-enterprise-agent-platform/machine-learning/"
                  r"(predictions|training)/configure-compute")
COPY = re.compile(r"[\w.-]+/[\w.-]+@[0-9a-f]{8}:docs/docs\.cloud\.google\.com/gemini-enterprise-agent-platform/"
                  r"machine-learning/(predictions|training)/configure-compute\.md")


def _gcp_n1_gpu_rows(use: str) -> list[InstanceType]:
    return [i for i in catalog() if i.cloud == "gcp" and i.name.startswith("n1-") and i.accelerator and use in i.apis]


@pytest.mark.parametrize("use", ["serving", "training"])
def test_gcp_returns_only_documented_vertex_machine_types_and_sdk_accelerators(use: Use) -> None:
    from google.cloud.aiplatform_v1.types import AcceleratorType

    api = API[("gcp", use)]
    documented, counts = generate.gcp_documented()[api], generate.gcp_gpu_counts()
    accelerators = {a.name for a in AcceleratorType}
    returned = _returnable("gcp", use)
    assert len(returned) > 20
    for instance in returned:
        assert instance.name in documented, instance.name
        assert instance.accelerator is None or instance.accelerator in accelerators, instance
    # every catalog row the resolver may consider for the use is covered, not only the ones picked above; an
    # n1 + GPU row also with a GPU count the use's table lists for that machine type
    for instance in (i for i in catalog() if i.cloud == "gcp" and api in i.apis):
        assert instance.name in documented, instance.name
    for instance in _gcp_n1_gpu_rows(api):
        assert instance.gpu_count in counts[(api, instance.name, instance.accelerator)], instance


def test_gcp_e2_prediction_types_are_exactly_the_page_table() -> None:
    (e2,) = [r["names"].split() for r in generate.read("gcp_vertex_machine_types.csv")
             if (r["use"], r["series"]) == ("prediction", "E2")]
    page = {f"e2-{kind}-{n}" for kind, sizes in (("standard", (2, 4, 8, 16, 32)), ("highmem", (2, 4, 8, 16)),
                                                  ("highcpu", (2, 4, 8, 16, 32))) for n in sizes}
    assert set(e2) == page
    assert {i.name for i in catalog() if i.cloud == "gcp" and i.name.startswith("e2-")} == page


def test_gcp_rows_name_the_page_and_the_copy_they_were_read_in() -> None:
    rows = generate.read("gcp_vertex_machine_types.csv") + generate.read("gcp_vertex_gpu_counts.csv")
    lists = generate.read("gcp_vertex_machine_types.csv")
    assert lists and {r["read"] for r in lists} <= {"page", "recalled"}
    for row in lists:  # a page row names the configure-compute page and the stored copy it was read in; a recalled row neither
        folder = row["use"].replace("prediction", "predictions")
        assert (row["read"] == "page") == bool(row["page"]) == bool(row["copy"]) == bool(row["quote"]), row
        if row["read"] == "page":
            assert (page := PAGE.fullmatch(row["page"])) and page.group(1) == folder, row
            assert (copy := COPY.fullmatch(row["copy"])) and copy.group(1) == folder, row
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", name) for name in row["names"].split()), row
    assert all(r["use"] in generate.GCP_USES and r["machine_type"].startswith("n1-") for r in rows if "counts" in r)


def test_gcp_uses_follow_the_pages() -> None:
    """What the 2026-08 pages say, against the 2026-11-26 catalog's memory (which had these wrong or missing)."""
    apis = {i.name: i.apis for i in catalog() if i.cloud == "gcp" and (not i.accelerator or i.name.startswith(("a2-", "a3-", "g2-")))}
    # training lists no N2D and no C3 series, and starts n1/e2-standard at 4 vCPUs and n2-highcpu at 16
    for name in ("n2d-standard-4", "n2d-highmem-8", "c3-highcpu-4", "n1-standard-2", "e2-standard-2", "n2-highcpu-8",
                 "n2-standard-96"):
        assert "training" not in apis[name], name
    # prediction lists C3 only as highcpu, A3 without megagpu, N1 up to 32 vCPUs and no n1-highcpu-2
    for name in ("c3-standard-4", "c3-highmem-4", "a3-megagpu-8g", "n1-standard-64", "n1-highcpu-2"):
        assert "prediction" not in apis[name], name
    assert apis["c3-standard-4"] == apis["c3-highmem-4"] == ()  # priced, never chosen
    for name in ("a3-highgpu-1g", "a3-megagpu-8g", "e2-highcpu-16", "n1-highcpu-96", "n1-highmem-96", "c2-standard-60"):
        assert "training" in apis[name], name
    for name in ("c3-highcpu-4", "n2d-standard-224", "n2d-highcpu-224", "a3-highgpu-1g", "n1-standard-2", "g2-standard-96"):
        assert "prediction" in apis[name], name


def test_gcp_n1_gpu_pairings_follow_each_uses_table() -> None:
    counts = generate.gcp_gpu_counts()
    rows = {(i.name, i.accelerator, i.gpu_count): i.apis for i in catalog() if i.cloud == "gcp" and i.accelerator
            and i.name.startswith("n1-")}
    # Compute Engine accepts them (the rows exist), Vertex AI does not: no single T4 on 32 vCPUs, no P100 past 64 vCPUs or 208 GB
    assert rows[("n1-standard-32", "NVIDIA_TESLA_T4", 1)] == ()
    assert rows[("n1-standard-64", "NVIDIA_TESLA_P100", 4)] == rows[("n1-highmem-64", "NVIDIA_TESLA_P100", 4)] == ()
    assert rows[("n1-highcpu-64", "NVIDIA_TESLA_P100", 4)] == ("training",)
    assert rows[("n1-standard-32", "NVIDIA_TESLA_T4", 2)] == ("prediction", "training")
    # every pairing a table lists for a machine type the catalog offers to that use is offered, none dropped
    documented = generate.gcp_documented()
    for (use, machine, accelerator), listed in counts.items():
        for count in listed:
            if machine in documented[use]:
                assert use in rows[(machine, accelerator, count)], (use, machine, accelerator, count)
    assert sum(use in apis for apis in rows.values() for use in generate.GCP_USES) > 200


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
