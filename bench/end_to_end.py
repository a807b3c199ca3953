"""End-to-end `policy` and `compare` cost per stage, at ~100, ~1,200 and ~12,000 resources per cloud.

Each size runs twice, each in a fresh subprocess: the real `mlopskit policy SPEC --provider CLOUD
--format json` (its wall time and peak memory, start-up included: what CI feels, and what is set
beside Checkov), and an instrumented child that times the stages the CLI goes through
(the build stage includes importing the cloud's SDK modules): load (spec -> validated Stack + provider check), build (the mocked
program registering every resource), facts, rules, cost and report. It prints ms/resource per
stage, the growth ratio of ms/resource between sizes (1.0 = linear), and, in the same run,
Pulumi's stock mocks registering the same resources with no kit code (the floor for "build").
"floor" is the same again in a fresh process, start-up and the provider SDK imports included: the
wall time and peak memory any Pulumi program registering these resources under mocks cannot go
below; "floor/checkov" is the least kit/Checkov ratio reachable without leaving the Pulumi SDK.

If the environment variable CHECKOV names a Checkov executable, the script also writes
equivalent Terraform (the same number of typical MLOps resources: KMS key, S3 bucket with
versioning, encryption and public-access block, SageMaker model/config/endpoint, IAM role and
policy, alarm, SNS topic) and runs `checkov -d DIR --framework terraform` interleaved with the
kit, printing the kit/Checkov wall-time ratio and both peak memories.

Run: .venv/bin/python bench/end_to_end.py [--clouds aws,gcp,azure] [--sizes 100,1200,12000]
Machines here are shared and noisy: read ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "stacks" / "credit-risk.yaml"
STAGES = ("load", "build", "facts", "rules", "cost", "report")


# ---------------------------------------------------------------- one measured run (child process)


# One "unit" of a scaled stack: a copy of each of these lists' first entry (an endpoint with
# its canary, autoscaling, monitoring and alarms, a training job and its pipeline, a batch job).
# Scaling all three reaches ~12,000 resources on every cloud within the spec's limit of 1,000
# entries per list (14-17 resources a unit on aws/gcp/azure).
UNIT_LISTS = ("endpoints", "training", "batch")


def _spec_with(units: int, cloud: str) -> dict[str, Any]:
    """The bundled example on ``cloud`` only, with ``units`` copies of its first endpoint,
    training job and batch job (each renamed)."""
    import copy

    import yaml

    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    for key in UNIT_LISTS:
        if not data.get(key):
            continue
        template = data[key][0]
        data[key] = [{**copy.deepcopy(template), "name": f"{key[:2]}-{index:04d}"} for index in range(units)]
    data["placement"] = {cloud: data["placement"][cloud]}
    return data


def stack_with(units: int, cloud: str) -> Any:
    """``_spec_with`` parsed (training code folders are found beside the bundled example)."""
    from mlopskit.modules import parse_stack

    return parse_stack(_spec_with(units, cloud), base_dir=SPEC.parent)


def _write_spec(units: int, cloud: str, folder: Path) -> Path:
    """``_spec_with`` as a file in ``folder``, with copies of the code folders it uploads."""
    import shutil

    import yaml

    data = _spec_with(units, cloud)
    for job in data.get("training", [])[:1]:
        if job.get("code") and not (folder / job["code"]).exists():
            shutil.copytree(SPEC.parent / job["code"], folder / job["code"])
    spec = folder / "stack.yaml"
    spec.write_text(yaml.safe_dump(data), encoding="utf-8")
    return spec


def _child(cloud: str, units: int, floor_file: str = "") -> dict[str, Any]:
    """Runs in a subprocess: every stage of `mlopskit policy` + `compare`'s cost for one cloud
    (and, given ``floor_file``, writes there the resources the SDK floor registers)."""
    sys.path.insert(0, str(ROOT))
    gc.disable()  # as the `mlopskit` command runs (mlopskit/cli.py entry)
    times: dict[str, float] = {}
    start = time.perf_counter()
    from mlopskit.engine import preview
    from mlopskit.policies.report import to_json
    from mlopskit.policies.runner import evaluate
    from mlopskit.providers import get_provider
    from mlopskit.providers.costing import estimate

    stack = stack_with(units, cloud)
    provider = get_provider(cloud)  # type: ignore[arg-type]
    issues = provider.check(stack)
    assert not issues, issues
    times["load"] = time.perf_counter() - start

    mark = time.perf_counter()
    graph = preview(stack, cloud, provider)  # type: ignore[arg-type]
    times["build"] = time.perf_counter() - mark

    # Each stage once, as the command runs it: a second run would find the graph's indexes (built
    # by whichever stage asks first) and the facts already cached.
    mark = time.perf_counter()
    facts = provider.facts(graph, stack)
    times["facts"] = time.perf_counter() - mark

    mark = time.perf_counter()
    report = evaluate(stack, graph, facts=facts)
    times["rules"] = time.perf_counter() - mark
    assert not report.errors, report.errors[:3]

    mark = time.perf_counter()
    cost = estimate(graph, stack)
    times["cost"] = time.perf_counter() - mark

    mark = time.perf_counter()
    json.dumps(to_json(report))
    times["report"] = time.perf_counter() - mark

    resources = sum(1 for r in graph if r.custom and not r.type.startswith("pulumi:providers:"))
    baseline = _pulumi_baseline(graph)
    if floor_file:
        custom = [r for r in graph if r.custom and not r.type.startswith("pulumi:providers:")]
        Path(floor_file).write_text(json.dumps([[r.type, r.name, r.inputs] for r in custom], default=str),
                                    encoding="utf-8")
    return {"cloud": cloud, "units": units, "resources": resources, "times": times,
            "total": sum(times.values()), "pulumi_build": baseline, "monthly": str(cost.total_monthly),
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _pulumi_baseline(graph: Any) -> float:
    """Seconds for Pulumi's stock mocks to register the same custom resources, no kit code
    (the same floor bench/preview_scaling.py measures)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from preview_scaling import pulumi_baseline

    return pulumi_baseline(graph)


