"""Runs the installed wheel from a directory outside the checkout (``make wheel-check``; never in pytest).

Usage: ``VENV/bin/python .ci/wheel_check.py REPO_ROOT``, with VENV a fresh virtualenv holding the
locked dependencies and the built wheel. Checks that the kit is imported from the wheel (under
``mlopskit`` only) and that ``compare`` and ``cost`` find every data file they read: the price CSVs,
``usage_defaults.yaml``, the instance catalog. Exits 1 with one line per failed check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROBE = """
import importlib.util, json, mlopskit, mlopskit.providers.catalog as catalog
print(json.dumps({"mlopskit": mlopskit.__file__, "catalog": catalog.__file__,
                  "top_level": [n for n in ("modules", "providers", "policies") if importlib.util.find_spec(n)]}))
"""


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # Nothing of the checkout on the path: what runs is what the wheel installed.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


# What the runtime lock must never bring into a user's environment.
TEST_TOOLING = ("pytest", "mypy", "ruff", "hypothesis", "moto", "cfn-lint", "parliament", "xmlschema")


def check(root: Path, work: Path) -> list[str]:
    import importlib.metadata as metadata

    bindir = Path(sys.executable).parent
    installed_names = {(d.metadata["Name"] or "").lower() for d in metadata.distributions()}
    problems: list[str] = [f"the runtime install holds test tooling: {tool}" for tool in TEST_TOOLING
                           if tool in installed_names]
    # The example with what it names relative to itself (its training code, ./src).
    stacks = Path(shutil.copytree(root / "stacks", work / "stacks", ignore=shutil.ignore_patterns("Pulumi.*")))
    spec = stacks / "credit-risk.yaml"
    where = json.loads(run([sys.executable, "-c", PROBE], work).stdout)
    installed = Path(sys.prefix).resolve()
    if not all(Path(where[k]).resolve().is_relative_to(installed) for k in ("mlopskit", "catalog")):
        problems.append(f"mlopskit is not imported from the wheel: {where}")
    if where["top_level"]:
        problems.append(f"the wheel installs generic top-level packages: {where['top_level']}")
    compare = run([str(bindir / "mlopskit"), "compare", str(spec.relative_to(work)), "--format", "json"], work)
    if compare.returncode not in (0, 1):  # 1: a mandatory policy failed, still a complete report
        return [*problems, f"compare exited {compare.returncode}: {compare.stderr.strip()[-500:]}"]
    for cloud in json.loads(compare.stdout)["clouds"]:
        if cloud["error"] or not cloud["complete"] or float(cloud["monthlyCost"]) <= 0:
            problems.append(f"compare {cloud['cloud']}: error={cloud['error']} complete={cloud['complete']} "
                            f"cost={cloud['monthlyCost']}")
        if cloud["policies"]["errors"]:
            problems.append(f"compare {cloud['cloud']}: {cloud['policies']['errors']} policy errors")
    cost = run([str(bindir / "mlopskit"), "cost", str(spec.relative_to(work)), "--provider", "gcp", "--format", "json"],
               work)
    if cost.returncode != 0 or "monthly" not in cost.stdout.lower():
        problems.append(f"cost exited {cost.returncode}: {cost.stderr.strip()[-500:]}")
    return problems


def main() -> int:
    root = Path(sys.argv[1]).resolve()
    with tempfile.TemporaryDirectory(prefix="mlopskit-wheel-") as tmp:
        problems = check(root, Path(tmp))
    for problem in problems:
        print(f"wheel-check: {problem}", file=sys.stderr)
    if not problems:
        print("wheel-check: the installed wheel ran compare (aws, gcp, azure) and cost outside the checkout")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
