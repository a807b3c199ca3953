"""``mlopskit monitor run``: the monitor job on local files, before trusting an alarm.

    mlopskit monitor run [SPEC --endpoint NAME] --captures PATH --baseline PATH [--labels PATH]
                         [--format sagemaker|vertex|azure|csv] [--settings monitor.json] [--out DIR]

The same computation the scheduled job runs (``mlopskit.monitor``), with the settings taken from
the spec's endpoint, a ``monitor.json`` or the defaults. Prints a summary table and writes
``report.json`` and ``report.html``. Bad input: one line naming the flag or field, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMATS = ("sagemaker", "vertex", "azure", "csv")


def settings_from_spec(spec: str, endpoint: str | None) -> dict[str, Any]:
    """The monitor settings an endpoint's ``monitoring`` section implies (what its job would get)."""
    from mlopskit.modules import monitor_job
    from mlopskit.modules.errors import SpecError, SpecIssue
    from mlopskit.modules.loader import load_stack

    stack = load_stack(spec, None)
    names = [e.name for e in stack.endpoints]
    if endpoint is None or endpoint not in names:
        raise SpecError([SpecIssue("endpoints", f"--endpoint must name one of: {', '.join(names) or 'none'}")])
    # The scheduled job's own monitor.json: the same settings as in the cloud.
    return monitor_job.settings(stack.name, stack.endpoints[names.index(endpoint)])


def _settings(args: argparse.Namespace) -> Any:
    from mlopskit.monitor.errors import MonitorInputError
    from mlopskit.monitor.settings import Settings

    values: dict[str, Any] = {}
    if args.spec:
        values.update(settings_from_spec(args.spec, args.endpoint))
    elif args.endpoint:
        raise MonitorInputError("--endpoint", "needs SPEC (the spec file whose endpoint it names)")
    if args.settings:
        values.update(_asdict(Settings.from_file(Path(args.settings))))
    if args.features:
        values["features"] = [f.strip() for f in args.features.split(",") if f.strip()]
    return Settings.from_dict(values, "settings")


def _asdict(settings: Any) -> dict[str, Any]:
    from dataclasses import asdict

    values = asdict(settings)
    values["facets"] = [{"name": f.name, "value_or_threshold": f.value_or_threshold} for f in settings.facets]
    return values


def _summary(report: dict[str, Any]) -> str:
    from mlopskit.console import detect, render, table

    drift = report["drift"]
    rows = [[name, f"{f['psi']:.3f}", f["test"], f"{f['p_value']:.3g}", f"{f['null_rate']:.3f}",
             f"{f['out_of_range_rate']:.3f}", "DRIFT" if f["drifted"] else "ok"] for name, f in drift["features"].items()]
    features = table([("feature", "left"), ("PSI", "right"), ("test", "left"), ("p-value", "right"),
                      ("null", "right"), ("out of range", "right"), ("verdict", "left")], rows,
                     title=f"drift: {len(drift['drifted'])} of {len(rows)} features (share {drift['share']:.3f})")
    checks = [[v["name"], ", ".join(f"{k}={x}" for k, x in v["dimensions"].items()), f"{v['value']:.4g}",
               f"{v['fires']} {v['threshold']:g}"] for v in report["violations"]]
    violations = table([("metric", "left"), ("dimensions", "left"), ("value", "right"), ("alarm", "left")], checks,
                       title=f"violations: {len(checks)}")
    notes = [f"{family}: {report[family]['skipped']}" for family in ("quality", "bias", "attribution")
             if "skipped" in report[family]]
    rows_line = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report["rows"].items())
    return render([features, violations, f"rows: {rows_line}", *notes], detect(sys.stdout))


def run(args: argparse.Namespace) -> int:
    from mlopskit.monitor import report as monitor_report
    from mlopskit.monitor.errors import MonitorInputError
    from mlopskit.monitor.job import Sources, run as run_job

    try:
        settings = _settings(args)
        end = datetime.now(UTC)
        if args.window_end:
            try:
                end = datetime.fromisoformat(args.window_end.replace("Z", "+00:00"))
            except ValueError:
                raise MonitorInputError("--window-end", f"is not an ISO 8601 time: {args.window_end!r}") from None
            end = end if end.tzinfo else end.replace(tzinfo=UTC)
        sources = Sources(Path(args.captures), Path(args.baseline), Path(args.labels) if args.labels else None,
                          capture_format=args.format, baseline_format=args.baseline_format)
        report = run_job(settings, sources, end)
    except MonitorInputError as error:
        from mlopskit.modules.errors import one_line

        print(one_line(f"error: {error}"), file=sys.stderr)
        return 2
    paths = monitor_report.write(report, Path(args.out))
    print(_summary(report))
    print(f"reports: {', '.join(p.as_posix() for p in paths)}")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("monitor", help="run the kit's monitor job on local files")
    actions = parser.add_subparsers(dest="monitor_command", required=True, parser_class=type(parser))
    job = actions.add_parser("run", help="drift, quality, bias and attribution of a capture window, with reports")
    job.add_argument("spec", nargs="?", help="optional spec whose endpoint's monitoring gives the settings")
    job.add_argument("--endpoint", help="the endpoint of SPEC")
    job.add_argument("--captures", required=True, help="capture file or folder (read file by file)")
    job.add_argument("--baseline", required=True, help="baseline file or folder (CSV with a header by default), "
                     "or the previous window's captures with --baseline-format")
    job.add_argument("--labels", help="ground truth: CSV or JSON lines with the id field and the label")
    job.add_argument("--format", choices=FORMATS, default="sagemaker", help="format of the captures")
    job.add_argument("--baseline-format", dest="baseline_format", choices=FORMATS, default="csv")
    job.add_argument("--settings", help="monitor.json (mlopskit.monitor.settings); overrides the spec")
    job.add_argument("--features", help="comma-separated feature names of a request, in order")
    job.add_argument("--window-end", dest="window_end", help="ISO 8601 end of the window (default now)")
    job.add_argument("--out", default="monitor-report", help="folder for report.json and report.html")
    job.set_defaults(run=run)
