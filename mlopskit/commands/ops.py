"""Day-2 commands: train, batch run, rollout, rollback, promote, backup verify, status.

Each loads and checks the spec, builds the cloud's `OpsBackend` (``Provider.ops_backend``)
over a `Gateway`, and runs the cloud-neutral orchestration in ``mlopskit.ops``. Exit codes:
0 ok; 1 the operation failed, rolled back, or the live cloud drifted; 2 bad input. A cloud
error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC
from typing import Any, TypeVar

from mlopskit.exit_codes import EXIT_FAILED, EXIT_OK
from mlopskit.modules.batch import PACKAGE_PATTERN
from mlopskit.modules.day2.backend import OpsBackend, VersionLineage
from mlopskit.modules.day2.calls import Gateway, PlanIncomplete
from mlopskit.modules.day2.clock import Clock, SystemClock
from mlopskit.modules.day2.errors import CloudError
from mlopskit.modules.endpoint import LATEST_APPROVED, MAX_MODEL_VERSION, Endpoint
from mlopskit.modules.errors import SpecError, SpecIssue, echo, one_line
from mlopskit.modules.placement import Cloud
from mlopskit.modules.stack import Stack
from mlopskit.modules.targets import with_day2, without_day2
from mlopskit.ops.backup import compare_checksums
from mlopskit.ops.drift import Finding, compare
from mlopskit.ops.rollout import run_rollout
from mlopskit.ops.training import wait_for
from mlopskit.providers import get_provider

T = TypeVar("T")

# Tests replace these: the clock (no real waiting) and how a cloud's backend is made.
CLOCK: Clock = SystemClock()


def make_backend(cloud: Cloud, stack: Stack, gateway: Gateway) -> OpsBackend:
    return get_provider(cloud).ops_backend(stack, gateway)


def _classifier(cloud: Cloud) -> Callable[[BaseException], CloudError | None]:
    return get_provider(cloud).classify_error


def _setup(args: argparse.Namespace) -> tuple[Stack, OpsBackend]:
    from mlopskit.load import load_checked

    stack = load_checked(args.spec, args.provider)
    gateway = Gateway(_classifier(args.provider), clock=CLOCK, dry_run=args.dry_run)
    backend = make_backend(args.provider, stack, gateway)
    if args.dry_run:
        # Without credentials a dry run still shows its plan, made offline: no read is
        # made, so no credential lookup and no network access happens at all.
        args._offline = backend.missing_credentials()
        gateway.offline = args._offline is not None
    return stack, backend


def _endpoint(stack: Stack, name: str) -> Endpoint:
    found = next((e for e in stack.endpoints if e.name == name), None)
    if found is None:
        known = ", ".join(e.name for e in stack.endpoints) or "none"
        raise SpecError([SpecIssue("endpoints", f"no endpoint named {name!r} (spec has: {known})")])
    return found


def _guard(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Cloud errors become one line and exit 1; the dry-run plan is printed either way."""

    def wrapped(args: argparse.Namespace) -> int:
        backend: list[OpsBackend] = []
        args._backend = backend
        args._offline = None
        try:
            code = run(args)
        except PlanIncomplete as incomplete:
            _print_plan(args, f"  ... {incomplete}: not made offline")
            return EXIT_OK
        except CloudError as error:
            _print_plan(args)
            print(one_line(f"error: {args.provider}: {error}"), file=sys.stderr)
            return EXIT_FAILED
        except Exception as error:  # noqa: BLE001 - an SDK error raised outside a gateway call
            classified = _classifier(args.provider)(error)
            if classified is None:
                raise
            _print_plan(args)
            print(one_line(f"error: {args.provider}: {classified.message}"), file=sys.stderr)
            return EXIT_FAILED
        _print_plan(args)
        return code

    return wrapped


def _print_plan(args: argparse.Namespace, cut: str | None = None) -> None:
    if args.dry_run and args._backend:
        print("dry run: no call made (no credentials); the plan:" if args._offline
              else "dry run: no change made; the calls:")
        for line in args._backend[0].gateway.plan():
            print(f"  {line}")
        if cut:
            print(cut)
        if args._offline:
            print(one_line(f"note: {args._offline}; with credentials the dry run makes its reads and shows every call"))


