"""Runs the Pulumi program of a checkout in the environment `pulumi install` makes (``make wheel-check``).

Usage: ``VENV/bin/python .ci/pulumi_install_check.py REPO_ROOT``, with VENV a fresh virtualenv that
holds only what ``requirements.txt`` installs (the lock and the kit, editable). From the checkout,
as Pulumi runs it, ``__main__.py`` runs under the kit's mocks once per cloud with the stack
config of ``stacks/Pulumi.prod-<cloud>.yaml``. Checks that ``mlopskit.modules``,
``mlopskit.providers`` and ``mlopskit.policies`` are the checkout's top-level folders and that the
program registered the stack's resources. Exits 1 with one line per failed check.
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path
from typing import Any

import yaml


def _layers(root: Path) -> list[str]:
    """Where each layer was imported from, when it is not the checkout's folder."""
    import mlopskit.modules
    import mlopskit.policies
    import mlopskit.providers

    problems = []
    for name, module in (("modules", mlopskit.modules), ("providers", mlopskit.providers), ("policies", mlopskit.policies)):
        if Path(module.__file__ or "").resolve().parent != root / name:
            problems.append(f"mlopskit.{name} is imported from {module.__file__}, not from {root / name}")
    return problems


def _run(root: Path, config: Path) -> list[str]:
    """``__main__.py`` under the mocks with ``config``'s settings; the problems seen."""
    import pulumi

    import mlopskit.providers
    from mlopskit.engine import run_program
    from mlopskit.modules.loader import load_stack

    values: dict[str, Any] = yaml.safe_load(config.read_text())["config"]
    cloud = values["mlopskit:provider"]
    provider = mlopskit.providers.get_provider(cloud)
    stack = load_stack(root / values["mlopskit:spec"], cloud)

    def program() -> None:
        for key, value in values.items():
            pulumi.runtime.set_config(key, str(value))
        runpy.run_path(str(root / "__main__.py"), run_name="__main__")

    # `pulumi up` asks the live model registry; under the mocks the provider's seeded one answers.
    with provider.offline_registry(stack) as registry:
        provider.registry = lambda _stack: registry  # type: ignore[method-assign]
        original = mlopskit.providers.get_provider
        mlopskit.providers.get_provider = lambda _cloud: provider  # type: ignore[assignment]
        try:
            monitor = run_program(provider, config.stem.removeprefix("Pulumi."), program)
        finally:
            mlopskit.providers.get_provider = original
    endpoints = [r for r in monitor.records.values() if r.custom and "ndpoint" in r.type]
    if not endpoints:
        return [f"{config.name}: the program registered no endpoint ({len(monitor.records)} resources)"]
    print(f"pulumi-install-check: {config.name}: __main__.py registered {len(monitor.records)} resources")
    return []


def main() -> int:
    root = Path(sys.argv[1]).resolve()
    os.chdir(root)  # Pulumi runs the program from the project directory
    sys.path.insert(0, str(root))  # as Pulumi's Python host does: the program's directory first
    problems = _layers(root)
    for cloud in ("aws", "gcp", "azure"):
        problems += _run(root, root / "stacks" / f"Pulumi.prod-{cloud}.yaml")
    for problem in problems:
        print(f"pulumi-install-check: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
