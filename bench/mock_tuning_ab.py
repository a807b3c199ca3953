"""What each piece of mlopskit/mock_tuning.py saves: the same preview with and without it.

For each cloud, previews the bundled example scaled to N units (bench/end_to_end.py), alternating "all tunings on"
with "one tuning off" (interleaved in one process, min of --rounds), and prints the ratio
on/off per tuning. Machines here are shared and noisy: read the ratios, not the seconds.

Run: .venv/bin/python bench/mock_tuning_ab.py [--clouds azure] [--units 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from end_to_end import stack_with  # noqa: E402

from mlopskit import mock_tuning  # noqa: E402
from mlopskit.engine import preview  # noqa: E402
from mlopskit.providers import get_provider  # noqa: E402

#: Each tuning the script switches off in turn ("none": all on).
TUNINGS = {"none": "", "alias": "skipping alias URNs", "trace": "skipping stack traces",
           "inline": "monitor calls on the loop thread", "urn": "skipping mock URNs"}


@contextmanager
def _without(name: str) -> Iterator[None]:
    """Runs with one tuning switched off (``none`` leaves all on)."""
    original = mock_tuning.monitor_sends_alias_specs
    hook = mock_tuning._no_stack_trace
    executor = mock_tuning.InlineExecutor
    urn = mock_tuning._urn_unused
    if name == "alias":
        mock_tuning.monitor_sends_alias_specs = lambda: False  # type: ignore[assignment]
    if name == "trace":
        from pulumi.runtime import resource

        mock_tuning._no_stack_trace = getattr(resource, mock_tuning.STACK_TRACE_HOOK)  # type: ignore[assignment]
    if name == "inline":
        mock_tuning.InlineExecutor = ThreadPoolExecutor  # type: ignore[misc]
    if name == "urn":
        from pulumi.runtime import resource as sdk

        mock_tuning._urn_unused = getattr(sdk, mock_tuning.MOCK_URN_HOOK)
    try:
        yield
    finally:
        mock_tuning.monitor_sends_alias_specs = original  # type: ignore[assignment]
        mock_tuning._no_stack_trace = hook  # type: ignore[assignment]
        mock_tuning.InlineExecutor = executor  # type: ignore[misc]
        mock_tuning._urn_unused = urn  # type: ignore[method-assign]


def _timed(run: Callable[..., object], *args: object) -> tuple[float, float]:
    """Wall and CPU seconds (CPU of every thread: steadier than wall on a shared machine)."""
    gc.collect()  # the previous run's garbage is not this run's cost
    start, cpu = time.perf_counter(), time.process_time()
    run(*args)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clouds", default="aws,gcp,azure")
    parser.add_argument("--units", type=int, default=20, help="copies of the example's endpoint, training and batch job")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for cloud in args.clouds.split(","):
        stack = stack_with(args.units, cloud)
        provider = get_provider(cloud)  # type: ignore[arg-type]
        resources = sum(1 for r in preview(stack, cloud, provider) if r.custom)  # type: ignore[arg-type]
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.rounds):
            for name in TUNINGS:
                with _without(name):
                    wall, cpu = _timed(preview, stack, cloud, provider)
                old = best.get(name, (wall, cpu))
                best[name] = (min(old[0], wall), min(old[1], cpu))
        wall, cpu = best["none"]
        print(f"{cloud}: {resources} resources, all tunings {wall:.2f} s wall, {cpu:.2f} s CPU")
        for name in list(TUNINGS)[1:]:
            print(f"  {TUNINGS[name]:28}: {wall / best[name][0]:.2f}x the wall time, {cpu / best[name][1]:.2f}x the CPU "
                  f"time without it ({best[name][0]:.2f} s / {best[name][1]:.2f} s without)")


if __name__ == "__main__":
    main()