def _start(args: argparse.Namespace) -> tuple[Stack, OpsBackend]:
    stack, backend = _setup(args)
    args._backend.append(backend)
    return stack, backend


# -- commands ---------------------------------------------------------------------------


def _job(jobs: Sequence[T], name: str, field: str, what: str) -> T:
    """The spec's job called ``name``; bad input naming ``field`` when there is none."""
    found = next((j for j in jobs if getattr(j, "name", None) == name), None)
    if found is None:
        known = ", ".join(str(getattr(j, "name", "")) for j in jobs) or "none"
        raise SpecError([SpecIssue(field, f"no {what} named {name!r} (spec has: {known})")])
    return found


def _run_name(stack: Stack, job: str) -> str:
    """``<stack>-<job>-<UTC timestamp>``: a run's name, unique per second, within 63 characters."""
    from datetime import datetime

    return f"{stack.name}-{job}-{datetime.fromtimestamp(CLOCK.now(), UTC).strftime('%Y%m%d%H%M%S')}"[:63]


def cmd_train(args: argparse.Namespace) -> int:
    stack, backend = _start(args)
    job = _job(stack.training, args.job, "training", "training job")
    run_name = _run_name(stack, job.name)
    run_id = backend.submit_training(job, run_name)
    print(f"{'would submit' if args.dry_run else 'submitted'} {run_id}")
    if not args.wait or args.dry_run:
        return EXIT_OK
    status = wait_for(backend, run_id, CLOCK)
    print(f"{run_id}: {status.state}")
    return EXIT_OK if status.state == "succeeded" else EXIT_FAILED


def cmd_batch_run(args: argparse.Namespace) -> int:
    stack, backend = _start(args)
    job = _job(stack.batch, args.job, "batch", "batch job")
    run_id = backend.start_batch(job, _run_name(stack, job.name))
    print(f"{'would start' if args.dry_run else 'started'} {run_id}")
    return EXIT_OK


def _gate_refuses(backend: OpsBackend, package: str, version: str, force: bool) -> bool:
    """True (and one line on stderr) when ``version`` was registered by a training gate that
    failed and ``--force`` was not given: a rejected candidate is never deployed by accident."""
    lineage = backend.lineage(package, version)
    if lineage is None or lineage.gate != "failed":
        return False
    if force:
        print(f"warning: {lineage.reference} failed its training gate; going ahead (--force)", file=sys.stderr)
        return False
    metrics = ", ".join(f"{k}={v}" for k, v in lineage.metrics.items())
    print(one_line(f"error: {lineage.reference} failed its training gate ({metrics}); give --force to use it anyway"),
          file=sys.stderr)
    return True


def cmd_rollout(args: argparse.Namespace) -> int:
    stack, backend = _start(args)
    endpoint = _endpoint(stack, args.endpoint)
    version = str(args.model_version)
    if version != LATEST_APPROVED and endpoint.model.package and \
            _gate_refuses(backend, endpoint.model.package, version, args.force):
        return EXIT_FAILED
    result = run_rollout(backend, endpoint, str(args.model_version), CLOCK, stepwise=args.stepwise)
    return EXIT_OK if result.ok else EXIT_FAILED


def cmd_rollback(args: argparse.Namespace) -> int:
    stack, backend = _start(args)
    print(backend.rollback(_endpoint(stack, args.endpoint)))
    return EXIT_OK


def cmd_promote(args: argparse.Namespace) -> int:
    _stack, backend = _start(args)
    if _gate_refuses(backend, args.package, str(args.version), args.force):
        return EXIT_FAILED
    reference = backend.promote(args.package, str(args.version))
    print(f"{'would approve' if args.dry_run else 'approved'} {reference}")
    return EXIT_OK