# ---------------------------------------------------------------- the Pulumi SDK's own floor

def _sdk_class(type_token: str) -> Any:
    """The provider SDK class of a resource type (``aws:sagemaker/endpoint:Endpoint`` ->
    ``pulumi_aws.sagemaker.Endpoint``: its module, input and output types load with it), or None
    for the SDK's own types. The packages load their modules lazily, on first attribute access."""
    package, module, name = type_token.split(":")
    if package == "aws":
        import pulumi_aws as sdk
    elif package == "gcp":
        import pulumi_gcp as sdk
    elif package == "azure-native":
        import pulumi_azure_native as sdk
    else:
        return None
    module = module.split("/")[0]
    return getattr(sdk if module == "index" else getattr(sdk, module), name)


def _floor(path: str) -> None:
    """Runs in a fresh subprocess: what any Pulumi program registering these resources under mocks
    cannot avoid, with no kit code: importing ``pulumi`` and each type's class from its provider
    SDK (which loads the service's input and output types), then Pulumi's stock mocks registering the same types, names and inputs. Prints the
    seconds spent reading the file, which the caller takes off the wall time."""
    gc.disable()  # as the kit's command runs: the floor is the least any program pays
    start = time.perf_counter()
    resources = json.loads(Path(path).read_text(encoding="utf-8"))
    reading = time.perf_counter() - start
    for type_token in sorted({t for t, _, _ in resources}):
        _sdk_class(type_token)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from preview_scaling import register_with_stock_mocks

    register_with_stock_mocks(resources)
    print(json.dumps({"reading": reading}), flush=True)
    os._exit(0)  # no interpreter teardown, as the kit's command leaves (mlopskit/cli.py entry)


