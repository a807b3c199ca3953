"""Rebuild the offline catalogs from the recorded source extracts in ``sources/``: one command.

    python -m mlopskit.providers.catalog.generate            # rewrite instances.csv, regions.csv, prices/*.csv
    python -m mlopskit.providers.catalog.generate --check    # exit 1 when a committed file differs (CI, tests)
    python -m mlopskit.providers.catalog.generate extract --aws-ec2 F --gcp F --azure F
                                                    # refresh the extracts from raw downloads (see sources/README.md)

The build reads only ``sources/*.csv`` and is deterministic, so the committed catalogs are exactly
``build()``'s output (a test rebuilds them byte for byte). Every price row is either **quoted**
(one recorded source row carries the figure) or **derived** by a named rule from quoted rows it
lists in ``inputs`` (ids of the form ``<extract>:<key>``, each of which must exist in the extracts):

- ``managed-premium``: a managed-ML price = the VM's list price x the ratio of a quoted managed-ML
  rate to the same VM's list price (the anchor names both), in the anchor's region;
- ``region-index``: a price quoted in one region x the ratio of the cloud's index VM price in the
  target region to the index VM price in the quoted region (the region's published ratio; the quoted
  region is usually the cloud's base region);
- ``spot-ratio``: a managed spot price = the on-demand managed price x the VM's spot / on-demand
  ratio in that region (AWS: the index VM's mean over zones);
- ``spot-cap``: AWS regions no recorded extract has a spot price for: managed spot is priced at its cap,
  the on-demand rate (the default spot maximum price is the On-Demand price): an upper bound;
- ``no-surcharge``: Azure ML bills the VM's price (the quoted statement is an input);
- ``same-everywhere``: the quoted page states one price for every region (the quote's ``scope``).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from mlopskit.modules import targets
from mlopskit.providers import load

# resolve(): in a strict editable install this file is a link; the catalogs are written beside the real one.
HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
DATE = "2026-11-30"  # the day the extracts were recorded: every generated row carries it

PRICE_COLUMNS = ("cloud", "service", "sku", "region", "unit", "usd", "basis", "rule", "inputs", "date")
INSTANCE_COLUMNS = ("cloud", "instance_type", "vcpu", "memory_gib", "gpu_type", "gpu_count", "gpu_memory_gib",
                    "accelerator", "local_storage", "arch", "apis", "source", "date")
# GiB of memory per GPU where the price extracts name only the GPU model (GCP, Azure): the NVIDIA
# datasheet figure of each model as Compute Engine and Azure offer it (cloud.google.com/compute/docs/gpus,
# learn.microsoft.com VM size pages). AWS rows carry EC2's own figure (DescribeInstanceTypes GpuInfo).
GPU_MEMORY_GIB = {"T4": "16", "V100": "16", "P4": "8", "P100": "16", "L4": "24", "A100": "40", "A100-80GB": "80",
                  "H100": "80", "H100-MEGA": "80"}
# Azure sizes whose GPU differs from the model's usual memory: NC H100 v5 carries the H100 NVL (94 GB).
AZURE_GPU_MEMORY_GIB = {"Standard_NC40ads_H100_v5": "94"}
REGION_COLUMNS = ("cloud", "region", "offerings_known", "priced", "source")

# The base region of each cloud's quoted managed-ML and service rates, and its index VM: the
# general-purpose size whose price ratio between two regions scales a quoted regional price.
BASE_REGION = {"aws": "us-east-1", "gcp": "us-central1", "azure": "westeurope"}
INDEX_VM = {"aws": ("m5.large",), "gcp": ("e2-standard-4", "n2-standard-4"), "azure": ("Standard_D2s_v3", "Standard_D2s_v5")}


# ---------------------------------------------------------------- reading the extracts

def read(name: str, folder: Path = SOURCES) -> list[dict[str, str]]:
    """Rows of ``sources/<name>``; lines starting with ``#`` are provenance comments."""
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def source_ids(folder: Path = SOURCES) -> set[str]:
    """Every id a price row may cite: ``<extract>:<key>`` for each recorded row."""
    ids: set[str] = set()
    ids.update(f"ec2:{r['instance_type']}" for r in read("aws_ec2_us_east_1.csv", folder))
    ids.update(f"ec2idx:{r['instance_type']}@{r['region']}" for r in read("aws_ec2_region_index.csv", folder))
    ids.update(f"smh:{r['instance_type']}@{r['region']}" for r in read("aws_sagemaker_hosting.csv", folder))
    ids.update(f"gce:{r['instance_type'] or r['accelerator']}@{r['region']}" for r in read("gcp_vms.csv", folder))
    ids.update(f"azvm:{r['instance_type']}@{r['region']}" for r in read("azure_vms.csv", folder))
    ids.update(f"q:{r['id']}" for r in read("quotes.csv", folder))
    return ids


