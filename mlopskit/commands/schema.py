"""``mlopskit schema``: print the JSON Schema of spec v1 (what docs/spec.schema.json holds)."""

from __future__ import annotations

import argparse
from typing import Any


def run(args: argparse.Namespace) -> int:
    from mlopskit.docs_gen import schema_json

    print(schema_json(), end="")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("schema", help="print the JSON Schema of spec v1 (for editors and CI)")
    parser.set_defaults(run=run)
