"""Terminal and JSON renderings of a preview."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pulumi
from rich.text import Text

from mlopskit.console import PLAIN, Style, render
from mlopskit.modules.graph import Graph, RecordedResource


def _json_value(value: Any) -> Any:
    """JSON for the values json cannot encode. A file uploaded by `pulumi up` shows as its
    name and content hash: where it sits on this machine is not part of the contract."""
    if isinstance(value, pulumi.FileAsset):
        path = Path(str(value.path))
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        return {"fileAsset": path.name, "sha256": digest}
    return str(value)


def preview_json(graph: Graph) -> str:
    """The preview contract: provider, stack, resources (urn, type, name, parent,
    dependencies, protect, inputs) and warnings, in a deterministic order."""
    return json.dumps(graph.to_json(), indent=2, sort_keys=True, default=_json_value)


def preview_table(graph: Graph, style: Style = PLAIN) -> str:
    """A tree grouped by component (each component, then the resources under it) and, as Pulumi ends
    a preview, the count of what would be created. Lines wrap between words, never inside a type or
    a name; on a colour terminal `+` is green and `[protected]` yellow."""
    by_parent: dict[str | None, list[RecordedResource]] = {}
    for resource in graph:
        by_parent.setdefault(resource.parent, []).append(resource)
    created = sum(1 for r in graph if r.custom and not r.type.startswith("pulumi:providers:"))
    components = sum(1 for r in graph if not r.custom)
    parts: list[Text | str] = [Text(f"{graph.stack} on {graph.provider}: {created} resources in {components} components",
                                    style="bold")]

    def walk(parent: str | None, depth: int) -> None:
        for resource in sorted(by_parent.get(parent, []), key=lambda r: (r.custom, r.type, r.name)):
            if resource.type.startswith("pulumi:providers:"):
                continue
            mark = ("+", "green") if resource.custom else ("#", "")
            line = Text.assemble("  " * depth, mark, f" {resource.type}  {resource.name}")
            if resource.protect:
                line.append("  [protected]", style="yellow")
            parts.append(line)
            walk(resource.urn, depth + 1)

    walk(None, 0)
    if graph.warnings:
        parts += ["", Text(f"{len(graph.warnings)} warning(s): settings this cloud handles differently or not at all",
                           style="yellow")]
        parts += [f"  ! {warning}" for warning in graph.warnings]
    parts += ["", "Resources:", Text.assemble("    ", ("+", "green"), f" {created} to create"),
              f"    {components} components, {sum(1 for r in graph if r.protect)} protected"]
    return render(parts, style)


def summary(graph: Graph) -> dict[str, Any]:
    """Counts used by scripts and benchmarks."""
    return {"resources": sum(1 for r in graph if r.custom), "components": sum(1 for r in graph if not r.custom)}
