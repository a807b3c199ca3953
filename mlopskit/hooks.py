"""pre-commit hooks (``.pre-commit-hooks.yaml``): one ``mlopskit`` command per staged spec.

pre-commit runs ``ENTRY ARGS... FILE...``; ``mlopskit validate`` and ``mlopskit policy`` take one
spec each, so ``python -m mlopskit.hooks validate|policy [OPTIONS] FILE...`` runs the command once
per file and exits with the worst exit code. ``policy`` without ``--provider`` checks every cloud
the spec places, as ``validate`` does.

pre-commit hands every staged YAML file to the hook (``types: [yaml]``); a spec is recognised by
its content, an ``apiVersion: mlopskit/...`` line at the top level, wherever it lives and whatever
it is called, so Pulumi stack configs and other YAML are left out and a spec outside ``stacks/``
is still checked. The line is matched as text, not parsed, so a spec with a YAML syntax error is
still recognised and its error reported.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from mlopskit.cli import main as cli_main
from mlopskit.modules.errors import SpecError
from mlopskit.modules.loader import load_stack
from mlopskit.modules.placement import CLOUDS

COMMANDS = ("validate", "policy")
SPEC_SUFFIXES = (".yaml", ".yml")
SPEC_MARK = re.compile(rb"^apiVersion:[ \t]*[\"']?mlopskit/", re.MULTILINE)


def is_spec(path: str) -> bool:
    """A YAML file whose top level declares ``apiVersion: mlopskit/...`` (read as bytes: any encoding)."""
    try:
        return bool(SPEC_MARK.search(Path(path).read_bytes()))
    except OSError:
        return False


def split(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(options, spec files): pre-commit appends the files after the hook's own args; other YAML is dropped."""
    yaml_files = [a for a in argv if Path(a).suffix in SPEC_SUFFIXES and not a.startswith("-") and Path(a).is_file()]
    options = [a for a in argv if a not in yaml_files]
    return options, [f for f in yaml_files if is_spec(f)]


def commands(command: str, argv: Sequence[str]) -> list[list[str]]:
    """The ``mlopskit`` command lines the hook runs for ``argv``."""
    options, files = split(argv)
    if command == "policy" and "--provider" not in options:
        lines = []
        for spec in files:
            try:
                placed = [c for c in CLOUDS if load_stack(spec, None).placement.for_cloud(c) is not None]
            except SpecError:
                placed = [CLOUDS[0]]  # the run reports the spec's errors (exit 2)
            lines += [[command, spec, *options, "--provider", cloud] for cloud in placed]
        return lines
    return [[command, spec, *options] for spec in files]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in COMMANDS:
        print(f"usage: python -m mlopskit.hooks {{{','.join(COMMANDS)}}} [OPTIONS] SPEC...", file=sys.stderr)
        return 2
    worst = 0
    for line in commands(args[0], args[1:]):
        print(f"mlopskit {' '.join(line)}", file=sys.stderr)
        worst = max(worst, cli_main(line))
    return worst


if __name__ == "__main__":
    sys.exit(main())
