"""``python -m mlopskit.monitor.gate_entry``: the pipeline's evaluation step (contract: GATE_*)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from mlopskit.monitor import contract, gate
from mlopskit.monitor.errors import MonitorInputError


def settings_from(env: Mapping[str, str]) -> gate.GateSettings:
    minimums: dict[str, float] = {}
    for pair in filter(None, env.get("GATE_MINIMUMS", "").split(",")):
        name, _, value = pair.partition("=")
        try:
            minimums[name.strip()] = float(value)
        except ValueError:
            raise MonitorInputError("GATE_MINIMUMS", f"not metric=number: {pair!r}") from None
    margin = env.get("GATE_MARGIN")
    return gate.GateSettings(env.get("GATE_PROBLEM_TYPE", ""), minimums, float(margin) if margin else None,
                             env.get("GATE_POSITIVE", "1"), float(env.get("GATE_THRESHOLD", "0.5")))


def read_column(folder: Path, where: str, required: bool = True) -> pd.Series | None:
    """One value per line of every file in ``folder`` (a transform's ``.out`` files), in file order."""
    if folder.is_file():
        files = [folder]
    else:
        files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    if not files:
        if required:
            raise MonitorInputError(where, "no files")
        return None
    lines = [line.strip() for path in files for line in path.read_text().splitlines() if line.strip()]
    return pd.Series(lines, dtype=object)


def execute(env: Mapping[str, str]) -> dict:
    root = Path(env.get("GATE_ROOT", contract.PROCESSING_ROOT))
    settings = settings_from(env)
    holdout = root / contract.GATE_LABELS
    # The pipeline mounts labels.csv alone; a whole hold-out folder also works (its labels file).
    labels_folder = holdout / contract.HOLDOUT_LABELS if (holdout / contract.HOLDOUT_LABELS).is_file() else holdout
    labels = read_column(labels_folder, contract.GATE_LABELS)
    candidate = read_column(root / contract.GATE_CANDIDATE, contract.GATE_CANDIDATE)
    serving = read_column(root / contract.GATE_SERVING, contract.GATE_SERVING, required=False)
    assert labels is not None and candidate is not None  # required
    result = gate.evaluate(settings, labels, candidate, serving if settings.margin is not None else None)
    doc = gate.document(result, settings, gate.manifest_sha256(root / contract.GATE_TRAINING_DATA))
    gate.write(doc, root)
    return doc


def main(env: Mapping[str, str] | None = None) -> int:
    try:
        doc = execute(os.environ if env is None else env)
    except MonitorInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"gate: {'passed' if doc['gate']['passed'] else 'failed'}: {doc['metrics']['candidate']}")
    return 0  # a failed gate is a verdict, not a failed step: the condition step reads it


if __name__ == "__main__":
    sys.exit(main())
