"""Issue 17: terminal output, progress, the architecture diagram, shared-scale cost charts, compare's exit code.

One three-cloud comparison of the bundled example is made per test run (``credit_risk_comparison``
in tests/conftest.py, shared with tests/cost/test_cli.py) and handed to the CLI through
``mlopskit.compare.run.compare``, so each test pays for rendering, not for previews.
Budget: ~25-60 s for the comparison (machine load), ~10 s for the large-spec progress test, the
rest milliseconds.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from mlopskit import progress
from mlopskit.cli import main
from mlopskit.compare.model import Comparison, judge
from mlopskit.compare.render import to_markdown
from mlopskit.compare.run import compare
from mlopskit.console import usd
from mlopskit.diagram.render import wrap
from mlopskit.modules.targets import names as target_names
from mlopskit.policies.runner import Violation
from mlopskit.report_html import to_html
from tests.conftest import STACKS
from tests.specs import baseline, change

CREDIT = str(STACKS / "credit-risk.yaml")
ANSI = re.compile(r"\x1b\[")
SVG_NS = "{http://www.w3.org/2000/svg}"
# Advance widths (em) of the monospace fonts the SVG may be drawn in (their 'hmtx' tables:
# DejaVu Sans Mono 1233/2048, Liberation Mono and Courier New 1229/2048).
MONOSPACE_ADVANCE = {"DejaVu Sans Mono": 1233 / 2048, "Liberation Mono": 1229 / 2048, "Courier New": 1229 / 2048}


class FakeTTY(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def comparison(credit_risk_comparison: Comparison) -> Comparison:
    return credit_risk_comparison


@pytest.fixture
def cli(comparison: Comparison, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``mlopskit ARGS`` on the module's comparison: (exit code, stdout, stderr); ``tty`` fakes a terminal."""
    monkeypatch.setenv("COLUMNS", "100")

    def run(*args: str, tty: bool = False, result: Comparison | None = None) -> tuple[int, str, str]:
        out, err = (FakeTTY(), FakeTTY()) if tty else (io.StringIO(), io.StringIO())
        monkeypatch.setattr("mlopskit.compare.run.compare", lambda *a, **k: result or comparison)
        monkeypatch.setattr("sys.stdout", out)
        monkeypatch.setattr("sys.stderr", err)
        code = main(list(args))
        return code, out.getvalue(), err.getvalue()

    return run


# ---------------------------------------------------------------- terminal output


