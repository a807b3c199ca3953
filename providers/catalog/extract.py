"""Refresh the recorded extracts in ``sources/`` from raw downloads and the pinned SDKs' data.

Run by ``python -m mlopskit.providers.catalog.generate extract`` on a machine that has the raw files (see
``sources/README.md`` for where each comes from); the build never reads anything but ``sources/``.
Only the rows the kit needs are kept: SageMaker instance types, the machine families Vertex AI
accepts, the VM sizes Azure ML serves and trains on.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

SAGEMAKER_ENUMS = {  # botocore shape -> the kit's api name
    "ProductionVariantInstanceType": "hosting",
    "TrainingInstanceType": "training",
    "ProcessingInstanceType": "processing",
    "TransformInstanceType": "transform",
}
AWS_GPU_NAMES = {"A10G": "A10G", "T4": "T4", "T4g": "T4", "L4": "L4", "L40S": "L40S", "V100": "V100", "K80": "K80",
                 "M60": "M60", "A100": "A100", "H100": "H100", "H200": "H200", "B200": "B200"}
GCP_FAMILIES = re.compile(r"^(e2|n1|n2|n2d|c2|c3|g2|a2|a3)-(standard|highmem|highcpu|highgpu|megagpu|ultragpu)-\d+g?$")
GCP_GPUS = {"T4", "V100", "P4", "P100", "L4", "A100", "A100-80GB", "H100", "H100-MEGA"}
# Azure ML managed online endpoints and compute clusters: general purpose, compute and memory
# optimized and the GPU families of the documented SKU list (learn.microsoft.com, "Managed online
# endpoints SKU list"); recalled from the docs page, the families are the unit kept here.
AZURE_SIZES = re.compile(
    r"^Standard_("
    r"DS[1-5]_v2|D\d+s?_v3|D\d+as?_v4|D\d+ds_v4|D\d+s_v5|E\d+s?_v3|E\d+as_v4|E\d+s_v5|F\d+s_v2"
    r"|NC\d+s_v3|NC\d+as_T4_v3|NC\d+ads_A100_v4|ND96asr_v4|ND96amsr_A100_v4|ND96isr_H100_v5|NC\d+ads_H100_v5"
    r")$")


def _write(path: Path, comment: str, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(f"# {comment}\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def aws_instances(folder: Path) -> set[str]:
    """SageMaker instance types (botocore enums) with EC2 facts and regional offerings (moto's EC2 data)."""
    import botocore
    import botocore.session
    import moto

    model = botocore.session.get_session().get_service_model("sagemaker")
    apis: dict[str, list[str]] = defaultdict(list)
    for shape, api in SAGEMAKER_ENUMS.items():
        for name in model.shape_for(shape).enum:
            apis[name].append(api)
    resources = Path(moto.__file__).parent / "ec2" / "resources"
    types = json.loads(gzip.decompress((resources / "instance_types.json.gz").read_bytes()))
    offered: dict[str, list[str]] = defaultdict(list)
    offering_regions = set()
    for path in sorted((resources / "instance_type_offerings" / "region").glob("*.json.gz")):
        region = path.name.removesuffix(".json.gz")
        offering_regions.add(region)
        for item in json.loads(gzip.decompress(path.read_bytes())):
            offered[item["InstanceType"]].append(region)
    rows = []
    for name in sorted(apis):
        facts = types.get(name.removeprefix("ml."))
        if facts is None:
            continue  # a SageMaker type EC2's data does not describe yet: no facts, not in the catalog
        gpus = facts.get("GpuInfo", {}).get("Gpus", [])
        neuron = facts.get("InferenceAcceleratorInfo", {}).get("Accelerators", []) or \
            facts.get("NeuronInfo", {}).get("NeuronDevices", [])
        rows.append([
            name, " ".join(apis[name]), str(facts["VCpuInfo"]["DefaultVCpus"]),
            f"{facts['MemoryInfo']['SizeInMiB'] / 1024:g}",
            AWS_GPU_NAMES.get(gpus[0]["Name"], gpus[0]["Name"]) if gpus else "",
            str(sum(g["Count"] for g in gpus)),
            f"{gpus[0]['MemoryInfo']['SizeInMiB'] / 1024:g}" if gpus else "",  # GiB per GPU
            neuron[0]["Name"] if neuron else "",
            "true" if facts.get("InstanceStorageSupported") else "false",
            "arm64" if "arm64" in facts.get("ProcessorInfo", {}).get("SupportedArchitectures", []) else "x86_64",
            " ".join(sorted(offered[name.removeprefix("ml.")])),
        ])
    _write(folder / "aws_instances.csv",
           f"SageMaker instance types from botocore {botocore.__version__} enums; facts and offerings from moto "
           f"{moto.__version__} EC2 DescribeInstanceTypes/DescribeInstanceTypeOfferings data",
           ["instance_type", "apis", "vcpu", "memory_gib", "gpu_type", "gpu_count", "gpu_memory_gib", "accelerator", "local_nvme",
            "arch", "offered_in"],
           rows)
    endpoints = botocore.session.get_session().get_data("endpoints")
    aws_partition = next(p for p in endpoints["partitions"] if p["partition"] == "aws")
    regions = sorted(r for r in aws_partition["services"]["api.sagemaker"]["endpoints"] if "fips" not in r)
    _write(folder / "aws_regions.csv", f"SageMaker AI public regions: botocore {botocore.__version__} endpoints.json "
           "(api.sagemaker); offerings_known: moto records EC2 instance type offerings for the region",
           ["region", "offerings_known"], [[r, "true" if r in offering_regions else "false"] for r in regions])
    return {row[0].removeprefix("ml.") for row in rows}


def aws_ec2_prices(path: Path, folder: Path, needed: set[str]) -> None:
    """us-east-1 on-demand EC2 prices of the SageMaker base types from Karpenter's generated price table."""
    text = path.read_text(encoding="utf-8")
    stamp = re.search(r"generated at (\S+) for us-east-1", text)
    prices = dict(re.findall(r'"([a-z0-9-]+\.[a-z0-9-]+)": ([0-9.]+)', text.split('"us-east-1": {', 1)[1].split("},", 1)[0]))
    rows = [[name, str(float(prices[name]))] for name in sorted(needed) if name in prices]
    _write(folder / "aws_ec2_us_east_1.csv",
           f"EC2 Linux on-demand us-east-1 (AWS Price List API) via aws/karpenter-provider-aws "
           f"pkg/providers/pricing/zz_generated.pricing_aws.go, generated {stamp.group(1) if stamp else 'unknown'}",
           ["instance_type", "usd"], rows)


def _rates_by_region(path: Path, keep: Callable[[str, str], bool], usd: Callable[[Any], float]) -> list[list[str]]:
    """[name, region, usd] rows of a region -> name -> price JSON (the price list extracts' shape)."""
    prices = json.loads(path.read_text(encoding="utf-8"))
    return [[name, region, f"{usd(entry):g}"] for region in sorted(prices)
            for name, entry in sorted(prices[region].items()) if keep(name, region)]


def _column(folder: Path, extract: str, column: str) -> set[str]:
    with (folder / extract).open(encoding="utf-8") as handle:
        return {r[column] for r in csv.DictReader(line for line in handle if not line.startswith("#"))}


def aws_sagemaker_hosting(path: Path, folder: Path) -> None:
    """SageMaker real-time inference (hosting) on-demand USD/hour per region and instance type: the rows of
    a Price List API extract (region -> ml.* type -> price) for the catalog's types and SageMaker regions."""
    types, regions = _column(folder, "aws_instances.csv", "instance_type"), _column(folder, "aws_regions.csv", "region")
    _write(folder / "aws_sagemaker_hosting.csv",
           "SageMaker AI real-time inference on-demand USD/hour per region: AWS Price List API (ServiceCode AmazonSageMaker, "
           "usage type *Hosting*, operation SageMaker:Hosting) as extracted into flexera-public/policy_templates "
           "data/aws/aws_sagemaker_pricing.json at commit c4087590833f08a1deb403867eadb629bab8ace5 (2026-05-20), read 2026-11-30",
           ["instance_type", "region", "usd"],
           _rates_by_region(path, lambda name, region: name in types and region in regions, float))


def gcp_vertex_check(path: Path, folder: Path) -> None:
    """Vertex AI online prediction USD/node-hour per region and machine type, recorded for the spot check in
    docs/cost-catalog.md only (the build does not read it): region -> machine type -> {pricePerHour} JSON."""
    _write(folder / "gcp_vertex_prediction_check.csv",
           "Vertex AI online prediction USD/node-hour per region (Cloud Billing Catalog API SKUs summed per machine "
           "type by the extractor: its estimate) from flexera-public/policy_templates data/google/google_vertex_ai_pricing.json "
           "at commit 3ce093010ff9fec6e3101965fba92d985d36be2a (2026-05-26), read 2026-11-30; spot-check source, not a build input",
           ["machine_type", "region", "usd"],
           _rates_by_region(path, lambda name, region: True, lambda entry: float(entry["pricePerHour"])))


def gcp_vms(path: Path, folder: Path) -> None:
    """Vertex AI machine families and GPUs, one row per type (or GPU) and region (first zone)."""
    seen: dict[tuple[str, str], list[str]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name, gpu = row["InstanceType"], row["AcceleratorName"]
            if name and not GCP_FAMILIES.match(name):
                continue
            if not name and (gpu not in GCP_GPUS or row["AcceleratorCount"] not in ("1", "1.0")):
                continue
            key = (name or gpu, row["Region"])
            if key in seen or not row["Price"]:
                continue
            seen[key] = [name, row["vCPUs"] if name else "", row["MemoryGiB"] if name else "", "" if name else gpu,
                         row["Region"], row["Price"], row["SpotPrice"]]
    _write(folder / "gcp_vms.csv", "Compute Engine on-demand and spot USD/hour per region (GPUs: per GPU) from "
           "anycloud-sh/catalog gcp/vms.csv 2026-05-20 (SkyPilot format, Cloud Billing Catalog API)",
           ["instance_type", "vcpu", "memory_gib", "accelerator", "region", "usd", "spot_usd"],
           [seen[k] for k in sorted(seen)])


def azure_vms(path: Path, folder: Path) -> None:
    """Azure ML VM sizes: Linux pay-as-you-go and spot USD/hour per region."""
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not AZURE_SIZES.match(row["InstanceType"]) or not row["Price"]:
                continue
            rows.append([row["InstanceType"], row["vCPUs"], row["MemoryGiB"], row["AcceleratorName"],
                         row["AcceleratorCount"], row["Region"], row["Price"], row["SpotPrice"]])
    unique = {(r[0], r[5]): r for r in rows}
    _write(folder / "azure_vms.csv", "Azure VM Linux pay-as-you-go and spot USD/hour per region from "
           "anycloud-sh/catalog azure/vms.csv 2026-05-20 (SkyPilot format, Azure Retail Prices API)",
           ["instance_type", "vcpu", "memory_gib", "gpu_type", "gpu_count", "region", "usd", "spot_usd"],
           [unique[k] for k in sorted(unique)])


def run(aws_ec2: Path | None, gcp: Path | None, azure: Path | None, folder: Path,
        aws_sagemaker: Path | None = None, gcp_vertex: Path | None = None) -> None:
    """Refresh every extract whose raw input is given (the AWS facts always: they come from the SDKs)."""
    needed = aws_instances(folder)
    if aws_ec2:
        aws_ec2_prices(aws_ec2, folder, needed)
    if aws_sagemaker:
        aws_sagemaker_hosting(aws_sagemaker, folder)
    if gcp:
        gcp_vms(gcp, folder)
    if gcp_vertex:
        gcp_vertex_check(gcp_vertex, folder)
    if azure:
        azure_vms(azure, folder)
