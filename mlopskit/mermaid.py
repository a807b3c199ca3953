"""The architecture diagram as Mermaid, for the Markdown report and the pull-request comment:
GitHub renders a ```` ```mermaid ```` block as a flowchart, where an SVG or an image cannot be posted.

The same model as the HTML report's SVG (``Architecture``: parts, flows, the private network, the
backup region), drawn by GitHub's renderer instead of ours. Labels are quoted and every character
Mermaid reads as syntax is written as its entity (``#quot;``, ``#lt;``...), so a part's name cannot
break the diagram.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlopskit.diagram.model import Architecture, Node

# What Mermaid reads inside a quoted label: the quote ends it, < and > open HTML, # opens an entity.
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"}


def label(text: str) -> str:
    """``text`` safe inside a quoted Mermaid label."""
    return "".join(_ENTITIES.get(ch, ch) for ch in text)


def node_id(raw: str) -> str:
    """A Mermaid node id: letters, digits and underscores only (ids such as ``endpoint:scoring``
    hold characters Mermaid would parse)."""
    return "n_" + re.sub(r"\W", "_", raw)


def _node(node: Node, indent: str) -> str:
    services = "<br/>".join(label(s) for s in node.services)
    text = label(node.label) + (f"<br/><small>{services}</small>" if services else "")
    return f'{indent}{node_id(node.id)}["{text}"]'


def _group(title: str, key: str, nodes: list[Node], indent: str = "  ") -> list[str]:
    if not nodes:
        return []
    return ([f'{indent}subgraph {key}["{label(title)}"]']
            + [_node(n, indent + "  ") for n in sorted(nodes, key=lambda n: n.id)]
            + [f"{indent}end"])


def to_mermaid(arch: Architecture) -> str:
    """The architecture as a Mermaid flowchart: the primary region (with its private network, when
    the stack has one), the backup region, and the data flows between parts."""
    primary = [n for n in arch.nodes if not n.backup]
    backup = [n for n in arch.nodes if n.backup]
    private = [n for n in primary if n.private]
    public = [n for n in primary if not n.private]
    lines = ["flowchart LR", f'  subgraph primary["{label("primary region " + arch.primary_region)}"]']
    if private:
        title = "private network" + (f": {', '.join(arch.network)}" if arch.network else "")
        lines += _group(title, "network", private, indent="    ")
    lines += [_node(n, "    ") for n in sorted(public, key=lambda n: n.id)]
    lines.append("  end")
    lines += _group(f"backup region {arch.backup_region}", "backup", backup)
    drawn = {n.id for n in arch.nodes}
    for edge in arch.edges:
        if edge.source in drawn and edge.target in drawn:
            arrow = f'-->|"{label(edge.label)}"|' if edge.label else "-->"
            lines.append(f"  {node_id(edge.source)} {arrow} {node_id(edge.target)}")
    return "\n".join(lines) + "\n"