def test_non_tty_output_has_no_ansi_codes_and_a_terminal_gets_colour(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    code, plain, _ = cli("compare", CREDIT)
    assert code == 0 and not ANSI.search(plain)
    _, coloured, _ = cli("compare", CREDIT, tty=True)
    assert ANSI.search(coloured), "a terminal gets colour: the check above can fail"
    monkeypatch.setenv("NO_COLOR", "1")
    _, no_color, _ = cli("compare", CREDIT, tty=True)
    assert not ANSI.search(no_color)


def test_terminal_tables_fit_the_width_and_wrap(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = cli("compare", CREDIT, "--verbose", tty=True)  # COLUMNS=100
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "access.roles[0].principals[0]" in out and "Identity" in out  # a long warning, wrapped in its column
    _, plain, _ = cli("compare", CREDIT, "--verbose")
    assert max(len(line) for line in plain.splitlines()) <= 120  # plain output: a fixed width


def test_money_has_thousands_separators_and_json_keeps_plain_decimals(cli, comparison: Comparison) -> None:
    aws = comparison.results[0].estimate
    assert aws is not None and aws.max_monthly > 1000
    _, table, _ = cli("compare", CREDIT)
    assert usd(aws.max_monthly) in table and "," in usd(aws.max_monthly)
    _, text, _ = cli("compare", CREDIT, "--format", "json")
    assert json.loads(text)["clouds"][0]["maxMonthlyCost"] == str(aws.max_monthly.quantize(Decimal("0.01")))


def test_json_is_byte_identical_with_and_without_a_tty(cli) -> None:
    _, piped, _ = cli("compare", CREDIT, "--format", "json")
    _, terminal, err = cli("compare", CREDIT, "--format", "json", tty=True)
    assert piped == terminal and json.loads(piped)["stack"] == "credit-risk-prod"
    assert not ANSI.search(terminal)


def test_quiet_prints_only_the_verdict_and_verbose_every_warning(cli, comparison: Comparison) -> None:
    _, quiet, _ = cli("compare", CREDIT, "--quiet")
    assert quiet.splitlines() == [line for line in quiet.splitlines() if line.startswith(("OK:", "WARNING:", "FAILED:"))]
    _, verbose, _ = cli("-v", "compare", CREDIT)
    _, normal, _ = cli("compare", CREDIT)
    warning = comparison.results[0].graph.warnings[0]  # type: ignore[union-attr]
    assert warning.path in verbose and warning.path not in normal
    assert "--verbose" in normal  # says where the rest is


def test_cost_table_is_sorted_by_monthly_cost(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", str(STACKS / "fraud-dev.yaml"), "--provider", "gcp"]) == 0
    out = capsys.readouterr().out
    names = re.findall(r"^(fraud-dev-\S+) \[", out, re.M)
    assert len(names) > 3 and not ANSI.search(out)
    from tests.cost.helpers import bundled_estimate

    est = bundled_estimate("fraud-dev.yaml", "gcp")
    by_name = {r.name: r.monthly for r in est.resources}
    ordered = [by_name[n] for n in names]
    assert ordered == sorted(ordered, reverse=True)


# ---------------------------------------------------------------- progress


def test_progress_goes_to_stderr_on_a_tty_and_never_into_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = baseline("fraud-dev.yaml")
    first = data["endpoints"][0]
    data["endpoints"] = [dict(first, name=f"ep{i:02d}") for i in range(12)]  # a large spec: ~12x the endpoints
    spec = tmp_path / "large.yaml"
    spec.write_text(yaml.safe_dump(data))
    runs = {}
    for tty in (True, False):
        out, err = io.StringIO(), (FakeTTY() if tty else io.StringIO())
        monkeypatch.setattr("sys.stdout", out)
        monkeypatch.setattr("sys.stderr", err)
        assert main(["preview", str(spec), "--provider", "aws", "--format", "json"]) == 0
        runs[tty] = (out.getvalue(), err.getvalue())
    (tty_out, tty_err), (piped_out, piped_err) = runs[True], runs[False]
    document = json.loads(tty_out)
    count = sum(1 for r in document["resources"] if r["type"].startswith("aws:"))
    assert count > 120
    assert re.search(r"\[\s*\d+\.\ds\] aws: preview: [\d,]+ resources registered\n", tty_err)
    assert "aws: preview ..." in tty_err  # the stage is announced before the work
    assert tty_out == piped_out, "the JSON is byte-identical with and without a terminal"
    assert piped_err == "" and "resources registered" not in tty_out


def test_progress_is_off_with_quiet_and_on_with_verbose_in_a_pipe() -> None:
    assert progress.start(quiet=True, stream=FakeTTY()) is None
    piped = io.StringIO()
    reporter = progress.start(verbose=True, stream=piped)
    assert reporter is not None and not reporter.live
    with progress.stage("aws: preview"):
        progress.registered(41)
        progress.registered(42)
    progress.stop()
    assert re.fullmatch(r"\[\s*\d+\.\ds\] aws: preview: 42 resources registered\n", piped.getvalue())


# ---------------------------------------------------------------- the architecture diagram

# The data flow of the bundled example on each cloud (node ids: part:component), and what each key
# encrypts: every edge must be in that cloud's SVG.
EXPECTED_EDGES = {
    "aws": [
        ("training:training-train-xgb", "artifacts:artifacts"),
        ("artifacts:artifacts", "model_registry:models"),
        ("model_registry:models", "endpoint:endpoint-scoring"),
        ("endpoint:endpoint-scoring", "data_capture:endpoint-scoring"),
        # The kit's monitor job reads the captures and its alarms watch what it publishes.
        ("data_capture:endpoint-scoring", "monitoring:endpoint-scoring-monitor"),
        ("monitoring:endpoint-scoring-monitor", "alarms:endpoint-scoring-monitor"),
        ("alarms:endpoint-scoring-monitor", "notifications:endpoint-scoring-monitoring"),
        ("endpoint:endpoint-scoring", "alarms:endpoint-scoring-monitoring"),
        ("alarms:endpoint-scoring-monitoring", "notifications:endpoint-scoring-monitoring"),
        ("model_registry:models", "endpoint:endpoint-challenger"),
        ("endpoint:endpoint-challenger", "alarms:endpoint-challenger-monitoring"),
        ("alarms:endpoint-challenger-monitoring", "notifications:endpoint-challenger-monitoring"),
        ("backups:backups", "backups:backups:backup"),
        ("keys:keys", "artifacts:artifacts"),
        ("keys:keys", "training:training-train-xgb"),
        ("keys:keys", "endpoint:endpoint-scoring"),
        ("keys:keys", "container_registry:containers"),
        ("keys:keys", "notifications:endpoint-scoring-monitoring"),
        ("identity:identity", "endpoint:endpoint-scoring"),
    ],
    "gcp": [
        ("training:training-train-xgb", "artifacts:storage"),
        ("artifacts:storage", "model_registry:model-registry"),
        ("model_registry:model-registry", "endpoint:endpoint-scoring"),
        # One capture dataset per stack, beside the artifacts bucket (providers/gcp/storage.py).
        ("endpoint:endpoint-scoring", "data_capture:storage"),
        # The kit's monitor job pages the captures from the dataset; its alerts watch what it publishes.
        ("data_capture:storage", "monitoring:monitor-scoring"),
        ("monitoring:monitor-scoring", "alarms:monitor-scoring"),
        ("alarms:monitor-scoring", "notifications:monitoring-scoring"),
        ("endpoint:endpoint-scoring", "alarms:monitoring-scoring"),
        ("alarms:monitoring-scoring", "notifications:monitoring-scoring"),
        ("endpoint:endpoint-challenger", "alarms:monitoring-challenger"),
        ("alarms:monitoring-challenger", "notifications:monitoring-challenger"),
        ("keys:keys", "artifacts:storage"),
        ("keys:keys", "endpoint:endpoint-scoring"),
        ("keys:keys", "data_capture:storage"),
        ("keys:keys", "container_registry:container-registry"),
        ("keys:keys:backup", "backups:backups:backup"),
        ("identity:identity", "training:training-train-xgb"),
    ],
    "azure": [
        ("training:training-train-xgb", "artifacts:storage"),
        ("artifacts:storage", "model_registry:model-registry"),
        ("model_registry:model-registry", "endpoint:endpoint-scoring"),
        ("endpoint:endpoint-scoring", "data_capture:endpoint-scoring"),
        # The kit's monitor job reads the data collector's captures; its alerts watch what it publishes.
        ("data_capture:endpoint-scoring", "monitoring:monitor-scoring"),
        ("monitoring:monitor-scoring", "alarms:monitor-scoring"),
        ("alarms:monitoring-scoring", "notifications:monitoring-scoring"),
        ("endpoint:endpoint-challenger", "alarms:monitoring-challenger"),
        ("alarms:monitoring-challenger", "notifications:monitoring-challenger"),
        ("keys:keys", "artifacts:storage"),
        ("keys:keys", "container_registry:container-registry"),
        ("identity:identity", "endpoint:endpoint-scoring"),
    ],
    "kubernetes": [
        ("training:train-xgb", "artifacts:artifacts"),
        ("artifacts:artifacts", "model_registry:models"),
        ("model_registry:models", "endpoint:scoring"),
        ("container_registry:images", "endpoint:scoring"),
        ("autoscaling:scoring-scaling", "endpoint:scoring"),
        ("endpoint:scoring", "alarms:scoring-monitoring"),
        ("artifacts:artifacts", "backups:backups"),
        ("identity:identity", "endpoint:scoring"),
    ],
}


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, re.S)]


def _architecture(html: str, cloud: str) -> ET.Element:
    return next(s for s in _svgs(html) if s.get("aria-label", "").endswith(f"on {cloud}") and "architecture" in s.get("class", ""))


@pytest.fixture(scope="module")
def html(comparison: Comparison) -> str:
    return to_html(comparison)


@pytest.mark.parametrize("cloud", list(target_names()))
def test_the_diagram_has_the_expected_edges(html: str, cloud: str) -> None:
    svg = _architecture(html, cloud)
    edges = {(p.get("data-from"), p.get("data-to")) for p in svg.iter(f"{SVG_NS}path") if "edge" in p.get("class", "")}
    missing = [e for e in EXPECTED_EDGES[cloud] if e not in edges]
    assert not missing, missing
    kinds = {p.get("class") for p in svg.iter(f"{SVG_NS}path") if "edge" in p.get("class", "")}
    # A cluster's encryption at rest is the operator's (providers/kubernetes/keys.py): no key edges.
    assert kinds == {"edge flow", "edge identity"} | ({"edge key"} if cloud != "kubernetes" else set())


@pytest.mark.parametrize("cloud", list(target_names()))
def test_the_diagram_draws_network_and_region_boundaries_with_service_names(html: str, cloud: str,
                                                                           comparison: Comparison) -> None:
    svg = _architecture(html, cloud)
    boundaries = {g.get("class"): "".join(g.itertext()) for g in svg.iter(f"{SVG_NS}g") if "boundary" in g.get("class", "")}
    result = next(r for r in comparison.results if r.cloud == cloud)
    assert result.architecture is not None
    assert boundaries["boundary region"] == f"primary region {result.architecture.primary_region}"
    if any(n.backup for n in result.architecture.nodes):
        assert boundaries["boundary region backup"] == f"backup region {result.architecture.backup_region}"
    else:  # a cluster's backup location is the operator's (declared, providers/kubernetes/backups.py)
        assert "boundary region backup" not in boundaries and cloud == "kubernetes"
    assert boundaries["boundary network"].startswith("private network: ")
    # The cloud's service names are on the nodes (from the provider's diagram map).
    from mlopskit.providers import get_provider

    texts = " ".join(" ".join(g.itertext()) for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "node")
    flat = re.sub(r"\s+", " ", texts)
    services = {service for _, service in get_provider(cloud).diagram.values()}  # type: ignore[arg-type]
    shown = [s for s in services if s.split()[0] in flat]
    assert len(shown) >= 8, shown
    # Nodes in the private network sit inside its band.
    band = next(g for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "boundary network").find(f"{SVG_NS}rect")
    assert band is not None
    top, bottom = float(band.get("y", 0)), float(band.get("y", 0)) + float(band.get("height", 0))
    private = [n for n in result.architecture.nodes if n.private and n.role in ("training", "endpoint", "artifacts")]
    assert private
    for node in svg.iter(f"{SVG_NS}g"):
        if node.get("data-id") in {n.id for n in private}:
            rect = node.find(f"{SVG_NS}rect")
            assert rect is not None and top <= float(rect.get("y", 0)) <= bottom


def _fits(svg: ET.Element) -> list[str]:
    """Every text's width (declared font's advance x font size x characters) inside its box or the SVG."""
    family = svg.get("font-family", "")
    advance = float(svg.get("data-char-advance-em", "0"))
    fonts = [f.strip() for f in family.split(",")]
    assert fonts[0] in MONOSPACE_ADVANCE and fonts[-1] == "monospace", family
    assert all(advance >= MONOSPACE_ADVANCE[f] for f in fonts if f in MONOSPACE_ADVANCE), "declared advance too small"
    too_wide = []

    def check(text: ET.Element, left: float, right: float) -> None:
        size = float(text.get("font-size", "0"))
        width = len(text.text or "") * advance * size
        x = float(text.get("x", 0))
        start = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor", "start")]
        if start < left - 0.01 or start + width > right + 0.01:
            too_wide.append(f"{text.text!r}: {start:.1f}..{start + width:.1f} outside {left:.1f}..{right:.1f}")

    boxed = set()
    for group in svg.iter(f"{SVG_NS}g"):
        rect = group.find(f"{SVG_NS}rect")
        if rect is None or not ({"node", "boundary"} & set(group.get("class", "").split())):
            continue
        x, w = float(rect.get("x", 0)), float(rect.get("width", 0))
        for text in group.iter(f"{SVG_NS}text"):
            check(text, x, x + w)
            boxed.add(id(text))
    for text in svg.iter(f"{SVG_NS}text"):  # chart labels and values: inside the drawing
        if id(text) not in boxed:
            check(text, 0, float(svg.get("width", 0)))
    return too_wide


def test_every_label_fits_its_box_by_the_declared_font_metrics(html: str, comparison: Comparison) -> None:
    svgs = _svgs(html)
    assert len(svgs) == 1 + 2 * len(comparison.results)  # the shared chart; per target a breakdown and a diagram
    for svg in svgs:
        assert _fits(svg) == [], svg.get("aria-label")
        assert float(svg.get("width", 0)) <= 1400, "readable at 1400 px without scaling down"


def test_the_label_check_can_fail() -> None:
    svg = ET.fromstring('<svg xmlns="http://www.w3.org/2000/svg" width="300" font-family="DejaVu Sans Mono, monospace" '
                        'data-char-advance-em="0.603"><g class="node"><rect x="0" y="0" width="60" height="20"/>'
                        '<text x="4" y="12" font-size="11">a label far too long</text></g></svg>')
    assert _fits(svg) != []
    assert all(len(line) * 0.603 * 11 <= 60 for line in wrap("a label far too long", 11, 60))


def test_every_component_of_the_bundled_example_is_mapped(comparison: Comparison) -> None:
    for result in comparison.results:
        assert result.architecture is not None and result.architecture.unmapped == [], result.cloud


# ---------------------------------------------------------------- cost charts and completeness


def _bars(svg: ET.Element) -> dict[str, tuple[float, float, Decimal]]:
    """Each bar of a cost chart: label -> (baseline width, x, the baseline value written after it)."""
    rows: dict[str, tuple[float, float, Decimal]] = {}
    label, bar = "", None
    for element in svg:
        if element.tag == f"{SVG_NS}text" and element.get("text-anchor") == "end" and not (element.text or "").startswith("$"):
            label = element.text or ""
        elif element.tag == f"{SVG_NS}rect" and element.get("class") == "baseline":
            bar = element
        elif element.tag == f"{SVG_NS}text" and bar is not None and element.get("text-anchor") == "start":
            value = Decimal(re.search(r"\$([\d,]+\.\d\d)", element.text or "").group(1).replace(",", ""))  # type: ignore[union-attr]
            rows[label] = (float(bar.get("width", 0)), float(bar.get("x", 0)), value)
            bar = None
    return rows


def test_one_cross_cloud_chart_on_a_shared_scale_with_the_budget_line(html: str, comparison: Comparison) -> None:
    chart = next(s for s in _svgs(html) if s.get("aria-label") == "monthly cost per cloud on a shared scale")
    widths = _bars(chart)
    totals = {r.cloud: r.estimate.total_monthly for r in comparison.results if r.estimate}
    assert set(widths) == set(totals)
    # One scale: bar lengths are in the ratio of the totals (AWS's bar is AWS/GCP times GCP's).
    assert widths["aws"][0] / widths["gcp"][0] == pytest.approx(float(totals["aws"] / totals["gcp"]), rel=0.01)
    budget = next(line for line in chart.iter(f"{SVG_NS}line") if line.get("class") == "budget")
    x0 = widths["aws"][1]
    aws_max = next(r for r in comparison.results if r.cloud == "aws").estimate
    assert aws_max is not None and aws_max.budget_usd is not None
    scale = widths["aws"][0] / float(totals["aws"])
    assert float(budget.get("x1", 0)) - x0 == pytest.approx(float(aws_max.budget_usd) * scale, rel=0.01)
    maxima = [r for r in chart.iter(f"{SVG_NS}rect") if r.get("class") == "max"]
    assert len(maxima) == len(comparison.results)  # every target autoscales above its baseline


def test_per_cloud_breakdowns_use_the_same_scale(html: str, comparison: Comparison) -> None:
    charts = [s for s in _svgs(html) if s.get("aria-label", "").startswith("monthly cost by part on")]
    assert len(charts) == len(comparison.results)
    scales = []
    for chart in charts:
        for width, _, value in _bars(chart).values():
            if value > 50:  # a bar at least a few pixels long: its length is value x the scale
                scales.append(width / float(value))
    # pixels per dollar equal on every cloud, up to the SVG's rounding of a short bar's width (a 0.1 px
    # step on a 4.5 px bar is 2%): rounding the ratio to 3 decimals split 0.0895 into 0.089 and 0.09
    assert scales and max(scales) / min(scales) < 1.025, scales


def test_over_budget_at_max_autoscaling_is_a_warning_in_every_summary(comparison: Comparison, html: str) -> None:
    judged = judge(comparison)
    aws = comparison.results[0].estimate
    assert aws is not None and aws.budget_usd is not None and aws.max_monthly > aws.budget_usd > aws.total_monthly
    expected = f"aws: at maximum autoscaling {usd(aws.max_monthly)} exceeds the budget {usd(aws.budget_usd)}"
    assert judged.ok and judged.warnings == [expected]
    assert expected in to_markdown(comparison) and expected in html.replace("&#x27;", "'")


def test_markdown_and_html_leave_nothing_out(comparison: Comparison, html: str) -> None:
    from html import escape

    markdown = to_markdown(comparison)
    for result in comparison.results:
        assert result.graph is not None and result.graph.warnings
        for warning in result.graph.warnings:
            assert f"`{warning.path}`: {warning.message.replace('|', chr(92) + '|')}" in markdown
            assert escape(warning.path) in html and escape(warning.message) in html
        for match in result.compute:
            assert f"| {result.cloud} | `{match.path}` | `{match.instance}` |" in markdown
            assert f"<code>{escape(match.instance)}</code>" in html
        assert result.policies is not None
        for violation in result.policies.violations:
            assert f"`{violation.policy}` | `{violation.name}`" in markdown
            assert escape(violation.name) in html
    # Unpriced components and the mandatory-first order: an evaluated comparison with both.
    changed = _with(comparison, unpriced=["aws:sagemaker/endpoint:Endpoint scoring: hosting (price not found)"],
                    mandatory=True)
    markdown = to_markdown(changed)
    assert "Unpriced components (1" in markdown and "hosting (price not found)" in markdown
    assert "hosting (price not found)" in to_html(changed)
    aws_rows = markdown.split("#### aws")[1].split("####")[0]
    enforcement = [line.split("|")[1].strip() for line in aws_rows.splitlines() if line.startswith("| advisory") or
                   line.startswith("| mandatory")]
    assert enforcement[0] == "mandatory" and "mandatory" not in enforcement[1:]


# ---------------------------------------------------------------- compare's exit code


def _with(comparison: Comparison, *, budget: Decimal | None = None, mandatory: bool = False,
          unpriced: list[str] | None = None) -> Comparison:
    """The comparison with AWS's budget, a mandatory violation or unpriced components changed."""
    aws = copy.copy(comparison.results[0])
    assert aws.estimate is not None and aws.policies is not None
    if budget is not None:
        aws.estimate = dataclasses.replace(aws.estimate, budget_usd=budget)
    if unpriced is not None:
        listed = unpriced

        class Unpriced(type(aws.estimate)):  # type: ignore[misc]
            @property
            def unpriced(self) -> list[str]:
                return listed

        aws.estimate = Unpriced(**{f.name: getattr(aws.estimate, f.name) for f in dataclasses.fields(aws.estimate)})
    if mandatory:
        aws.policies = copy.copy(aws.policies)
        aws.policies.violations = [*aws.policies.violations, Violation(
            "storage-encrypted", "Storage encrypted", "high", "mandatory", "urn:x", "credit-risk-prod-artifacts-bucket",
            "aws:s3/bucket:Bucket", "bucket is not encrypted", "fail")]
    return Comparison(comparison.stack, comparison.spec, [aws, *comparison.results[1:]])


def test_the_bundled_example_passes(cli) -> None:
    code, out, _ = cli("compare", CREDIT)
    assert code == 0 and f"OK: {', '.join(target_names())} pass every mandatory policy" in out
    assert "WARNING: aws: at maximum autoscaling" in out


def test_a_mandatory_failure_exits_1_unless_no_fail(cli, comparison: Comparison) -> None:
    failing = _with(comparison, mandatory=True)
    code, out, _ = cli("compare", CREDIT, result=failing)
    assert code == 1 and "FAILED: aws: 1 mandatory policy violation(s), 0 rule error(s)" in out
    assert cli("compare", CREDIT, "--no-fail", result=failing)[0] == 0
    assert cli("compare", CREDIT, "--format", "json", result=failing)[0] == 1


def test_a_baseline_over_budget_exits_1(cli, comparison: Comparison) -> None:
    over = _with(comparison, budget=Decimal(1000))
    code, out, _ = cli("compare", CREDIT, result=over)
    assert code == 1 and "FAILED: aws: baseline cost" in out and "exceeds the budget $1,000.00" in out
    assert json.loads(cli("compare", CREDIT, "--format", "json", result=over)[1])["verdict"]["ok"] is False


def test_out_writes_every_file_and_prints_only_the_verdict_and_paths(cli, tmp_path: Path) -> None:
    for fmt in ("html", "json", "table"):
        code, out, _ = cli("compare", CREDIT, "--out", str(tmp_path / fmt), "--format", fmt)
        assert code == 0
        lines = out.splitlines()
        assert [line for line in lines if line.startswith("wrote ")] == [
            f"wrote {tmp_path / fmt / name}" for name in ("compare.txt", "compare.json", "compare.md", "compare.html")]
        assert all(line.startswith(("OK:", "WARNING:", "FAILED:", "wrote ")) for line in lines), lines
        assert (tmp_path / fmt / "compare.html").read_text().startswith("<!DOCTYPE html>")
        assert not ANSI.search((tmp_path / fmt / "compare.txt").read_text())


def test_an_unplaced_cloud_does_not_fail_the_comparison(tmp_path: Path) -> None:
    data = change(baseline("fraud-dev.yaml"), "placement", {"gcp": {"project": "acme-ml-dev", "region": "europe-west4"}})
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data))
    assert judge(compare(str(spec), ["aws"])).failures == []  # not placed: reported, not built, not a failure