def _run_floor(path: str) -> tuple[float, float]:
    """Wall seconds (file reading taken off) and peak MiB of ``_floor`` in a fresh process."""
    with tempfile.TemporaryFile() as out:
        wall, peak, _ = _measured([sys.executable, __file__, "--floor", path], stdout=out)
        out.seek(0)
        reading = json.loads(out.read().decode().strip().splitlines()[-1])["reading"]
    return wall - reading, peak


# ---------------------------------------------------------------- Checkov side by side


TF_ENDPOINTS_PER_FILE = 10


def _terraform(resources: int, folder: Path) -> int:
    """About ``resources`` typical MLOps Terraform resources (11 per endpoint plus 5 shared);
    returns how many resources Checkov should count: all but one per endpoint (its summary leaves
    one of the 11 out; measured: 25 of 27 for 2 endpoints, 10,905 of 11,995 for 1,090)."""
    shared = '''
resource "aws_kms_key" "k" { enable_key_rotation = true }
resource "aws_s3_bucket" "b" { bucket = "bench-artifacts" }
resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket_server_side_encryption_configuration" "e" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }
  }
}
resource "aws_s3_bucket_public_access_block" "p" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
'''
    per = '''
resource "aws_iam_role" "r{i}" {{
  name               = "bench-{i}"
  assume_role_policy = jsonencode({{Version = "2012-10-17", Statement = [{{Effect = "Allow", Action = "sts:AssumeRole", Principal = {{Service = "sagemaker.amazonaws.com"}}}}]}})
}}
resource "aws_iam_role_policy" "rp{i}" {{
  role   = aws_iam_role.r{i}.id
  policy = jsonencode({{Version = "2012-10-17", Statement = [{{Effect = "Allow", Action = ["s3:GetObject"], Resource = ["${{aws_s3_bucket.b.arn}}/*"]}}]}})
}}
resource "aws_sagemaker_model" "m{i}" {{
  name               = "bench-{i}"
  execution_role_arn = aws_iam_role.r{i}.arn
  primary_container {{ image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/m:1" }}
  enable_network_isolation = true
}}
resource "aws_sagemaker_endpoint_configuration" "c{i}" {{
  name        = "bench-{i}"
  kms_key_arn = aws_kms_key.k.arn
  production_variants {{
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.m{i}.name
    initial_instance_count = 2
    instance_type          = "ml.m5.large"
  }}
}}
resource "aws_sagemaker_endpoint" "ep{i}" {{
  name                 = "bench-{i}"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.c{i}.name
}}
resource "aws_sns_topic" "t{i}" {{
  name              = "bench-{i}"
  kms_master_key_id = aws_kms_key.k.arn
}}
resource "aws_cloudwatch_metric_alarm" "a{i}" {{
  alarm_name          = "bench-{i}"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "ModelLatency"
  namespace           = "AWS/SageMaker"
  period              = 60
  statistic           = "Average"
  threshold           = 500
  alarm_actions       = [aws_sns_topic.t{i}.arn]
}}
resource "aws_cloudwatch_metric_alarm" "e{i}" {{
  alarm_name          = "bench-err-{i}"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "Invocation5XXErrors"
  namespace           = "AWS/SageMaker"
  period              = 60
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [aws_sns_topic.t{i}.arn]
}}
resource "aws_appautoscaling_target" "s{i}" {{
  max_capacity       = 6
  min_capacity       = 2
  resource_id        = "endpoint/bench-{i}/variant/primary"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  service_namespace  = "sagemaker"
}}
resource "aws_appautoscaling_policy" "sp{i}" {{
  name               = "bench-{i}"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.s{i}.resource_id
  scalable_dimension = aws_appautoscaling_target.s{i}.scalable_dimension
  service_namespace  = aws_appautoscaling_target.s{i}.service_namespace
  target_tracking_scaling_policy_configuration {{
    target_value = 100
    predefined_metric_specification {{ predefined_metric_type = "SageMakerVariantInvocationsPerInstance" }}
  }}
}}
'''
    count = max(1, (resources - 5) // 11)
    (folder / "main.tf").write_text(shared, encoding="utf-8")
    # ~110 resources a file, as a real repository splits its Terraform: one 12,000-resource file
    # exceeds the 10 s timeout of Checkov's HCL parser, which then reports a parsing error and
    # finishes early (our first 12,000-resource ratios were measured against such runs).
    for first in range(0, count, TF_ENDPOINTS_PER_FILE):
        body = "".join(per.format(i=i) for i in range(first, min(count, first + TF_ENDPOINTS_PER_FILE)))
        (folder / f"endpoints-{first // TF_ENDPOINTS_PER_FILE:04d}.tf").write_text(body, encoding="utf-8")
    return 5 + 10 * count


def _measured(command: list[str], cwd: Path | None = None, stdout: Any = subprocess.DEVNULL) -> tuple[float, float, int]:
    """Wall seconds, peak MiB and exit code of one child process (its own rusage, from wait4:
    RUSAGE_CHILDREN would give the largest child so far, not this one)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # 1: a check failed, still a full run
        raise RuntimeError(f"{command[0]} exited {child.returncode}: {errors[-500:].decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024, child.returncode


def _run_checkov(checkov: str, folder: Path, expected: int) -> tuple[float, float]:
    """Checkov's wall seconds and peak MiB over ``folder``; refused unless it parsed every file and
    counted every resource (a run that gave up parsing is not a comparison)."""
    report = folder.parent / f"{folder.name}-checkov.json"
    wall, peak, _ = _measured([checkov, "-d", str(folder), "--framework", "terraform", "--quiet", "--compact",
                               "-o", "json", "--output-file-path", str(report)])
    found = json.loads((report / "results_json.json").read_text(encoding="utf-8"))
    summary = (found[0] if isinstance(found, list) else found)["summary"]
    if summary["parsing_errors"] or summary["resource_count"] != expected:
        raise RuntimeError(f"Checkov did not read the whole Terraform: {summary} (expected {expected} resources)")
    return wall, peak


def _run_kit(cloud: str, units: int, floor: bool = False) -> dict[str, Any]:
    """Per-stage times from an instrumented child (which also runs the stock-mocks baseline);
    with ``floor``, also the SDK floor's wall and peak memory for the same resources (``_floor``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "resources.json") if floor else ""
        out = subprocess.run([sys.executable, __file__, "--child", cloud, str(units), *([path] if path else [])],
                             capture_output=True, text=True, check=True)
        result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        if floor:
            result["floor_wall"], result["floor_mib"] = _run_floor(path)
    return result


def _run_cli(cloud: str, units: int) -> tuple[float, float]:
    """Wall seconds and peak MiB of the real `mlopskit policy SPEC --provider CLOUD --format json`
    (the console script's entry point), start-up included: what CI feels, and what is set beside Checkov."""
    with tempfile.TemporaryDirectory() as folder:
        spec = _write_spec(units, cloud, Path(folder))
        wall, peak, _ = _measured([sys.executable, "-m", "mlopskit.cli", "policy", str(spec), "--provider", cloud,
                                   "--format", "json"], cwd=ROOT)
    return wall, peak


# ---------------------------------------------------------------- start-up targets

_IMPORT_ALL = ("import importlib, pkgutil, mlopskit\n"
               "for info in pkgutil.walk_packages(mlopskit.__path__, 'mlopskit.'):\n"
               "    if '.crossguard' not in info.name and not info.name.endswith('__main__'):\n"
               "        importlib.import_module(info.name)\n")


def _startup(rounds: int = 3) -> None:
    """`validate` against `--help`, and three-cloud `compare` of the bundled example against the
    time to import every kit module (cloud SDK modules the kit imports included), each the
    minimum of ``rounds`` interleaved fresh processes."""
    spec = str(ROOT / "stacks" / "credit-risk.yaml")
    commands = {
        "help": [sys.executable, "-m", "mlopskit.cli", "--help"],
        "validate": [sys.executable, "-m", "mlopskit.cli", "validate", spec],
        "import_all": [sys.executable, "-c", _IMPORT_ALL],
        "compare": [sys.executable, "-m", "mlopskit.cli", "compare", spec, "--format", "json"],
    }
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
    print(f"validate / --help: {best['validate'] / best['help']:.2f} (target <= 1.5; "
          f"{best['validate']:.2f} s / {best['help']:.2f} s)")
    print(f"compare credit-risk (3 clouds) / import every kit module: {best['compare'] / best['import_all']:.2f} "
          f"(target <= 4; {best['compare']:.2f} s / {best['import_all']:.2f} s)")


# ---------------------------------------------------------------- driver

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clouds", default="aws,gcp,azure")
    parser.add_argument("--sizes", default="100,1200,12000", help="target resource counts")
    parser.add_argument("--child", nargs="+", metavar="CLOUD UNITS [FLOOR_FILE]", help=argparse.SUPPRESS)
    parser.add_argument("--floor", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--no-startup", action="store_true", help="skip the validate/compare start-up ratios")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], int(args.child[1]), *args.child[2:])))
        return
    if args.floor:
        _floor(args.floor)
        return
    if not args.no_startup:
        _startup()
    checkov = os.environ.get("CHECKOV")
    sizes = [int(s) for s in args.sizes.split(",")]
    for cloud in args.clouds.split(","):
        small, large = _run_kit(cloud, 5), _run_kit(cloud, 10)
        per_unit = max(1.0, (large["resources"] - small["resources"]) / 5)
        shared = small["resources"] - 5 * per_unit
        rows = []
        for size in sizes:
            units = max(1, round((size - shared) / per_unit))
            result = _run_kit(cloud, units, floor=True)
            wall, peak = _run_cli(cloud, units)
            row = {**result, "wall": wall, "cli_peak_mib": peak}
            if checkov:
                with tempfile.TemporaryDirectory() as folder:
                    tf = Path(folder) / "tf"
                    tf.mkdir()
                    expected = _terraform(result["resources"], tf)
                    row["checkov_wall"], row["checkov_mib"] = _run_checkov(checkov, tf, expected)
            rows.append(row)
        _print(cloud, rows, bool(checkov))


def _print(cloud: str, rows: list[dict[str, Any]], checkov: bool) -> None:
    print(f"\n== {cloud}")
    head = f"{'resources':>9} {'cli wall s':>10} " + " ".join(f"{s + ' ms/r':>11}" for s in STAGES)
    head += f" {'pulumi build ms/r':>17} {'cli MiB':>8} {'floor s':>8} {'floor MiB':>9} {'kit/floor':>9}"
    if checkov:
        head += f" {'checkov s':>9} {'checkov MiB':>11} {'kit/checkov':>11} {'floor/checkov':>13}"
    print(head)
    for row in rows:
        n = row["resources"]
        line = f"{n:>9} {row['wall']:>10.2f} " + " ".join(f"{1000 * row['times'][s] / n:>11.3f}" for s in STAGES)
        line += f" {1000 * row['pulumi_build'] / n:>17.3f} {row['cli_peak_mib']:>8.0f}"
        line += f" {row['floor_wall']:>8.2f} {row['floor_mib']:>9.0f} {row['wall'] / row['floor_wall']:>9.2f}"
        if checkov:
            line += f" {row['checkov_wall']:>9.2f} {row['checkov_mib']:>11.0f} {row['wall'] / row['checkov_wall']:>11.2f}"
            line += f" {row['floor_wall'] / row['checkov_wall']:>13.2f}"
        print(line)
    for small, large in pairwise(rows):
        growth = {s: (large["times"][s] / large["resources"]) / max(1e-9, small["times"][s] / small["resources"])
                  for s in STAGES}
        print(f"growth of ms/resource {small['resources']} -> {large['resources']}: "
              + ", ".join(f"{s} {g:.2f}" for s, g in growth.items()))


if __name__ == "__main__":
    main()
