"""`mlopskit cost SPEC --provider X [--format table|json] [--usage FILE] [--compare-to OTHER_SPEC]`.

Exit 1 when the baseline estimate exceeds ``budget.monthlyLimitUsd`` (the CI budget gate).
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import Any

from mlopskit.modules.placement import CLOUDS


def run(args: argparse.Namespace) -> int:
    from mlopskit.cli import EXIT_FAILED, EXIT_OK, load_checked
    from mlopskit.cost import Usage, cost_table, diff_table, estimate, infracost_json, money
    from mlopskit.engine import preview

    usage = Usage.load(args.usage)
    stack = load_checked(args.spec, args.provider)
    result = estimate(preview(stack, args.provider), stack, usage)
    if args.compare_to:
        other_stack = load_checked(args.compare_to, args.provider)
        other = estimate(preview(other_stack, args.provider), other_stack, usage)
        if args.format == "json":
            print(json.dumps(infracost_json([result], args.spec, past=[other], past_path=args.compare_to), indent=2))
        else:
            print(diff_table(other, result, args.compare_to, args.spec))
    elif args.format == "json":
        print(json.dumps(infracost_json([result], args.spec), indent=2))
    else:
        print(cost_table(result))
    if result.over_budget:
        # The CI budget gate: the baseline (min instances) estimate, not the autoscaling maximum.
        print(f"budget exceeded: estimate ${money(result.total_monthly)} > budget.monthlyLimitUsd "
              f"${money(result.budget_usd or Decimal(0))}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("cost", help="estimate the monthly cost offline (exit 1 over budget)")
    parser.add_argument("spec", help="path to a spec v1 YAML file")
    parser.add_argument("--provider", choices=CLOUDS, required=True)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--usage", help="YAML overriding providers/catalog/usage_defaults.yaml")
    parser.add_argument("--compare-to", dest="compare_to", metavar="OTHER_SPEC",
                        help="print the monthly difference per resource against another spec")
    parser.set_defaults(run=run)