def money(value: Decimal) -> str:
    """Six decimals, trailing zeros dropped: stable text for byte-identical rebuilds."""
    text = format(value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Rate:
    """A USD rate of one SKU in one region: a generated row (``Price``) or a recorded one (``Quote``)."""

    cloud: str
    service: str
    sku: str
    region: str
    unit: str
    usd: Decimal


@dataclass(frozen=True)
class Price(Rate):
    """One generated price row."""

    basis: str  # quoted | derived
    rule: str  # "quote" for quoted rows
    inputs: tuple[str, ...]

    def cells(self) -> list[str]:
        return [self.cloud, self.service, self.sku, self.region, self.unit, money(self.usd), self.basis, self.rule,
                " ".join(self.inputs), DATE]


@dataclass(frozen=True)
class Quote(Rate):
    """A rate read from a provider's (or a page quoting it) pricing page, or from a price list extract."""

    id: str
    kind: str  # managed-ml | service | statement
    scope: str = "region"  # region | all-regions (the page states one price everywhere) | global
    extract: str = "q"  # the extract the rate was read from: q (quotes.csv) | smh (SageMaker price list)

    @property
    def ref(self) -> str:
        return f"{self.extract}:{self.id}"


def quotes(folder: Path = SOURCES) -> list[Quote]:
    """The recorded quotes: ``sources/quotes.csv`` and every row of the SageMaker hosting price list extract."""
    return [Quote(r["cloud"], r["service"], r["sku"], r["region"], r["unit"], Decimal(r["usd"]), r["id"], r["kind"],
                  r["scope"]) for r in read("quotes.csv", folder)] + [
        Quote("aws", "sagemaker-hosting", r["instance_type"], r["region"], "hours", Decimal(r["usd"]),
              f"{r['instance_type']}@{r['region']}", "managed-ml", extract="smh")
        for r in read("aws_sagemaker_hosting.csv", folder)]


# ---------------------------------------------------------------- region indices

@dataclass(frozen=True)
class RegionIndex:
    """A cloud's index VM price ratio between each region and the base region: it scales a quoted price."""

    cloud: str
    ratios: dict[str, Decimal]
    refs: dict[str, tuple[str, ...]]

    def ratio(self, region: str) -> Decimal | None:
        return self.ratios.get(region)

    def inputs(self, region: str) -> tuple[str, ...]:
        return self.refs[region]


# Where the EC2 extract has no index VM price (regions SkyPilot does not list), the region's ratio is
# that of the first of these SageMaker hosting rates quoted in both the region and the base region.
AWS_HOSTING_INDEX = ("ml.m5.large", "ml.m7i.large", "ml.c6i.large")


def aws_index(folder: Path, hosting: dict[tuple[str, str], Quote]) -> tuple[RegionIndex, dict[str, Decimal]]:
    """AWS index price ratio per region (EC2 m5.large, else a SageMaker hosting rate of the price list) and
    the index VM's spot / on-demand ratio (mean over zones) where the EC2 extract records spot prices."""
    prices: dict[str, Decimal] = {}
    spots: dict[str, list[Decimal]] = defaultdict(list)
    for row in read("aws_ec2_region_index.csv", folder):
        if row["instance_type"] != INDEX_VM["aws"][0]:
            continue
        prices[row["region"]] = Decimal(row["usd"])
        spots[row["region"]].append(Decimal(row["spot_usd"]))
    base = BASE_REGION["aws"]
    ref = {r: f"ec2idx:{INDEX_VM['aws'][0]}@{r}" for r in prices}
    ratios = {r: p / prices[base] for r, p in prices.items()}
    refs = {r: tuple(dict.fromkeys((ref[base], ref[r]))) for r in prices}
    for region in sorted({region for _, region in hosting} - set(prices)):
        for name in AWS_HOSTING_INDEX:
            here, there = hosting.get((name, region)), hosting.get((name, base))
            if here and there:
                ratios[region], refs[region] = here.usd / there.usd, (there.ref, here.ref)
                break
    return RegionIndex("aws", ratios, refs), {r: (sum(v, Decimal(0)) / len(v)) / prices[r] for r, v in spots.items()}


def vm_index(cloud: str, vms: dict[tuple[str, str], dict[str, str]], extract: str) -> RegionIndex:
    """GCP/Azure index ratio per region: the first index VM priced in both the region and the base region."""
    base = BASE_REGION[cloud]
    ratios: dict[str, Decimal] = {}
    refs: dict[str, tuple[str, ...]] = {}
    for region in sorted({region for _, region in vms}):
        for name in INDEX_VM[cloud]:
            here, there = vms.get((name, region)), vms.get((name, base))
            if here and there:
                ratios[region] = Decimal(here["usd"]) / Decimal(there["usd"])
                refs[region] = tuple(dict.fromkeys((f"{extract}:{name}@{base}", f"{extract}:{name}@{region}")))
                break
    return RegionIndex(cloud, ratios, refs)


# ---------------------------------------------------------------- services priced per region (storage, keys, logs...)

def service_prices(cloud: str, regions: Iterable[str], index: RegionIndex, all_quotes: list[Quote]) -> Iterator[Price]:
    """Each quoted service rate in every region: as quoted where it was quoted, else scaled by the region index."""
    for quote in (q for q in all_quotes if q.cloud == cloud and q.kind == "service"):
        if quote.region == "global":
            yield Price(cloud, quote.service, quote.sku, "global", quote.unit, quote.usd, "quoted", "quote", (quote.ref,))
            continue
        for region in regions:
            if region == quote.region:
                yield Price(cloud, quote.service, quote.sku, region, quote.unit, quote.usd, "quoted", "quote", (quote.ref,))
                continue
            if quote.scope == "all-regions":
                yield Price(cloud, quote.service, quote.sku, region, quote.unit, quote.usd, "derived", "same-everywhere",
                            (quote.ref,))
                continue
            # The index ratios are taken against the base region; a rate quoted elsewhere (SageMaker MLflow's,
            # read for eu-west-2) is first brought back to the base region by the quoted region's own ratio.
            here, there = index.ratio(region), index.ratio(quote.region)
            if here is not None and there is not None:
                away = index.inputs(quote.region) if quote.region != BASE_REGION[cloud] else ()
                refs = tuple(dict.fromkeys((*away, *index.inputs(region))))
                yield Price(cloud, quote.service, quote.sku, region, quote.unit, quote.usd * here / there, "derived",
                            "region-index", (quote.ref, *refs))


def known_regions(cloud: str, rows: list[dict[str, str]], index: RegionIndex, all_quotes: list[Quote]
                  ) -> tuple[list[list[str]], list[Price], list[str]]:
    """GCP/Azure: the region rows of a recorded region list, the service prices of the regions the index
    prices, and those regions (every instance type is offered where the VM extract prices it)."""
    region_rows: list[list[str]] = []
    prices: list[Price] = []
    priced: list[str] = []
    for row in rows:
        region = row["region"]
        here = index.ratio(region) is not None
        region_rows.append([cloud, region, "true", "true" if here else "false", row["source"]])
        if here:
            prices.extend(service_prices(cloud, [region], index, all_quotes))
            priced.append(region)
    return region_rows, prices, priced


# ---------------------------------------------------------------- AWS

def _vm(name: str) -> str:
    """The EC2 type behind a SageMaker type."""
    return name.removeprefix("ml.")


def _klass(row: dict[str, str]) -> str:
    return "neuron" if row["accelerator"] else "gpu" if row["gpu_type"] else "cpu"


def _aws_anchors(instances: list[dict[str, str]], ec2: dict[str, Decimal], managed: dict[str, Quote]
                 ) -> dict[str, Quote]:
    """The quoted managed rate each SageMaker type's premium comes from: its own quote, else its family's,
    else its class's (CPU ml.m5.xlarge, GPU ml.g5.xlarge, Inferentia/Trainium ml.inf2.xlarge)."""
    facts = {r["instance_type"]: r for r in instances}
    family: dict[str, Quote] = {}
    for sku, quoted in sorted(managed.items()):
        if sku in facts and _vm(sku) in ec2:
            family.setdefault(sku.split(".")[1], quoted)
    klass = {_klass(facts[sku]): managed[sku] for sku in ("ml.m5.xlarge", "ml.g5.xlarge", "ml.inf2.xlarge") if sku in managed}
    anchors = {}
    for row in instances:
        name = row["instance_type"]
        quote = managed.get(name) or family.get(name.split(".")[1]) or klass.get(_klass(row))
        if quote is not None and _vm(name) in ec2 and _vm(quote.sku) in ec2:
            anchors[name] = quote
    return anchors


def _aws_type_prices(row: dict[str, str], quote: Quote, region: str, ratio: Decimal, spot_ratio: Decimal | None,
                     ec2: dict[str, Decimal], index: RegionIndex, listed: Quote | None, cap: Quote) -> Iterator[Price]:
    """Hosting, training, processing and managed-spot training rows of one SageMaker type in one region.

    ``listed`` is the price list's hosting rate of the type in the region (quoted as is); ``cap`` the
    statement that prices managed spot at the on-demand rate where no spot price is recorded."""
    name, base = row["instance_type"], BASE_REGION["aws"]
    apis = row["apis"].split()
    hourly = ec2[_vm(name)] * (quote.usd / ec2[_vm(quote.sku)]) * ratio
    rule = "managed-premium" if region == base else "managed-premium,region-index"
    inputs = tuple(dict.fromkeys((f"ec2:{_vm(name)}", quote.ref, f"ec2:{_vm(quote.sku)}", *index.inputs(region))))
    for service, api in (("sagemaker-hosting", "hosting"), ("sagemaker-training", "training"),
                         ("sagemaker-processing", "processing")):
        if api not in apis:
            continue
        if service == "sagemaker-hosting" and listed is not None:
            yield Price("aws", service, name, region, "hours", listed.usd, "quoted", "quote", (listed.ref,))
        else:
            # Only hosting rates are quoted: training and processing carry the hosting premium.
            yield Price("aws", service, name, region, "hours", hourly, "derived", rule, inputs)
    if "training" in apis and spot_ratio is not None:
        spot_inputs = tuple(dict.fromkeys((*inputs, f"ec2idx:{INDEX_VM['aws'][0]}@{region}")))
        yield Price("aws", "sagemaker-training-spot", name, region, "hours", hourly * spot_ratio, "derived",
                    f"{rule},spot-ratio", spot_inputs)
    elif "training" in apis:
        yield Price("aws", "sagemaker-training-spot", name, region, "hours", hourly, "derived", f"{rule},spot-cap",
                    (*inputs, cap.ref))


def aws(folder: Path, all_quotes: list[Quote]) -> tuple[list[list[str]], list[list[str]], list[Price]]:
    """AWS instance rows, region rows and price rows."""
    instances = read("aws_instances.csv", folder)
    ec2 = {r["instance_type"]: Decimal(r["usd"]) for r in read("aws_ec2_us_east_1.csv", folder)}
    hosting = {(q.sku, q.region): q for q in all_quotes if q.cloud == "aws" and q.service == "sagemaker-hosting"
               and q.kind == "managed-ml"}
    index, spot_ratio = aws_index(folder, hosting)
    cap = next(q for q in all_quotes if q.cloud == "aws" and q.kind == "statement" and q.sku == "spot-at-most-on-demand")
    managed = {sku: q for (sku, region), q in hosting.items() if region == BASE_REGION["aws"]}
    anchors = _aws_anchors(instances, ec2, managed)
    instance_rows = [["aws", r["instance_type"], r["vcpu"], r["memory_gib"], r["gpu_type"], r["gpu_count"],
                      r["gpu_memory_gib"], r["accelerator"],
                      r["local_nvme"], r["arch"], r["apis"], "botocore SageMaker enums + EC2 DescribeInstanceTypes data (moto)", DATE]
                     for r in instances]
    prices: list[Price] = []
    region_rows = []
    listed = defaultdict(set)  # region -> the types the price list hosts there
    for sku, region in hosting:
        listed[region].add(sku)
    for region_row in read("aws_regions.csv", folder):
        region = region_row["region"]
        ratio = index.ratio(region)
        # Which types a region offers: EC2's offerings (moto's data) where recorded; in a region EC2's
        # data does not cover, the types the SageMaker price list prices there.
        from_ec2 = region_row["offerings_known"] == "true"
        known = from_ec2 or bool(listed[region])
        region_rows.append(["aws", region, "true" if known else "false", "true" if ratio is not None else "false",
                            "botocore endpoints (api.sagemaker); offerings: "
                            + ("EC2 instance type offerings (moto)" if from_ec2 else "SageMaker price list" if known else "unknown")])
        if ratio is None:
            continue
        prices.extend(service_prices("aws", [region], index, all_quotes))
        for row in instances:
            quote = anchors.get(row["instance_type"])
            offered = region in row["offered_in"].split() if from_ec2 else row["instance_type"] in listed[region]
            if quote is None or (known and not offered):
                continue
            prices.extend(_aws_type_prices(row, quote, region, ratio, spot_ratio.get(region), ec2, index,
                                           hosting.get((row["instance_type"], region)), cap))
    return instance_rows, region_rows, prices


# ---------------------------------------------------------------- GCP

GCP_ACCELERATORS = {  # extract name -> (Vertex API accelerator type, generic GPU type)
    "T4": ("NVIDIA_TESLA_T4", "T4"), "V100": ("NVIDIA_TESLA_V100", "V100"), "P4": ("NVIDIA_TESLA_P4", "P4"),
    "P100": ("NVIDIA_TESLA_P100", "P100"), "L4": ("NVIDIA_L4", "L4"), "A100": ("NVIDIA_TESLA_A100", "A100"),
    "A100-80GB": ("NVIDIA_A100_80GB", "A100"), "H100": ("NVIDIA_H100_80GB", "H100"),
    "H100-MEGA": ("NVIDIA_H100_MEGA_80GB", "H100"),
}
# Compute Engine's n1 + GPU pairings: these counts up to a vCPU ceiling (cloud.google.com/compute/docs/gpus). Which
# of them a Vertex AI use accepts is its own documented table (sources/gcp_vertex_gpu_counts.csv), a subset.
N1_GPU_LIMITS = {"T4": {1: 48, 2: 48, 4: 96}, "V100": {1: 12, 2: 24, 4: 48, 8: 96},
                 "P4": {1: 24, 2: 48, 4: 96}, "P100": {1: 16, 2: 32, 4: 96}}
G2_L4 = {"g2-standard-4": 1, "g2-standard-8": 1, "g2-standard-12": 1, "g2-standard-16": 1, "g2-standard-24": 2,
         "g2-standard-32": 1, "g2-standard-48": 4, "g2-standard-96": 8}


def gcp_attached(machine: str) -> tuple[str, int] | None:
    """The accelerator an accelerator-optimized machine type comes with (extract name, count)."""
    if machine in G2_L4:
        return "L4", G2_L4[machine]
    family, kind, size = (machine.split("-") + ["", ""])[:3]
    if family in ("a2", "a3") and size.endswith("g"):
        count = int(size[:-1])
        gpu = {"a2": {"highgpu": "A100", "megagpu": "A100", "ultragpu": "A100-80GB"},
               "a3": {"highgpu": "H100", "megagpu": "H100-MEGA", "edgegpu": "H100"}}[family].get(kind)
        return (gpu, count) if gpu else None
    return None


GCP_USES = ("prediction", "training")


def gcp_documented(folder: Path = SOURCES) -> dict[str, set[str]]:
    """The machine types each Vertex AI use documents (``sources/gcp_vertex_machine_types.csv``)."""
    documented: dict[str, set[str]] = {use: set() for use in GCP_USES}
    for row in read("gcp_vertex_machine_types.csv", folder):
        documented[row["use"]].update(row["names"].split())
    return documented


def gcp_gpu_counts(folder: Path = SOURCES) -> dict[tuple[str, str, str], set[int]]:
    """(use, n1 machine type, accelerator) -> the GPU counts the use's table lists (``sources/gcp_vertex_gpu_counts.csv``)."""
    return {(r["use"], r["machine_type"], r["accelerator"]): {int(c) for c in r["counts"].split()}
            for r in read("gcp_vertex_gpu_counts.csv", folder)}


def gcp_apis(machine: str, documented: dict[str, set[str]]) -> str:
    """The Vertex AI uses ``machine`` is documented for."""
    return " ".join(use for use in GCP_USES if machine in documented[use])


def _gcp_instance_rows(vms: dict[tuple[str, str], dict[str, str]], machines: list[str], folder: Path) -> list[list[str]]:
    """Machine types (accelerator-optimized ones with their GPUs) and the n1 + GPU combinations."""
    instance_rows = []
    documented, gpu_counts = gcp_documented(folder), gcp_gpu_counts(folder)
    for machine in machines:
        row = next(r for (sku, _), r in vms.items() if sku == machine)
        vcpu, memory = int(float(row["vcpu"])), float(row["memory_gib"])
        attached = gcp_attached(machine)
        apis = gcp_apis(machine, documented)
        doc = "Compute Engine machine types offered to Vertex AI (SkyPilot-format price extract)"
        if attached:
            api, generic = GCP_ACCELERATORS[attached[0]]
            instance_rows.append(["gcp", machine, str(vcpu), f"{memory:g}", generic, str(attached[1]),
                                  GPU_MEMORY_GIB[attached[0]], api, "true",
                                  "x86_64", apis, doc, DATE])
            continue
        instance_rows.append(["gcp", machine, str(vcpu), f"{memory:g}", "", "0", "", "", "false", "x86_64", apis,
                              doc, DATE])
        if machine.startswith("n1-"):
            for gpu, limits in N1_GPU_LIMITS.items():
                api, generic = GCP_ACCELERATORS[gpu]
                for count, ceiling in limits.items():
                    if vcpu <= ceiling:
                        # Compute Engine accepts the pairing; each Vertex use only the counts its own table lists
                        # (e.g. no single T4 on a 32-vCPU n1, no P100 beyond 64 vCPUs or 208 GB for training).
                        gpu_apis = " ".join(use for use in apis.split() if count in gpu_counts.get((use, machine, api), ()))
                        instance_rows.append(["gcp", machine, str(vcpu), f"{memory:g}", generic, str(count),
                                              GPU_MEMORY_GIB[gpu], api, "false", "x86_64", gpu_apis,
                                              "Vertex AI n1 + GPU (cloud.google.com/compute/docs/gpus; uses: "
                                              "sources/gcp_vertex_gpu_counts.csv)", DATE])

    return instance_rows


def gcp(folder: Path, all_quotes: list[Quote]) -> tuple[list[list[str]], list[list[str]], list[Price]]:
    """GCP instance rows (machine types, n1 + GPU combinations), region rows and price rows."""
    vms = {(r["instance_type"] or r["accelerator"], r["region"]): r for r in read("gcp_vms.csv", folder)}
    index = vm_index("gcp", vms, "gce")
    regions = read("gcp_regions.csv", folder)
    base = BASE_REGION["gcp"]
    managed = {(q.service, q.sku): q for q in all_quotes if q.cloud == "gcp" and q.kind == "managed-ml" and q.region == base}
    # Accelerator-optimized types whose GPU the kit does not know (a3-ultragpu: H200) are left out rather
    # than listed as CPU machines the resolver could pick for a CPU request.
    machines = sorted({sku for (sku, _), r in vms.items() if r["instance_type"]
                       and (gcp_attached(sku) or not sku.startswith(("a2-", "a3-", "g2-")))})

    instance_rows = _gcp_instance_rows(vms, machines, folder)

    def anchor(service: str, sku: str) -> Quote | None:
        family = sku.split("-")[0]
        exact = managed.get((service, sku))
        if exact:
            return exact
        same_family = [q for (s, k), q in sorted(managed.items()) if s == service and k.split("-")[0] == family]
        if same_family:
            return same_family[0]
        return managed.get((service, "n1-standard-4" if not service.endswith("accelerator") else "NVIDIA_TESLA_T4"))

    accelerator_names = {api: name for name, (api, _) in GCP_ACCELERATORS.items()}
    region_rows, prices, priced = known_regions("gcp", regions, index, all_quotes)
    for region in priced:
        for service, spot_service in (("vertex-prediction", None), ("vertex-training", "vertex-training-spot")):
            for machine in machines:
                prices.extend(_gcp_rate(vms, anchor(service, machine), service, spot_service, machine, machine, region, base))
            for api, name in sorted(accelerator_names.items()):
                accel_service = f"{service}-accelerator"
                prices.extend(_gcp_rate(vms, anchor(accel_service, api), accel_service, None, api, name, region, base))
    return instance_rows, region_rows, prices


def _gcp_rate(vms: dict[tuple[str, str], dict[str, str]], quote: Quote | None, service: str, spot_service: str | None,
              sku: str, vm: str, region: str, base: str) -> Iterator[Price]:
    machine = vms.get((vm, region))
    if quote is None or machine is None:
        return
    usd, spot = Decimal(machine["usd"]), Decimal(machine["spot_usd"] or 0)
    refs = [f"gce:{vm}@{region}"]
    attached = gcp_attached(vm)
    if attached:
        # Vertex bills accelerator-optimized types (g2, a2, a3) per node, GPUs included; Compute
        # Engine lists the machine and its GPUs apart, so the node's VM price is their sum.
        gpu = vms.get((attached[0], region))
        if gpu is None:
            return
        usd += Decimal(gpu["usd"]) * attached[1]
        spot = spot + Decimal(gpu["spot_usd"] or 0) * attached[1] if machine["spot_usd"] and gpu["spot_usd"] else Decimal(0)
        refs.append(f"gce:{attached[0]}@{region}")
    anchor_vm = quote.sku if quote.sku in {k for k, _ in vms} else {a: n for n, (a, _) in GCP_ACCELERATORS.items()}.get(quote.sku)
    anchor_row = vms.get((anchor_vm, base)) if anchor_vm else None
    if anchor_row is None:
        return
    inputs: tuple[str, ...]
    if sku == quote.sku and region == base:
        hourly, basis, rule, inputs = quote.usd, "quoted", "quote", (quote.ref,)
    else:
        hourly = usd * quote.usd / Decimal(anchor_row["usd"])
        basis, rule = "derived", "managed-premium"
        inputs = tuple(dict.fromkeys((*refs, quote.ref, f"gce:{anchor_vm}@{base}")))
    yield Price("gcp", service, sku, region, "hours", hourly, basis, rule, inputs)
    if spot_service and spot:
        yield Price("gcp", spot_service, sku, region, "hours", hourly * spot / usd,
                    "derived", f"{rule if rule != 'quote' else 'managed-premium'},spot-ratio",
                    tuple(dict.fromkeys((*inputs, *refs))))


# ---------------------------------------------------------------- Azure

AZURE_GPUS = {"A100-80GB": "A100"}  # extract GPU name -> the spec's generic GPU type
# The documented compute-cluster series (sources/azure_compute_cluster_series.csv) each VM size name belongs
# to: the series pages the documentation links name these sizes (e.g. "Dsv3" holds Standard_D4s_v3; the
# EAv4 page holds Eav4 and Easv4). A size matching none is not a documented compute-cluster size.
AZURE_CLUSTER_SERIES = (
    (r"Standard_D\d+ds_v4", "DDSv4"), (r"Standard_D\d+_v2", "Dv2"), (r"Standard_D\d+_v3", "Dv3"),
    (r"Standard_DS\d+_v2", "DSv2"), (r"Standard_D\d+s_v3", "DSv3"), (r"Standard_E\d+as?_v4", "EAv4"),
    (r"Standard_E\d+_v3", "Ev3"), (r"Standard_E\d+s_v3", "ESv3"), (r"Standard_F\d+s_v2", "FSv2"),
    (r"Standard_NC\d+s_v3", "NCv3"), (r"Standard_NC\d+as_T4_v3", "NCasT4_v3"), (r"Standard_ND96asr_v4", "NDasrA100_v4"),
)


def azure_series(size: str) -> str | None:
    """The documented compute-cluster series of an Azure VM size name, None when it belongs to none listed."""
    return next((series for pattern, series in AZURE_CLUSTER_SERIES if re.fullmatch(pattern, size)), None)


def azure_apis(size: str, folder: Path = SOURCES) -> str:
    """The Azure ML uses of a size: ``endpoint`` when the managed online endpoint SKU list names it,
    ``compute`` when its series is a documented compute-cluster series or the endpoint SKU list names it.

    The compute-target page's series table predates the A100/H100 NC sizes; a size Azure ML documents
    for its managed endpoint compute is taken as a managed size for clusters too (not confirmed by a
    page that says so for clusters: see docs/cost-catalog.md)."""
    endpoint = size.upper() in {r["size"].upper() for r in read("azure_online_endpoint_skus.csv", folder)}
    cluster = endpoint or azure_series(size) in {r["series"] for r in read("azure_compute_cluster_series.csv", folder)}
    return " ".join(use for use, ok in (("endpoint", endpoint), ("compute", cluster)) if ok)


def azure(folder: Path, all_quotes: list[Quote]) -> tuple[list[list[str]], list[list[str]], list[Price]]:
    """Azure instance rows (VM sizes Azure ML serves and trains on), region rows and price rows."""
    vms = {(r["instance_type"], r["region"]): r for r in read("azure_vms.csv", folder)}
    index = vm_index("azure", vms, "azvm")
    statement = next(q for q in all_quotes if q.cloud == "azure" and q.kind == "statement" and q.sku == "vm-surcharge")
    sizes = sorted({sku for sku, _ in vms})
    instance_rows = []
    for size in sizes:
        row = next(r for (sku, _), r in vms.items() if sku == size)
        gpu = AZURE_GPUS.get(row["gpu_type"], row["gpu_type"])
        # Sizes with a "d" in the suffix letters (Ddsv4, NCads) and every GPU size have local NVMe/SSD disks.
        local = bool(gpu) or "d" in size.split("_")[1].lstrip("ABCDEFGHLMNRSTVX0123456789")
        gpu_memory = AZURE_GPU_MEMORY_GIB.get(size, GPU_MEMORY_GIB.get(row["gpu_type"], "")) if gpu else ""
        instance_rows.append(["azure", size, row["vcpu"], row["memory_gib"], gpu, row["gpu_count"] or "0", gpu_memory, "",
                              "true" if local else "false", "x86_64", azure_apis(size, folder),
                              "Azure VM sizes (SkyPilot-format price extract); uses: Azure ML documented SKU lists", DATE])
    region_rows, prices, priced = known_regions("azure", read("azure_regions.csv", folder), index, all_quotes)
    for region in priced:
        for size in sizes:
            offer = vms.get((size, region))
            if offer is None:
                continue
            ref = f"azvm:{size}@{region}"
            vm_usd = Decimal(offer["usd"]) * (1 + statement.usd)
            prices.append(Price("azure", "azureml-vm", size, region, "hours", vm_usd, "derived", "no-surcharge",
                                (ref, statement.ref)))
            if offer["spot_usd"]:
                # Low-priority Azure ML nodes are billed at the region's spot rate for the size.
                prices.append(Price("azure", "azureml-vm-low-priority", size, region, "hours",
                                    Decimal(offer["spot_usd"]) * (1 + statement.usd), "derived", "no-surcharge,spot",
                                    (ref, statement.ref)))
    return instance_rows, region_rows, prices


# ---------------------------------------------------------------- output

def _csv(header: Iterable[str], rows: Iterable[Iterable[str]], comment: str | None = None) -> str:
    out = io.StringIO()
    if comment:
        out.write(f"# {comment}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return out.getvalue()


def build(folder: Path = SOURCES) -> dict[str, str]:
    """Every generated file (path relative to providers/catalog) and its exact text."""
    all_quotes = quotes(folder)
    files: dict[str, str] = {}
    instances: list[list[str]] = []
    regions: list[list[str]] = []
    # The bundled targets name their builder here (``Target.catalog_builder``); a target with its own
    # catalog files (and no builder) is not generated here.
    for cloud, path in ((t.name, t.catalog_builder) for t in targets.targets() if t.catalog_builder is not None):
        builder = load(path)
        cloud_instances, cloud_regions, prices = builder(folder, all_quotes)
        instances += cloud_instances
        regions += cloud_regions
        unique = {(p.service, p.sku, p.region): p for p in prices}  # a global row is emitted once per region loop
        ordered = sorted(unique.values(), key=lambda p: (p.service, p.sku, p.region))
        files[f"prices/{cloud}.csv"] = _csv(PRICE_COLUMNS, (p.cells() for p in ordered),
                                            f"{cloud} price catalog {DATE}, USD per unit; generated by "
                                            "providers/catalog/generate.py from sources/: do not edit by hand")
    files["instances.csv"] = _csv(INSTANCE_COLUMNS, instances)
    files["regions.csv"] = _csv(REGION_COLUMNS, regions)
    return files


def write(files: dict[str, str], root: Path = HERE) -> None:
    """Write the generated files under ``root``."""
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")


def stale(files: dict[str, str], root: Path = HERE) -> list[str]:
    """Generated files whose committed text differs from ``files``."""
    return [name for name, text in sorted(files.items())
            if not (root / name).exists() or (root / name).read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    """CLI: rebuild (default), ``--check``, or ``extract`` (see sources/README.md)."""
    parser = argparse.ArgumentParser(prog="python -m mlopskit.providers.catalog.generate")
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated file is out of date")
    sub = parser.add_subparsers(dest="command")
    extract = sub.add_parser("extract", help="refresh sources/ from raw downloads and the pinned SDKs")
    extract.add_argument("--aws-ec2", type=Path, help="Karpenter zz_generated.pricing_aws.go (us-east-1 on-demand)")
    extract.add_argument("--aws-sagemaker", type=Path, help="region -> ml.* type -> hosting USD/hour JSON (Price List API)")
    extract.add_argument("--gcp", type=Path, help="SkyPilot-format gcp/vms.csv")
    extract.add_argument("--gcp-vertex-check", type=Path, help="region -> machine -> Vertex prediction price JSON (spot check)")
    extract.add_argument("--azure", type=Path, help="SkyPilot-format azure/vms.csv")
    args = parser.parse_args(argv)
    if args.command == "extract":
        from mlopskit.providers.catalog import extract as extractor

        extractor.run(aws_ec2=args.aws_ec2, gcp=args.gcp, azure=args.azure, folder=SOURCES, aws_sagemaker=args.aws_sagemaker,
                        gcp_vertex=args.gcp_vertex_check)
        return 0
    files = build()
    if args.check:
        out_of_date = stale(files)
        for name in out_of_date:
            print(f"{name}: out of date; run python -m mlopskit.providers.catalog.generate", file=sys.stderr)
        return 1 if out_of_date else 0
    write(files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