def cmd_backup_verify(args: argparse.Namespace) -> int:
    stack, backend = _start(args)
    if stack.backups is None:
        raise SpecError([SpecIssue("backups", "the spec has no backups to verify")])
    restored_from, source, restored = backend.restore_latest_backup()
    if args.dry_run:
        return EXIT_OK
    report = compare_checksums(restored_from, source, restored)
    print(f"restored {restored_from}")
    for check in report.checks:
        print(f"  {check.status:8} {check.key}")
    same = sum(1 for c in report.checks if c.status == "same")
    if not report.checks:
        print("FAILED: the backup and the source hold no objects: nothing was proven")
    elif report.ok:
        print(f"OK: {same} object(s) restored with identical checksums")
    else:
        print(f"FAILED: {len(report.problems)} of {same + len(report.problems)} object(s) missing or different")
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_status(args: argparse.Namespace) -> int:
    stack, backend = _start(args)
    findings: list[Finding] = []
    for endpoint in stack.endpoints:
        try:
            live = backend.live_endpoint(endpoint)
        except CloudError as error:
            if error.kind != "not-found":
                raise
            live = None
        findings += compare(endpoint, live)
    drifted = [f for f in findings if f.status != "ok"]
    if args.dry_run:
        return EXIT_OK
    lineages = _served_lineage(stack, backend)
    if args.format == "json":
        print(json.dumps({"provider": args.provider, "stack": stack.name, "drift": bool(drifted),
                          "findings": [f.as_dict() for f in findings],
                          "lineage": {name: [dataclasses.asdict(v) for v in versions]
                                      for name, versions in lineages.items()}}, indent=2, default=str))
    else:
        rows = [("ENDPOINT", "FIELD", "DESIRED", "LIVE", "STATUS")]
        rows += [(f.endpoint, f.field, _cell(f.desired), _cell(f.live), f.status.upper()) for f in findings]
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for row in rows:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        print(f"{len(drifted)} finding(s) not ok" if drifted else "no drift")
        _print_lineage(lineages)
    return EXIT_FAILED if drifted else EXIT_OK


def _served_lineage(stack: Stack, backend: OpsBackend) -> dict[str, list[VersionLineage]]:
    """Each endpoint's served versions with their lineage (endpoints that are not live: none)."""
    found = {}
    for endpoint in stack.endpoints:
        try:
            found[endpoint.name] = backend.served_lineage(endpoint)
        except CloudError as error:
            if error.kind != "not-found":
                raise
    return found


def _print_lineage(lineages: dict[str, list[VersionLineage]]) -> None:
    for name, versions in lineages.items():
        for v in versions:
            print(f"{name} {v.variant}: {v.reference} gate {v.gate}")
            details = [("training job", v.training_job), ("code sha256", v.code_sha256),
                       ("data manifest sha256", v.data_manifest_sha256),
                       ("hyperparameters", ", ".join(f"{k}={x}" for k, x in v.hyperparameters.items())),
                       ("metrics", ", ".join(f"{k}={x}" for k, x in v.metrics.items()))]
            for label, value in details:
                if value:
                    print(f"  {label}: {value}")


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return ",".join(f"{k}={v:g}" for k, v in value.items())
    return "unknown" if value is None else str(value)


# -- registration -----------------------------------------------------------------------


# Day-2 flags stand for spec fields and are checked like them (argparse then exits 2 with
# one line naming the flag): `--model-version abc` never reaches a cloud API.
def _model_version(text: str) -> int | str:
    """--model-version: what ``model.version`` accepts (a number 1-1000 or latest-approved)."""
    if text == LATEST_APPROVED:
        return text
    return _version_number(text)


def _version_number(text: str) -> int:
    """--version: a registry version number, 1-1000 like ``model.version``."""
    if not re.fullmatch(r"[0-9]{1,4}", text) or not 1 <= int(text) <= MAX_MODEL_VERSION:
        raise argparse.ArgumentTypeError(f"expected a version number 1-{MAX_MODEL_VERSION}, got {echo(text)}")
    return int(text)


def _package(text: str) -> str:
    """--package: a registry package name, as ``model.package``."""
    if not re.fullmatch(PACKAGE_PATTERN.strip("^$"), text):
        raise argparse.ArgumentTypeError(f"expected a package name ({PACKAGE_PATTERN}), got {echo(text)}")
    return text


