"""No rule id or resource name is ever split or shortened in text output, at 80 columns or in a pipe.

Every bundled example on every cloud it places: the policy findings, the cost table, the preview
tree and the comparison (with --verbose, which lists every finding) are rendered at 80 columns and
at the fixed pipe width, and each identifier must appear whole, as one token, in each of them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from mlopskit.compare.model import Comparison
from mlopskit.compare.render import to_table
from mlopskit.compare.run import compare
from mlopskit.console import PLAIN, FittedTable, Style, render, table, verdict
from mlopskit.cost import cost_table
from mlopskit.modules.placement import CLOUDS
from mlopskit.report import preview_table
from tests.conftest import EXAMPLE_SPECS

NARROW = Style(colour=False, width=80)


@cache
def comparison_of(name: str) -> Comparison:
    from mlopskit.modules.loader import load_stack

    spec = next(p for p in EXAMPLE_SPECS if p.name == name)
    placed = [c for c in CLOUDS if load_stack(spec, None).placement.for_cloud(c) is not None]
    return compare(str(spec), placed)


def whole(identifier: str, text: str) -> bool:
    """``identifier`` stands in ``text`` as a token of its own (not folded, cut or glued to another)."""
    return re.search(rf"(?<![\w.:/-]){re.escape(identifier)}(?![\w.:/-])", text) is not None


def outputs(comparison: Comparison, style: Style) -> dict[str, str]:
    from mlopskit.commands.policy import policy_table

    rendered = {"compare": to_table(comparison, style, verbose=True)}
    for result in comparison.results:
        if result.graph is not None:
            rendered[f"preview {result.cloud}"] = preview_table(result.graph, style)
        if result.policies is not None:
            with pytest.MonkeyPatch.context() as patch:  # policy_table picks its style from stdout
                patch.setattr("mlopskit.console.detect", lambda stream: style)
                rendered[f"policy {result.cloud}"] = policy_table(result.policies)
        if result.estimate is not None:
            rendered[f"cost {result.cloud}"] = cost_table(result.estimate, style)
    return rendered


def identifiers(comparison: Comparison) -> dict[str, set[str]]:
    """What each output must show whole: rule ids and resource names of the findings (policy and
    compare), the priced resources' names (cost), every resource name and type (preview)."""
    found: dict[str, set[str]] = {"compare": set()}
    for result in comparison.results:
        violations = result.policies.violations if result.policies else []
        names = {v.policy for v in violations} | {v.name for v in violations}
        found["compare"] |= names
        found[f"policy {result.cloud}"] = names
        if result.estimate is not None:
            found[f"cost {result.cloud}"] = {r.name for r in result.estimate.resources if r.components}
        if result.graph is not None:
            found[f"preview {result.cloud}"] = {r.name for r in result.graph if not r.type.startswith("pulumi:")}
    return found


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLE_SPECS))
@pytest.mark.parametrize("style", [NARROW, PLAIN], ids=["80-columns", "pipe"])
def test_identifiers_are_never_split(name: str, style: Style, credit_risk_comparison: Any) -> None:
    comparison = credit_risk_comparison if name == "credit-risk.yaml" else comparison_of(name)
    rendered = outputs(comparison, style)
    checked = 0
    for output, wanted in identifiers(comparison).items():
        missing = sorted(i for i in wanted if not whole(i, rendered[output]))
        assert not missing, f"{name} {output} at {style.width} columns splits or drops: {missing[:5]}"
        checked += len(wanted)
    assert checked > 0
    if style is NARROW:  # no line is wider than the terminal, unless a single word is
        for output, text in rendered.items():
            for line in text.splitlines():
                assert len(line) <= 80 or " " not in line.strip(), f"{name} {output}: {line!r}"


def test_a_table_too_narrow_for_its_words_becomes_blocks() -> None:
    grid = table([("policy", "left"), ("resource", "left"), ("message", "left")],
                 [["key-deletion-protection", "credit-risk-prod-keys-europe-west4-artifacts-key", "key can be deleted"]])
    assert isinstance(grid, FittedTable) and grid.widths(60) is None and grid.widths(100) is not None
    text = render([grid], Style(colour=False, width=60))
    assert text.splitlines()[:3] == ["policy: key-deletion-protection",
                                     "resource: credit-risk-prod-keys-europe-west4-artifacts-key",
                                     "message: key can be deleted"]


def test_the_check_can_fail() -> None:
    """Folded the way rich folds a long word, the name is no longer whole."""
    assert whole("fraud-dev-keys-europe-west4-key", "x  fraud-dev-keys-europe-west4-key  y")
    assert not whole("fraud-dev-keys-europe-west4-key", "x  fraud-dev-keys-europe-west4-\n   key  y")
    assert not whole("customer-managed", "customer-mana\nged key")


def test_a_later_warning_colours_the_cell() -> None:
    assert verdict("within ($6,000.00); WARNING: exceeded at max").style == "bold yellow"
    assert verdict("within ($6,000.00)").style == "green"
    assert verdict("PASSED: 60 rules, 0 unknown").style == "bold green"


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLE_SPECS))
def test_every_bundled_example_passes_on_every_cloud_it_names(name: str, credit_risk_comparison: Any) -> None:
    """A newcomer's first `compare` is green: every mandatory rule passes (an accepted finding is a
    waiver in the spec, with its reason, and is still reported) and the baseline is within budget."""
    from mlopskit.compare.model import judge

    comparison = credit_risk_comparison if name == "credit-risk.yaml" else comparison_of(name)
    assert judge(comparison).failures == []
