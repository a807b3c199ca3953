"""Feature loading shared by the example training script (a sibling import of train.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def load_rows(data_dir: str) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels from headerless CSV files, label in the first column
    (SageMaker's built-in convention, kept on every cloud)."""
    files = sorted(Path(data_dir).glob("*.csv"))
    if not files:
        raise SystemExit(f"no *.csv training files in {data_dir}")
    rows = np.vstack([np.loadtxt(f, delimiter=",", ndmin=2) for f in files])
    return rows[:, 1:], rows[:, 0]
