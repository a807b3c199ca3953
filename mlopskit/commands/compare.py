"""`mlopskit compare SPEC [--providers aws,gcp,azure] [--format table|json|markdown|html] [--out DIR] [--no-fail]`.

Exit 1 when any cloud fails a mandatory policy (or its rules could not run) or its baseline
cost exceeds ``budget.monthlyLimitUsd``; the cost at maximum autoscaling over the budget is a
warning in the summary. ``--no-fail`` reports the same and exits 0. With ``--out DIR`` every
format is written there (compare.txt, .json, .md, .html) and only the verdict and the paths
are printed, whatever ``--format``; without it the chosen format is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from mlopskit.modules.errors import SpecError, SpecIssue, shown_path
from mlopskit.modules.placement import Cloud, as_cloud
from mlopskit.modules.targets import names as target_names


def _clouds(text: str) -> list[Cloud]:
    chosen = [c.strip() for c in text.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in target_names()]
    if unknown or not chosen:
        raise SpecError([SpecIssue("--providers", f"choose from {', '.join(target_names())}; got {text!r}")])
    return [as_cloud(c) for c in dict.fromkeys(chosen)]  # a cloud named twice is compared once


def run(args: argparse.Namespace) -> int:
    from mlopskit.commands.cost import load_usage
    from mlopskit.compare.model import judge
    from mlopskit.compare.render import summary_lines, to_json, to_markdown, to_table
    from mlopskit.compare.run import compare, default_jobs
    from mlopskit.console import PLAIN, detect, render, verdict
    from mlopskit.exit_codes import EXIT_FAILED, EXIT_OK
    from mlopskit.report_html import to_html

    clouds = _clouds(args.providers)
    out = _output_dir(args.out) if args.out else None  # before any work: nothing half-done
    comparison = compare(args.spec, clouds, load_usage(args.usage), jobs=args.jobs or default_jobs())
    style = detect(sys.stdout)
    renderers = {
        # Files are always plain: a terminal's width and colours do not belong in them.
        "table": ("compare.txt", lambda: to_table(comparison, PLAIN, verbose=True)),
        "json": ("compare.json", lambda: json.dumps(to_json(comparison), indent=2)),
        "markdown": ("compare.md", lambda: to_markdown(comparison)),
        "html": ("compare.html", lambda: to_html(comparison)),
    }
    if out is not None:
        _write_all(out, {filename: render_file() + "\n" for filename, render_file in renderers.values()})
        print(render([verdict(line) for line in summary_lines(comparison)], style))
        for filename, _ in renderers.values():  # one path a line, never wrapped: scripts read these
            print(f"wrote {shown_path(Path(args.out) / filename)}")
    elif args.format == "table":
        print(to_table(comparison, style, verbose=args.verbose) if not args.quiet
              else render([verdict(line) for line in summary_lines(comparison)], style))
    else:
        print(renderers[args.format][1]())
    if judge(comparison).ok or args.no_fail:
        return EXIT_OK
    return EXIT_FAILED


def _write_all(out: Path, files: dict[str, str]) -> None:
    """Write every file or none, never through a link: each is written into a fresh private
    directory inside ``out`` and renamed over its name there. A rename replaces whatever
    has the name (a link planted at ``out/compare.html`` is replaced, its target untouched)."""
    for name in files:
        existing = out / name
        if existing.is_dir() and not existing.is_symlink():
            raise SpecError([SpecIssue("--out", f"{shown_path(existing)} is a directory")])
    try:
        staging = Path(tempfile.mkdtemp(prefix=".mlopskit-compare-", dir=out))
    except OSError as error:
        raise SpecError([SpecIssue("--out", f"cannot write into {shown_path(out)}: {error.strerror or error}")]) from None
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        for name in files:
            os.replace(staging / name, out / name)
    except OSError as error:
        raise SpecError([SpecIssue("--out", f"cannot write into {shown_path(out)}: {error.strerror or error}")]) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _output_dir(text: str) -> Path:
    """The --out directory, created if missing; a file there or no write access is bad input."""
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise SpecError([SpecIssue("--out", f"'{shown_path(text)}' exists and is not a directory")])
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise SpecError([SpecIssue("--out", f"cannot create directory '{shown_path(text)}': {reason}")]) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise SpecError([SpecIssue("--out", f"directory '{shown_path(text)}' is not writable")])
    return out


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("compare", help="the same spec on every cloud: resources, cost, policies, features "
                                                   "(exit 1 on a mandatory policy failure or a baseline over budget)")
    parser.add_argument("spec", help="path to a spec v1 YAML file")
    parser.add_argument("--providers", default=",".join(target_names()), help="comma-separated clouds (default: every registered one)")
    parser.add_argument("--format", choices=("table", "json", "markdown", "html"), default="table")
    parser.add_argument("--out", metavar="DIR",
                        help="write compare.txt/.json/.md/.html into DIR and print only the verdict and the paths")
    parser.add_argument("--no-fail", action="store_true",
                        help="report only: exit 0 even when a cloud fails a mandatory policy or the budget")
    parser.add_argument("--jobs", type=_positive, default=0, metavar="N",
                        help="clouds built at once, each in its own process (default: one per CPU)")
    parser.add_argument("--usage", help="YAML overriding providers/catalog/usage_defaults.yaml")
    parser.set_defaults(run=run)


def _positive(text: str) -> int:
    """--jobs: a whole number of at least 1 (argparse reports anything else with exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--jobs must be at least 1, not {value}")
    return value
