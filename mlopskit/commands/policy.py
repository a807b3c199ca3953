"""``mlopskit policy``: compliance and cost rules over a mocked deployment (what CI runs).

Exit 0 when no mandatory rule fails; 1 when one does or a rule raised (fail closed), or with
``--fail-on advisory`` when any rule reports a finding; 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mlopskit.exit_codes import EXIT_FAILED, EXIT_OK
from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.modules.targets import names as target_names


def run(args: argparse.Namespace) -> int:
    from mlopskit import __version__
    from mlopskit.policies import waivers as waiver_file
    from mlopskit.policies.config import PolicyConfig
    from mlopskit.policies.report import SpecFile, junit, rules_table, sarif, to_json
    from mlopskit.policies.runner import active_presets, evaluate, resolve_rules

    config = PolicyConfig.load(args.config) if args.config else None
    waivers = waiver_file.load(args.waivers) if args.waivers else ()
    if args.list:
        print(rules_table(resolve_rules(active_presets(None, args.preset), config)))
        return EXIT_OK
    if not args.spec:
        raise SpecError([SpecIssue("spec", "a spec is required (or use --list)")])
    if not args.provider:
        raise SpecError([SpecIssue("--provider", "required: one of " + ", ".join(target_names()))])
    from mlopskit import progress
    from mlopskit.engine import preview
    from mlopskit.load import load_checked

    stack = load_checked(args.spec, args.provider)
    with progress.stage(f"{args.provider}: preview"):
        graph = preview(stack, args.provider)
    with progress.stage(f"{args.provider}: policies"):
        report = evaluate(stack, graph, preset=args.preset, config=config, waivers=waivers)
    output: Any
    if args.format == "json":
        output = to_json(report)
    elif args.format == "sarif":
        output = json.dumps(sarif(report, SpecFile.read(args.spec), tool_version=__version__), indent=2)
    elif args.format == "junit":
        output = junit(report, fail_on=args.fail_on)
    else:
        output = policy_table(report)
    print(output)
    advisory_failed = args.fail_on == "advisory" and bool(report.open)
    return EXIT_FAILED if report.failed or advisory_failed else EXIT_OK


def policy_table(report: Any) -> str:
    """The findings as a table that fits the terminal (mandatory first; resource and message wrap
    in their own columns), verdict words coloured on a terminal, plain in a pipe."""
    from mlopskit.compare.model import ordered
    from mlopskit.console import detect, render, table, verdict

    found = ordered(report.open)
    parts: list[Any] = [f"policy check: {report.stack} on {report.provider} "
                        f"(presets: {', '.join(report.presets) or 'baseline'})"]
    if found:
        parts.append(table([("enforcement", "left"), ("severity", "left"), ("status", "left"), ("policy", "left"),
                            ("resource", "left"), ("message", "left")],
                           [[v.enforcement, v.severity, verdict(v.status), v.policy, v.name, v.message] for v in found]))
    if report.waived:
        parts.append(f"waived ({len(report.waived)}), accepted with a reason, not counted:")
        parts.append(table([("policy", "left"), ("resource", "left"), ("reason", "left"), ("expires", "left")],
                           [[v.policy, v.name, v.waiver.reason, v.waiver.expires.isoformat() if v.waiver.expires else "-"]
                            for v in report.waived if v.waiver is not None]))
    declared = [c for c in report.checked if c.status == "pass (declared)"]
    if declared:
        parts.append(f"pass (declared) ({len(declared)}): passing on the operator's declared guarantees, not on what "
                     "the kit checked:")
        parts.append(table([("policy", "left"), ("resource", "left"), ("message", "left")],
                           [[c.policy, c.name, c.message] for c in declared]))
    parts += [verdict(f"error: {e.policy} on {e.resource}: {e.message}") for e in report.errors]
    s = report.summary
    parts.append(verdict(f"{'PASSED' if s['passed'] else 'FAILED'}: {s['rules']} rules, {s['violations']} violations "
                         f"({s['mandatory']} mandatory, {s['advisory']} advisory, {s['unknown']} unknown), "
                         f"{s['declared']} pass (declared), {s['waived']} waived, {s['errors']} errors"))
    return render(parts, detect(sys.stdout))


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("policy", help="run the compliance and cost rules (exit 1 on a mandatory failure)")
    parser.add_argument("spec", nargs="?", help="path to a spec v1 YAML file (optional with --list)")
    parser.add_argument("--provider", choices=target_names())
    parser.add_argument("--format", choices=("table", "json", "sarif", "junit"), default="table")
    parser.add_argument("--preset", help="gdpr or lgpd (comma-separated); default: the spec's compliance.frameworks")
    parser.add_argument("--config", help="policy config file (CrossGuard shape: rule id -> advisory|mandatory|disabled)")
    parser.add_argument("--waivers", help="waiver file: findings accepted with a reason and an optional expiry "
                                           "(policies/waivers.py; an expired waiver is exit 2)")
    parser.add_argument("--fail-on", choices=("mandatory", "advisory"), default="mandatory",
                        help="advisory: advisory (and unknown) findings also fail the run and its JUnit cases")
    parser.add_argument("--list", action="store_true", help="list the rules with severities, frameworks and anchors")
    parser.set_defaults(run=run)
