"""The Markdown report's architecture diagrams are Mermaid that Mermaid itself parses.

Mermaid's own parser (tests/mermaid: the npm package under jsdom, installed by `make mermaid-env`,
a prerequisite of `make test`) reads every diagram; GitHub renders ```` ```mermaid ```` blocks with
the same library.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mlopskit.diagram.model import Architecture, Edge, Node
from mlopskit.mermaid import to_mermaid

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "tests" / "mermaid"


def parse(diagrams: list[str]) -> list[dict[str, Any]]:
    """Each diagram through Mermaid's parser: ``{"ok": True, "type": ...}`` or ``{"ok": False, "error": ...}``."""
    node = shutil.which("node")
    if node is None or not (CHECK / "node_modules" / "mermaid").is_dir():
        if os.environ.get("CI"):
            pytest.fail("Mermaid's parser is not installed: make mermaid-env (node and npm)")
        pytest.skip("Mermaid's parser is not installed: make mermaid-env")
    done = subprocess.run([node, str(CHECK / "check.mjs")], input=json.dumps(diagrams), capture_output=True,
                          text=True, timeout=300, check=True)
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def _planted() -> Architecture:
    """Names with every character Mermaid reads as syntax."""
    return Architecture(
        cloud="aws", stack="s", primary_region="eu-west-1", backup_region="eu-central-1",
        nodes=[Node(id="endpoint:scoring", role="endpoint", label='scoring "v2" <b>#1</b> -->|x|', services=["SageMaker [endpoint]"],
                    private=True),
               Node(id="artifacts", role="artifacts", label="artifacts (S3)", services=["S3 {bucket}"]),
               Node(id="backups", role="backups", label="backups; copy", backup=True)],
        edges=[Edge(source="artifacts", target="endpoint:scoring", kind="flow", label='model "artifacts" | x'),
               Edge(source="artifacts", target="backups", kind="flow", label="")],
        network=["vpc-1"], unmapped=[])


def test_the_bundled_example_draws_as_mermaid_on_every_cloud(credit_risk_comparison: Any) -> None:
    architectures = [r.architecture for r in credit_risk_comparison.results if r.architecture is not None]
    assert len(architectures) == len(credit_risk_comparison.results)
    diagrams = [to_mermaid(a) for a in architectures]
    assert parse(diagrams) == [{"ok": True, "type": "flowchart-v2"}] * len(diagrams)
    for arch, text in zip(architectures, diagrams, strict=True):
        drawn = {n.id for n in arch.nodes}
        # every flow between drawn parts is an arrow of the diagram
        assert text.count("-->") == sum(e.source in drawn and e.target in drawn for e in arch.edges)


def test_names_that_look_like_syntax_stay_labels() -> None:
    text = to_mermaid(_planted())
    assert parse([text]) == [{"ok": True, "type": "flowchart-v2"}]
    assert 'scoring #quot;v2#quot; #lt;b#gt;#35;1#lt;/b#gt; --#gt;|x|' in text
    assert 'subgraph network["private network: vpc-1"]' in text
    assert 'subgraph backup["backup region eu-central-1"]' in text


def test_the_parser_rejects_a_broken_diagram() -> None:
    """The check can fail: an unquoted label holding a quote, and an arrow without a target."""
    results = parse(['flowchart LR\n  a["x "y" z"]\n', "flowchart LR\n  a -->|x|\n"])
    assert [r["ok"] for r in results] == [False, False]
