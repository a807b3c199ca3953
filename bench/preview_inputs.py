"""Snapshot and diff the previewed inputs of the bundled specs on every cloud.

A refactoring of the builds (moving orchestration, re-parenting components) must keep
every resource's inputs; only URNs may move, and those get aliases. Usage:

    python bench/preview_inputs.py snapshot before.json [CLOUD...]   # on the old code
    python bench/preview_inputs.py snapshot after.json    # on the new code
    python bench/preview_inputs.py diff before.json after.json

Resources are matched by (type, logical name), which re-parenting does not change; the
diff lists resources only on one side, changed inputs, and changed warnings/outputs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlopskit.engine import preview  # noqa: E402
from mlopskit.modules.loader import load_stack  # noqa: E402
from mlopskit.modules.placement import CLOUDS  # noqa: E402

SPECS = sorted((ROOT / "stacks").glob("*.yaml"))


def _plain(value: Any) -> Any:
    """JSON-comparable form of recorded inputs/outputs (Outputs and secrets as their repr)."""
    return json.loads(json.dumps(value, sort_keys=True, default=lambda o: f"<{type(o).__name__}>"))


def snapshot(clouds: tuple[str, ...] = CLOUDS) -> dict[str, Any]:
    """{spec/cloud: {resources: {type::name: inputs}, urns: [...], warnings: [...], outputs}}."""
    out: dict[str, Any] = {}
    for spec in SPECS:
        if spec.name.startswith("Pulumi."):
            continue
        for cloud in clouds:
            stack = load_stack(str(spec), cloud)
            graph = preview(stack, cloud)
            out[f"{spec.name}/{cloud}"] = {
                "resources": {f"{r.type}::{r.name}": _plain(r.inputs) for r in graph.resources},
                "urns": sorted(r.urn for r in graph.resources),
                "warnings": [f"{w.path}: {w.message}" for w in graph.warnings],
                "outputs": _plain(graph.outputs),
            }
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Human-readable differences in resources and their inputs, warnings and outputs."""
    lines: list[str] = []
    for key in sorted(set(before) & set(after)):
        old, new = before.get(key), after.get(key)
        if old is None or new is None:
            lines.append(f"{key}: only {'after' if old is None else 'before'}")
            continue
        for name in sorted(set(old["resources"]) | set(new["resources"])):
            if name not in new["resources"]:
                lines.append(f"{key}: {name} removed")
            elif name not in old["resources"]:
                lines.append(f"{key}: {name} added")
            elif old["resources"][name] != new["resources"][name]:
                lines.append(f"{key}: {name} inputs changed")
        lines += [f"{key}: warning removed: {w}" for w in old["warnings"] if w not in new["warnings"]]
        lines += [f"{key}: warning added: {w}" for w in new["warnings"] if w not in old["warnings"]]
        if old["outputs"] != new["outputs"]:
            lines.append(f"{key}: outputs changed")
    return lines


def moved_urns(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """URNs present before and not after (the resources that need an alias)."""
    return [f"{key}: {urn}" for key in sorted(before) if key in after
            for urn in before[key]["urns"] if urn not in set(after[key]["urns"])]


def main(argv: list[str]) -> int:
    if argv[:1] == ["snapshot"] and len(argv) >= 2:
        clouds = tuple(argv[2:]) or CLOUDS
        Path(argv[1]).write_text(json.dumps(snapshot(clouds), indent=1, sort_keys=True))
        return 0
    if argv[:1] == ["diff"] and len(argv) == 3:
        before, after = (json.loads(Path(p).read_text()) for p in argv[1:])
        changes = diff(before, after)
        print("\n".join(changes) or "no input, warning or output changed")
        moved = moved_urns(before, after)
        print(f"{len(moved)} URN(s) moved" + "".join(f"\n  {m}" for m in moved))
        return 1 if changes else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
