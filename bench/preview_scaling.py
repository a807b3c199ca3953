"""Mocked-preview cost per resource for stacks of 10, 100 and 1,000 endpoints, beside
Pulumi's own mock engine registering the same resources (same types, names and inputs)
with no kit code around them, in the same process. Ratios, not absolute times, are the
result: this machine is shared and noisy.

Run: .venv/bin/python bench/preview_scaling.py [--sizes 10,100,1000]
"""

from __future__ import annotations

import argparse
import contextvars
import copy
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi  # noqa: E402
import yaml  # noqa: E402
from pulumi.runtime.settings import SETTINGS  # noqa: E402
from pulumi.runtime.stack import run_pulumi_func  # noqa: E402
from pulumi.runtime.sync_await import _sync_await  # noqa: E402

from mlopskit.engine import preview  # noqa: E402
from mlopskit.modules import parse_stack  # noqa: E402
from mlopskit.modules.graph import Graph  # noqa: E402

SPEC = Path(__file__).resolve().parent.parent / "stacks" / "fraud-dev.yaml"


def spec_with(endpoints: int) -> dict[str, Any]:
    data = yaml.safe_load(SPEC.read_text())
    template = data["endpoints"][0]
    data["endpoints"] = []
    for index in range(endpoints):
        endpoint = copy.deepcopy(template)
        endpoint["name"] = f"ep-{index:04d}"
        data["endpoints"].append(endpoint)
    return data


class _PlainMocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return {}


def time_with_stock_mocks(program: Callable[[], None]) -> float:
    """Seconds for ``program`` to run under Pulumi's stock mocks (plain outputs), in a fresh context."""

    def run() -> None:
        pulumi.runtime.set_mocks(_PlainMocks(), project="bench", stack="bench", preview=False)
        SETTINGS.rpc_manager.clear()
        _sync_await(run_pulumi_func(program))

    start = time.perf_counter()
    contextvars.Context().run(run)
    return time.perf_counter() - start


def register_with_stock_mocks(resources: list[tuple[str, str, dict[str, Any]]] | list[list[Any]]) -> float:
    """Seconds for Pulumi's stock mocks to register these (type, name, inputs), no kit code."""

    def program() -> None:
        for type_, name, inputs in resources:
            pulumi.CustomResource(type_, name, dict(inputs))

    return time_with_stock_mocks(program)


def pulumi_baseline(graph: Graph) -> float:
    """Seconds for Pulumi's stock mocks to register the graph's custom resources."""
    return register_with_stock_mocks([(r.type, r.name, r.inputs) for r in graph
                                      if r.custom and not r.type.startswith("pulumi:providers:")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    preview(parse_stack(spec_with(1)), "aws")  # warm-up: imports, catalogs, moto
    print(f"{'endpoints':>9} {'resources':>9} {'kit s':>8} {'kit ms/res':>10} {'pulumi ms/res':>13} {'ratio':>6}")
    for size in sizes:
        stack = parse_stack(spec_with(size))
        start = time.perf_counter()
        graph = preview(stack, "aws")
        kit = time.perf_counter() - start
        count = sum(1 for r in graph if r.custom and not r.type.startswith("pulumi:providers:"))
        base = pulumi_baseline(graph)
        print(f"{size:>9} {count:>9} {kit:>8.2f} {1000 * kit / count:>10.2f} {1000 * base / count:>13.2f} "
              f"{kit / base:>6.2f}")


if __name__ == "__main__":
    main()
