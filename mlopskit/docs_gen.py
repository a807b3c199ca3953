"""Generated reference files: ``python -m mlopskit.docs_gen`` writes them, ``--check`` compares.

- ``docs/spec.schema.json``: the JSON Schema of spec v1 (``mlopskit schema``), which the bundled
  specs name in their ``# yaml-language-server: $schema=...`` line so editors validate and complete;
- ``docs/spec.md``: the spec reference, rendered from that schema;
- ``docs/rules.md``: the policy rules reference that SARIF's ``helpUri`` links to;
- ``docs/deploying-identity.md``: what the identities running the day-2 commands need and get
  (mlopskit/permissions_doc.py, from the providers' permission tables).

``tests/test_spec_schema.py`` and ``tests/policies/test_sarif_locations.py`` fail when a file is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = "docs/spec.schema.json"


def schema_json() -> str:
    """The schema as the file and ``mlopskit schema`` hold it."""
    from mlopskit.modules.spec_schema import spec_schema

    return json.dumps(spec_schema(), indent=2, ensure_ascii=False) + "\n"


def _ref(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _type(node: dict[str, Any]) -> str:
    """A short readable type: ``int 1-100``, ``list of [Endpoint](#endpoint)``, ``"a" | "b"``."""
    if (name := _ref(node)) is not None:
        return f"[{name}](#{name.lower()})"
    if "anyOf" in node:
        parts = [_type(option) for option in node["anyOf"] if option.get("type") != "null"]
        optional = any(option.get("type") == "null" for option in node["anyOf"])
        return " or ".join(parts) + (" (or null)" if optional else "")
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in node["enum"])
    kind = node.get("type", "any")
    if kind == "array":
        return f"list of {_type(node.get('items', {}))}"
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        return f"map of {_type(node['additionalProperties'])}"
    bounds = [f"{label} {node[key]}" for key, label in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="),
                                                        ("exclusiveMaximum", "<"), ("minLength", "length >="),
                                                        ("maxLength", "length <="), ("maxItems", "items <="))
              if key in node]
    if "pattern" in node:
        bounds.append(f"pattern `{node['pattern']}`")
    return kind + (f" ({', '.join(bounds)})" if bounds else "")


def _cell(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("|", "\\|")


def spec_markdown(schema: dict[str, Any]) -> str:
    """docs/spec.md: one table per model, root first, in the order the spec reads."""
    definitions = schema.get("$defs", {})
    order: list[str] = ["Stack"]
    todo = [schema]
    while todo:  # models in the order their fields first mention them
        node = todo.pop(0)
        for prop in node.get("properties", {}).values():
            for name in _refs(prop):
                if name not in order:
                    order.append(name)
                    todo.append(definitions[name])
    out = ["# Spec v1 reference", "",
           "<!-- Generated from the JSON Schema by `python -m mlopskit.docs_gen`: do not edit. -->", "",
           f"Every field of a spec v1 document. `mlopskit schema` prints the JSON Schema (also in `{SCHEMA_FILE}`);",
           "a spec whose first line is `# yaml-language-server: $schema=../docs/spec.schema.json` (as in `stacks/`)",
           "is validated and completed by editors that use the YAML language server. Unknown fields are errors,",
           "types are strict, and `mlopskit validate` checks what a schema cannot (docs/validation.md).", ""]
    for name in order:
        node = schema if name == "Stack" else definitions[name]
        required = set(node.get("required", []))
        out += [f"## {name}", "", node.get("description", ""), "",
                "| field | type | required / default | description |", "|---|---|---|---|"]
        for field, prop in node.get("properties", {}).items():
            needed = "required" if field in required else (f"default {_cell(prop['default'])}" if "default" in prop else "optional")
            text = prop.get("description", "")
            if "examples" in prop:
                text += " Example: " + "; ".join(f"`{_cell(e)}`" for e in prop["examples"])
            out.append(f"| `{field}` | {_type(prop)} | {needed} | {text} |")
        out.append("")
    return "\n".join(out)


def _refs(node: Any) -> list[str]:
    """Model names a property refers to, anywhere inside it."""
    if isinstance(node, dict):
        own = [_ref(node)] if _ref(node) else []
        return [n for n in own if n] + [n for value in node.values() for n in _refs(value)]
    if isinstance(node, list):
        return [n for value in node for n in _refs(value)]
    return []


def generated() -> dict[str, str]:
    """Each generated file (path relative to the repository) and its current content."""
    from mlopskit import permissions_doc
    from mlopskit.modules.spec_schema import spec_schema
    from mlopskit.policies.report import rules_markdown
    from mlopskit.policies.runner import resolve_rules

    return {SCHEMA_FILE: schema_json(), "docs/spec.md": spec_markdown(spec_schema()),
            "docs/rules.md": rules_markdown(resolve_rules(())), permissions_doc.DOC: permissions_doc.markdown()}


def stale(root: Path = ROOT) -> list[str]:
    """The generated files whose content on disk differs from what the code generates."""
    return [path for path, text in generated().items()
            if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlopskit.docs_gen", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 naming each stale file, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        for path in stale():
            print(f"{path}: stale (run python -m mlopskit.docs_gen)", file=sys.stderr)
        return 1 if stale() else 0
    for path, text in generated().items():
        (ROOT / path).write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
