"""Computing a comparison: for each cloud, preview under mocks, estimate the cost (baseline and at
max autoscaling), run the policy runner (``policies.runner.evaluate``), resolve generic compute
(saying when the match is the nearest rather than identical), build the feature table from the
provider's declaration (``Provider.features``) and the build's warnings, and the architecture.
The result is the model of ``mlopskit.compare.model``; nothing here renders it.
"""

from __future__ import annotations

from mlopskit import progress
from mlopskit.compare.model import CloudResult, Comparison, ComputeMatch, FeatureRow
from mlopskit.cost import Usage, estimate
from mlopskit.diagram.build import architecture
from mlopskit.load import load_checked
from mlopskit.modules.errors import SpecError
from mlopskit.modules.features import used_settings
from mlopskit.modules.graph import Graph
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.modules.support import weaker
from mlopskit.policies.runner import PolicyReport, evaluate
from mlopskit.providers import get_provider


def features(cloud: Cloud, stack: Stack, graph: Graph | None) -> list[FeatureRow]:
    """The declared support of each setting, downgraded by this build's warnings (never upgraded)."""
    declared = get_provider(cloud).features
    rows = dict(declared)
    for warning in graph.warnings if graph is not None else []:  # an empty graph (len 0) still has warnings
        # The warning's own typed fields (BuildContext.warn), never its text.
        key, support = warning.feature, warning.support
        if key in rows and support is not None and weaker(rows[key][0], support) != rows[key][0]:
            rows[key] = (support, warning.message)
    used = used_settings(stack)
    return [FeatureRow(k, v[0], v[1], k in used) for k, v in rows.items()]


def _compute(cloud: Cloud, stack: Stack) -> list[ComputeMatch]:
    """Each compute request's instance type as the build resolves it (an endpoint's model size
    included: an LLM endpoint gets a GPU type that holds it), endpoints first."""
    from mlopskit.providers.base import computes
    from mlopskit.providers.catalog.resolver import ResolutionError, resolve

    placement = stack.placement.for_cloud(cloud)
    region = placement.primary_region if placement else None
    matches = []
    order = ("endpoints", "training", "batch")
    for path, compute, use, model_gib in sorted(computes(stack), key=lambda item: order.index(item[0].split("[")[0])):
        try:
            r = resolve(cloud, compute, region, use, model_gib=model_gib)
        except ResolutionError as error:
            matches.append(ComputeMatch(path, f"no match ({error.field}: {error})", False, False, "none"))
            continue
        matches.append(ComputeMatch(path, r.instance.name, r.exact, r.explicit, r.basis))
    return matches


def _policies(stack: Stack, graph: Graph) -> tuple[PolicyReport | None, str]:
    """The policy report, or why there is none."""
    try:
        return evaluate(stack, graph), ""
    except Exception as error:  # noqa: BLE001 - a broken runner must not hide the cost comparison
        return None, f"policies: error ({error.__class__.__name__}: {error})"


def _cloud_result(cloud: Cloud, stack: Stack, usage: Usage | None) -> CloudResult:
    """Preview ``stack`` on ``cloud`` and everything the comparison shows about that build."""
    from mlopskit.engine import preview

    result = CloudResult(cloud)
    with progress.stage(f"{cloud}: preview"):
        result.graph = preview(stack, cloud)
    with progress.stage(f"{cloud}: cost, policies, features"):
        result.estimate = estimate(result.graph, stack, usage)
        result.policies, result.policy_note = _policies(stack, result.graph)
        result.features = features(cloud, stack, result.graph)
        result.compute = _compute(cloud, stack)
        placed = stack.placement.for_cloud(cloud)
        assert placed is not None  # load_checked refused the spec otherwise
        provider = get_provider(cloud)
        result.architecture = architecture(result.graph, provider.diagram, placed.primary_region,
                                           placed.backup_region, provider.topology(result.graph, stack))
    return result


# What a forked worker builds: set by ``_in_workers`` just before the workers fork, so they
# inherit the validated stacks instead of receiving them pickled.
_WORK: dict[Cloud, tuple[Stack, Usage | None]] = {}


def _start_worker() -> None:
    """A forked worker: its own event loop (the parent's shares its epoll and self-pipe file
    descriptors) and progress as whole lines, since several workers share the terminal."""
    import asyncio

    asyncio.set_event_loop(asyncio.new_event_loop())
    progress.lines_only()


def _worker_result(cloud: Cloud) -> CloudResult:
    """``_cloud_result`` in a worker, made fit to send back: the build's Pulumi outputs (which
    the comparison never reads) do not cross processes."""
    import dataclasses

    stack, usage = _WORK[cloud]
    result = _cloud_result(cloud, stack, usage)
    if result.graph is not None:
        result.graph = dataclasses.replace(result.graph, outputs={})
    return result


def _in_workers(work: dict[Cloud, tuple[Stack, Usage | None]], jobs: int) -> dict[Cloud, CloudResult]:
    """Each cloud's result from forked workers, at most ``jobs`` at a time."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import mlopskit.engine  # noqa: F401 - the Pulumi SDK, imported once here rather than once per worker

    _WORK.clear()
    _WORK.update(work)
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_worker) as pool:
            running = {cloud: pool.submit(_worker_result, cloud) for cloud in work}
            return {cloud: future.result() for cloud, future in running.items()}
    finally:
        _WORK.clear()


def default_jobs() -> int:
    """Clouds built at once by default: one per CPU the process may use (fork needed: POSIX)."""
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def compare(spec: str, clouds: list[Cloud], usage: Usage | None = None, jobs: int = 1) -> Comparison:
    """Preview, estimate and check ``spec`` on each of ``clouds`` (bad spec input raises SpecError).

    The spec is validated for every cloud before any cloud is built. With ``jobs`` > 1 the
    clouds are built in forked worker processes, that many at a time: each build is independent
    and most of its time is the cloud's own SDK (importing it and registering resources), so the
    builds can use every free core (on a machine with none free it gains nothing). The results
    are the same either way (tests/test_compare_parallel.py).
    """
    results: dict[Cloud, CloudResult] = {}
    work: dict[Cloud, tuple[Stack, Usage | None]] = {}
    name = ""
    for cloud in clouds:
        try:
            stack = load_checked(spec, cloud)
        except SpecError as error:
            if any(i.path == f"placement.{cloud}" for i in error.issues):
                results[cloud] = CloudResult(cloud, error=f"not placed on {cloud} (placement.{cloud} missing)")
                continue
            raise
        name = stack.name
        work[cloud] = (stack, usage)
    if jobs > 1 and len(work) > 1:
        results.update(_in_workers(work, jobs))
    else:
        results.update({cloud: _cloud_result(cloud, stack, usage) for cloud, (stack, usage) in work.items()})
    return Comparison(name, spec, [results[cloud] for cloud in clouds])

