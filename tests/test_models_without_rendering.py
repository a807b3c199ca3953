"""The comparison and the diagram are models first: computed without any renderer, and rendered
from a model a test builds by hand.

- Statically: nothing the model and run modules import, directly or not, is a renderer.
- At run time: a fresh interpreter computes a comparison (the diagram model included) and has
  loaded no renderer when it is done.
- The renderers read only the model: a comparison and an architecture built here, with no
  graph and no preview, render with every part they hold.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from mlopskit.compare.model import CloudResult, Comparison, ComputeMatch, FeatureRow
from mlopskit.compare.render import to_markdown
from mlopskit.diagram.model import Architecture, Edge, Node
from mlopskit.diagram.render import to_svg
from tests.test_import_cycles import import_graph

ROOT = Path(__file__).resolve().parent.parent
MODELS = ("mlopskit.compare.model", "mlopskit.compare.run", "mlopskit.diagram.model", "mlopskit.diagram.build")
RENDERERS = ("mlopskit.compare.render", "mlopskit.diagram.render", "mlopskit.mermaid", "mlopskit.report_html")


def _closure(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += graph.get(node, set())
    return seen


def _renderers_reached(graph: dict[str, set[str]], models: tuple[str, ...], renderers: tuple[str, ...]) -> dict[str, list[str]]:
    return {model: sorted(_closure(graph, model) & set(renderers)) for model in models
            if _closure(graph, model) & set(renderers)}


def test_the_models_import_no_renderer() -> None:
    graph = import_graph(ROOT / "mlopskit", "mlopskit")
    assert set(MODELS) | set(RENDERERS) <= set(graph), "every module named here exists"
    assert _renderers_reached(graph, MODELS, RENDERERS) == {}


def test_a_model_importing_its_renderer_is_caught(tmp_path: Path) -> None:
    """The planted violation: a model module reaching the renderer through a helper."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "model.py").write_text("from pkg import helper\n")
    (package / "helper.py").write_text("def fmt():\n    from pkg.render import draw\n")
    (package / "render.py").write_text("def draw(): ...\n")
    graph = import_graph(package, "pkg")
    assert _renderers_reached(graph, ("pkg.model",), ("pkg.render",)) == {"pkg.model": ["pkg.render"]}


_COMPUTE = """
import json, sys
from mlopskit.compare.run import compare
comparison = compare(sys.argv[1], ["gcp"])
[result] = comparison.results
arch = result.architecture
print(json.dumps({
    "renderers": sorted(m for m in RENDERERS if m in sys.modules),
    "features": {f.setting: f.support for f in result.features},
    "compute": [m.path for m in result.compute],
    "roles": sorted({n.role for n in arch.nodes}),
    "flows": sorted({(arch.node(e.source).role, arch.node(e.target).role) for e in arch.edges if e.kind == "flow"}),
    "monthly": str(result.estimate.total_monthly),
}))
"""


def test_a_comparison_and_its_diagram_are_computed_without_rendering() -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", _COMPUTE.replace("RENDERERS", repr(RENDERERS)), str(ROOT / "stacks" / "credit-risk.yaml")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=True)
    model = json.loads(done.stdout.strip().splitlines()[-1])
    assert model["renderers"] == []
    # What the model holds is the spec's: two endpoints and one training job, priced.
    assert model["compute"] == ["endpoints[0].compute", "endpoints[1].compute", "training[0].compute"]
    assert model["features"]["deployment.strategy: canary/linear"] in ("native", "emulated")
    assert {"endpoint", "model_registry", "training", "artifacts"} <= set(model["roles"])
    assert ["model_registry", "endpoint"] in model["flows"] and ["training", "artifacts"] in model["flows"]
    assert Decimal(model["monthly"]) > 0


def _hand_built() -> Comparison:
    node = [Node("endpoint:scoring", "endpoint", "scoring", ["Vertex AI endpoint"], {"urn:1"}),
            Node("model_registry:models", "model_registry", "models", ["Model Registry"], {"urn:2"})]
    arch = Architecture("gcp", "demo", "europe-west4", None, node,
                        [Edge("model_registry:models", "endpoint:scoring", "flow", "approved version")], [], [])
    result = CloudResult("gcp", features=[FeatureRow("autoscaling", "emulated", "by hand", True)],
                         compute=[ComputeMatch("endpoints[0].compute", "n2-standard-4", False, False, "cpu+memory")],
                         architecture=arch)
    return Comparison("demo", "demo.yaml", [result])


def test_the_renderers_draw_a_model_built_by_hand() -> None:
    comparison = _hand_built()
    markdown = to_markdown(comparison)
    assert "| gcp | `endpoints[0].compute` | `n2-standard-4` | nearest, cpu+memory |" in markdown
    assert "| **autoscaling** | emulated |" in markdown
    arch = comparison.results[0].architecture
    assert arch is not None
    svg = to_svg(arch)
    assert 'data-id="endpoint:scoring"' in svg and 'data-id="model_registry:models"' in svg
    assert 'data-from="model_registry:models" data-to="endpoint:scoring"' in svg
