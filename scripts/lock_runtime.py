"""Write requirements.lock, the runtime lock, from the development lock and the installed metadata.

    python scripts/lock_runtime.py          # rewrite requirements.lock
    python scripts/lock_runtime.py --check  # exit 1 when requirements.lock is not what this writes

`requirements-dev.lock` pins everything `make test` needs (the kit, its extras, the test tools); the
runtime lock is the part of it that `pip install mlopskit` needs: the closure of the kit's own
dependencies (pyproject's `[project] dependencies`, no extras), walked through the `Requires-Dist`
of the packages installed from the development lock, with environment markers evaluated for this
interpreter (Linux, CPython 3.11). Versions are the development lock's, so both locks agree on every
shared package; nothing is resolved anew and nothing is downloaded.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
DEV_LOCK = ROOT / "requirements-dev.lock"
RUNTIME_LOCK = ROOT / "requirements.lock"
HEADER = """\
# The runtime lock: what `pip install mlopskit`, `pulumi install` (requirements.txt), the GitHub Action
# and `make wheel-check` install. Generated from requirements-dev.lock by scripts/lock_runtime.py (do not
# edit; tests/test_locks.py checks it); no test tooling belongs here.
"""


def pins(lock: Path) -> dict[str, str]:
    """``name -> version`` of a lock file's ``name==version`` lines."""
    found = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def _wanted(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    environments = [{**default_environment(), "extra": extra} for extra in extras or {""}]
    return any(requirement.marker.evaluate(env) for env in environments)


def closure(roots: list[Requirement]) -> set[str]:
    """Every distribution the ``roots`` need, extras included where a requirement asks for them."""
    seen: dict[str, set[str]] = {}
    queue = [(canonicalize_name(r.name), set(r.extras)) for r in roots if _wanted(r, set())]
    while queue:
        name, extras = queue.pop()
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, set()) | extras
        for text in metadata.distribution(name).requires or []:
            requirement = Requirement(text)
            if _wanted(requirement, seen[name]):
                queue.append((canonicalize_name(requirement.name), set(requirement.extras)))
    return set(seen)


def runtime_lock() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    versions = pins(DEV_LOCK)
    needed = closure([Requirement(text) for text in project["dependencies"]])
    missing = sorted(needed - set(versions))
    if missing:
        raise SystemExit(f"not pinned in {DEV_LOCK.name}: {', '.join(missing)}")
    return HEADER + "".join(f"{name}=={versions[name]}\n" for name in sorted(needed))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when requirements.lock is out of date")
    args = parser.parse_args(argv)
    text = runtime_lock()
    if args.check:
        if RUNTIME_LOCK.read_text() != text:
            print(f"{RUNTIME_LOCK.name} is out of date: run python scripts/lock_runtime.py", file=sys.stderr)
            return 1
        return 0
    RUNTIME_LOCK.write_text(text)
    print(f"wrote {RUNTIME_LOCK.name}: {text.count(chr(10)) - HEADER.count(chr(10))} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