def _provider_help() -> str:
    """--provider's help: the targets offered, and those whose day-2 backend does not exist yet."""
    lacking = without_day2()
    return "the target to act on" + (f" (no day-2 commands on {', '.join(lacking)} yet)" if lacking else "")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", help="path to a spec v1 YAML file")
    # Only the targets whose provider implements the day-2 backend (``Target.day2``): choosing
    # another is argparse's one-line usage error (exit 2), not an internal error from a backend
    # that does not exist.
    parser.add_argument("--provider", choices=with_day2(), required=True, help=_provider_help())
    parser.add_argument("--dry-run", action="store_true",
                        help="print the SDK calls it would make (with credentials, reads still run: the plan "
                             "depends on them; without, the plan is printed up to the first read, offline)")


def register(subparsers: Any) -> None:
    """Add the day-2 commands to the `mlopskit` parser."""
    train = subparsers.add_parser("train", help="submit a run of a spec training job")
    _common(train)
    train.add_argument("--job", required=True, help="name of the spec's training job")
    train.add_argument("--wait", action="store_true", help="follow the run; exit 1 unless it succeeds")
    train.set_defaults(run=_guard(cmd_train))

    rollout = subparsers.add_parser("rollout", help="move an endpoint to a model version with the spec's strategy")
    _common(rollout)
    rollout.add_argument("--endpoint", required=True, help="name of the spec's endpoint")
    rollout.add_argument("--model-version", required=True, type=_model_version,
                         help=f"registry version of the endpoint's package (1-{MAX_MODEL_VERSION} or {LATEST_APPROVED})")
    # Native guardrails (SageMaker's blue/green) need no process watching them and survive
    # a lost terminal; stepwise is the choice when the kit itself must see the alarms at
    # every step and the rollout should behave identically on every cloud.
    rollout.add_argument("--stepwise", action="store_true",
                         help="move traffic in the kit's own steps, reading the alarms itself between them, "
                              "the same way on every cloud, instead of handing the strategy to the cloud's "
                              "deployment guardrails (AWS: SageMaker blue/green for canary, linear, blue-green "
                              "and all-at-once; shadow is always stepwise)")
    rollout.add_argument("--force", action="store_true", help="roll out a version whose training gate failed")
    rollout.set_defaults(run=_guard(cmd_rollout))

    rollback = subparsers.add_parser("rollback", help="restore the previous version's full traffic")
    _common(rollback)
    rollback.add_argument("--endpoint", required=True)
    rollback.set_defaults(run=_guard(cmd_rollback))

    promote = subparsers.add_parser("promote", help="mark a model version approved in the registry")
    _common(promote)
    promote.add_argument("--package", required=True, type=_package, help="registry package (as model.package)")
    promote.add_argument("--version", required=True, type=_version_number,
                         help=f"the version to approve, 1-{MAX_MODEL_VERSION}")
    promote.add_argument("--force", action="store_true", help="approve a version whose training gate failed")
    promote.set_defaults(run=_guard(cmd_promote))

    batch = subparsers.add_parser("batch", help="batch inference operations")
    batch_actions = batch.add_subparsers(dest="action", required=True, parser_class=type(batch))
    batch_run = batch_actions.add_parser("run", help="start a run of a spec batch job now (as its schedule would)")
    _common(batch_run)
    batch_run.add_argument("job", help="name of the spec's batch job")
    batch_run.set_defaults(run=_guard(cmd_batch_run))

    backup = subparsers.add_parser("backup", help="backup operations")
    actions = backup.add_subparsers(dest="action", required=True, parser_class=type(backup))
    verify = actions.add_parser("verify", help="restore the latest artifacts backup to scratch and compare checksums")
    _common(verify)
    verify.set_defaults(run=_guard(cmd_backup_verify))

    status = subparsers.add_parser("status", help="compare the live endpoints with the spec (exit 1 on drift)")
    _common(status)
    status.add_argument("--format", choices=("table", "json"), default="table")
    status.set_defaults(run=_guard(cmd_status))