def test_every_drawing_scales_down_to_the_page_and_keeps_its_proportions(html: str) -> None:
    """The diagrams are laid out 1400 px wide; on a narrower page (a 1366 px laptop, a pull-request
    preview) they shrink with it instead of being cut off: each SVG has a viewBox (so it scales) and
    the stylesheet caps it at the page's width with the height following."""
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert svgs and all("viewBox=" in tag for tag in svgs)
    assert re.search(r"svg\[viewBox\]\{max-width:100%;height:auto\}", html)


def test_cost_parts_mean_the_same_on_every_cloud(comparison: Comparison) -> None:
    """The serving machines are "Endpoint" on every cloud (on GCP they sit in the deployed model,
    inside the autoscaling component: they used to be filed under "Autoscaling"); scaling rules cost
    nothing on any of the three clouds, so no cloud has an "Autoscaling" cost."""
    from mlopskit.report_html import cost_by_part

    parts = {r.cloud: cost_by_part(r) for r in comparison.results if r.estimate is not None}
    assert set(parts) == {r.cloud for r in comparison.results}
    for cloud, by_part in parts.items():
        assert "Autoscaling" not in by_part, cloud
        assert by_part["Endpoint"][0] > 0, cloud
    # The parts every cloud bills for this stack are under the same names on each; the others differ
    # for real (GCP logs requests to BigQuery, "Data capture", where AWS and Azure write to the
    # artifact store; on GCP the stack's network holds no resource the kit prices).
    # "Monitoring" is the kit's monitor job where it is scheduled (AWS, GCP, Azure, with Log Analytics
    # on Azure); on a cluster the job is not scheduled yet (warned at the field), so nothing is billed.
    core = {"Training", "Artifact store", "Container registry", "Endpoint", "Alarms", "Keys", "Backups"}
    for cloud in ("aws", "gcp", "azure"):
        assert core <= set(parts[cloud]), (cloud, sorted(core - set(parts[cloud])))
    assert {"Monitoring" in parts[cloud] for cloud in ("aws", "gcp", "azure")} == {True}
    assert "Monitoring" not in parts["kubernetes"]
    # On a cluster the rate card prices the workloads' requests; storage, registry and keys are
    # the operator's (docs/kubernetes.md), so they are not parts of the bill.
    assert set(parts["kubernetes"]) == {"Training", "Endpoint"}
