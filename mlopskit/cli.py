"""`mlopskit` command line: validate and preview specs (docs/architecture.md: the contract).

Exit codes: 0 ok; 1 a check failed; 2 bad input (one line per problem, no traceback).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from mlopskit import __version__
from mlopskit.commands import (
    compare as commands_compare,
    cost as commands_cost,
    monitor as commands_monitor,
    ops as commands_ops,
    policy as commands_policy,
    schema as commands_schema,
)
from mlopskit.exit_codes import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK
from mlopskit.load import load_checked
from mlopskit.modules.errors import SpecError, SpecIssue, one_line, shown_path
from mlopskit.modules.placement import Cloud
from mlopskit.modules.targets import names as target_names


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep its message to one line."""

    def error(self, message: str) -> NoReturn:
        # one_line: argparse echoes what was typed (`invalid choice: '...'`), control characters too.
        self.exit(EXIT_BAD_INPUT, one_line(f"{self.prog}: error: {message}") + "\n")


def cmd_validate(args: argparse.Namespace) -> int:
    clouds: list[Cloud] = [args.provider] if args.provider else []
    stack = load_checked(args.spec, None)
    if not clouds:
        clouds = [c for c in target_names() if stack.placement.for_cloud(c) is not None]
    issues: list[SpecIssue] = []
    from mlopskit.providers import ProviderUnavailable, get_provider

    for cloud in clouds:
        issues += stack.issues_for(cloud)
        try:
            issues += [i for i in get_provider(cloud).check(stack) if i not in issues]
        except ProviderUnavailable:
            continue
    if issues:
        raise SpecError(issues)
    from mlopskit.providers.catalog.resolver import offering_warnings

    warnings = stack.code_warnings() if not args.quiet else []
    for cloud in clouds if not args.quiet else []:
        cloud_warnings = offering_warnings(cloud, stack)
        try:  # what the cloud cannot honour as asked, known from the spec alone (its build warns the same)
            cloud_warnings += [w for w in get_provider(cloud).spec_warnings(stack) if w not in cloud_warnings]
        except ProviderUnavailable:
            pass
        warnings += cloud_warnings
    for warning in warnings:
        print(one_line(f"warning: {warning.path}: {warning.message}"), file=sys.stderr)
    print(f"{shown_path(args.spec)}: valid ({stack.name}; {', '.join(clouds)})")
    return EXIT_OK


def cmd_preview(args: argparse.Namespace) -> int:
    from mlopskit import progress
    from mlopskit.console import detect
    from mlopskit.engine import preview
    from mlopskit.report import preview_json, preview_table

    stack = load_checked(args.spec, args.provider)
    with progress.stage(f"{args.provider}: preview"):
        graph = preview(stack, args.provider)
    if args.format == "json":
        print(preview_json(graph))
    else:
        print(preview_table(graph, detect(sys.stdout)))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mlopskit", description="Provision and check MLOps stacks on AWS, GCP and Azure.")
    parser.add_argument("--version", action="version", version=f"mlopskit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = sub.add_parser("validate", help="validate a spec (exit 0 valid, 2 invalid)")
    validate.add_argument("spec", help="path to a spec v1 YAML file")
    validate.add_argument("--provider", choices=target_names(), help="also check what this cloud needs (default: every placed cloud)")
    validate.set_defaults(run=cmd_validate)

    preview = sub.add_parser("preview", help="build the stack under Pulumi mocks and show the resource graph")
    preview.add_argument("spec", help="path to a spec v1 YAML file")
    preview.add_argument("--provider", choices=target_names(), required=True)
    preview.add_argument("--format", choices=("table", "json"), default="table")
    preview.set_defaults(run=cmd_preview)

    # Each further command lives in its own module exposing ``register(subparsers)``,
    # so a command's code and its tests change together; the modules import their heavy
    # parts only when they run.
    for module in (commands_policy, commands_cost, commands_compare, commands_ops, commands_schema, commands_monitor):
        module.register(sub)
    _add_output_options(parser)
    return parser


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--quiet`` and ``--verbose`` on the program and on every (sub)command, before or after it."""
    group = parser.add_mutually_exclusive_group()
    # SUPPRESS: a subcommand's unset flag must not overwrite one given before the subcommand.
    group.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                       help="no progress, no warnings on stderr; compare prints only its verdict")
    group.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                       help="progress per stage on stderr even without a terminal; compare also lists "
                            "every warning and policy finding")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                _add_output_options(child)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.quiet, args.verbose = getattr(args, "quiet", False), getattr(args, "verbose", False)
    run: Callable[[argparse.Namespace], int] = args.run
    from mlopskit import progress

    progress.start(verbose=args.verbose, quiet=args.quiet)
    try:
        return run(args)
    except SpecError as error:
        source = error.source or getattr(args, "spec", None)
        where = shown_path(Path(source).as_posix(), 160) if source else "spec"
        for issue in error.issues:
            prefix = f"{where}: " if issue.path else ""
            # one_line: a file name or a value may hold newlines or control characters.
            print(one_line(f"error: {prefix}{issue}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # noqa: BLE001 - one line for the user, the trace on demand
        if os.environ.get("MLOPSKIT_DEBUG"):
            raise
        print(one_line(f"internal error: {error.__class__.__name__}: {error}") + " (set MLOPSKIT_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        progress.stop()


def entry() -> NoReturn:
    """The ``mlopskit`` command: ``main`` without the cyclic collector, then a quick exit.

    A command runs once and ends, so the collector is off for it: under mocks it re-scanned the
    provider SDKs' millions of objects on every pass (``mock_tuning`` pauses it for library
    callers too), and the cycles it would free are few (peak memory unchanged at ~1,200
    resources, bench/end_to_end.py). At the end the interpreter would free every object one by
    one and collect once more: 1-2.6 s after a ~1,200-resource preview, more than rules and cost
    together. So, as mypy's ``hard_exit`` does, the exit handlers run, the output is flushed and
    the process leaves at once.
    """
    gc.disable()
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # the reader went away, or the stream is closed
            pass
    os._exit(code)


if __name__ == "__main__":
    entry()
