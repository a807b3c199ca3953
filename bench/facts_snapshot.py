"""Snapshot of every normalized fact and cost line of the bundled specs on every cloud.

A refactoring of the facts or cost code must not change a single value: take a snapshot
before, one after, and compare them.

Run: .venv/bin/python bench/facts_snapshot.py OUT.json            (write a snapshot)
     .venv/bin/python bench/facts_snapshot.py --compare OLD.json NEW.json   (exit 1 on any difference)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mlopskit.modules.targets import names as target_names

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPECS = (ROOT / "stacks" / "credit-risk.yaml", ROOT / "stacks" / "fraud-dev.yaml",
         ROOT / "stacks" / "lifecycle.yaml", ROOT / "stacks" / "llm-serving.yaml",
         ROOT / "tests" / "policies" / "fixtures" / "weakened.yaml")
CLOUDS = tuple(target_names())  # every registered target, parametrized from the registry


def snapshot() -> dict[str, Any]:
    """``{"<spec>/<cloud>": {"facts": [...], "cost": [...]}}`` for every bundled spec and cloud."""
    from mlopskit.engine import preview
    from mlopskit.load import load_checked
    from mlopskit.policies.runner import provider_facts
    from mlopskit.providers.costing import estimate

    out: dict[str, Any] = {}
    for spec in SPECS:
        for cloud in CLOUDS:
            stack = load_checked(str(spec), cloud)
            graph = preview(stack, cloud)
            facts = [{"kind": f.kind, "urn": f.resource_urn, "type": f.type, "name": f.name, "region": f.region,
                      "protect": f.protect, "jurisdiction": f.jurisdiction, "attrs": dict(f.attrs)}
                     for f in provider_facts(graph, stack)]
            cost = [{"resource": r.name, "free": r.free_reason,
                     "components": [repr(c) for c in r.components]} for r in estimate(graph, stack).resources]
            out[f"{spec.name}/{cloud}"] = {"facts": facts, "cost": cost}
    return out


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """One line per spec/cloud whose facts or cost lines differ (empty: identical)."""
    problems = []
    for key in sorted(set(old) | set(new)):
        for part in ("facts", "cost"):
            before, after = (old.get(key) or {}).get(part), (new.get(key) or {}).get(part)
            if before != after:
                changed = [a for a in (after or []) if a not in (before or [])]
                problems.append(f"{key} {part}: {len(changed)} entries differ, first: {changed[:1]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--compare", action="store_true", help="compare two snapshots instead of writing one")
    args = parser.parse_args(argv)
    if args.compare:
        old, new = (json.loads(Path(p).read_text()) for p in args.paths)
        problems = compare(old, new)
        print("\n".join(problems) or f"identical: {len(new)} spec/cloud pairs, "
              f"{sum(len(v['facts']) for v in new.values())} facts, {sum(len(v['cost']) for v in new.values())} cost lines")
        return 1 if problems else 0
    Path(args.paths[0]).write_text(json.dumps(snapshot(), indent=1, sort_keys=True, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
