"""`mlopskit cost SPEC --provider X [--format table|json] [--usage FILE] [--compare-to OTHER_SPEC]`.

Exit 1 when the baseline estimate exceeds ``budget.monthlyLimitUsd`` (the CI budget gate).
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mlopskit.modules.errors import SpecError, shown_path
from mlopskit.modules.targets import names as target_names

if TYPE_CHECKING:
    from mlopskit.cost import Usage


def load_usage(path: str | None) -> Usage:
    """``--usage FILE`` (or the defaults), its errors attributed to that file."""
    from mlopskit.cost import Usage

    try:
        return Usage.load(path)
    except SpecError as error:
        raise (error.about(path) if path else error) from None


def run(args: argparse.Namespace) -> int:
    from mlopskit import progress
    from mlopskit.console import detect, usd
    from mlopskit.cost import cost_table, diff_table, estimate, infracost_json
    from mlopskit.engine import preview
    from mlopskit.exit_codes import EXIT_FAILED, EXIT_OK
    from mlopskit.load import load_checked

    usage = load_usage(args.usage)
    style = detect(sys.stdout)
    stack = load_checked(args.spec, args.provider)
    with progress.stage(f"{args.provider}: preview {shown_path(args.spec)}"):
        result = estimate(preview(stack, args.provider), stack, usage)
    if args.compare_to:
        try:
            other_stack = load_checked(args.compare_to, args.provider)
        except SpecError as error:  # the problem is in the other spec: say so
            raise error.about(args.compare_to) from None
        with progress.stage(f"{args.provider}: preview {shown_path(args.compare_to)}"):
            other = estimate(preview(other_stack, args.provider), other_stack, usage)
        if args.format == "json":
            print(json.dumps(infracost_json([result], args.spec, past=[other], past_path=args.compare_to), indent=2))
        else:
            print(diff_table(other, result, shown_path(args.compare_to), shown_path(args.spec), style))
    elif args.format == "json":
        print(json.dumps(infracost_json([result], args.spec), indent=2))
    else:
        print(cost_table(result, style))
    if result.over_budget:
        # The CI budget gate: the baseline (min instances) estimate, not the autoscaling maximum.
        print(f"budget exceeded: estimate {usd(result.total_monthly)} > budget.monthlyLimitUsd "
              f"{usd(result.budget_usd or Decimal(0))}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("cost", help="estimate the monthly cost offline (exit 1 over budget)")
    parser.add_argument("spec", help="path to a spec v1 YAML file")
    parser.add_argument("--provider", choices=target_names(), required=True)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--usage", help="YAML overriding providers/catalog/usage_defaults.yaml")
    parser.add_argument("--compare-to", dest="compare_to", metavar="OTHER_SPEC",
                        help="print the monthly difference per resource against another spec")
    parser.set_defaults(run=run)
